"""The served archive's Datasette database: slow counts and facets kept until the archive changes,
and no SQL error printed to the server log for what a request asked wrongly.

Datasette counts a table's rows and its facet values on every table page; over a million articles
those queries cost more than the page itself, and they give the same answer until a crawl writes.
A facet that runs past Datasette's facet time limit (a byline or date facet over a million rows
takes about a second) is shown as timed out, and finished on the heavy thread for the next visitor.
Datasette's reads of the schema are kept too, and answered without a trip to a SQL thread.
Our own pages read through `execute_fn` and are not affected.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from datasette.database import Database, QueryInterrupted, Results, connections

from archiver.store.readcache import SCHEMA_STATEMENTS, ReadCache

# The query that Database.execute is running in this task, read by execute_fn to key its result.
_QUERY = contextvars.ContextVar("archiver_query", default=None)
# Whether the request being answered is a heavy search (set by web/security.py): its reads run on a
# thread of their own, so that however many statements one heavy page runs at once (Datasette counts
# and facets in parallel), they wait for each other, never for the threads of the usual searches.
HEAVY = contextvars.ContextVar("archiver_heavy", default=False)
HEAVY_THREADS = 1
# The heavy thread's nice value: the kernel gives the usual searches the cores first.
HEAVY_NICE = 19
# A statement's result is kept only when it is as small as a count or a facet's values: the rows of a
# slow table page or CSV batch (bodies included) would let a few hundred requests fill the memory.
KEEP_ROWS = 101
KEEP_CHARS = 64_000
# Facets stopped at Datasette's facet time limit and finished on the heavy thread, at most this many at once.
MAX_PENDING = 8
# Datasette's reads of the schema (tables, columns, keys, definitions): a table page asks about 20 of
# them, one after another, each a trip to a SQL thread that waits for the event loop's turn. Their
# answers change only with the schema, and a schema change is a commit, which moves the archive's
# generation (store/readcache.py): they are kept per generation and given on the loop itself.
SCHEMA_READS = (
    "table_exists", "table_names", "table_columns", "table_column_details", "primary_keys", "fts_table",
    "label_column_for_table", "foreign_keys_for_table", "hidden_table_names", "view_names",
    "get_all_foreign_keys", "get_table_definition", "get_view_definition",
)  # fmt: skip
# Kept schema answers at most: names in URLs are the visitors', and each unknown one is an answer.
MAX_SCHEMA_READS = 512


def lower_priority() -> None:
    """Lower the calling thread's CPU priority (Linux: a thread's own nice value); elsewhere do nothing."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HEAVY_NICE)
    except (AttributeError, OSError):
        pass


def is_small(results) -> bool:
    """Tell whether a statement's results are small enough to keep (see KEEP_ROWS, KEEP_CHARS)."""
    rows = results.rows
    return len(rows) <= KEEP_ROWS and sum(len(str(v)) for row in rows for v in row) <= KEEP_CHARS


@dataclass(frozen=True)
class Query:
    """A statement being run: its cache key, and whether a kept refusal of it is to be run again."""

    key: tuple
    fresh: bool = False


def query_key(sql: str, params, *options) -> tuple:
    """Give a hashable key for a query, its parameters and the options that shape its result."""
    if isinstance(params, dict):
        frozen = tuple(sorted((str(k), repr(v)) for k, v in params.items()))
    else:
        frozen = tuple(repr(v) for v in params or ())
    return (sql, frozen, *options)


class ArchiveDatabase(Database):
    """A Datasette database whose slow query results are kept (see archiver.store.readcache)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_cache = ReadCache(self.path)
        self.pending: set[tuple] = set()
        self.schema_reads: OrderedDict[tuple, tuple[int, object]] = OrderedDict()
        self.heavy_executor = ThreadPoolExecutor(
            HEAVY_THREADS, thread_name_prefix="archiver-heavy", initializer=lower_priority
        )

    async def kept_schema(self, key: tuple, read):
        """Give the schema answer `read()` (a coroutine function) gives, kept while the archive's
        generation holds; a copy each time, as callers may change the lists they are given (a statement's
        Results are only read)."""
        generation = self.read_cache.generation()
        kept = self.schema_reads.get(key)
        if kept is None or kept[0] != generation:
            kept = (generation, await read())
            self.schema_reads[key] = kept
            while len(self.schema_reads) > MAX_SCHEMA_READS:
                self.schema_reads.popitem(last=False)
        self.schema_reads.move_to_end(key)
        return kept[1] if isinstance(kept[1], Results) else copy.deepcopy(kept[1])

    async def execute(
        self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None, log_sql_errors=True
    ):
        if sql in SCHEMA_STATEMENTS:
            key = query_key(sql, params, truncate, page_size)
            return await self.kept_schema(key, lambda: self.run(sql, params, truncate, custom_time_limit, page_size))
        return await self.run(sql, params, truncate, custom_time_limit, page_size)

    async def run(self, sql, params, truncate, custom_time_limit, page_size):
        """Give the results of one statement (Database.execute), its slow result kept (see execute_fn)."""
        # Errors still reach the page (and a real failure the log, once, from security.render_error);
        # Datasette's own print of every failed statement, with its parameters, is left out.
        key = query_key(sql, params, truncate, page_size)
        token = _QUERY.set(Query(key))
        try:
            return await super().execute(sql, params, truncate, custom_time_limit, page_size, log_sql_errors=False)
        except QueryInterrupted:
            if custom_time_limit and custom_time_limit < self.ds.sql_time_limit_ms:
                self.finish_later(Query(key, fresh=True), sql, params, truncate, page_size)
            raise
        finally:
            _QUERY.reset(token)

    def finish_later(self, query: Query, sql, params, truncate, page_size) -> None:
        """Run a query stopped at a short limit (a facet) again under the full limit on the heavy thread,
        its result kept for the next page; at most MAX_PENDING at once, each query once."""
        if query.key in self.pending or len(self.pending) >= MAX_PENDING:
            return
        self.pending.add(query.key)
        execute = super().execute

        async def finish():
            HEAVY.set(True)
            _QUERY.set(query)
            try:
                await execute(sql, params, truncate, None, page_size, log_sql_errors=False)
            except Exception:  # noqa: BLE001 - nobody waits for it: the next page tries again
                pass
            finally:
                self.pending.discard(query.key)

        asyncio.get_running_loop().create_task(finish())

    async def execute_fn(self, fn):
        query = _QUERY.get()
        if query is not None:
            _QUERY.set(None)  # only the statement itself, not what else this task reads
            cache = self.read_cache
            fn = (
                lambda read: (
                    lambda conn: cache.read(
                        query.key, lambda: read(conn), (QueryInterrupted,), fresh=query.fresh, keeps=is_small
                    )
                )
            )(fn)
        if HEAVY.get() and self.ds.executor is not None:
            return await self.on_heavy_thread(fn)
        return await super().execute_fn(fn)

    async def on_heavy_thread(self, fn):
        """Give `fn(conn)` run on the heavy thread, with that thread's own connection."""

        def in_thread():
            conn = getattr(connections, self.name, None)
            if not conn:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(connections, self.name, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(self.heavy_executor, in_thread)


def schema_read(name: str):
    """Give Database's method `name`, its answers kept per archive generation (see SCHEMA_READS)."""
    read = getattr(Database, name)

    async def kept(self, *args):
        return await self.kept_schema((name, *args), lambda: read(self, *args))

    kept.__name__ = name
    return kept


for _name in SCHEMA_READS:
    setattr(ArchiveDatabase, _name, schema_read(_name))


def with_cached_reads(ds) -> None:
    """Give every database file that `ds` serves a kept-results database in place of Datasette's own."""
    for name, db in list(ds.databases.items()):
        if db.path is None or isinstance(db, ArchiveDatabase):
            continue
        ds.remove_database(name)
        ds.add_database(ArchiveDatabase(ds, path=db.path, is_mutable=db.is_mutable), name=name, route=db.route)
