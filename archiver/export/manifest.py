"""Manifests of exports: what was exported, from which crawls, by which software, and its checksum.

A manifest sits beside an export file (or beside a web download link) so that a dataset can be cited and
checked: anyone holding the file can recompute its sha256 and row count, and rerun the recorded query.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archiver import __version__
from archiver.export.rows import open_export
from archiver.export.writer import RowWriter
from archiver.store import Archive
from archiver.store.archive import open_readonly, schema_version, sqlite_version
from archiver.store.exports import ExportFilter, export_extractors, export_query, make_filter
from archiver.store.reads import covered_crawls

MANIFEST_VERSION = 1


def as_filter(filters: ExportFilter | dict | None) -> ExportFilter:
    """Give `filters` as an ExportFilter (a dict holds filter names, with - or _)."""
    if isinstance(filters, ExportFilter):
        return filters
    return make_filter(filters or {})


@dataclass(frozen=True)
class ExportOutcome:
    """What an export wrote: its table, filters, format, rows and the sha256 of its bytes."""

    table: str
    filters: ExportFilter
    rows: int
    sha256: str
    fmt: str = "csv"
    excel_safe: bool = False


def build_manifest(conn, outcome: ExportOutcome, archive: str, now: str) -> dict:
    """Give the manifest of an export read from the archive connection `conn` (named `archive`)."""
    query = export_query(outcome.table, outcome.filters)
    return {
        "manifest_version": MANIFEST_VERSION,
        "created_at": now,
        "table": outcome.table,
        "format": outcome.fmt,
        "excel_safe": outcome.excel_safe,
        "filters": outcome.filters.given(),
        "query": {"sql": query.sql, "params": query.params},
        "archive": {"path": archive, "schema_version": schema_version(conn)},
        "crawl_ids": covered_crawls(conn, outcome.filters.source),
        "software": {"news-archiver": __version__, "python": platform.python_version(), "sqlite": sqlite_version()},
        "extractors": export_extractors(conn, outcome.table, outcome.filters),
        "rows": outcome.rows,
        "sha256": outcome.sha256,
    }


def utc_stamp() -> str:
    """Give the current UTC time, to the second, in ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_manifest(
    path: Path,
    table: str,
    filters: ExportFilter | dict | None,
    rows_written: int,
    sha256: str,
    db: Path,
    now: str | None = None,
    fmt: str = "csv",
    excel_safe: bool = False,
) -> dict:
    """Give the manifest written as JSON at `path` for an export already written (rows and sha256 known)."""
    outcome = ExportOutcome(table, as_filter(filters), rows_written, sha256, fmt, excel_safe)
    with Archive(db, readonly=True) as archive:
        manifest = build_manifest(archive.conn, outcome, str(db), now or utc_stamp())
    Path(path).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


class HashingSink:
    """A text stream that keeps only the sha256 of the UTF-8 bytes written to it."""

    def __init__(self):
        self.digest = hashlib.sha256()

    def write(self, text: str) -> int:
        self.digest.update(text.encode("utf-8"))
        return len(text)


def served_manifest(db: str, name: str, table: str, filters: ExportFilter, excel: bool, now: str) -> dict:
    """Give the manifest of the web download of `table` under `filters`, by exporting it once into a hash."""
    export = open_export(db, table, filters, served=True)
    try:
        sink = HashingSink()
        count = RowWriter(sink, "csv", excel=excel, columns=export.columns).write_all(export.rows)
    finally:
        export.close()
    conn = open_readonly(db)
    try:
        outcome = ExportOutcome(table, filters, count, sink.digest.hexdigest(), "csv", excel)
        return build_manifest(conn, outcome, name, now)
    finally:
        conn.close()
