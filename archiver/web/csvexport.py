"""Downloads that equal `archiver export`: same row source, same writer, same layout, streamed without caps.

Every query-string argument is an export filter (the names of `archiver export`'s options) or `excel-safe`;
anything else, or a filter that means nothing for the table, is refused with HTTP 400 naming it.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from itertools import islice
from urllib.parse import urlencode

from datasette.utils.asgi import AsgiStream, NotFound, Response

from archiver.errors import ArchiverError, ConfigError
from archiver.export.article import export_article
from archiver.export.manifest import served_manifest, utc_stamp
from archiver.export.rows import ExportRows, open_export
from archiver.export.writer import RowWriter
from archiver.store.exports import EXPORT_TABLES, ExportFilter, check_flag, make_filter
from archiver.store.reads import source_name
from archiver.web.database import HEAVY
from archiver.web.tablefilters import EXPORT_NAMES, TableExport, table_export
from archiver.web.views import archive_db

CHUNK_ROWS = 1000
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def refused(exc: ArchiverError) -> Response:
    """Give the 400 answer naming what was refused."""
    return Response.text(f"Error: {exc}\n", status=400)


def request_filters(request) -> tuple[ExportFilter, bool]:
    """Give the export filters of the query string and whether cells are made spreadsheet-safe."""
    values = {}
    for name in request.args.keys():
        found = request.args.getlist(name)
        if len(found) > 1:
            raise ConfigError(f"filter {name} is given {len(found)} times", "give each filter once")
        values[name] = found[0]
    excel = check_flag(values.pop("excel-safe", None) or None, "excel-safe")
    return make_filter(values), bool(excel)


async def in_thread(db, func: Callable):
    """Give what `func` returns, run in a worker thread (SQLite reads block): the served database's heavy
    thread, at the lowest CPU priority, when the request is heavy (web/security.py: every download)."""
    executor = getattr(db, "heavy_executor", None) if HEAVY.get() else None
    return await asyncio.get_running_loop().run_in_executor(executor, func)


def drain(buffer: io.StringIO) -> str:
    """Give what was written to `buffer` since the last drain, and empty it."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def chunk_text(export: ExportRows, out: RowWriter, buffer: io.StringIO) -> str:
    """Give the next chunk of the export as written text ('' when the rows are exhausted)."""
    out.write_all(islice(export.rows, CHUNK_ROWS))
    return drain(buffer)


async def export_download(datasette, request):
    """Stream one export table (CSV or JSON lines) for the filters in the query string."""
    db = await archive_db(datasette, request)
    table, fmt = request.url_vars["table"], request.url_vars["fmt"]
    if table not in EXPORT_TABLES:
        raise NotFound(f"no export named {table}")
    try:
        filters, excel = request_filters(request)
        export = await in_thread(db, lambda: open_export(db.path, table, filters, served=True))
    except ArchiverError as exc:
        return refused(exc)
    buffer = io.StringIO(newline="")
    try:
        out = RowWriter(buffer, fmt, excel=excel, columns=export.columns)
    except ArchiverError as exc:
        export.close()
        return refused(exc)

    async def stream(writer):
        try:
            await writer.write(drain(buffer))  # the CSV header, even when no row matched
            while text := await in_thread(db, lambda: chunk_text(export, out, buffer)):
                await writer.write(text)
        finally:
            export.close()

    return AsgiStream(
        stream,
        content_type=CONTENT_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{table}.{fmt}"'},
    )


async def export_manifest(datasette, request):
    """Give the manifest of the CSV download with the same query string (rows, sha256, extractors, query)."""
    db = await archive_db(datasette, request)
    table = request.url_vars["table"]
    if table not in EXPORT_TABLES:
        raise NotFound(f"no export named {table}")
    try:
        filters, excel = request_filters(request)
        manifest = await in_thread(db, lambda: served_manifest(db.path, db.name, table, filters, excel, utc_stamp()))
    except ArchiverError as exc:
        return refused(exc)
    manifest["download"] = export_href(db.name, table, filters.given() | ({"excel-safe": "yes"} if excel else {}))
    return Response.json(manifest, headers={"content-disposition": f'attachment; filename="{table}.csv.manifest.json"'})


async def article_download(datasette, request):
    """Give one article as a JSON document (what `archiver export article ID` writes)."""
    db = await archive_db(datasette, request)
    ident = request.url_vars["id"]
    try:
        article_id, text = await in_thread(db, lambda: export_article(db.path, ident, served=True))
    except ConfigError as exc:
        raise NotFound(str(exc)) from exc
    return Response(
        text,
        content_type="application/json; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="article-{article_id}.json"'},
    )


def export_href(database: str, table: str, params: dict, suffix: str = ".csv") -> str:
    """Give the URL of an export download (or, with suffix .manifest.json, of its manifest)."""
    query = urlencode(params)
    return f"/{database}/-/export/{table}{suffix}" + (f"?{query}" if query else "")


def page_args(request) -> dict:
    """Give a table page's arguments, one value each (a name given twice is kept as refused)."""
    if request is None:
        return {}
    args = {}
    for name in request.args.keys():
        found = request.args.getlist(name)
        args[name if len(found) == 1 else f"{name} (given {len(found)} times)"] = found[-1]
    return args


async def page_export(datasette, database: str, table: str, args: dict) -> tuple[TableExport, dict]:
    """Give a table page's export and the query string of its download (refused arguments passed on as given)."""
    found = table_export(table, args)
    params = dict(found.filters)
    if found.source_id is not None:
        name = await datasette.get_database(database).execute_fn(lambda conn: source_name(conn, found.source_id))
        params["source"] = name if name is not None else f"(no source with id {found.source_id})"
    # A refused argument goes on to the export unchanged, which answers 400 naming it: never a wider download.
    params.update({name: args.get(name, "") for name in found.refused})
    return found, params


async def table_csv(datasette, request):
    """Send Datasette's own `table.csv` of an archive table to the export with the page's filters (one layout)."""
    db = await archive_db(datasette, request)
    table = request.url_vars["table"]
    found, params = await page_export(datasette, db.name, table, page_args(request))
    return Response.redirect(export_href(db.name, found.table, params))


DB = r"^/(?P<database>[^/]+)/"
ROUTES = [
    (DB + r"-/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|jsonl)$", export_download),
    (DB + r"-/export/(?P<table>[a-z_]+)\.manifest\.json$", export_manifest),
    (DB + r"-/article/(?P<id>\d+)\.json$", article_download),
    (DB + r"(?P<table>" + "|".join(EXPORT_NAMES) + r")\.csv$", table_csv),
]
