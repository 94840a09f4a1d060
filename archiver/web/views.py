"""The archive pages (home, search, article, raw capture, source) as Datasette routes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from datasette.utils.asgi import NotFound, Response
from jinja2 import ChoiceLoader, FileSystemLoader

from archiver.errors import StoreError
from archiver.store import reads as queries
from archiver.store.health import comments_coverage, source_health
from archiver.store.search import SearchRequest, run_search
from archiver.store.warcfiles import WarcLocation, read_capture
from archiver.web import render
from archiver.web.comments_status import comments_label

TEMPLATES = Path(__file__).parent / "templates"
# Raw captures shown as text are cut here: the page is for reading, the WARC keeps the whole.
RAW_LIMIT = 200_000


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


async def page(datasette, request, name: str, context: dict) -> Response:
    """Give the HTML response of our template `name`."""
    context = {**context, "render": render, "urlencode": urlencode}
    html = await datasette.render_template(template(datasette, name), context, request=request)
    return Response.html(html)


async def archive_db(datasette, request, name: str | None = None):
    """Give the archive database named in the URL (or the first archive); NotFound otherwise."""
    name = name or request.url_vars.get("database")
    candidates = [name] if name else [n for n, db in datasette.databases.items() if db.path]
    for candidate in candidates:
        db = datasette.databases.get(candidate)
        if db is not None and await db.execute_fn(queries.is_archive):
            await datasette.ensure_permissions(request.actor, [("view-database", candidate), "view-instance"])
            return db
    raise NotFound("no News Archiver archive here")


def int_var(request, name: str) -> int:
    """Give the integer URL variable `name`; NotFound when it is not one."""
    try:
        return int(request.url_vars[name])
    except (KeyError, ValueError):
        raise NotFound(f"bad {name}") from None


async def home(datasette, request):
    """The archive home page: sources with counts and last crawl, recent crawls, publishers, search box."""
    db = await archive_db(datasette, request)

    def load(conn):
        return {
            "sources": queries.home_sources(conn),
            "crawls": queries.recent_crawls(conn),
            "publishers": queries.publishers(conn),
        }

    data = await db.execute_fn(load)
    return await page(datasette, request, "archive_home.html", {"db": db.name, **data})


def search_request(request) -> SearchRequest:
    """Give the search asked for by the query string."""
    args = request.args
    try:
        number = max(1, int(args.get("page") or 1))
    except ValueError:
        number = 1
    fields = ("q", "source", "language", "author", "since", "until")
    return SearchRequest(**{f: (args.get(f) or "").strip() for f in fields}, page=number)


def export_links(db: str, req: SearchRequest) -> dict[str, str]:
    """Give the CSV export URLs (articles, comments) for the filters that `archiver export` knows."""
    base = {
        k: v for k, v in (("source", req.source), ("since", req.since), ("until", req.until), ("search", req.q)) if v
    }
    return {
        table: f"/{db}/-/export/{table}.csv" + ("?" + urlencode(base) if base else "")
        for table in ("articles", "comments")
    }


async def search(datasette, request):
    """The search page: ranked hits over articles and comments, facets, pages, CSV links."""
    db = await archive_db(datasette, request)
    req = search_request(request)
    result = await db.execute_fn(lambda conn: run_search(conn, req))
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
            "exports": export_links(db.name, result.request),
            "partial_export": bool(req.language or req.author),
        },
    )


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

    data = await db.execute_fn(load)
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
            "comments_label": comments_label(data["article"]),
        },
    )


def raw_body(db_path: str, row: dict) -> tuple[str, dict]:
    """Give the kept response body of a capture (as text) and its headers, or an explanation why not."""
    if not row.get("warc_file"):
        return "", {"note": "no raw record kept for this capture"}
    location = WarcLocation(row["warc_file"], row["warc_offset"], row["warc_length"] or 0)
    try:
        raw = read_capture(Path(db_path).parent / "warcs", location)
    except StoreError as exc:
        return "", {"note": str(exc)}
    return raw.body[:RAW_LIMIT].decode("utf-8", "replace"), raw.headers


async def capture(datasette, request):
    """The raw capture page: the capture row and its kept HTML, shown as text."""
    db = await archive_db(datasette, request)
    row = await db.execute_fn(lambda conn: queries.capture(conn, int_var(request, "id")))
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

    data = await db.execute_fn(load)
    if data["source"] is None:
        raise NotFound("no such source")
    chart = render.bar_chart(data["per_day"], "day", "articles")
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
