"""The served archive's Datasette database: slow counts and facets kept until the archive changes,
and no SQL error printed to the server log for what a request asked wrongly.

Datasette counts a table's rows and its facet values on every table page; over a million articles
those queries cost more than the page itself, and they give the same answer until a crawl writes.
Our own pages read through `execute_fn` and are not affected.
"""

from __future__ import annotations

import contextvars

from datasette.database import Database, QueryInterrupted

from archiver.store.readcache import ReadCache

# The query that Database.execute is running in this task, read by execute_fn to key its result.
_QUERY = contextvars.ContextVar("archiver_query", default=None)


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
        self.read_cache = ReadCache()

    async def execute(
        self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None, log_sql_errors=True
    ):
        # Errors still reach the page (and a real failure the log, once, from security.render_error);
        # Datasette's own print of every failed statement, with its parameters, is left out.
        token = _QUERY.set(query_key(sql, params, truncate, custom_time_limit, page_size))
        try:
            return await super().execute(sql, params, truncate, custom_time_limit, page_size, log_sql_errors=False)
        finally:
            _QUERY.reset(token)

    async def execute_fn(self, fn):
        key = _QUERY.get()
        if key is None:
            return await super().execute_fn(fn)
        _QUERY.set(None)  # only the statement itself, not what else this task reads
        cache = self.read_cache
        return await super().execute_fn(lambda conn: cache.read(conn, key, lambda: fn(conn), (QueryInterrupted,)))


def with_cached_reads(ds) -> None:
    """Give every database file that `ds` serves a kept-results database in place of Datasette's own."""
    for name, db in list(ds.databases.items()):
        if db.path is None or isinstance(db, ArchiveDatabase):
            continue
        ds.remove_database(name)
        ds.add_database(ArchiveDatabase(ds, path=db.path, is_mutable=db.is_mutable), name=name, route=db.route)
