"""Manifests of exports: what was exported, from which crawls, by which software, and its checksum.

A manifest sits beside an export file so that a dataset can be cited and checked: anyone holding the
file can recompute its sha256 and row count, and rerun the recorded query on the archive.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from archiver import __version__
from archiver.store import Archive
from archiver.store.archive import schema_version, sqlite_version
from archiver.store.exports import ExportFilter, export_query
from archiver.store.reads import covered_crawls, export_extractors

MANIFEST_VERSION = 1


def as_filter(filters: ExportFilter | dict | None) -> ExportFilter:
    """Give `filters` as an ExportFilter (a dict holds the `archiver export` option names)."""
    if isinstance(filters, ExportFilter):
        return filters
    return ExportFilter(**{k: v for k, v in (filters or {}).items() if v is not None})


def build_manifest(table: str, filters: ExportFilter, rows_written: int, sha256: str, db: Path, now: str) -> dict:
    """Give the manifest of an export of `table` under `filters` from the archive `db`."""
    query = export_query(table, filters)
    with Archive(db, readonly=True) as archive:
        crawls = covered_crawls(archive.conn, filters.source)
        extractors = export_extractors(archive.conn, query.sql, query.params)
        schema = schema_version(archive.conn)
    return {
        "manifest_version": MANIFEST_VERSION,
        "created_at": now,
        "table": table,
        "filters": {k: v for k, v in asdict(filters).items() if v is not None},
        "query": {"sql": query.sql, "params": query.params},
        "archive": {"path": str(db), "schema_version": schema},
        "crawl_ids": crawls,
        "software": {"news-archiver": __version__, "python": platform.python_version(), "sqlite": sqlite_version()},
        "extractors": extractors,
        "rows": rows_written,
        "sha256": sha256,
    }


def write_manifest(
    path: Path,
    table: str,
    filters: ExportFilter | dict | None,
    rows_written: int,
    sha256: str,
    db: Path,
    now: str | None = None,
) -> dict:
    """Give the manifest written as JSON at `path` for an export already written (rows and sha256 known)."""
    now = now or datetime.now(UTC).isoformat(timespec="seconds")
    manifest = build_manifest(table, as_filter(filters), rows_written, sha256, Path(db), now)
    Path(path).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest
