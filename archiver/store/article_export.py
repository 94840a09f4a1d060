"""Reads behind the export of one article as a unit: the article found by id or URL, and everything it holds."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from archiver.errors import ConfigError
from archiver.store import reads


@dataclass(frozen=True)
class ArticleRows:
    """One article's rows: the article (with its source name), its versions, comments and captures."""

    article: dict
    versions: list[dict]
    comments: list[dict]
    captures: list[dict]


def find_article(conn: sqlite3.Connection, ident: str) -> int:
    """Give the id of the article `ident` (its id or its URL as stored); ConfigError when there is none."""
    ident = ident.strip()
    if ident.isdigit():
        row = conn.execute("SELECT id FROM articles WHERE id = ?", (int(ident),)).fetchone()
    else:
        row = conn.execute("SELECT id FROM articles WHERE url = ?", (ident,)).fetchone()
    if row is None:
        raise ConfigError(f"no article {ident!r} in the archive", "give an article id or URL from the articles table")
    return row[0]


def article_rows(conn: sqlite3.Connection, article_id: int) -> ArticleRows:
    """Give every row of the article `article_id` (it must exist)."""
    return ArticleRows(
        reads.article(conn, article_id),
        reads.rows(
            conn,
            "SELECT version, captured_at, capture_id, title, authors, published, modified, body, content_hash,"
            " extractor FROM article_versions WHERE article_id = ? ORDER BY version",
            (article_id,),
        ),
        reads.rows(
            conn,
            "SELECT key, parent_key, position, author, published, text, first_seen, last_seen, removed_at, extractor"
            " FROM comments WHERE article_id = ? ORDER BY position, id",
            (article_id,),
        ),
        reads.rows(
            conn,
            "SELECT id, crawl_id, url, final_url, status, fetched_at, content_type, length, sha256, etag,"
            " last_modified, decision, reason, warc_file, warc_offset, warc_length, extractor"
            " FROM captures WHERE article_id = ? ORDER BY id",
            (article_id,),
        ),
    )
