"""`archiver scheduler`: run the schedules in the foreground until SIGTERM, or once for cron."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from archiver.errors import ArchiverError
from archiver.extract.timeutil import iso, utc_now
from archiver.schedule.book import ScheduleBook
from archiver.schedule.loop import Scheduler
from archiver.schedule.process import CrawlLauncher
from archiver.store import Archive


def stop_on_signals(stop: threading.Event) -> None:
    """Make SIGTERM and SIGINT set `stop` (the loop then stops the running crawls cleanly)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())


def run_scheduler(
    config: Path,
    db: Path,
    once: bool,
    report: Callable[[str], None],
    grace: float = 60.0,
    poll: float = 1.0,
    clock: Callable[[], datetime] = utc_now,
) -> int:
    """Run the schedules until SIGTERM/SIGINT (or, with `once`, what is due now); give the exit code:
    0, or 1 when `once` and a run failed."""
    stop = threading.Event()
    stop_on_signals(stop)
    with Archive(db) as archive:
        book = ScheduleBook(archive, socket.gethostname())
        scheduler = Scheduler(config, book, CrawlLauncher(config, db), clock, report)
        scheduler.load()
        report(
            f"{iso(clock())} scheduler: {'running what is due' if once else 'started'} "
            f"({config} -> {db}, pid {scheduler.pid})"
        )
        loop(scheduler, stop, once, poll)
        scheduler.shutdown(grace)
        report(f"{iso(clock())} scheduler: stopped")
    failed = [o for o in scheduler.outcomes if not o.run.status.startswith(("finished", "skipped"))]
    return 1 if once and failed else 0


def loop(scheduler: Scheduler, stop: threading.Event, once: bool, poll: float) -> None:
    """Tick every `poll` seconds until stopped; with `once`, tick once and wait for those crawls."""
    scheduler.tick()
    while not stop.is_set() and (scheduler.running or not once):
        stop.wait(poll)
        if once:
            scheduler.reap(scheduler.clock())
        else:
            survive(scheduler)


def survive(scheduler: Scheduler) -> None:
    """Tick, reporting rather than dying on an archive that is busy or failing for a while: a
    long-lived scheduler keeps its running crawls and tries again on the next tick."""
    try:
        scheduler.tick()
    except ArchiverError as exc:
        scheduler.report(f"{iso(scheduler.clock())} scheduler: {exc}; trying again")
