"""What `archiver schedule list` and the pause/resume/set commands show and do."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archiver.config import SourceConfig, find_source, load_config, set_schedule
from archiver.errors import ConfigError, StoreError
from archiver.extract.timeutil import iso
from archiver.schedule.book import ScheduleBook
from archiver.schedule.plan import SourcePlan, plan_source
from archiver.store import Archive
from archiver.store.health import CommentsCoverage, RunHealth, comments_coverage, source_health
from archiver.store.schedules import get_schedule


@dataclass(frozen=True)
class ScheduleStatus:
    """One source in `schedule list`: its plan and its newest run with health flags."""

    plan: SourcePlan
    last: RunHealth | None
    comments: CommentsCoverage | None = None  # the archived articles' comments status


def schedule_status(config: Path, db: Path, now: datetime) -> list[ScheduleStatus]:
    """Give the schedule state of every configured source (the archive is only read)."""
    sources = load_config(config)
    if not db.exists():
        return [ScheduleStatus(plan_source(s, None, now), None) for s in sources.values()]
    with Archive(db) as archive:
        return [status_of(archive, source, now) for source in sources.values()]


def status_of(archive: Archive, source: SourceConfig, now: datetime) -> ScheduleStatus:
    """Give one source's status: plan from its schedule row, newest run's health (nothing written)."""
    try:
        source_id = archive.source(source.name).id
    except StoreError:  # never crawled nor scheduled in this archive
        return ScheduleStatus(plan_source(source, None, now), None)
    health = source_health(archive.conn, source.name, limit=1)
    return ScheduleStatus(
        plan_source(source, get_schedule(archive.conn, source_id), now),
        health[0] if health else None,
        comments_coverage(archive.conn, source.name),
    )


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def format_status(status: ScheduleStatus, now: datetime) -> list[str]:
    """Give the lines of one source in `schedule list`."""
    plan = status.plan
    when = "-"
    if plan.state == "scheduled" and plan.next_run:
        when = iso(plan.next_run) + (" (due now)" if plan.next_run <= now else "")
    lines = [f"{plan.name}  schedule: {plan.cron or '-'}  {plan.state}  next run: {when}"]
    if status.last is None:
        return lines + ["  last run: none"]
    run = status.last.run
    lines.append(
        f"  last run: crawl {run.crawl_id} {run.status}, started {run.started_at}, finished {run.finished_at or '-'}"
    )
    if run.status == "skipped" or (run.message and not run.status.startswith("finished")):
        lines.append(f"    {run.message or ''}")
    else:
        lines.append(
            f"    discovered {run.discovered}, fetched {run.fetched} (not modified {run.not_modified}), "
            f"archived {run.archived} ({run.articles_new} new, {run.articles_changed} changed), "
            f"errors {run.errors}; with date {percent(status.last.date_share)}, with author "
            f"{percent(status.last.author_share)}, body >= 500 chars {percent(status.last.long_share)}"
        )
    flags = status.last.flags
    lines.append(f"  health: {'WARNING ' + ', '.join(flags) if flags else 'ok'}")
    if status.comments and status.comments.uncaptured:
        missing = [line for line in status.comments.lines() if "not captured" in line]
        lines.append(f"  comments: {'; '.join(missing)}")
    return lines


def pause(config: Path, db: Path, name: str, paused: bool, now: datetime) -> SourcePlan:
    """Pause or resume the schedule of the source `name` and give its plan."""
    source = find_source(load_config(config), name)
    if not source.schedule:
        raise ConfigError(f"source {name!r} has no schedule", f'set one with `archiver schedule set {name} "CRON"`')
    with Archive(db) as archive:
        row = ScheduleBook(archive, socket.gethostname()).set_paused(source, paused, iso(now))
    return plan_source(source, row, now)


def set_cron(config: Path, db: Path, name: str, cron: str, now: datetime) -> SourcePlan:
    """Write the source's cron schedule into the config, mirror it in the archive, give its plan."""
    source = set_schedule(config, name, cron)
    with Archive(db) as archive:
        row = ScheduleBook(archive, socket.gethostname()).schedule(source, iso(now))
    return plan_source(source, row, now)
