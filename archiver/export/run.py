"""An export written to a file or a stream: the row source read through the one writer, counted and hashed."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from archiver.errors import ConfigError
from archiver.export.manifest import ExportOutcome, write_manifest
from archiver.export.rows import ExportRows, open_export
from archiver.export.writer import RowWriter, WriteOptions, file_sha256
from archiver.store.exports import make_filter


@dataclass(frozen=True)
class ExportRequest:
    """An export asked for on the command line: table, filters (by option name), format, where to."""

    db: Path
    table: str
    filters: dict
    fmt: str = "csv"
    output: Path | None = None
    excel_safe: bool = False
    manifest: bool = False


@dataclass(frozen=True)
class ExportReport:
    """What an export did: rows written, where, whether nothing matched, and the manifest's path."""

    outcome: ExportOutcome
    target: str
    nothing_matched: str = ""
    manifest: Path | None = None

    def lines(self) -> list[str]:
        """Give the lines that end an export on stderr: nothing matched (if so), then rows and file."""
        done = f"wrote {self.outcome.rows} rows of {self.outcome.table} to {self.target}"
        if self.manifest:
            done += f" and its manifest to {self.manifest}"
        return [self.nothing_matched] * bool(self.nothing_matched) + [done]


def check_request(req: ExportRequest) -> None:
    """Raise ConfigError when the options of an export do not go together."""
    if req.manifest and not req.output:
        raise ConfigError("--manifest needs -o FILE", "give the file to export to")
    if req.fmt == "parquet" and not req.output:
        raise ConfigError("--format parquet needs -o FILE", "parquet is a binary file format")
    if req.fmt == "parquet" and req.excel_safe:
        raise ConfigError("--excel-safe is for CSV, the format spreadsheets open", "drop it for parquet")
    if req.fmt != "parquet":
        WriteOptions(req.fmt, True, req.excel_safe).checked()


def write_rows(export: ExportRows, req: ExportRequest, out: TextIO) -> int:
    """Give how many rows of `export` were written to `out` in the request's format."""
    return RowWriter(out, req.fmt, excel=req.excel_safe, columns=export.columns).write_all(export.rows)


def write_export(export: ExportRows, req: ExportRequest) -> int:
    """Give how many rows were written to the request's file (or standard output)."""
    if req.fmt == "parquet":
        from archiver.export.parquet import write_parquet

        return write_parquet(export, req.output)
    if req.output is None:
        return write_rows(export, req, sys.stdout)
    with req.output.open("w", encoding="utf-8", newline="") as out:
        return write_rows(export, req, out)


def run_export(req: ExportRequest) -> ExportReport:
    """Give the report of the export `req`, written (with its manifest, when asked) before returning."""
    check_request(req)
    filters = make_filter(req.filters, "--")
    export = open_export(req.db, req.table, filters, "--")
    try:
        count = write_export(export, req)
    finally:
        export.close()
    sha = file_sha256(req.output) if req.output else ""
    outcome = ExportOutcome(req.table, filters, count, sha, req.fmt, req.excel_safe)
    manifest = None
    if req.manifest:
        manifest = req.output.with_name(req.output.name + ".manifest.json")
        write_manifest(manifest, req.table, filters, count, sha, req.db, fmt=req.fmt, excel_safe=req.excel_safe)
    empty = export.nothing_matched() if export.empty else ""
    return ExportReport(outcome, str(req.output or "standard output"), empty, manifest)
