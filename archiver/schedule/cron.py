"""Cron expressions through croniter: validation, next run, the slot a run stands for. Pure, UTC.

Five fields (minute hour day month weekday), croniter's aliases (`@hourly`, `@daily`), or six
fields where the sixth is seconds (croniter's convention: `* * * * * */15` is every 15 seconds).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from croniter import croniter


def next_run(expression: str, after: datetime) -> datetime:
    """Give the first time of the schedule strictly after `after` (aware, UTC)."""
    return croniter(expression, after).get_next(datetime)


def latest_slot(expression: str, now: datetime) -> datetime:
    """Give the last time of the schedule at or before `now` (whole seconds)."""
    now = now.replace(microsecond=0)
    return croniter(expression, now + timedelta(seconds=1)).get_prev(datetime)


def due_slot(expression: str, base: datetime, now: datetime) -> datetime | None:
    """Give the slot to run at `now` when a time of the schedule has passed since `base`, else None.

    After downtime several times may have passed: they make one run, standing for the latest.
    """
    if next_run(expression, base) > now:
        return None
    return latest_slot(expression, now)
