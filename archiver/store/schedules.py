"""Schedules of sources and the crawl rows the scheduler writes (skipped and failed runs).

The cron expression of a source comes from archiver.toml and is mirrored here (so the archive
shows it); `paused` and `last_slot` (the cron time last run or skipped) live only here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduleRow:
    """One schedules row, with the source's name."""

    source_id: int
    source: str
    cron: str
    paused: bool
    updated_at: str
    last_slot: str | None


def get_schedule(conn: sqlite3.Connection, source_id: int) -> ScheduleRow | None:
    """Give the schedule of a source, or None when it has never had one."""
    row = conn.execute(
        "SELECT s.source_id, o.name, s.cron, s.paused, s.updated_at, s.last_slot"
        " FROM schedules s JOIN sources o ON o.id = s.source_id WHERE s.source_id = ?",
        (source_id,),
    ).fetchone()
    return ScheduleRow(row[0], row[1], row[2], bool(row[3]), row[4], row[5]) if row else None


def sync_schedule(conn: sqlite3.Connection, source_id: int, cron: str, now: str) -> ScheduleRow:
    """Give the schedule of a source with `cron`, adding it or restarting it from `now` when cron changed."""
    conn.execute(
        "INSERT INTO schedules (source_id, cron, paused, updated_at) VALUES (?, ?, 0, ?)"
        " ON CONFLICT(source_id) DO UPDATE SET cron = excluded.cron, updated_at = excluded.updated_at"
        " WHERE schedules.cron != excluded.cron",
        (source_id, cron, now),
    )
    return get_schedule(conn, source_id)


def set_paused(conn: sqlite3.Connection, source_id: int, paused: bool, now: str) -> None:
    """Pause or resume a schedule; resuming restarts it from `now` (times missed while paused do not run)."""
    conn.execute(
        "UPDATE schedules SET paused = ?, updated_at = ? WHERE source_id = ? AND paused != ?",
        (int(paused), now, source_id, int(paused)),
    )


def claim_slot(conn: sqlite3.Connection, source_id: int, slot: str) -> bool:
    """Record `slot` as the source's last cron time unless a later one is there; tell whether this
    call claimed it (two schedulers on one archive never both act on one time)."""
    cur = conn.execute(
        "UPDATE schedules SET last_slot = ? WHERE source_id = ? AND (last_slot IS NULL OR last_slot < ?)",
        (slot, source_id, slot),
    )
    return cur.rowcount == 1


def add_run(
    conn: sqlite3.Connection, source_id: int, status: str, started: str, finished: str, slot: str | None, message: str
) -> int:
    """Add a finished crawls row that the scheduler writes itself (skipped or failed to start)."""
    cur = conn.execute(
        "INSERT INTO crawls (source_id, started_at, finished_at, status, message, scheduled_for, skipped_reasons)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (source_id, started, finished, status, message, slot, json.dumps({})),
    )
    return cur.lastrowid


def runs_of_process(conn: sqlite3.Connection, source_id: int, pid: int, since: str) -> list[int]:
    """Give the ids of the crawls a process (by pid) opened or resumed for a source since `since`."""
    rows = conn.execute(
        "SELECT id FROM crawls WHERE source_id = ? AND pid = ?"
        " AND (started_at >= ? OR finished_at IS NULL OR finished_at >= ?) ORDER BY id",
        (source_id, pid, since, since),
    ).fetchall()
    return [r[0] for r in rows]


def mark_scheduled(conn: sqlite3.Connection, crawl_id: int, slot: str) -> None:
    """Record the cron time a crawl ran for."""
    conn.execute("UPDATE crawls SET scheduled_for = ? WHERE id = ?", (slot, crawl_id))


def close_open_run(conn: sqlite3.Connection, crawl_id: int, status: str, now: str, message: str) -> None:
    """Finish a crawl left 'running' by a process that is gone."""
    conn.execute(
        "UPDATE crawls SET status = ?, finished_at = ?, message = ? WHERE id = ? AND status = 'running'",
        (status, now, message, crawl_id),
    )
