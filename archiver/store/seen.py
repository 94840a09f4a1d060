"""When the archive first and last saw an article: what the revisit policy decides on."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class ArticleSeen:
    """First and last time (ISO 8601, UTC) an article was captured."""

    first_seen: str
    last_seen: str


def article_seen(conn: sqlite3.Connection, url: str) -> ArticleSeen | None:
    """Give when the article at `url` (its canonical URL or a URL it was captured from) was seen;
    None when the archive has no article there."""
    row = conn.execute(
        "SELECT first_seen, last_seen FROM articles WHERE url = ?"
        " OR id = (SELECT article_id FROM captures WHERE url = ? AND article_id IS NOT NULL"
        " ORDER BY id DESC LIMIT 1) LIMIT 1",
        (url, url),
    ).fetchone()
    return ArticleSeen(*row) if row else None
