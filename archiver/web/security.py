"""What keeps a served archive safe to put online: security headers on every response, bounded
request sizes, error pages without tracebacks, and (with --public) no filesystem paths.

An archive holds text written by strangers and may itself come from a stranger; the viewer must
neither run that text nor say anything about the machine that serves it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import datasette
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup

from archiver.store.reads import QueryTimeout
from archiver.store.search import SearchRefused, bounded_query, is_heavy
from archiver.web.database import HEAVY

LOG = logging.getLogger("archiver.web")
# A URL's query string longer than this is refused (414) before any view parses it.
MAX_QUERY_STRING = 16_384
# Parameters that are full-text queries somewhere: Datasette's table search and our CSV export's.
SEARCH_PARAMS = re.compile(r"^(_search(_.+)?|search)$")
# Searches run at once (the others wait their turn): light ones (a few words) and heavy ones (many
# terms, prefixes) each have their own turns, and the server has one SQL thread more than both, so
# that heavy searches cannot starve the usual ones and no search can starve the other pages.
LIGHT_SLOTS, HEAVY_SLOTS = 4, 1
SEARCH_SLOTS = LIGHT_SLOTS + HEAVY_SLOTS
# Introspection pages that print the database files' absolute paths: hidden with --public.
PATH_PAGES = re.compile(r"^/-/(databases|threads)(\.json)?$")
INLINE_SCRIPT = re.compile(r"<script(?: type=\"module\")?>(.*?)</script>", re.S)
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}")


def script_hash(body: str) -> str:
    """Give the CSP source that lets exactly the inline script `body` run."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def template_script_hashes(folder: Path) -> tuple[str, ...]:
    """Give the CSP hashes of the inline scripts in the templates under `folder`.

    Datasette's own pages carry a few fixed inline scripts; one has a single boolean in it
    (`DATASETTE_ALLOW_FACET = {{ ... }};`), hashed for both values. Nothing archived is ever
    inside these, so no archived script can carry an allowed hash."""
    hashes = set()
    for template in sorted(folder.glob("*.html")):
        for body in INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            if "{%" in body:
                continue
            hashes.update(script_hash(JINJA_EXPRESSION.sub(value, body)) for value in ("true", "false"))
    return tuple(sorted(hashes))


def content_security_policy(hashes: tuple[str, ...]) -> str:
    """Give the Content-Security-Policy of every page: scripts only from the app (or hashed), no frames.

    Styles may be inline: Datasette's templates set colours and column widths in style attributes."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    """Give the headers added to every response."""
    return [
        (b"content-security-policy", csp.encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]


def secured_headers(headers: list, extra: list, ours: set) -> list:
    """Give a response's headers with ours in place of any of the same names, except where one of our
    own routes set its own Content-Security-Policy: a raw capture framed by the capture view (a
    sandbox with no sources at all, framed by this origin only) keeps it, with SAMEORIGIN framing."""
    own = [v for name, v in headers if name.lower() == b"content-security-policy"]
    if own and b"frame-ancestors 'self'" in own[0] and b"sandbox" in own[0]:
        kept = [h for h in headers if h[0].lower() not in ours or h[0].lower() == b"content-security-policy"]
        rest = [(n, v) for n, v in extra if n not in (b"content-security-policy", b"x-frame-options")]
        return kept + rest + [(b"x-frame-options", b"SAMEORIGIN")]
    return [h for h in headers if h[0].lower() not in ours] + extra


@dataclass(frozen=True)
class Refusal:
    """A request answered before it reaches Datasette: its status and why."""

    status: int
    message: str


def refusal(path: str, query_string: bytes, public: bool) -> Refusal | None:
    """Give why a request is refused outright (too long a query, a search out of bounds, a path page); None if not."""
    if len(query_string) > MAX_QUERY_STRING:
        return Refusal(414, f"the query string is {len(query_string):,} bytes, more than {MAX_QUERY_STRING:,}")
    if public and PATH_PAGES.match(path):
        return Refusal(404, "not shown on a public archive")
    try:
        bounded_params(query_string)
    except SearchRefused as exc:
        return Refusal(400, f"Not searched: {exc}")
    return None


def bounded_params(query_string: bytes) -> bytes:
    """Give the query string with its full-text queries folded (repeated terms said once), as the search page does.

    SearchRefused when one is out of bounds."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    bounded = [(name, bounded_query(value) if SEARCH_PARAMS.match(name) else value) for name, value in pairs]
    return urlencode(bounded).encode("ascii") if bounded != pairs else query_string


def refusal_response(path: str, refused: Refusal) -> Response:
    """Give the response that tells a refused request why, as JSON for a .json URL, else as a small page."""
    if path.endswith(".json"):
        return Response.json({"ok": False, "error": refused.message, "status": refused.status}, status=refused.status)
    body = Markup("<!DOCTYPE html><html><head><title>{}</title></head><body><h1>Error {}</h1><p>{}</p></body></html>")
    return Response.html(body.format(refused.status, refused.status, refused.message), status=refused.status)


# Pages whose every search counts all of its matches (day by day): one at a time, on the heavy thread.
COUNTING_PAGES = re.compile(r"/-/attention(\.json)?$")
# Downloads (and their manifests) read every row they name: a whole table is gigabytes at a million rows.
DOWNLOADS = re.compile(r"/-/export/[^/]+$")


def search_kind(path: str, query_string: bytes) -> str:
    """Give "light" or "heavy" for a request that reads on the SQL threads with a full-text search or
    every row of a table, else "" (a table's `.csv` only redirects to its download).

    Only the search pages' own searches can be light: they read a window of the newest matches. A table
    search (`_search`), a download and a chart of matches over time read every match of their words
    (seconds for a common one over a million rows, whatever the number of terms) or every row."""
    if DOWNLOADS.search(path):
        return "heavy"
    if path.endswith(".csv"):
        return ""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"))
    if any(value.strip() and SEARCH_PARAMS.match(name) for name, value in pairs):
        return "heavy"
    queries = [value for name, value in pairs if value.strip() and name == "q"]
    if not queries:
        return ""
    return "heavy" if COUNTING_PAGES.search(path) or any(is_heavy(q) for q in queries) else "light"


def wrap(app, csp: str, public: bool):
    """Give the ASGI app `app` with security headers on every response, oversized requests refused and
    searches taking turns (see LIGHT_SLOTS)."""
    extra = security_headers(csp)
    ours = {name for name, _ in extra}
    slots = {"light": asyncio.Semaphore(LIGHT_SLOTS), "heavy": asyncio.Semaphore(HEAVY_SLOTS)}

    async def secured(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured_headers(message.get("headers", []), extra, ours)}
            await send(message)

        query_string = scope.get("query_string", b"")
        refused = refusal(scope["path"], query_string, public)
        if refused:
            return await refusal_response(scope["path"], refused).asgi_send(send_secured)
        bounded = {**scope, "query_string": bounded_params(query_string)}
        kind = search_kind(scope["path"], query_string)
        # A heavy search or a download reads on the heavy thread (web/database.py), never on the others.
        HEAVY.set(kind == "heavy")
        if not kind:
            return await app(bounded, receive, send_secured)
        async with slots[kind]:
            await app(bounded, receive, send_secured)

    return secured


def datasette_templates() -> Path:
    """Give the folder of Datasette's own templates."""
    return Path(datasette.__file__).parent / "templates"


def is_public(ds) -> bool:
    """Tell whether the app serves the archive to others (`archiver serve --public`)."""
    return bool((ds.plugin_config("archiver") or {}).get("public"))


def scrubbed(ds, message: str) -> str:
    """Give `message` without the folders of the served databases when the archive is public."""
    if not is_public(ds):
        return message
    for db in ds.databases.values():
        if db.path:
            message = message.replace(str(Path(db.path).resolve().parent) + "/", "").replace(str(db.path), db.name)
    return message


@dataclass(frozen=True)
class ErrorPage:
    """What an error page says: HTTP status, message and optional title."""

    status: int
    message: str
    title: str | None = None


def error_page(exception: BaseException) -> ErrorPage:
    """Give the error page for `exception`: its own status for the errors a request can cause, else 500."""
    if isinstance(exception, Base400):
        return ErrorPage(exception.status, str(exception.args[0]) if exception.args else "error")
    if isinstance(exception, DatasetteError):
        # Datasette raises these for what a request asked wrongly (a sort by a missing column, bad SQL),
        # most with its default status 500; the request is at fault, so 400.
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return ErrorPage(400 if exception.status >= 500 else exception.status, message, exception.title)
    if isinstance(exception, SearchRefused):
        return ErrorPage(400, str(exception))
    if isinstance(exception, QueryTimeout):
        return ErrorPage(503, str(exception))
    if isinstance(exception, QueryInterrupted):
        return ErrorPage(503, "the query ran past the time limit and was stopped (narrow it or try again)")
    return ErrorPage(500, "internal error: the server log has the details")


def log_failure(request, exception: BaseException) -> None:
    """Log one line on an unexpected error: where it was raised and what it says, never local variables."""
    frame = traceback.extract_tb(exception.__traceback__)[-1:] if exception.__traceback__ else []
    where = f" at {Path(frame[0].filename).name}:{frame[0].lineno}" if frame else ""
    LOG.error("500 on %s: %s: %s%s", request.path, type(exception).__name__, exception, where)


async def render_error(ds, request, exception: BaseException) -> Response:
    """Give the error page (or JSON) for `exception`, with Datasette's error template."""
    found = error_page(exception)
    if found.status == 500:
        log_failure(request, exception)
    message = found.message if isinstance(found.message, Markup) else scrubbed(ds, found.message)
    info = {"ok": False, "error": message, "status": found.status, "title": found.title}
    if request.path.split("?")[0].endswith(".json"):
        return Response.json({**info, "error": str(message)}, status=found.status)
    template = ds.jinja_env.select_template([f"{found.status}.html", "error.html"])
    context = {**info, "urls": ds.urls, "app_css_hash": ds.app_css_hash(), "menu_links": lambda: []}
    return Response.html(await template.render_async(context), status=found.status)
