"""Pages rendered in a browser: one `renders` row per rendered capture (archiver/crawl/render.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass

from archiver.store.warcfiles import WarcLocation


@dataclass(frozen=True)
class RenderRecord:
    """One render of a captured page: outcome and reason, cost, what the browser fetched and was
    refused, controls clicked, frames put in place, and where the rendered DOM is kept."""

    rendered_at: str
    outcome: str
    reason: str | None
    seconds: float
    responses: int
    blocked: int
    clicks: int
    frames: int
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None


COLUMNS = (
    "rendered_at, outcome, reason, seconds, responses, blocked, clicks, frames, warc_file, warc_offset, warc_length"
)


def add_render(conn: sqlite3.Connection, capture_id: int, record: RenderRecord) -> int:
    """Add the render row of a capture and give its id."""
    cur = conn.execute(
        f"INSERT INTO renders (capture_id, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (capture_id, *astuple(record)),
    )
    return cur.lastrowid


def rendered_dom(conn: sqlite3.Connection, capture_id: int) -> WarcLocation | None:
    """Give where the newest rendered DOM of a capture is kept, or None when it was not rendered."""
    row = conn.execute(
        "SELECT warc_file, warc_offset, warc_length FROM renders WHERE capture_id = ? AND warc_file IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        (capture_id,),
    ).fetchone()
    return WarcLocation(*row) if row else None
