"""`/-/search.json`: the search page as JSON, with the same parameters, paging, facets and export links."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from archiver.store.search import MARK_CLOSE, MARK_OPEN, PAGE_SIZE, Hit, SearchResult, run_search
from archiver.web import render
from archiver.web.views import archive_db, export_links, search_request


def plain(text: str) -> str:
    """Give a snippet without its match markers."""
    return text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def hit_json(db: str, hit: Hit) -> dict:
    """Give one hit as JSON: its fields, its text plain and as escaped HTML with <mark>, and its page."""
    found = asdict(hit) | {"title": plain(hit.title), "snippet": plain(hit.snippet)}
    found["snippet_html"] = str(render.highlighted(hit.snippet))
    anchor = f"#comment-{hit.id}" if hit.kind == "comment" else ""
    found["page"] = f"/{db}/-/article/{hit.article_id}{anchor}"
    return found


def page_url(db: str, query: dict, number: int) -> str:
    """Give the URL of page `number` of the same search as JSON."""
    return f"/{db}/-/search.json?" + urlencode({**query, "page": number})


def search_json(db: str, result: SearchResult, query: dict) -> dict:
    """Give the JSON document of one page of search results."""
    req = result.request
    return {
        "request": asdict(req),
        "total": result.total,
        "capped": result.capped,
        "page": req.page,
        "pages": result.pages,
        "page_size": PAGE_SIZE,
        "next": page_url(db, query, req.page + 1) if req.page < result.pages else None,
        "previous": page_url(db, query, req.page - 1) if req.page > 1 else None,
        "hits": [hit_json(db, h) for h in result.hits],
        "facets": {name: [asdict(v) for v in values] for name, values in result.facets.items()},
        "exports": export_links(db, req),
        "error": result.error,
    }


async def search_api(datasette, request):
    """Answer one page of ranked hits as JSON for the search page's parameters (q, filters, page)."""
    db = await archive_db(datasette, request)
    req = search_request(request)
    result = await db.execute_fn(lambda conn: run_search(conn, req))
    query = {k: v for k, v in asdict(req).items() if v and k != "page"}
    return Response.json(search_json(db.name, result, query))


ROUTES = [(r"^/(?P<database>[^/]+)/-/search\.json$", search_api)]
