"""WARC-Date values: which are valid, how to read the near-valid ones, and what to date a record by
when its own date is unreadable (ClueWeb's `2008-10-294T05:21:46-0700`, a day of year in a date).

Replay tools (pywb, cdxj-indexer) reject a whole collection over one invalid WARC-Date, so the
archive never keeps one: an import rewrites it before copying the record in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# WARC 1.0/1.1 (W3C ISO 8601, UTC): seconds, optionally a fraction (1.1).
VALID = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
COMPACT = re.compile(r"\d{14}")  # ARC and WARC 0.x style: YYYYMMDDhhmmss


def is_valid(value: str) -> bool:
    """Tell whether a WARC-Date is one replay tools read: UTC, to the second, and a real moment."""
    return bool(VALID.fullmatch(value)) and as_moment(value) is not None


def as_moment(value: str) -> datetime | None:
    """Give a date written as ISO 8601 (any offset) or YYYYMMDDhhmmss, in UTC; None when it is neither."""
    text = value.strip()
    try:
        if COMPACT.fullmatch(text):
            moment = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def from_http(value: str) -> datetime | None:
    """Give an HTTP Date header's moment in UTC; None when it is not an HTTP date."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.year < 1990:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)


def warc_form(moment: datetime) -> str:
    """Give a moment as a valid WARC-Date (UTC, seconds, Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_date(data: bytes, date: str) -> bytes:
    """Give a record (uncompressed) with its WARC-Date header set to `date` (added if it had none)."""
    end = data.find(b"\r\n\r\n")
    lines = data[:end].split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith(b"warc-date:")]
    kept.insert(1, b"WARC-Date: " + date.encode("ascii"))
    return b"\r\n".join(kept) + data[end:]
