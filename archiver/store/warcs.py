"""Queries behind WARC export and import: kept captures by file, and the import's date-ordered queue."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from archiver.store.exports import ExportFilter

KEPT_COLUMNS = (
    "p.id, p.url, coalesce(p.final_url, p.url), p.status, p.fetched_at, p.warc_file, p.warc_offset,"
    " p.warc_length, p.decision, p.article_id, a.url, a.title"
)
KEPT_FROM = (
    " FROM captures p LEFT JOIN articles a ON a.id = p.article_id"
    " LEFT JOIN sources s ON s.id = p.source_id WHERE p.warc_file IS NOT NULL"
)


@dataclass(frozen=True)
class WarcCapture:
    """A capture whose raw response is kept in a WARC file, with the article it gave (if any)."""

    id: int
    url: str
    final_url: str
    status: int | None
    fetched_at: str
    warc_file: str
    warc_offset: int
    warc_length: int
    decision: str
    article_id: int | None
    article_url: str | None
    article_title: str | None = None


def filter_sql(where: ExportFilter) -> tuple[str, dict]:
    """Give the extra WHERE clauses and parameters of a source and date-range filter."""
    clauses, params = [], {}
    if where.source:
        clauses.append(" AND s.name = :source")
        params["source"] = where.source
    if where.since:
        clauses.append(" AND p.fetched_at >= :since")
        params["since"] = where.since
    if where.until:
        clauses.append(" AND substr(p.fetched_at, 1, length(:until)) <= :until")
        params["until"] = where.until
    return "".join(clauses), params


def kept_files(conn: sqlite3.Connection, where: ExportFilter) -> list[str]:
    """Give the WARC files holding captures under `where`, in the order they were first written to."""
    clauses, params = filter_sql(where)
    sql = f"SELECT p.warc_file{KEPT_FROM}{clauses} GROUP BY p.warc_file ORDER BY min(p.id)"
    return [row[0] for row in conn.execute(sql, params)]


def kept_captures(conn: sqlite3.Connection, file: str, where: ExportFilter) -> Iterator[WarcCapture]:
    """Give the captures under `where` kept in one WARC file, in file order."""
    clauses, params = filter_sql(where)
    sql = f"SELECT {KEPT_COLUMNS}{KEPT_FROM} AND p.warc_file = :file{clauses} ORDER BY p.warc_offset"
    for row in conn.execute(sql, {**params, "file": file}):
        yield WarcCapture(*row)


def previous_response(conn: sqlite3.Connection, url: str, before_id: int) -> WarcCapture | None:
    """Give the newest kept 200 capture of `url` older than capture `before_id` (what a 304 revisits)."""
    sql = (
        f"SELECT {KEPT_COLUMNS}{KEPT_FROM} AND p.status = 200 AND coalesce(p.final_url, p.url) = ?"
        " AND p.id < ? ORDER BY p.id DESC LIMIT 1"
    )
    row = conn.execute(sql, (url, before_id)).fetchone()
    return WarcCapture(*row) if row else None


@dataclass(frozen=True)
class ImportedRecord:
    """A response or revisit record copied in by an import, waiting to be stored in date order."""

    date: str
    seq: int
    type: str
    uri: str
    file: str
    offset: int
    length: int


class ImportQueue:
    """The records of an import, sorted by capture date on disk (a private temporary SQLite file).

    Multi-gigabyte WARCs do not fit in memory, and their records need not come in date order,
    yet article versions must be stored oldest first.
    """

    def __init__(self):
        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute(
            "CREATE TABLE queue (date TEXT, seq INTEGER, type TEXT, uri TEXT, file TEXT,"
            " offset INTEGER, length INTEGER)"
        )
        self.conn.execute("BEGIN")
        self.size = 0

    def add(self, record: ImportedRecord) -> None:
        """Queue one record."""
        self.conn.execute(
            "INSERT INTO queue VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record.date, record.seq, record.type, record.uri, record.file, record.offset, record.length),
        )
        self.size += 1

    def in_date_order(self) -> Iterator[ImportedRecord]:
        """Give the queued records oldest first (file order among records of the same date)."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        for row in self.conn.execute("SELECT * FROM queue ORDER BY date, seq"):
            yield ImportedRecord(*row)

    def close(self) -> None:
        """Drop the queue and its temporary file."""
        self.conn.close()
