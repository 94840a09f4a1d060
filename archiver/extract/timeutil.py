"""Timestamps as the archive keeps them: aware, UTC, ISO 8601, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Give the current time, aware, in UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def now_iso() -> str:
    """Give the current UTC time as ISO 8601 with seconds and +00:00."""
    return iso(utc_now())


def iso(moment: datetime) -> str:
    """Give a moment as the archive keeps it: ISO 8601, whole seconds."""
    return moment.replace(microsecond=0).isoformat()


def parse_time(text: str) -> datetime:
    """Give the datetime of the archive's ISO 8601 text (aware when the text has an offset)."""
    return datetime.fromisoformat(text)
