"""The one writer of exported rows: CSV (header first) or JSON lines, for the CLI and the web alike."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

FORMATS = ("csv", "jsonl")


class RowWriter:
    """Write dict rows to a text stream in one export format, counting them."""

    def __init__(self, out: TextIO, fmt: str = "csv", header: bool = True):
        self.out = out
        self.fmt = fmt
        self.header = header
        self.count = 0
        self._csv: csv.DictWriter | None = None

    def write(self, row: dict) -> None:
        """Write one row (the first CSV row is preceded by the header, when asked)."""
        self.count += 1
        if self.fmt == "jsonl":
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        if self._csv is None:
            self._csv = csv.DictWriter(self.out, fieldnames=list(row))
            if self.header:
                self._csv.writeheader()
        self._csv.writerow(row)

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
