"""The full-text indexes of articles and comments, kept in step with every write transaction.

New rows are indexed together, one statement per table, just before their transaction commits,
not one by one from an AFTER INSERT trigger. FTS5 writes the rows it holds in memory out to disk as
a new index segment whenever a statement opens a savepoint, which most writes of a crawl do
(foreign keys, triggers): indexed row by row, every article became a segment of its own, merged
again and again, and that cost half of what storing an article did. A transaction's new rows are
found by their ids, which only grow (no archive row is given its id, none is deleted by the store).

Changes and deletions of indexed text keep their triggers (schema.py): a trigger takes a row's old
text out of the index, so the rows still waiting are indexed before such a change.
"""

from __future__ import annotations

import sqlite3

# Indexed table: its FTS5 table and the view its indexed columns are read from (their text, and the
# filter tokens of archiver/store/filter_tokens.py, computed there as the triggers compute them).
INDEXES = {
    "articles": ("articles_fts", "articles_fts_content", ("title", "body", "filters")),
    "comments": ("comments_fts", "comments_fts_content", ("text", "filters")),
}


class ArchiveConnection(sqlite3.Connection):
    """A connection to an archive that knows, for each indexed table, the first row id its open
    transaction added (the rows from there on are not in the full-text index yet)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unindexed_from: dict[str, int] = {}


def adding_rows(conn: ArchiveConnection, table: str) -> None:
    """Note, before rows are added to `table`, the id its new rows start at (once a transaction)."""
    if not conn.in_transaction:  # autocommitted rows would never be indexed
        raise sqlite3.ProgrammingError(f"rows of {table} are added inside a transaction (Archive.batch)")
    if table not in conn.unindexed_from:
        first = conn.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {table}").fetchone()[0]
        conn.unindexed_from[table] = first


def index_new_rows(conn: ArchiveConnection, table: str | None = None) -> None:
    """Add the rows the open transaction has added (to `table`, or to every indexed table) to their
    full-text index."""
    for name in [table] if table else list(conn.unindexed_from):
        first = conn.unindexed_from.pop(name, None)
        if first is not None:
            fts, content, columns = INDEXES[name]
            listed = ", ".join(columns)
            conn.execute(
                f"INSERT INTO {fts} (rowid, {listed}) SELECT id, {listed} FROM {content} WHERE id >= ?", (first,)
            )


def forget_new_rows(conn: ArchiveConnection) -> None:
    """Forget the new rows of a transaction that was rolled back."""
    conn.unindexed_from.clear()
