"""The durable frontier of a crawl: what is queued and what is done, for resuming after a kill."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class FrontierEntry:
    """One URL a crawl has queued: what kind of fetch it is and its link depth."""

    url: str
    kind: str
    depth: int


@dataclass(frozen=True)
class Frontier:
    """A crawl's frontier as read back for resuming: pending entries and every URL already seen."""

    pending: tuple[FrontierEntry, ...]
    seen: frozenset[str]


def add_entries(conn: sqlite3.Connection, crawl_id: int, entries) -> None:
    """Queue entries that are not in the frontier yet."""
    conn.executemany(
        "INSERT OR IGNORE INTO frontier (crawl_id, url, kind, depth) VALUES (?, ?, ?, ?)",
        [(crawl_id, e.url, e.kind, e.depth) for e in entries],
    )


def mark_done(conn: sqlite3.Connection, crawl_id: int, url: str, kind: str = "page") -> None:
    """Mark one URL of the crawl as done (adding it when it was never queued)."""
    conn.execute(
        "INSERT INTO frontier (crawl_id, url, kind, depth, done) VALUES (?, ?, ?, 0, 1)"
        " ON CONFLICT(crawl_id, url) DO UPDATE SET done = 1",
        (crawl_id, url, kind),
    )


def read_frontier(conn: sqlite3.Connection, crawl_id: int) -> Frontier:
    """Give the pending entries and the seen URLs of a crawl."""
    rows = conn.execute("SELECT url, kind, depth, done FROM frontier WHERE crawl_id = ?", (crawl_id,)).fetchall()
    pending = tuple(FrontierEntry(url, kind, depth) for url, kind, depth, done in rows if not done)
    return Frontier(pending, frozenset(row[0] for row in rows))


def clear(conn: sqlite3.Connection, crawl_id: int) -> None:
    """Drop the frontier of a finished crawl."""
    conn.execute("DELETE FROM frontier WHERE crawl_id = ?", (crawl_id,))


def unfinished_crawl(conn: sqlite3.Connection, source_id: int) -> tuple[int, str, int | None] | None:
    """Give (id, status, pid) of the source's newest crawl when it did not finish, else None."""
    # Rows the scheduler writes for runs it skipped (overlaps) say nothing about the crawl itself.
    row = conn.execute(
        "SELECT id, status, pid FROM crawls WHERE source_id = ? AND status != 'skipped' ORDER BY id DESC LIMIT 1",
        (source_id,),
    ).fetchone()
    return row if row and row[1] in ("running", "interrupted") else None


def reopen(conn: sqlite3.Connection, crawl_id: int, pid: int) -> None:
    """Mark an unfinished crawl as running again in process `pid`."""
    conn.execute("UPDATE crawls SET status = 'running', pid = ?, finished_at = NULL WHERE id = ?", (pid, crawl_id))
