"""The scheduler's side of the archive: schedule rows, claimed cron times, run records and locks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archiver.config import SourceConfig
from archiver.store import Archive, CrawlRun, locks, typed_errors
from archiver.store import schedules as rows
from archiver.store.schedules import ScheduleRow


def lock_name(source: str) -> str:
    """Give the name of the lock that keeps two runs of a source apart."""
    return f"source:{source}"


@dataclass(frozen=True)
class Outcome:
    """How a started crawl ended: its crawls row, and the process output's last line when it failed."""

    run: CrawlRun
    message: str | None = None


@typed_errors
class ScheduleBook:
    """Read and write what the scheduler keeps in one archive."""

    def __init__(self, archive: Archive, host: str, alive: Callable[[int], bool] = locks.pid_alive):
        self.archive = archive
        self.host = host
        self.alive = alive
        self.ids: dict[tuple, int] = {}

    @property
    def conn(self):
        return self.archive.conn

    def source_id(self, source: SourceConfig, now: str) -> int:
        """Give the id of the source's row, adding it (or its new URL and config) once per change."""
        key = (source.name, source.url, repr(source.spec))
        if key not in self.ids:
            self.ids[key] = self.archive.ensure_source(source.name, source.url, dict(source.spec), now).id
        return self.ids[key]

    def schedule(self, source: SourceConfig, now: str) -> ScheduleRow | None:
        """Give the schedule row of a scheduled source, mirroring its cron from the config."""
        if not source.schedule:
            return None
        source_id = self.source_id(source, now)
        row = rows.get_schedule(self.conn, source_id)
        if row is None or row.cron != source.schedule:
            with self.archive.batch():
                row = rows.sync_schedule(self.conn, source_id, source.schedule, now)
        return row

    def set_paused(self, source: SourceConfig, paused: bool, now: str) -> ScheduleRow:
        """Pause or resume the source's schedule and give it."""
        source_id = self.source_id(source, now)
        self.schedule(source, now)
        with self.archive.batch():
            rows.set_paused(self.conn, source_id, paused, now)
        return rows.get_schedule(self.conn, source_id)

    def claim(self, source_id: int, slot: str) -> bool:
        """Tell whether this scheduler claimed the cron time `slot` of a source."""
        with self.archive.batch():
            return rows.claim_slot(self.conn, source_id, slot)

    def record(
        self, source_id: int, status: str, started: str, finished: str, slot: str | None, message: str
    ) -> CrawlRun:
        """Add a run the scheduler decided itself (skipped, or failed to start) and give it."""
        with self.archive.batch():
            crawl_id = rows.add_run(self.conn, source_id, status, started, finished, slot, message)
        return self.archive.crawl(crawl_id)

    def lock(self, source: str, pid: int, now: str) -> locks.Lock:
        """Give the source's lock taken for `pid`; LockHeld when a live run holds it."""
        return locks.acquire(self.conn, lock_name(source), pid, self.host, now, self.alive)

    def hand_over(self, lock: locks.Lock, pid: int) -> locks.Lock:
        """Give the lock passed to the crawl process `pid`."""
        return locks.hand_over(self.conn, lock, pid)

    def release(self, lock: locks.Lock) -> None:
        """Release a lock this scheduler took (a no-op when it is already gone)."""
        locks.release(self.conn, lock.name, lock.pid, lock.host)

    def close_launched(
        self,
        source_id: int,
        pid: int,
        started: str,
        slot: str,
        now: str,
        exit_code: int,
        output: str,
        stopped: bool = False,
    ) -> Outcome:
        """Give how the crawl process `pid` ended: its crawls row stamped with `slot`, closed if it was
        left running, or a new row when the process died before opening one ('failed', or
        'interrupted' when the scheduler had `stopped` it)."""
        ids = rows.runs_of_process(self.conn, source_id, pid, started)
        why = f"crawl process exited with code {exit_code}" + (f": {output}" if output else "")
        status = "interrupted" if stopped else "failed"
        if not ids:
            return Outcome(self.record(source_id, status, started, now, slot, why), output or None)
        with self.archive.batch():
            for crawl_id in ids:
                rows.mark_scheduled(self.conn, crawl_id, slot)
                rows.close_open_run(self.conn, crawl_id, status, now, why)
        run = self.archive.crawl(ids[-1])
        return Outcome(run, None if run.status.startswith(("finished", "interrupted")) else output or None)
