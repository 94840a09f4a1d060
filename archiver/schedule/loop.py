"""The scheduler: start each source's crawl at its cron times, one run per source at a time.

Every tick it reaps finished crawls, rereads archiver.toml when it changed, and for each due
source claims the cron time, takes the source's lock and starts `archiver crawl NAME`. A source
whose previous run still holds the lock gets a 'skipped' crawls row instead. Time comes from an
injected clock and crawl processes from an injected launcher, so tests drive it without waiting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from archiver.config import SourceConfig, load_config
from archiver.errors import ConfigError
from archiver.extract.timeutil import iso
from archiver.schedule.book import Outcome, ScheduleBook
from archiver.schedule.plan import plan_source
from archiver.store.locks import Lock, LockHeld


class Handle(Protocol):
    """A started crawl process."""

    pid: int

    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def tail(self) -> str: ...


class Launcher(Protocol):
    def start(self, name: str) -> Handle: ...


@dataclass(frozen=True)
class Launched:
    """A crawl this scheduler started and has not reaped yet."""

    source: SourceConfig
    source_id: int
    slot: str
    started: str
    handle: Handle
    lock: Lock


def describe(outcome: Outcome) -> str:
    """Give the one-line report of a finished run."""
    run, c = outcome.run, outcome.run.counts
    text = (
        f"crawl {run.id} {run.status}: fetched {c.fetched}, discovered {c.discovered}, articles "
        f"{c.articles_new} new, {c.articles_changed} changed, errors {c.errors}"
    )
    return text + (f" ({outcome.message})" if outcome.message else "")


class Scheduler:
    """Runs the schedules of the sources in `config` against the archive behind `book`."""

    def __init__(
        self,
        config: Path,
        book: ScheduleBook,
        launcher: Launcher,
        clock: Callable[[], datetime],
        report: Callable[[str], None] = print,
        pid: int | None = None,
    ):
        self.config = config
        self.book = book
        self.launcher = launcher
        self.clock = clock
        self.report = report
        self.pid = pid or os.getpid()
        self.running: dict[str, Launched] = {}
        self.outcomes: list[Outcome] = []
        self.sources: dict[str, SourceConfig] = {}
        self.config_stamp: tuple | None = None
        self.stopping = False

    def say(self, now: datetime, name: str, text: str) -> None:
        self.report(f"{iso(now)} {name}: {text}")

    def load(self) -> dict[str, SourceConfig]:
        """Give the sources, reread when the file changed; a broken edit keeps the last good ones."""
        stat = self.config.stat() if self.config.exists() else None
        stamp = (stat.st_mtime_ns, stat.st_size) if stat else None
        if stamp != self.config_stamp or not self.sources:
            try:
                self.sources = load_config(self.config)
            except ConfigError as exc:
                if not self.sources:
                    raise
                self.report(f"{iso(self.clock())} config: {exc}; keeping the previous sources")
            self.config_stamp = stamp
        return self.sources

    def tick(self) -> None:
        """Reap finished crawls, then start or skip every source that is due now."""
        now = self.clock()
        self.reap(now)
        for source in self.load().values():
            plan = plan_source(source, self.book.schedule(source, iso(now)), now)
            if plan.due:
                self.start(source, iso(plan.due), now)

    def start(self, source: SourceConfig, slot: str, now: datetime) -> None:
        """Start the crawl of a due source, or record it skipped while its last run holds the lock."""
        source_id = self.book.source_id(source, iso(now))
        if not self.book.claim(source_id, slot):
            return
        try:
            lock = self.book.lock(source.name, self.pid, iso(now))
        except LockHeld as held:
            why = f"previous run still going ({held.holder.describe()})"
            run = self.book.record(source_id, "skipped", iso(now), iso(now), slot, why)
            self.say(now, source.name, f"crawl {run.id} skipped for {slot}: {why}")
            return
        self.launch(source, source_id, slot, now, lock)

    def launch(self, source: SourceConfig, source_id: int, slot: str, now: datetime, lock: Lock) -> None:
        """Start the crawl process and hand it the source's lock."""
        try:
            handle = self.launcher.start(source.name)
        except OSError as exc:
            self.book.release(lock)
            run = self.book.record(source_id, "failed", iso(now), iso(now), slot, f"cannot start crawl: {exc}")
            self.say(now, source.name, f"crawl {run.id} failed: cannot start crawl: {exc}")
            return
        lock = self.book.hand_over(lock, handle.pid)
        self.running[source.name] = Launched(source, source_id, slot, iso(now), handle, lock)
        self.say(now, source.name, f"started for {slot} (pid {handle.pid})")

    def reap(self, now: datetime) -> None:
        """Record every started crawl that has ended, and release its lock."""
        for name, launched in list(self.running.items()):
            code = launched.handle.poll()
            if code is None:
                continue
            del self.running[name]
            outcome = self.book.close_launched(
                launched.source_id,
                launched.handle.pid,
                launched.started,
                launched.slot,
                iso(now),
                code,
                launched.handle.tail(),
                self.stopping,
            )
            self.book.release(launched.lock)
            self.outcomes.append(outcome)
            self.say(now, name, describe(outcome))

    def shutdown(self, grace: float, sleep: Callable[[float], None] = time.sleep) -> None:
        """Stop the running crawls cleanly (SIGTERM), kill those still going after `grace` seconds."""
        self.stopping = True
        for launched in self.running.values():
            self.say(self.clock(), launched.source.name, f"stopping pid {launched.handle.pid}")
            launched.handle.terminate()
        deadline = time.monotonic() + grace
        while self.running and time.monotonic() < deadline:
            sleep(0.2)
            self.reap(self.clock())
        for launched in self.running.values():
            launched.handle.kill()
        self.reap(self.clock())
