"""When each source runs next: pure decisions from its config, its schedule row and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archiver.config import SourceConfig
from archiver.extract.timeutil import parse_time
from archiver.schedule.cron import due_slot, next_run
from archiver.store.schedules import ScheduleRow


@dataclass(frozen=True)
class SourcePlan:
    """A source's schedule state at one moment: whether it is due, and when it runs next."""

    name: str
    cron: str | None
    state: str  # "scheduled", "paused", "disabled" or "unscheduled"
    next_run: datetime | None = None
    due: datetime | None = None


def base_time(row: ScheduleRow) -> datetime:
    """Give the moment from which the next cron time counts: the last time run or skipped, or the
    moment the schedule was set, paused or resumed, whichever is later."""
    times = [parse_time(row.updated_at)] + ([parse_time(row.last_slot)] if row.last_slot else [])
    return max(times)


def plan_source(source: SourceConfig, row: ScheduleRow | None, now: datetime) -> SourcePlan:
    """Give the plan of one source at `now` (`row` is its schedule in the archive, if any)."""
    if not source.schedule:
        return SourcePlan(source.name, None, "unscheduled")
    if not source.enabled:
        return SourcePlan(source.name, source.schedule, "disabled")
    if row is None or row.cron != source.schedule:
        return SourcePlan(source.name, source.schedule, "scheduled", next_run(source.schedule, now))
    if row.paused:
        return SourcePlan(source.name, source.schedule, "paused")
    base = base_time(row)
    return SourcePlan(
        source.name, source.schedule, "scheduled", next_run(source.schedule, base), due_slot(source.schedule, base, now)
    )
