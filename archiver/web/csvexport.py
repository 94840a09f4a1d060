"""CSV downloads that equal `archiver export`: same query, same columns, streamed without caps."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from itertools import islice

from datasette.utils.asgi import AsgiStream, NotFound, Response

from archiver.errors import ConfigError
from archiver.export.writer import RowWriter
from archiver.store.archive import open_readonly
from archiver.store.exports import EXPORT_TABLES, ExportFilter, export_query, iter_export
from archiver.web.views import archive_db

CHUNK_ROWS = 1000


def csv_chunk(rows: list[dict], header: bool) -> str:
    """Give `rows` written as `archiver export` writes CSV (csv.DictWriter defaults), header first if asked."""
    out = io.StringIO(newline="")
    RowWriter(out, "csv", header).write_all(rows)
    return out.getvalue()


def export_filter(request) -> ExportFilter:
    """Give the export filter of the query string (the options of `archiver export`)."""
    args = request.args
    return ExportFilter(*((args.get(name) or "").strip() or None for name in ("source", "since", "until", "search")))


async def stream_rows(conn, rows: Iterator[dict], writer, header: bool) -> None:
    """Write the rows as CSV in chunks, reading each chunk in a worker thread; close `conn` at the end."""
    loop = asyncio.get_running_loop()
    try:
        while chunk := await loop.run_in_executor(None, lambda: list(islice(rows, CHUNK_ROWS))):
            await writer.write(csv_chunk(chunk, header))
            header = False
    finally:
        conn.close()


async def export_csv(datasette, request):
    """Stream one export table as CSV for the filters in the query string."""
    db = await archive_db(datasette, request)
    table = request.url_vars["table"]
    if table not in EXPORT_TABLES:
        raise NotFound(f"no export named {table}")
    try:
        query = export_query(table, export_filter(request))
    except ConfigError as exc:
        return Response.text(str(exc), status=400)
    conn = open_readonly(db.path)
    try:
        rows = iter_export(conn, query)
        first = await asyncio.get_running_loop().run_in_executor(None, lambda: next(rows, None))
    except ConfigError as exc:
        conn.close()
        return Response.text(str(exc), status=400)
    if first is None:
        conn.close()
        return Response("", content_type="text/csv; charset=utf-8")

    async def stream(writer):
        await writer.write(csv_chunk([first], header=True))
        await stream_rows(conn, rows, writer, header=False)

    name = f"{table}.csv"
    return AsgiStream(
        stream,
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [(r"^/(?P<database>[^/]+)/-/export/(?P<table>[a-z_]+)\.csv$", export_csv)]
