"""Normalise the many ways pages write dates into ISO 8601."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%A, %B %d, %Y at %I:%M %p",
    "%A, %B %d, %Y",
    "%B %d, %Y - %I:%M %p",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y, %H:%M",
    "%d.%m.%Y",
    "%H:%M %d.%m.%y",
    "%H:%M %d.%m.%Y",
    "%d.%m.%y %H:%M",
)
# strptime raises for each format that does not fit, which is slow: only formats of the text's kind are tried.
WORDED_FORMATS = tuple(f for f in TEXT_FORMATS if any(d in f for d in ("%B", "%b", "%A", "%p", " at ")))
NUMERIC_FORMATS = tuple(f for f in TEXT_FORMATS if f not in WORDED_FORMATS)
LETTERS_RE = re.compile(r"[^\W\d_]")
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
    worded = bool(LETTERS_RE.search(text))
    for fmt in WORDED_FORMATS if worded else NUMERIC_FORMATS:
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


# "2 days ago at 07:52 am", "~6 hours ago", "vor 3 Stunden", "il y a 2 jours", "hace 5 minutos", "2 часа назад"
UNIT_WORDS = {
    "second": ("second", "sec", "sekunde", "seconde", "segundo", "секунд"),
    "minute": ("minute", "min", "minuto", "минут"),
    "hour": ("hour", "hr", "stunde", "heure", "hora", "час"),
    "day": ("day", "tag", "jour", "día", "dia", "дн", "день"),
}
RELATIVE_RE = re.compile(
    r"^(?:~|about |around |vor |il y a |hace |há |ha )?(\d+|an?|one|einer?|un|une|una?|um|uma) ?([^\W\d_]+)"
    r"(?: ago| назад| atrás)?(?:,? (?:at|um|à|a las|às|в) (\d{1,2})[:.](\d\d) ?([ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)
CLOCK_RE = re.compile(
    r"^(yesterday|today|gestern|heute|hier|aujourd'hui|ayer|hoy|ontem|hoje|вчера|сегодня)"
    r",? (?:at |um |à |a las |às |в )?(\d{1,2})[:.](\d\d) ?([ap]\.?m\.?)?$",
    re.IGNORECASE,
)
RELATIVE_MARK_RE = re.compile(
    r"(\bago\b|назад|\batrás\b|\bgeleden\b|\byang lalu\b|\bfa$|^~?(vor|il y a|hace|há|ha) )", re.IGNORECASE
)
YESTERDAY_WORDS = frozenset(["yesterday", "gestern", "hier", "ayer", "ontem", "вчера"])
SMALL_UNITS = {"second": 1, "minute": 60, "hour": 3600}


def unit_of(word: str) -> str | None:
    """Give the time unit ("second" ... "day") a word of a relative date names, or None."""
    word = word.lower()
    for unit, stems in UNIT_WORDS.items():
        if any(word.startswith(stem) for stem in stems):
            return unit
    return None


def clock_time(day: date, hour: str, minute: str, half: str | None) -> str | None:
    """Give the ISO local date-time of a day at a shown clock time, or None when the time is impossible."""
    value = int(hour) % 12 + (12 if half and half.lower().startswith("p") else 0) if half else int(hour)
    if value > 23 or int(minute) > 59:
        return None
    return datetime.combine(day, time(value, int(minute))).isoformat()


def looks_relative(text: str) -> bool:
    """Tell whether a text is a date relative to now ("3 days ago", "vor 2 Stunden", "yesterday at 9:15")."""
    return bool(RELATIVE_MARK_RE.search(text) or CLOCK_RE.match(text))


def relative_iso(value: str, reference: datetime | None) -> str | None:
    """Give the ISO date of a relative date ("2 days ago at 07:52 am") seen at a reference time.

    Only precise forms are resolved: seconds, minutes and hours ago (to the minute), and
    days ago or yesterday when a clock time is shown; "3 weeks ago" says too little and gives None.
    """
    text = " ".join(value.replace("\u00a0", " ").split()).strip(" ·|-")
    if reference is None or not text:
        return None
    match = CLOCK_RE.match(text)
    if match:
        day = reference.date() - timedelta(days=1 if match.group(1).lower() in YESTERDAY_WORDS else 0)
        return clock_time(day, match.group(2), match.group(3), match.group(4))
    match = RELATIVE_RE.match(text) if looks_relative(text) else None
    unit = unit_of(match.group(2)) if match else None
    if unit is None:
        return None
    count = int(match.group(1)) if match.group(1).isdigit() else 1
    if unit in SMALL_UNITS and not match.group(3):
        moment = reference - timedelta(seconds=count * SMALL_UNITS[unit])
        return moment.replace(second=0, microsecond=0).isoformat()
    if unit == "day" and match.group(3):
        return clock_time(reference.date() - timedelta(days=count), match.group(3), match.group(4), match.group(5))
    return None


# Languages whose displayed dates are read with dateparser when no format above fits.
DATEPARSER_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "id")
# Between a shown date and its time: "27 Sep 2011 | 15:22", "17.07.2011 @ 13:04", "21. April 2020 - 16:40".
DATE_TIME_SEPARATOR_RE = re.compile(r"\s+[|@–—-]\s+|\s*\bUhr\b")
DAY_MONTH_YEAR_RE = re.compile(r"^(\d{1,2})\.(\d{1,2}),\s*(\d{4})\b")
MAX_SHOWN_CHARS = 80
NUMERIC_DATE_RE = re.compile(r"\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?:[ T]\d{1,2}:\d\d(?::\d\d)?)?(?!\d)")
MAX_RELATIVE_GAP = timedelta(days=1)


@dataclass(frozen=True)
class DateContext:
    """What reading a shown date needs: the time the page was fetched and the languages to try."""

    reference: datetime | None = None
    languages: tuple[str, ...] = DATEPARSER_LANGUAGES

    @classmethod
    def for_page(cls, reference: datetime | None, language: str | None) -> DateContext:
        """Give the context of a page: its own language only when it is one dateparser is asked for."""
        code = (language or "").split("-")[0].lower()
        return cls(reference, (code,) if code in DATEPARSER_LANGUAGES else DATEPARSER_LANGUAGES)


def dateparser_iso(text: str, context: DateContext) -> str | None:
    """Give the ISO date dateparser reads in a shown date, or None (relative dates need a reference)."""
    import dateparser  # imported on first use: most pages never need it

    relative, reference = looks_relative(text), context.reference
    if relative and reference is None:
        return None
    settings = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    if relative:
        settings["RELATIVE_BASE"] = reference.replace(tzinfo=None)
    else:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    parsed = dateparser.parse(text, languages=list(context.languages), settings=settings)
    if parsed is None or (relative and reference.replace(tzinfo=None) - parsed.replace(tzinfo=None) > MAX_RELATIVE_GAP):
        return None  # "3 weeks ago" says too little to give a date
    return parsed.replace(second=0 if relative else parsed.second, microsecond=0).isoformat()


def shown_date_iso(value: str | None, context: DateContext = DateContext()) -> str | None:
    """Give the ISO 8601 form of a date as a page shows it, in any of the common languages, or None.

    ISO and common formats first, then dates relative to the reference time
    ("vor 2 Stunden"), then dateparser. A UTC offset the page gives is kept.
    """
    text = " ".join((value or "").replace("\u00a0", " ").split())
    if not text or len(text) > MAX_SHOWN_CHARS:
        return None
    found = to_iso(text) or relative_iso(text, context.reference)
    if found or not (DATEISH_RE.search(text) or looks_relative(text)):
        return found
    text = DAY_MONTH_YEAR_RE.sub(r"\1.\2.\3", DATE_TIME_SEPARATOR_RE.sub(" ", text))
    numeric = NUMERIC_DATE_RE.search(text)  # "於 2013/12/28 10:28", "2014/01/01 20:31 回覆"
    return to_iso(text) or (to_iso(numeric.group(0)) if numeric else None) or dateparser_iso(text, context)
