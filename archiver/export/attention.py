"""Attention over time as rows: matches per day or week for each query and source, with shares, and its manifest.

Every day of the range is a row, zero or not, so that a gap in coverage shows as zeros in the chart and
the CSV alike. The web page, its CSV download and the manifest are built from the same AttentionTable.
"""

from __future__ import annotations

import hashlib
import io
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import product

from archiver import __version__
from archiver.errors import ConfigError
from archiver.export.writer import RowWriter
from archiver.store.attention import KINDS, AttentionQuery, DayCount, daily_attention, source_names
from archiver.store.exports import check_date
from archiver.store.reads import covered_crawls

INTERVALS = ("day", "week")
MAX_SERIES = 7
MANIFEST_VERSION = 1
DAY_RULE = (
    "A record's day is its publication date as the site gave it, or the day it was first archived when it "
    "has none. share = matches / all records of the same kind and source that day."
)


@dataclass(frozen=True)
class AttentionRequest:
    """What the attention page asks for: queries and sources to compare, kinds, interval and date range."""

    queries: tuple[str, ...] = ("",)
    sources: tuple[str, ...] = ("",)
    kind: str = "both"
    interval: str = "day"
    since: str = ""
    until: str = ""

    def checked(self) -> AttentionRequest:
        """Give the request with its values checked; ConfigError names the first bad one."""
        if self.kind not in KINDS:
            raise ConfigError(
                f"kind {self.kind!r} is not one of {', '.join(KINDS)}", "choose articles, comments or both"
            )
        if self.interval not in INTERVALS:
            raise ConfigError(f"interval {self.interval!r} is not day or week", "choose day or week")
        check_date(self.since or None, "since")
        check_date(self.until or None, "until")
        return self


@dataclass(frozen=True)
class PeriodCount:
    """Matches and all records of one period (a day, or a week starting Monday)."""

    start: date
    matches: int
    total: int

    @property
    def share(self) -> float:
        """Give matches / total (0 when nothing was archived that period)."""
        return self.matches / self.total if self.total else 0.0


@dataclass(frozen=True)
class SeriesCounts:
    """One compared series: its query, its label and a count for every period of the table."""

    query: AttentionQuery
    label: str
    periods: tuple[PeriodCount, ...]


@dataclass(frozen=True)
class AttentionTable:
    """The counts behind an attention chart: the periods, one series each, and the series left out."""

    request: AttentionRequest
    periods: tuple[date, ...]
    series: tuple[SeriesCounts, ...]
    left_out: tuple[str, ...] = ()


def series_label(query: AttentionQuery) -> str:
    """Give a series' legend label: the query (or everything) and where."""
    what = f"“{query.q}”" if query.q else "everything"
    return f"{what} in {query.source or 'all sources'}"


def period_start(day: date, interval: str) -> date:
    """Give the first day of the period holding `day`."""
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def period_range(days: list[date], req: AttentionRequest) -> tuple[date, ...]:
    """Give every period from the first to the last day (or the asked range), empty ones included."""
    first = date.fromisoformat(req.since) if req.since else min(days, default=None)
    last = date.fromisoformat(req.until) if req.until else max(days, default=None)
    if first is None or last is None or last < first:
        return ()
    step = 7 if req.interval == "week" else 1
    first = period_start(first, req.interval)
    return tuple(first + timedelta(days=d) for d in range(0, (last - first).days + 1, step))


def bucket(counts: tuple[DayCount, ...], periods: tuple[date, ...], interval: str) -> tuple[PeriodCount, ...]:
    """Give the day counts summed into the periods, zero where a period has none."""
    matches, totals = dict.fromkeys(periods, 0), dict.fromkeys(periods, 0)
    for c in counts:
        start = period_start(date.fromisoformat(c.day), interval)
        if start in totals:
            matches[start] += c.matches
            totals[start] += c.total
    return tuple(PeriodCount(p, matches[p], totals[p]) for p in periods)


def valid_days(counts: tuple[DayCount, ...]) -> list[date]:
    """Give the days of `counts` that are real dates (a malformed stored date is left out of the range)."""
    found = []
    for c in counts:
        try:
            found.append(date.fromisoformat(c.day))
        except ValueError:
            continue
    return found


def check_sources(conn, sources: tuple[str, ...]) -> None:
    """Refuse a source name the archive does not hold (its series would be zeros, silently)."""
    known = source_names(conn)
    unknown = [s for s in sources if s and s not in known]
    if unknown:
        raise ConfigError(f"no source named {unknown[0]!r} in the archive", f"known: {', '.join(known) or 'none'}")


def attention_table(conn, req: AttentionRequest) -> AttentionTable:
    """Give the counts of every (query, source) pair of the request over one shared range of periods."""
    req = req.checked()
    check_sources(conn, req.sources)
    pairs = [AttentionQuery(q, s, req.kind, req.since, req.until) for q, s in product(req.queries, req.sources)]
    kept, left_out = pairs[:MAX_SERIES], tuple(series_label(p) for p in pairs[MAX_SERIES:])
    counts = [daily_attention(conn, p) for p in kept]
    periods = period_range([d for c in counts for d in valid_days(c)], req)
    series = tuple(SeriesCounts(p, series_label(p), bucket(c, periods, req.interval)) for p, c in zip(kept, counts))
    return AttentionTable(req, periods, series, left_out)


def table_rows(table: AttentionTable):
    """Give the CSV rows: one per series and period."""
    for s in table.series:
        for p in s.periods:
            yield {
                "period_start": p.start.isoformat(),
                "interval": table.request.interval,
                "query": s.query.q,
                "source": s.query.source or "all sources",
                "kind": s.query.kind,
                "matches": p.matches,
                "total": p.total,
                "share": f"{p.share:.6f}",
            }


def csv_text(table: AttentionTable) -> tuple[str, int]:
    """Give the table as CSV text and its number of rows."""
    out = io.StringIO(newline="")
    count = RowWriter(out, "csv").write_all(table_rows(table))
    return out.getvalue(), count


def attention_manifest(conn, table: AttentionTable, csv: str, rows: int, url: str) -> dict:
    """Give the manifest of an attention CSV: the request, its rule for days, crawls covered, rows, sha256."""
    sources = {s for s in table.request.sources if s}
    crawls = sorted({c for s in (sources or {None}) for c in covered_crawls(conn, s)})
    return {
        "manifest_version": MANIFEST_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "view": "attention",
        "request": asdict(table.request),
        "csv_url": url,
        "definition": DAY_RULE,
        "series": [s.label for s in table.series],
        "left_out": list(table.left_out),
        "crawl_ids": crawls,
        "software": {"news-archiver": __version__, "python": platform.python_version()},
        "rows": rows,
        "sha256": hashlib.sha256(csv.encode("utf-8")).hexdigest(),
    }
