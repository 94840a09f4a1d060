"""Read-only SQL behind the archive pages: home, article, capture and source (search is in search.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from archiver.errors import StoreError
from archiver.store.archive import open_readonly

T = TypeVar("T")

# A body of "normal length" for the completeness table: shorter is a stub or a failed extraction,
# longer is usually a page that swallowed comments or listings.
NORMAL_BODY = (500, 50_000)
RECENT_CRAWLS = 10
LEDGER_ROWS = 100
CHART_DAYS = 365


class QueryTimeout(StoreError):
    """A read of a served page ran past its time limit and was stopped."""


# SQLite runs the progress handler every this many virtual machine instructions (about 0.1 ms of work).
PROGRESS_STEPS = 1000


def time_limited(conn: sqlite3.Connection, limit_ms: int, read: Callable[[sqlite3.Connection], T]) -> T:
    """Give `read(conn)`, stopped with QueryTimeout once it has run `limit_ms` milliseconds.

    The progress handler is SQLite's own way to interrupt a statement (Datasette bounds its queries
    the same way); it is removed afterwards because the connection is shared by other pages."""
    deadline = time.monotonic() + limit_ms / 1000
    # A limit this short is a test's: check at every instruction, or a small query would finish first.
    steps = 1 if limit_ms <= 20 else PROGRESS_STEPS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, steps)
    try:
        return read(conn)
    except sqlite3.OperationalError as exc:
        # An interrupted statement says "interrupted", or names what it was doing ("vtable constructor failed").
        if time.monotonic() <= deadline:
            raise
        raise QueryTimeout(
            f"this page's query ran longer than {limit_ms:,} ms and was stopped", "narrow the search or try again"
        ) from exc
    finally:
        conn.set_progress_handler(None, steps)


def rows(conn: sqlite3.Connection, sql: str, params: dict | tuple = ()) -> list[dict]:
    """Give the rows of `sql` as dicts."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def one(conn: sqlite3.Connection, sql: str, params: dict | tuple = ()) -> dict | None:
    """Give the first row of `sql` as a dict; None when there is none (a page then answers 404)."""
    found = rows(conn, sql + " LIMIT 1", params)
    return found[0] if found else None


def file_is_archive(path: str) -> bool:
    """Tell whether the SQLite file at `path` holds the archive tables (read-only peek)."""
    try:
        conn = open_readonly(path)
        try:
            return has_archive_tables(conn)
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return False


# Pages each serving connection keeps in memory (KiB): SQLite's default of 2 MB re-read the same
# index pages from the file on every search of a million-article archive (a filtered search took a
# fifth longer). A server holds a few connections a process: at most ~16 MB each.
SERVE_CACHE_KIB = 16_384


def serve_read_only(conn: sqlite3.Connection) -> None:
    """Make a connection refuse every write (the archive is served read-only, whatever asks), with a
    page cache sized for serving."""
    conn.execute("PRAGMA query_only = ON")
    conn.execute(f"PRAGMA cache_size = -{SERVE_CACHE_KIB}")


def source_name(conn: sqlite3.Connection, source_id: str) -> str | None:
    """Give the name of the source with id `source_id`, or None."""
    row = conn.execute("SELECT name FROM sources WHERE id = ?", (source_id,)).fetchone()
    return row[0] if row else None


def has_archive_tables(conn: sqlite3.Connection) -> bool:
    """Tell whether the database holds the archive tables."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    return {"articles", "comments", "sources", "crawls", "articles_fts", "comments_fts"} <= names


def home_sources(conn: sqlite3.Connection) -> list[dict]:
    """Give each source with its article count and its last crawl."""
    return rows(
        conn,
        """
        SELECT s.id, s.name, s.url,
               (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles,
               k.started_at AS last_crawl, k.status AS last_status, k.id AS last_crawl_id
        FROM sources s
        LEFT JOIN crawls k ON k.id = (SELECT id FROM crawls WHERE source_id = s.id ORDER BY started_at DESC LIMIT 1)
        ORDER BY s.name""",
    )


def recent_crawls(conn: sqlite3.Connection, limit: int = RECENT_CRAWLS) -> list[dict]:
    """Give the newest crawl runs of every source with their status and main counts."""
    return rows(
        conn,
        """
        SELECT k.id, s.id AS source_id, s.name AS source, k.started_at, k.finished_at, k.status, k.fetched,
               k.articles_new, k.articles_changed, k.comments_new, k.errors
        FROM crawls k JOIN sources s ON s.id = k.source_id ORDER BY k.started_at DESC LIMIT ?""",
        (limit,),
    )


def publishers(conn: sqlite3.Connection) -> list[dict]:
    """Give the newest footer of each site: who publishes what we archive."""
    return rows(
        conn,
        """
        SELECT site, org, address, copyright FROM footers f
        WHERE id = (SELECT id FROM footers g WHERE g.site = f.site ORDER BY last_seen DESC LIMIT 1)
        ORDER BY site""",
    )


def article(conn: sqlite3.Connection, article_id: int) -> dict | None:
    """Give one article with its source name."""
    return one(
        conn,
        """
        SELECT a.*, s.name AS source FROM articles a JOIN sources s ON s.id = a.source_id
        WHERE a.id = ?""",
        (article_id,),
    )


def article_comments(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Give the article's comments in page order, removed ones included."""
    return rows(
        conn,
        """
        SELECT id, key, parent_key, position, author, published, text, first_seen, last_seen, removed_at
        FROM comments WHERE article_id = ? ORDER BY position, id""",
        (article_id,),
    )


def article_versions(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Give the article's versions, oldest first."""
    return rows(
        conn,
        """
        SELECT id, version, capture_id, captured_at, title, authors, published, body, extractor
        FROM article_versions WHERE article_id = ? ORDER BY version""",
        (article_id,),
    )


def article_captures(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """Give the captures that produced or touched the article, newest first."""
    return rows(
        conn,
        """
        SELECT id, crawl_id, url, final_url, status, fetched_at, sha256, decision, warc_file, warc_offset,
               warc_length FROM captures WHERE article_id = ? ORDER BY id DESC""",
        (article_id,),
    )


def capture(conn: sqlite3.Connection, capture_id: int) -> dict | None:
    """Give one capture row."""
    return one(conn, "SELECT * FROM captures WHERE id = ?", (capture_id,))


def source(conn: sqlite3.Connection, source_id: int) -> dict | None:
    """Give one source with its article count."""
    return one(
        conn,
        """
        SELECT s.id, s.name, s.url, s.created_at,
               (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles
        FROM sources s WHERE s.id = ?""",
        (source_id,),
    )


def crawl_ledger(conn: sqlite3.Connection, source_id: int, limit: int = LEDGER_ROWS) -> list[dict]:
    """Give the source's crawl runs, newest first, with all their counts."""
    return rows(
        conn,
        """
        SELECT id, started_at, finished_at, status, discovered, fetched, not_modified, articles_new,
               articles_changed, articles_unchanged, comments_new, comments_removed, skipped, errors, message
        FROM crawls WHERE source_id = ? ORDER BY started_at DESC LIMIT ?""",
        (source_id, limit),
    )


def completeness(conn: sqlite3.Connection, source_id: int) -> list[dict]:
    """Give, per month first archived, the share of the source's articles with a date, an author, a normal body."""
    low, high = NORMAL_BODY
    return rows(
        conn,
        """
        SELECT substr(first_seen, 1, 7) AS month, count(*) AS articles,
               avg(published IS NOT NULL) AS dated,
               avg(authors IS NOT NULL AND authors NOT IN ('', '[]')) AS authored,
               avg(coalesce(body_length, 0) BETWEEN :low AND :high) AS normal_body
        FROM articles WHERE source_id = :source GROUP BY month ORDER BY month DESC""",
        {"source": source_id, "low": low, "high": high},
    )


def articles_per_day(conn: sqlite3.Connection, source_id: int, days: int = CHART_DAYS) -> list[dict]:
    """Give the number of the source's articles published per day, for the last `days` days that have any."""
    found = rows(
        conn,
        """
        SELECT substr(published, 1, 10) AS day, count(*) AS articles FROM articles
        WHERE source_id = ? AND published IS NOT NULL GROUP BY day ORDER BY day DESC LIMIT ?""",
        (source_id, days),
    )
    return found[::-1]


def covered_crawls(conn: sqlite3.Connection, source: str | None) -> list[int]:
    """Give the ids of the crawls whose captures an export of `source` (or of every source) may hold."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT k.id FROM crawls k JOIN sources s ON s.id = k.source_id WHERE :source IS NULL OR s.name = :source"
            " ORDER BY k.id",
            {"source": source},
        )
    ]
