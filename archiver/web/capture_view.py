"""A capture as the page looked: the kept HTML in a sandboxed iframe, labelled as archived on its date.

/DB/-/capture/ID/view   our page: the label, links to the article, the raw capture and the original URL,
                        and an <iframe sandbox> (no allow-scripts) of:
/DB/-/capture/ID/raw    the kept response body as archived, with a Content-Security-Policy that lets no
                        subresource be fetched (no script, image, style sheet or font from anywhere) and
                        sandboxes it even when opened on its own.
"""

from __future__ import annotations

from pathlib import Path

from datasette.utils.asgi import NotFound, Response

from archiver.errors import StoreError
from archiver.store import reads as queries
from archiver.store.warcfiles import WarcLocation, read_capture
from archiver.web.views import archive_db, int_var, page

# Inline styles of the archived page may apply (they fetch nothing); everything else is refused.
FRAMED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox"
)
HTML_TYPES = ("text/html", "application/xhtml+xml")


async def capture_row(datasette, request):
    """Give the archive database and the capture row named in the URL; NotFound when there is none."""
    db = await archive_db(datasette, request)
    capture_id = int_var(request, "id")
    row = await db.execute_fn(lambda conn: queries.capture(conn, capture_id))
    if row is None:
        raise NotFound("no such capture")
    return db, row


def kept_body(db_path: str, row: dict) -> bytes:
    """Give the kept response body of a capture; NotFound when the archive holds no raw record of it."""
    if not row.get("warc_file"):
        raise NotFound("no raw record kept for this capture")
    location = WarcLocation(row["warc_file"], row["warc_offset"], row["warc_length"] or 0)
    try:
        return read_capture(Path(db_path).parent / "warcs", location).body
    except StoreError as exc:
        raise NotFound(str(exc)) from None


def framed_type(content_type: str | None) -> str:
    """Give the Content-Type the raw view answers with: the page's own for HTML, plain text otherwise."""
    value = (content_type or "").strip()
    if value.split(";")[0].strip().lower() in HTML_TYPES:
        return value if "charset" in value.lower() else value + "; charset=utf-8"
    return "text/plain; charset=utf-8"


async def capture_raw(datasette, request):
    """The kept body of a capture as archived, under a CSP that fetches nothing and runs nothing."""
    db, row = await capture_row(datasette, request)
    body = kept_body(db.path, row)
    headers = {
        "content-security-policy": FRAMED_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "private, max-age=3600",
    }
    return Response(body, status=200, headers=headers, content_type=framed_type(row.get("content_type")))


async def capture_view(datasette, request):
    """The page as archived: a sandboxed iframe of the raw capture, labelled with its date and origin."""
    db, row = await capture_row(datasette, request)
    article = None
    if row.get("article_id"):
        article = await db.execute_fn(lambda conn: queries.article(conn, row["article_id"]))
    return await page(
        datasette,
        request,
        "archive_capture_view.html",
        {"db": db.name, "capture": row, "article": article, "has_body": bool(row.get("warc_file"))},
    )


DB = r"/(?P<database>[^/]+)/-/"
ROUTES = [
    (DB + r"capture/(?P<id>\d+)/view$", capture_view),
    (DB + r"capture/(?P<id>\d+)/raw$", capture_raw),
]
