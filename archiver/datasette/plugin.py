"""Datasette plugin hooks: our metadata applies to any archive that Datasette serves."""

from __future__ import annotations

from datasette import hookimpl

from .metadata import archive_metadata


def is_archive(datasette, name: str) -> bool:
    """Tell whether the database `name` looks like a News Archiver archive."""
    db = datasette.databases.get(name)
    return db is not None and db.path is not None and name not in ("_internal", "_memory")


@hookimpl
def get_metadata(datasette, key, database, table):
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    merged = archive_metadata(names[0] if names else "archive")
    for name in names[1:]:
        merged["databases"].update(archive_metadata(name)["databases"])
    return merged
