"""Parquet exports (the optional `parquet` extra, pyarrow): the same rows and columns as CSV, typed, streamed.

Rows are written in row groups of bounded size (rows and text bytes), so memory stays flat however large
the table; pandas (`pd.read_parquet`) and R (`arrow::read_parquet`) read the file with its types.
"""

from __future__ import annotations

import json
from pathlib import Path

from archiver import __version__
from archiver.errors import ConfigError, StoreError
from archiver.export.rows import ExportRows

GROUP_ROWS = 5000
GROUP_BYTES = 8 << 20  # text held before a row group is written: bodies make some rows large
# Per table, the columns that hold integers in the archive; every other column is text (ISO dates included).
COUNTS = (
    "discovered fetched not_modified articles_new articles_changed articles_unchanged comments_new"
    " comments_removed skipped errors"
)
INTEGER_COLUMNS = {
    "articles": {"comment_count", "versions"},
    "comments": {"position"},
    "versions": {"version"},
    "captures": {"status", "length", "warc_offset", "crawl_id"},
    "crawls": {"id", *COUNTS.split()},
}


def arrow():
    """Give the pyarrow module and its parquet writer; ConfigError telling how to install them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError("--format parquet needs pyarrow", "pip install 'news-archiver[parquet]'") from None
    return pyarrow, pyarrow.parquet


def schema(pa, export: ExportRows):
    """Give the Arrow schema of an export: integers where the archive keeps integers, text elsewhere."""
    integer = INTEGER_COLUMNS.get(export.table, set())
    fields = [pa.field(c, pa.int64() if c in integer else pa.string()) for c in export.columns]
    meta = {"news-archiver": __version__, "table": export.table, "filters": json.dumps(export.filters.given())}
    return pa.schema(fields, metadata=meta)


def text_size(row: dict) -> int:
    """Give the characters of text a row holds (what a row group's memory mostly is)."""
    return sum(len(v) for v in row.values() if isinstance(v, str))


def flush(pa, writer, sch, group: list[dict]) -> None:
    """Write one row group and empty `group`."""
    if not group:
        return
    try:
        writer.write_table(pa.Table.from_pylist(group, schema=sch))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise StoreError(f"a value does not fit its Parquet column: {exc}", "export CSV instead") from exc
    group.clear()


def write_parquet(export: ExportRows, path: Path) -> int:
    """Give how many rows of `export` were written to the Parquet file `path`, in bounded row groups."""
    pa, pq = arrow()
    sch = schema(pa, export)
    count, held, group = 0, 0, []
    try:
        with pq.ParquetWriter(str(path), sch, compression="zstd") as writer:
            for row in export.rows:
                group.append(row)
                count, held = count + 1, held + text_size(row)
                if len(group) >= GROUP_ROWS or held >= GROUP_BYTES:
                    flush(pa, writer, sch, group)
                    held = 0
            flush(pa, writer, sch, group)
    except BaseException:
        Path(path).unlink(missing_ok=True)  # half a Parquet file is no dataset
        raise
    return count
