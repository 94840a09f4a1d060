"""SQL of distributed crawls: which crawl run a Redis run is, and which of its results are stored."""

from __future__ import annotations

import sqlite3


def run_crawl_id(conn: sqlite3.Connection, run: str) -> int | None:
    """Give the crawl id of a Redis run token, or None before its first result is stored."""
    row = conn.execute("SELECT crawl_id FROM redis_runs WHERE run = ?", (run,)).fetchone()
    return row[0] if row else None


def add_run(conn: sqlite3.Connection, run: str, crawl_id: int) -> None:
    """Record that the Redis run `run` is stored as crawl `crawl_id`."""
    conn.execute("INSERT INTO redis_runs (run, crawl_id) VALUES (?, ?)", (run, crawl_id))


def mark_stored(conn: sqlite3.Connection, crawl_id: int, url: str) -> bool:
    """Record the result for `url` in the crawl; give False when one was stored before."""
    cursor = conn.execute("INSERT OR IGNORE INTO redis_results (crawl_id, url) VALUES (?, ?)", (crawl_id, url))
    return cursor.rowcount == 1
