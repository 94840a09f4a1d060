"""The archive pages (home, search, article, raw capture, source) as Datasette routes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader

from archiver.errors import StoreError
from archiver.store import reads as queries
from archiver.store.exports import clamp_day
from archiver.store.health import comments_coverage, source_health
from archiver.store.reads import QueryTimeout
from archiver.store.search import SearchRefused, SearchRequest, SearchResult, run_search
from archiver.store.warcfiles import WarcLocation, read_capture
from archiver.web import charts, render
from archiver.web.comments_status import comments_label

TEMPLATES = Path(__file__).parent / "templates"
# Our versions of Datasette templates, found before Datasette's own (see override_templates).
DATASETTE_OVERRIDES = TEMPLATES / "datasette"
# Raw captures shown as text are cut here: the page is for reading, the WARC keeps the whole.
RAW_LIMIT = 200_000
# How long the reads of one page may run (plugin setting `time_limit_ms`): an archive page is a few
# indexed lookups, so a query past this is a hostile or pathological one, stopped before it holds a thread.
TIME_LIMIT_MS = 2000
KEPT_LIMIT_MS = 10_000
# SQLite's integers: a larger id in a URL names no row (and would overflow the driver).
MAX_ID = 2**63 - 1


def template(datasette, name: str):
    """Give our template `name`, able to extend Datasette's own templates."""
    # One overlay per app: a new loader each time would miss Jinja's cache and recompile every page.
    env = getattr(datasette, "_archiver_jinja", None)
    if env is None:
        env = datasette.jinja_env.overlay(
            loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)), datasette.jinja_env.loader])
        )
        datasette._archiver_jinja = env
    return env.get_template(name)


def override_templates(env, defaults: Path) -> None:
    """Put our versions of Datasette's templates just before Datasette's own folder in its search path.

    A folder given with `--template-dir` or by another plugin comes first and still wins. When the
    loader is not laid out as Datasette 0.65 builds it, nothing changes and Datasette's own are used."""
    loaders = getattr(env.loader, "loaders", None)
    first = loaders[0] if loaders else None
    paths = getattr(first, "searchpath", None)
    if not isinstance(first, FileSystemLoader) or str(defaults) not in paths:
        return
    at = paths.index(str(defaults))
    loaders[0] = FileSystemLoader([*paths[:at], str(DATASETTE_OVERRIDES), *paths[at:]])


async def page(datasette, request, name: str, context: dict, status: int = 200) -> Response:
    """Give the HTML response of our template `name`."""
    context = {**context, "render": render, "urlencode": urlencode}
    html = await datasette.render_template(template(datasette, name), context, request=request)
    return Response.html(html, status=status)


def time_limit(datasette) -> int:
    """Give the milliseconds that the reads of one page may take (plugin setting `time_limit_ms`)."""
    return int((datasette.plugin_config("archiver") or {}).get("time_limit_ms", TIME_LIMIT_MS))


async def read(datasette, db, load, key: tuple | None = None):
    """Give `load(conn)` run on the database's read thread under the page time limit (QueryTimeout past it);
    with a `key`, a slow result is kept until the archive changes (web/database.py)."""
    limit = time_limit(datasette)
    cache = getattr(db, "read_cache", None)
    if key is None or cache is None:
        return await db.execute_fn(lambda conn: queries.time_limited(conn, limit, load))
    # Kept reads are few (one per page, not per query string) and read once per change of the archive:
    # they may take longer (a source's completeness reads each of its articles).
    limit = max(limit, KEPT_LIMIT_MS)
    return await db.execute_fn(lambda conn: cache.read(key, lambda: queries.time_limited(conn, limit, load)))


async def archive_db(datasette, request, name: str | None = None):
    """Give the archive database named in the URL (or the first archive); NotFound otherwise."""
    name = name or request.url_vars.get("database")
    candidates = [name] if name else [n for n, db in datasette.databases.items() if db.path]
    for candidate in candidates:
        db = datasette.databases.get(candidate)
        if db is not None and await db.execute_fn(queries.has_archive_tables):
            await datasette.ensure_permissions(request.actor, [("view-database", candidate), "view-instance"])
            return db
    raise NotFound("no News Archiver archive here")


def int_var(request, name: str) -> int:
    """Give the integer URL variable `name`; NotFound when it is not one."""
    try:
        number = int(request.url_vars[name])
    except (KeyError, ValueError):
        raise NotFound(f"bad {name}") from None
    if not 0 <= number <= MAX_ID:
        raise NotFound(f"no such {name}")
    return number


async def home(datasette, request):
    """The archive home page: sources with counts and last crawl, recent crawls, publishers, search box."""
    db = await archive_db(datasette, request)

    def load(conn):
        return {
            "sources": queries.home_sources(conn),
            "crawls": queries.recent_crawls(conn),
            "publishers": queries.publishers(conn),
        }

    # Counts of every source's articles: a million rows read per visit, the same until a crawl writes.
    data = await read(datasette, db, load, key=("home",))
    return await page(datasette, request, "archive_home.html", {"db": db.name, **data})


def search_request(request) -> SearchRequest:
    """Give the search asked for by the query string."""
    args = request.args
    try:
        number = max(1, int(args.get("page") or 1))
    except ValueError:
        number = 1
    fields = ("q", "source", "language", "author", "commenter", "since", "until")
    return SearchRequest(**{f: (args.get(f) or "").strip() for f in fields}, page=number)


def export_filters(req: SearchRequest, table: str = "articles") -> dict[str, str]:
    """Give every filter of the search page as export filters of `table` (the names of `archiver export`'s
    options): the byline filter is the articles' `author`, the commenter filter the comments' `author`."""
    author = req.commenter if table == "comments" else req.author
    pairs = (("source", req.source), ("language", req.language), ("author", author))
    pairs += (("since", req.since), ("until", clamp_day(req.until)), ("search", req.q))
    return {k: v for k, v in pairs if v}


def export_tables(req: SearchRequest) -> tuple[str, ...]:
    """Give the tables a search's hits come from: a byline filter gives articles only, a commenter filter
    comments only, a query both, no query articles."""
    if req.commenter:
        return ("comments",)
    return ("articles", "comments") if req.q and not req.author else ("articles",)


def export_links(db: str, req: SearchRequest) -> dict[str, str]:
    """Give the CSV export URLs of the tables the hits come from and their manifests, carrying every filter."""
    links = {}
    for table in export_tables(req):
        query = urlencode(export_filters(req, table))
        links[table] = f"/{db}/-/export/{table}.csv" + (f"?{query}" if query else "")
        links[f"{table}_manifest"] = f"/{db}/-/export/{table}.manifest.json" + (f"?{query}" if query else "")
    return links


def facet_url(db: str, query: dict, name: str, value: str) -> str:
    """Give the URL of the same search with the facet `name` set to `value` (a month: its whole range)."""
    args = dict(query)
    args.update({"since": f"{value}-01", "until": f"{value}-31"} if name == "month" else {name: value})
    return f"/{db}/-/search?" + urlencode(args)


def unset_url(db: str, query: dict, name: str) -> str:
    """Give the URL of the same search without the filter `name`."""
    return f"/{db}/-/search?" + urlencode({k: v for k, v in query.items() if k != name})


def search_links(db: str, query: dict, result: SearchResult) -> dict:
    """Give the links of the search page's facets and filters, built here once rather than by template
    macros (Datasette renders templates asynchronously: each macro call cost more than the link)."""
    return {
        "facet_urls": {
            name: {v.value: facet_url(db, query, name, v.value) for v in values}
            for name, values in result.facets.items()
        },
        "unset_urls": {name: unset_url(db, query, name) for name in {*query, *result.facets}},
    }


async def search(datasette, request):
    """The search page: ranked hits over articles and comments, facets, pages, CSV links."""
    db = await archive_db(datasette, request)
    req = search_request(request)
    result, status = await bounded_search(datasette, db, req)
    query = {k: v for k, v in vars(req).items() if v and k != "page"}
    return await page(
        datasette,
        request,
        "archive_search.html",
        {
            "db": db.name,
            "result": result,
            "req": result.request,
            "query": query,
            **search_links(db.name, query, result),
            "exports": export_links(db.name, result.request),
            "export_filters": {table: export_filters(result.request, table) for table in export_tables(result.request)},
            "attention_url": f"/{db.name}/-/attention?"
            + urlencode(
                {
                    k: v
                    for k, v in (("q", req.q), ("source", req.source), ("since", req.since), ("until", req.until))
                    if v
                }
            ),
        },
        status=status,
    )


async def bounded_search(datasette, db, req: SearchRequest) -> tuple[SearchResult, int]:
    """Give the search's result and HTTP status: 400 for a query out of bounds, 503 for one stopped."""
    try:
        return await read(datasette, db, lambda conn: run_search(conn, req)), 200
    except SearchRefused as exc:
        return SearchResult(req, error=f"Not searched: {exc}."), 400
    except QueryTimeout as exc:
        return SearchResult(req, error=f"Search stopped: {exc}."), 503


async def article(datasette, request):
    """The article page: metadata, body, comment thread, versions with diffs, captures."""
    db = await archive_db(datasette, request)
    article_id = int_var(request, "id")

    def load(conn):
        return {
            "article": queries.article(conn, article_id),
            "comments": queries.article_comments(conn, article_id),
            "versions": queries.article_versions(conn, article_id),
            "captures": queries.article_captures(conn, article_id),
        }

    data = await read(datasette, db, load)
    if data["article"] is None:
        raise NotFound("no such article")
    return await page(
        datasette,
        request,
        "archive_article.html",
        {
            "db": db.name,
            **data,
            "thread": render.thread(data["comments"]),
            "diffs": render.version_diffs(data["versions"]),
            "downloads": {
                "json": f"/{db.name}/-/article/{article_id}.json",
                "comments": f"/{db.name}/-/export/comments.csv?article={article_id}",
            },
            "comments_label": comments_label(data["article"]),
        },
    )


def raw_body(db_path: str, row: dict) -> tuple[str, dict]:
    """Give the kept response body of a capture (as text) and its headers, or an explanation why not."""
    if not row.get("warc_file"):
        return "", {"note": "no raw record kept for this capture"}
    location = WarcLocation(row["warc_file"], row["warc_offset"], row["warc_length"] or 0)
    try:
        raw = read_capture(Path(db_path).parent / "warcs", location, limit=RAW_LIMIT, cut=True)
    except StoreError as exc:
        return "", {"note": str(exc)}
    return raw.body.decode("utf-8", "replace"), raw.headers


async def capture(datasette, request):
    """The raw capture page: the capture row and its kept HTML, shown as text."""
    db = await archive_db(datasette, request)
    capture_id = int_var(request, "id")
    row = await read(datasette, db, lambda conn: queries.capture(conn, capture_id))
    if row is None:
        raise NotFound("no such capture")
    body, headers = raw_body(db.path, row)
    return await page(
        datasette, request, "archive_capture.html", {"db": db.name, "capture": row, "body": body, "headers": headers}
    )


async def source(datasette, request):
    """The source page: crawl ledger with health flags, field completeness over time, articles per day."""
    db = await archive_db(datasette, request)
    source_id = int_var(request, "id")

    def load(conn):
        found = queries.source(conn, source_id)
        health = {h.run.crawl_id: h for h in source_health(conn, found["name"])} if found else {}
        return {
            "source": found,
            "ledger": queries.crawl_ledger(conn, source_id),
            "health": health,
            "completeness": queries.completeness(conn, source_id),
            "per_day": queries.articles_per_day(conn, source_id),
            "coverage": comments_coverage(conn, found["name"]) if found else None,
        }

    data = await read(datasette, db, load, key=("source", source_id))
    if data["source"] is None:
        raise NotFound("no such source")
    chart = charts.figure(
        charts.daily_chart(data["per_day"], "day", "articles", "Articles published per day", "articles"), "per-day"
    )
    return await page(
        datasette,
        request,
        "archive_source.html",
        {"db": db.name, **data, "chart": chart, "normal_body": queries.NORMAL_BODY},
    )


DB = r"/(?P<database>[^/]+)/-/"
ROUTES = [
    (r"^/$", home),
    (DB + r"archive$", home),
    (DB + r"search$", search),
    (DB + r"article/(?P<id>\d+)$", article),
    (DB + r"capture/(?P<id>\d+)$", capture),
    (DB + r"source/(?P<id>\d+)$", source),
]
