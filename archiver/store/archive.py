"""Open an archive file: check it, migrate it in place (after a backup), set pragmas."""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import sqlite_utils

from ..errors import ArchiveError
from .schema import LATEST, MIGRATIONS
from .search_index import ArchiveConnection, forget_new_rows, index_new_rows

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class ArchiveInfo:
    """Where an archive lives and the schema version it was found at."""

    path: Path
    found_version: int
    backup: Path | None


def check_archive_file(path: Path) -> None:
    """Raise ArchiveError unless `path` is absent, empty or an SQLite file."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise ArchiveError(f"{path} is a directory, not an archive", "give the path of an archive file")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise ArchiveError(f"{path} is not an archive (not an SQLite file)", "check the --db path")


def connect(path: Path, timeout: float = 30.0, attempts: int = 5) -> ArchiveConnection:
    """Give a connection in autocommit mode with WAL, foreign keys and a busy timeout."""
    for attempt in range(attempts):
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False,
                                   factory=ArchiveConnection)
            conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # Another process closing the last connection removes the -wal and -shm files; opening
            # at that very moment fails with "disk I/O error": a moment later it works.
            if "disk I/O" not in str(exc) or attempt == attempts - 1:
                raise ArchiveError(f"cannot open archive {path}: {exc}", "check the path and its permissions") from exc
            time.sleep(0.1 * (attempt + 1))
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot open archive {path}: {exc}", "check the path and its permissions") from exc
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
        raise ArchiveError(
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
        raise ArchiveError(f"no archive at {path}", "crawl something first or give --db")
    conn = connect(path)
    try:
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"cannot use archive {path}: {exc}", "check that it is a News Archiver archive") from exc
    return conn


@contextmanager
def transaction(conn: ArchiveConnection) -> Iterator[ArchiveConnection]:
    """Run the block in one write transaction, rolled back if it or the commit raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        commit(conn)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        forget_new_rows(conn)
        raise


def commit(conn: ArchiveConnection) -> None:
    """Index the open transaction's new rows for full-text search, then commit it."""
    index_new_rows(conn)
    conn.execute("COMMIT")
