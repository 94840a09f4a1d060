"""Normalise the many ways pages write dates into ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime

# Formats seen in comment and byline markup, tried after ISO 8601.
TEXT_FORMATS = (
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y at %H:%M",
    "%b %d, %Y at %I:%M %p",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%d %B %Y at %H:%M",
    "%d %B %Y %H:%M",
    "%d %b %Y %H:%M",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%Y %H:%M",
    "%A, %B %d, %Y at %I:%M %p",
    "%A, %B %d, %Y",
)
DATEISH_RE = re.compile(r"\d")
ORDINAL_RE = re.compile(r"(\d)(st|nd|rd|th)\b")
NOISE_RE = re.compile(r"^(on|posted|published|updated)\s+|\s*(said|says|wrote)?:?\s*$", re.IGNORECASE)


def iso_from_iso(value: str) -> str | None:
    """Give an ISO 8601 string as normalised ISO, or None when it is not ISO."""
    value = value.strip()
    candidate = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if len(value) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


def iso_from_text(value: str) -> str | None:
    """Give the ISO 8601 form of a date written as text, or None when not recognised."""
    text = ORDINAL_RE.sub(r"\1", NOISE_RE.sub("", " ".join(value.split())))
    text = text.replace(" at ", " at ").replace("a.m.", "AM").replace("p.m.", "PM")
    for fmt in TEXT_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat() if "%H" not in fmt and "%I" not in fmt else parsed.isoformat()
    return None


def to_iso(value: object) -> str | None:
    """Give a date value (ISO or common text form) as ISO 8601, or None when it is no date."""
    if not isinstance(value, str) or not DATEISH_RE.search(value):
        return None
    return iso_from_iso(value) or iso_from_text(value)
