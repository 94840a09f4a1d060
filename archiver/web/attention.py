"""The researchers' pages: attention over time (with CSV and manifest) and sources side by side.

/DB/-/attention?q=…&q=…&source=…&kind=both&interval=day&measure=count&since=…&until=…
/DB/-/attention.csv?…            the counts behind the chart (RowWriter CSV)
/DB/-/attention.manifest.json?…  what the CSV holds: request, rule for days, crawls, rows, sha256
/DB/-/sources                    per-source table: volumes, changes, coverage gaps
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from archiver.errors import ArchiverError
from archiver.export.attention import (
    DAY_RULE,
    MAX_SERIES,
    AttentionRequest,
    AttentionTable,
    attention_manifest,
    attention_table,
    csv_text,
)
from archiver.store.attention import SourceSummary, source_names, source_summaries
from archiver.web import charts
from archiver.web.views import archive_db, page


def request_of(request) -> AttentionRequest:
    """Give the attention request of the query string (several q and source values compare them)."""
    args = request.args
    queries = tuple(dict.fromkeys(q.strip() for q in args.getlist("q") if q.strip())) or ("",)
    sources = tuple(dict.fromkeys(s.strip() for s in args.getlist("source") if s.strip())) or ("",)
    return AttentionRequest(
        queries,
        sources,
        (args.get("kind") or "both").strip(),
        (args.get("interval") or "day").strip(),
        (args.get("since") or "").strip(),
        (args.get("until") or "").strip(),
    )


def query_string(req: AttentionRequest, **extra) -> str:
    """Give the query string that asks for `req` again (plus `extra` arguments)."""
    pairs = [("q", q) for q in req.queries if q] + [("source", s) for s in req.sources if s]
    pairs += [(k, v) for k, v in (("kind", req.kind), ("interval", req.interval)) if v]
    pairs += [(k, v) for k, v in (("since", req.since), ("until", req.until)) if v]
    return urlencode(pairs + list(extra.items()))


def split_by_source(req: AttentionRequest, names: list[str]) -> AttentionRequest:
    """Give the request with one series per source (every source when none was chosen)."""
    chosen = tuple(s for s in req.sources if s) or tuple(names)
    return AttentionRequest(req.queries, chosen, req.kind, req.interval, req.since, req.until)


def chart_of(table: AttentionTable, share: bool) -> charts.TimeChart:
    """Give the chart of an attention table: matches, or matches as a share of everything that period."""
    req = table.request
    what = {"articles": "articles", "comments": "comments", "both": "articles and comments"}[req.kind]
    y_label = f"share of {what}" if share else f"matching {what}"
    series = tuple(
        charts.Series(s.label, tuple(p.share if share else p.matches for p in s.periods)) for s in table.series
    )
    span = f"from {table.periods[0]} to {table.periods[-1]}" if table.periods else "with nothing archived"
    return charts.TimeChart(
        title=f"{'Share' if share else 'Number'} of matching {what} per {req.interval}",
        description=f"{len(series)} series ({'; '.join(s.label for s in series)}), per {req.interval}, {span};"
        " periods with no match are drawn as zero.",
        periods=table.periods,
        series=series,
        y_label=y_label,
        percent=share,
        period_days=7 if req.interval == "week" else 1,
    )


async def load_table(datasette, request):
    """Give the archive database, the attention request and its table (or the error that refused it)."""
    db = await archive_db(datasette, request)
    req = request_of(request)
    names = await db.execute_fn(source_names)
    if request.args.get("split"):
        req = split_by_source(req, names)
    try:
        table = await db.execute_fn(lambda conn: attention_table(conn, req))
    except ArchiverError as exc:
        return db, req, names, None, str(exc)
    return db, req, names, table, ""


async def attention(datasette, request):
    """The attention page: a chart of matches over time, its table, CSV and manifest links, compare form."""
    db, req, names, table, error = await load_table(datasette, request)
    share = request.args.get("measure") == "share"
    chart = charts.figure(chart_of(table, share), "attention-chart") if table else None
    context = {
        "db": db.name,
        "req": req,
        "names": names,
        "table": table,
        "error": error,
        "share": share,
        "chart": chart,
        "max_series": MAX_SERIES,
        "rule": DAY_RULE,
        "csv_url": f"/{db.name}/-/attention.csv?{query_string(req)}",
        "manifest_url": f"/{db.name}/-/attention.manifest.json?{query_string(req)}",
        "other_measure": f"/{db.name}/-/attention?{query_string(req, **({} if share else {'measure': 'share'}))}",
        "by_source": f"/{db.name}/-/attention?{query_string(split_by_source(req, names))}",
        "search_url": f"/{db.name}/-/search?" + urlencode({"q": req.queries[0]} if req.queries[0] else {}),
    }
    response = await page(datasette, request, "archive_attention.html", context)
    response.status = 400 if error else 200
    return response


async def attention_csv(datasette, request):
    """The counts behind the attention chart as CSV, one row per series and period."""
    db, req, _, table, error = await load_table(datasette, request)
    if table is None:
        return Response.text(f"Error: {error}\n", status=400)
    text, _ = csv_text(table)
    headers = {"content-disposition": 'attachment; filename="attention.csv"'}
    return Response(text, status=200, headers=headers, content_type="text/csv; charset=utf-8")


async def attention_manifest_json(datasette, request):
    """The manifest of the attention CSV asked for by the same query string."""
    db, req, _, table, error = await load_table(datasette, request)
    if table is None:
        return Response.json({"error": error}, status=400)
    text, rows = csv_text(table)
    url = f"/{db.name}/-/attention.csv?{query_string(req)}"
    manifest = await db.execute_fn(lambda conn: attention_manifest(conn, table, text, rows, url))
    body = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    return Response(
        body,
        headers={"content-disposition": 'attachment; filename="attention.csv.manifest.json"'},
        content_type="application/json; charset=utf-8",
    )


@dataclass(frozen=True)
class Coverage:
    """A source's coverage between its first and last publication day: days without any article."""

    span_days: int
    empty_days: int
    longest_gap: int
    longest_gap_from: str | None


def coverage(summary: SourceSummary) -> Coverage:
    """Give the days without an article between a source's first and last publication days."""
    days = sorted(date.fromisoformat(d) for d in summary.days if is_date(d))
    if not days:
        return Coverage(0, 0, 0, None)
    gaps = [(b - a).days - 1 for a, b in zip(days, days[1:])]
    longest = max(gaps, default=0)
    start = days[gaps.index(longest)] + timedelta(days=1) if longest else None
    return Coverage((days[-1] - days[0]).days + 1, sum(gaps), longest, start.isoformat() if start else None)


def is_date(value: str) -> bool:
    """Tell whether `value` is an ISO date."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


async def sources(datasette, request):
    """Sources side by side: per-source volumes, comments per article, changes, removals, coverage gaps."""
    db = await archive_db(datasette, request)
    summaries = await db.execute_fn(source_summaries)
    compare = urlencode([("source", s.name) for s in summaries] + [("kind", "articles")])
    context = {
        "db": db.name,
        "rows": [(s, coverage(s)) for s in summaries],
        "compare_url": f"/{db.name}/-/attention?{compare}",
    }
    return await page(datasette, request, "archive_sources.html", context)


async def stylesheet(datasette, request):
    """The stylesheet of the charts and wide tables (a file, so a strict style-src 'self' allows it)."""
    return Response(charts.CSS, content_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


DB = r"/(?P<database>[^/]+)/-/"
ROUTES = [
    (DB + r"attention$", attention),
    (DB + r"attention\.csv$", attention_csv),
    (DB + r"attention\.manifest\.json$", attention_manifest_json),
    (DB + r"sources$", sources),
    (r"^/-/archiver-charts\.css$", stylesheet),
]
