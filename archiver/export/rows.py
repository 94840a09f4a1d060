"""The one row source of exports (CLI and web alike): the archive opened, every filter checked, rows streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from archiver.store import Archive
from archiver.store.archive import open_readonly
from archiver.store.article_export import find_article
from archiver.store.exports import (
    EXPORT_TABLES,
    ExportFilter,
    ExportQuery,
    check_source,
    export_columns,
    export_query,
    iter_export,
)


@dataclass(frozen=True)
class ExportRows:
    """An export ready to write: its table, filters, query, column layout and rows (call close() at the end)."""

    table: str
    filters: ExportFilter
    query: ExportQuery
    columns: tuple[str, ...]
    rows: Iterator[dict]
    empty: bool
    conn: object

    def close(self) -> None:
        """Close the archive connection the rows are read from."""
        self.conn.close()

    def nothing_matched(self) -> str:
        """Give the line that tells a user the filters matched no row."""
        given = ", ".join(f"{k}={v}" for k, v in self.filters.given().items()) or "none"
        return f"no {self.table} matched the filters ({given}): the export holds no rows"


def connect(db: Path | str, served: bool):
    """Give a connection to read an export from: a plain read-only one for an archive already served."""
    # The command line checks (and migrates) the file it is given; a served archive was checked at start.
    return open_readonly(db) if served else Archive(db, readonly=True).conn


def open_export(
    db: Path | str, table: str, filters: ExportFilter, prefix: str = "", served: bool = False
) -> ExportRows:
    """Give the rows of an export, checked up front so that every error comes before any output.

    `prefix` is how filters are written where they came from ("--" on the command line), for errors.
    """
    query = export_query(table, filters, prefix)
    conn = connect(db, served)
    try:
        check_source(conn, filters.source, prefix)
        if filters.article:
            find_article(conn, filters.article)
        columns = tuple(export_columns(conn, query))
        rows = iter_export(conn, query)
        first = next(rows, None)
    except BaseException:
        conn.close()
        raise
    return ExportRows(table, filters, query, columns, chain([first], rows) if first else iter(()), first is None, conn)


__all__ = ["EXPORT_TABLES", "ExportRows", "open_export"]
