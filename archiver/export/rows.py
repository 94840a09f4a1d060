"""Exports as streams of rows: the archive opened, the filter checked, rows yielded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from archiver.store import Archive
from archiver.store.exports import EXPORT_TABLES, ExportFilter, check_date, export_query, iter_export


def export_table(db: Path, table: str, source=None, since=None, until=None, search=None) -> Iterator[dict]:
    """Give the rows of an export, checked up front so that errors come before any output."""
    where = ExportFilter(source, check_date(since, "--since"), check_date(until, "--until"), search)
    query = export_query(table, where)
    archive = Archive(db, readonly=True)
    rows = iter_export(archive.conn, query)
    first = next(rows, None)
    return _chain(archive, first, rows)


def _chain(archive: Archive, first: dict | None, rows: Iterator[dict]) -> Iterator[dict]:
    try:
        if first is not None:
            yield first
            yield from rows
    finally:
        archive.close()


__all__ = ["EXPORT_TABLES", "export_table"]
