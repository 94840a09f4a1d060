"""Bulk loading of a synthetic archive for `make bench-search`: big batched inserts, FTS rebuilt once.

The crawler's writer (archiver.store) keeps FTS in sync with every transaction; for a million rows
that costs far more than one rebuild at the end, so the loader inserts with the FTS triggers (of
changes and deletes) dropped, rebuilds both FTS indexes and puts the triggers back as they were.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

ARTICLE_COLUMNS = (
    "id",
    "source_id",
    "url",
    "title",
    "authors",
    "published",
    "language",
    "body",
    "body_length",
    "versions",
    "first_seen",
    "last_seen",
    "extractor",
    "comment_count",
)
COMMENT_COLUMNS = (
    "id",
    "article_id",
    "key",
    "parent_key",
    "position",
    "author",
    "published",
    "text",
    "first_seen",
    "last_seen",
    "extractor",
)
VERSION_COLUMNS = (
    "article_id",
    "version",
    "captured_at",
    "title",
    "authors",
    "published",
    "body",
    "content_hash",
    "extractor",
)


def fts_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Give the (name, SQL) of the triggers that keep articles_fts and comments_fts in sync."""
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('articles', 'comments')"
    ).fetchall()


def insert_many(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Insert `rows` into `table` in one executemany."""
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def prepare(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Set fast, unsafe pragmas for a throwaway bulk load, drop the FTS triggers; give them back for restore."""
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    triggers = fts_triggers(conn)
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    return triggers


def add_sources(conn: sqlite3.Connection, sources: list[tuple], crawls: list[tuple], authors: list[str]) -> None:
    """Add the sources (id, name, url, created_at), crawls (id, source_id, started, finished, new) and authors."""
    insert_many(conn, "sources", ("id", "name", "url", "created_at"), sources)
    insert_many(
        conn,
        "crawls",
        ("id", "source_id", "started_at", "finished_at", "status", "articles_new"),
        [(k, s, a, b, "finished", n) for k, s, a, b, n in crawls],
    )
    insert_many(conn, "authors", ("id", "name"), enumerate(authors, 1))


def load_batch(
    conn: sqlite3.Connection, articles: list[tuple], comments: list[tuple], versions: list[tuple], bylines: list[tuple]
) -> None:
    """Insert one batch of articles, comments, versions and (article_id, author_id, position) in a transaction."""
    conn.execute("BEGIN")
    insert_many(conn, "articles", ARTICLE_COLUMNS, articles)
    insert_many(conn, "comments", COMMENT_COLUMNS, comments)
    insert_many(conn, "article_versions", VERSION_COLUMNS, versions)
    insert_many(conn, "article_authors", ("article_id", "author_id", "position"), bylines)
    conn.execute("COMMIT")


def finish(conn: sqlite3.Connection, triggers: list[tuple[str, str]]) -> None:
    """Rebuild both FTS indexes once, put the triggers back, optimize and analyze."""
    for fts in ("articles_fts", "comments_fts"):
        conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    for _, sql in triggers:
        conn.execute(sql)
    conn.execute("ANALYZE")


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Give the row counts of the main tables."""
    tables = ("articles", "comments", "article_versions", "article_authors")
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def batches(items: Iterator, size: int) -> Iterator[list]:
    """Give `items` in lists of `size`."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
