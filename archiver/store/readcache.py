"""Results of slow reads kept until the archive changes: a served archive's row counts and facets.

A table page of a million articles counts its rows and its facet values on every visit; the counts
are the same until a crawl writes. So the served connections keep what took long, and drop it all
as soon as the archive changed: SQLite's `PRAGMA data_version` of a connection moves whenever another
connection (any process) has committed since that connection last asked. The cache asks on a
connection of its own (its witness), under its lock, before every read.

Why that is enough: a result is kept with the generation read before its query started, and given
only while the generation is unchanged. A commit made before a check makes the witness's
data_version differ from the one it saw before the commit, so that check moves the generation; a
result read before the commit is never given after it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from archiver.store.archive import open_readonly

T = TypeVar("T")

# Reads faster than this are not kept: they cost less than the memory they would hold.
SLOW_MS = 15.0
MAX_ENTRIES = 512
# Datasette's own statements that read only the schema (web/database.py keeps their answers per
# generation, as a schema change is a commit): the version it checks on every request, and the
# table-name lookup of every permission check.
SCHEMA_STATEMENTS = frozenset(
    [
        "PRAGMA schema_version",
        "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
    ]
)
# A read that ran out of time is remembered this long: asking again at once would spend the same time
# again for the same refusal, but later, with the machine less busy, it may finish.
REFUSAL_SECONDS = 60.0


@dataclass(frozen=True)
class Kept(Generic[T]):
    """One kept result: the generation it belongs to, and either its value or the error it raised."""

    generation: int
    value: T | None = None
    error: BaseException | None = None
    expires: float | None = None


@dataclass(frozen=True)
class Load(Generic[T]):
    """A read to run: the read, the errors kept as refusals, and which of its values may be kept."""

    read: Callable[[], T]
    refusals: tuple[type[BaseException], ...]
    keeps: Callable[[T], bool]


class ReadCache:
    """Slow read results of one archive, shared by all its served connections (thread-safe)."""

    def __init__(self, path: str | Path, max_entries: int = MAX_ENTRIES, slow_ms: float = SLOW_MS):
        self.path = path
        self.max_entries = max_entries
        self.slow_ms = slow_ms
        self._lock = threading.Lock()
        self._generation = 0
        self._witness: sqlite3.Connection | None = None
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, Kept] = OrderedDict()
        self._loading: dict[Hashable, threading.Lock] = {}

    def generation(self) -> int:
        """Give the archive's generation, moved on (and every kept result dropped) when the archive changed."""
        with self._lock:
            if self._witness is None:
                self._witness = open_readonly(self.path)
            version = self._witness.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                self._generation += 1
                self._entries.clear()
            return self._generation

    def close(self) -> None:
        """Close the witness connection."""
        with self._lock:
            if self._witness is not None:
                self._witness.close()
                self._witness = None

    def _get(self, key: Hashable, generation: int) -> Kept | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None or kept.generation != generation:
                return None
            if kept.expires is not None and kept.expires < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return kept

    def _put(self, key: Hashable, kept: Kept) -> None:
        with self._lock:
            if kept.generation != self._generation:
                return  # the archive changed while it was read
            self._entries[key] = kept
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def read(
        self,
        key: Hashable,
        load: Callable[[], T],
        refusals: tuple[type[BaseException], ...] = (),
        fresh: bool = False,
        keeps: Callable[[T], bool] = lambda value: True,
    ) -> T:
        """Give `load()` (a read of the archive), kept for the next asker when it was slow and `keeps(value)`;
        a slow read that raised one of `refusals` raises it again for REFUSAL_SECONDS without being run
        (unless `fresh`)."""
        generation = self.generation()
        kept = None if fresh else self._get(key, generation)
        if kept is None:
            kept = self._load_once(key, generation, Load(load, refusals, keeps), fresh)
        if kept.error is not None:
            raise kept.error.with_traceback(None)  # not the frames of every earlier raise
        return kept.value

    def _load_once(self, key: Hashable, generation: int, load: Load, fresh: bool) -> Kept:
        """Give what `load()` gave (or raised), loaded by one reader of `key` at a time: the others
        wait for its result rather than read the same rows at once."""
        with self._lock:
            loading = self._loading.setdefault(key, threading.Lock())
        try:
            with loading:
                kept = None if fresh else self._get(key, generation)
                return kept or self._load(key, generation, load)
        finally:
            with self._lock:
                if self._loading.get(key) is loading:
                    del self._loading[key]

    def _load(self, key: Hashable, generation: int, load: Load) -> Kept:
        """Give the read's value (kept when slow and small enough); a refusal is kept, then raised."""
        started = time.perf_counter()
        try:
            value = load.read()
        except load.refusals as exc:
            self._put(key, Kept(generation, error=exc, expires=time.monotonic() + REFUSAL_SECONDS))
            raise
        kept = Kept(generation, value)
        if (time.perf_counter() - started) * 1000 >= self.slow_ms and load.keeps(value):
            self._put(key, kept)
        return kept
