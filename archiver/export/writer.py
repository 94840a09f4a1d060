"""The one writer of exported rows: CSV (header first) or JSON lines, for the CLI and the web alike."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from archiver.errors import ConfigError

FORMATS = ("csv", "jsonl")
# OWASP's CSV-injection advice: a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value):
    """Give `value` with a leading single quote when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class WriteOptions:
    """How rows are written: the format, a header line, and spreadsheet-safe cells (CSV only)."""

    fmt: str = "csv"
    header: bool = True
    excel_safe: bool = False

    def checked(self) -> WriteOptions:
        """Give these options; ConfigError when they do not go together."""
        if self.fmt not in FORMATS:
            raise ConfigError(f"unknown format {self.fmt!r}", f"choose one of {', '.join(FORMATS)}")
        if self.excel_safe and self.fmt != "csv":
            raise ConfigError("excel-safe is for CSV, the format spreadsheets open", "drop it or export CSV")
        return self


class RowWriter:
    """Write dict rows to a text stream in one export format, counting them."""

    def __init__(self, out: TextIO, fmt: str = "csv", header: bool = True, excel: bool = False, columns=None):
        self.out = out
        self.options = WriteOptions(fmt, header, excel).checked()
        self.count = 0
        self._csv: csv.DictWriter | None = None
        if columns:
            self.start(columns)

    def start(self, columns: Sequence[str]) -> None:
        """Fix the CSV columns and write the header line (when asked), even if no row follows."""
        if self.options.fmt != "csv" or self._csv is not None:
            return
        self._csv = csv.DictWriter(self.out, fieldnames=list(columns))
        if self.options.header:
            self._csv.writeheader()

    def write(self, row: dict) -> None:
        """Write one row (the first CSV row is preceded by the header, when asked)."""
        self.count += 1
        if self.options.fmt == "jsonl":
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        self.start(list(row))
        self._csv.writerow({k: excel_safe(v) for k, v in row.items()} if self.options.excel_safe else row)

    def write_all(self, rows: Iterable[dict]) -> int:
        """Write every row; give how many this writer has written in all."""
        for row in rows:
            self.write(row)
        return self.count


def file_sha256(path: Path) -> str:
    """Give the sha256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
