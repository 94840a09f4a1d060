"""Open an archive file: check it, migrate it in place (after a backup), set pragmas."""

from __future__ import annotations

import functools
import inspect
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archiver.errors import StoreError
from archiver.store.schema import LATEST, MIGRATIONS
from archiver.store.search_index import ArchiveConnection, forget_new_rows, index_new_rows

SQLITE_MAGIC = b"SQLite format 3\x00"


def typed_errors(cls: type) -> type:
    """Give `cls` with every public method turning sqlite3 errors into StoreError (as sqlite-utils does).

    Iterators that a method gives back are wrapped too, so an error met while reading rows is typed.
    """
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_") and not isinstance(value, (staticmethod, classmethod)):
            setattr(cls, name, typed_method(value))
    return cls


def typed_method(method):
    """Give `method` with sqlite3 errors raised as StoreError."""

    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            result = method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"archive error: {exc}", "check the archive file and the disk") from exc
        return typed_iterator(result) if inspect.isgenerator(result) else result

    return call


def typed_iterator(rows: Iterator) -> Iterator:
    """Give the items of `rows`, with sqlite3 errors raised as StoreError."""
    try:
        yield from rows
    except sqlite3.Error as exc:
        raise StoreError(f"archive error: {exc}", "check the archive file and the disk") from exc


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Give a read-only connection to an archive file that may be shared between threads."""
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open archive {path}: {exc}", "check the path and its permissions") from exc


def sqlite_version() -> str:
    """Give the version of the SQLite library the archive is written with."""
    return sqlite3.sqlite_version


@dataclass(frozen=True)
class ArchiveInfo:
    """Where an archive lives and the schema version it was found at."""

    path: Path
    found_version: int
    backup: Path | None


def check_archive_file(path: Path) -> None:
    """Raise StoreError unless `path` is absent, empty or an SQLite file."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not an archive", "give the path of an archive file")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not an archive (not an SQLite file)", "check the --db path")


def connect(path: Path, timeout: float = 30.0, attempts: int = 5) -> ArchiveConnection:
    """Give a connection in autocommit mode with WAL, foreign keys and a busy timeout."""
    for attempt in range(attempts):
        try:
            conn = sqlite3.connect(
                str(path), timeout=timeout, isolation_level=None, check_same_thread=False, factory=ArchiveConnection
            )
            conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # Another process closing the last connection removes the -wal and -shm files; opening
            # at that very moment fails with "disk I/O error": a moment later it works.
            if "disk I/O" not in str(exc) or attempt == attempts - 1:
                raise StoreError(f"cannot open archive {path}: {exc}", "check the path and its permissions") from exc
            time.sleep(0.1 * (attempt + 1))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open archive {path}: {exc}", "check the path and its permissions") from exc
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-32768")  # 32 MB of pages: a growing archive's indexes stay in memory
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    """Give the archive's schema version (PRAGMA user_version)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup_copy(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Give the path of a consistent copy of the archive taken before migrating it."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    with sqlite3.connect(str(target)) as copy:
        conn.backup(copy)
    copy.close()
    return target


def migrate(conn: sqlite3.Connection, path: Path) -> ArchiveInfo:
    """Bring the archive to the latest schema; give what was found and any backup made."""
    found = schema_version(conn)
    if found > LATEST:
        raise StoreError(
            f"{path} has schema version {found}, newer than this archiver knows ({LATEST})",
            "upgrade news-archiver",
        )
    backup = backup_copy(conn, path, found) if 0 < found < LATEST else None
    db = sqlite_utils.Database(conn)
    version = found
    while version < LATEST:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process may have migrated while we waited.
            version = schema_version(conn)
            if version < LATEST:
                MIGRATIONS[version](db)
                version += 1
                conn.execute(f"PRAGMA user_version={version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return ArchiveInfo(path, found, backup)


def open_connection(path: str | Path, readonly: bool = False) -> ArchiveConnection:
    """Give a connection to an existing or new archive at `path`, migrated to the latest schema."""
    path = Path(path)
    check_archive_file(path)
    if readonly and not path.exists():
        raise StoreError(f"no archive at {path}", "crawl something first or give --db")
    conn = connect(path)
    try:
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot use archive {path}: {exc}", "check that it is a News Archiver archive") from exc
    return conn


@contextmanager
def transaction(conn: ArchiveConnection) -> Iterator[ArchiveConnection]:
    """Run the block in one write transaction, rolled back if it or the commit raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        commit(conn)
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        forget_new_rows(conn)
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"archive error: {exc}", "check the archive file and the disk") from exc
        raise


def commit(conn: ArchiveConnection) -> None:
    """Index the open transaction's new rows for full-text search, then commit it."""
    index_new_rows(conn)
    conn.execute("COMMIT")
