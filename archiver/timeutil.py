"""Timestamps as the archive keeps them: UTC, ISO 8601, seconds."""

from __future__ import annotations

from datetime import datetime, timezone


def now_iso() -> str:
    """Give the current UTC time as ISO 8601 with seconds and +00:00."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
