"""Exports as streams of rows: the archive opened, the filter checked, rows yielded."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from .errors import ConfigError
from .store import Archive
from .store.exports import EXPORT_TABLES, ExportFilter, export_query, iter_export


def check_date(value: str | None, option: str) -> str | None:
    """Give `value` when it is an ISO date (YYYY-MM-DD); ConfigError otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-01-31") from None


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
