"""Datasette plugin hooks: our metadata, pages and CSV exports apply to any archive that Datasette serves."""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from . import csvexport, views
from .metadata import archive_metadata
from .queries import is_archive as has_archive_tables


def is_archive(datasette, name: str) -> bool:
    """Tell whether the database `name` is a file that may hold a News Archiver archive."""
    db = datasette.databases.get(name)
    return db is not None and db.path is not None and name not in ("_internal", "_memory")


def file_is_archive(path: str) -> bool:
    """Tell whether the SQLite file at `path` holds the archive tables (read-only peek)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return has_archive_tables(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


@hookimpl
def get_metadata(datasette, key, database, table):
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    merged = archive_metadata(names[0] if names else "archive")
    for name in names[1:]:
        merged["databases"].update(archive_metadata(name)["databases"])
    return merged


@hookimpl
def register_routes(datasette):
    routes = views.ROUTES + csvexport.ROUTES
    archives = [db.path for name, db in datasette.databases.items()
                if is_archive(datasette, name) and file_is_archive(db.path)]
    # Our home page replaces Datasette's index only when an archive is served.
    return routes if archives else [r for r in routes if r[0] != r"^/$"]


@hookimpl
def prepare_connection(conn, database, datasette):
    # The archive is served read-only: no write reaches it through Datasette, whatever plugin asks.
    if is_archive(datasette, database):
        conn.execute("PRAGMA query_only = ON")


@hookimpl
def table_actions(datasette, actor, database, table, request):
    from .csvexport import EXPORT_TABLES

    names = {"articles": "articles", "comments": "comments", "article_versions": "versions",
             "captures": "captures", "crawls": "crawls"}
    if table not in names or names[table] not in EXPORT_TABLES:
        return []
    return [{"href": f"/{database}/-/export/{names[table]}.csv",
             "label": f"Export all {table} as CSV (same as archiver export {names[table]})"}]


@hookimpl
def menu_links(datasette, actor, request):
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    return [{"href": f"/{name}/-/search", "label": f"Search {name}"} for name in names]
