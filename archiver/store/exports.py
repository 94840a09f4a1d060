"""Export queries: the rows of `archiver export` and of the Datasette CSV links, built once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from archiver.errors import ConfigError

COUNTS = (
    "discovered, fetched, not_modified, articles_new, articles_changed, articles_unchanged, "
    "comments_new, comments_removed, skipped, errors, skipped_reasons"
)

# Per table: SELECT body, the date column filtered by --since/--until, the FTS table for --search.
EXPORTS = {
    "articles": (
        "a.url, a.canonical_url, s.name AS source, a.title, a.authors, a.published, a.modified, a.language,"
        " a.description, a.site_name, a.tags, a.body, a.comment_count, a.first_seen, a.last_seen, a.versions,"
        " a.extractor, a.comments_status, a.comments_widget FROM articles a JOIN sources s ON s.id = a.source_id",
        "a.published",
        "articles_fts",
        "a.id",
    ),
    "comments": (
        "a.url AS article_url, c.key AS id, c.parent_key AS parent, c.author, c.published, c.text, c.position,"
        " c.first_seen, c.last_seen, c.removed_at, s.name AS source FROM comments c"
        " JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id",
        "c.published",
        "comments_fts",
        "c.id",
    ),
    "versions": (
        "a.url AS article_url, v.version, v.captured_at, v.title, v.authors, v.published, v.modified, v.body,"
        " v.extractor, s.name AS source FROM article_versions v JOIN articles a ON a.id = v.article_id"
        " JOIN sources s ON s.id = a.source_id",
        "v.captured_at",
        None,
        "v.id",
    ),
    "captures": (
        "p.url, p.final_url, p.status, p.fetched_at, p.sha256, p.content_type, p.length, p.decision, p.reason,"
        " p.etag, p.last_modified, p.warc_file, p.warc_offset, p.crawl_id, s.name AS source FROM captures p"
        " LEFT JOIN sources s ON s.id = p.source_id",
        "p.fetched_at",
        None,
        "p.id",
    ),
    "crawls": (
        f"k.id, s.name AS source, k.started_at, k.finished_at, k.status, {COUNTS} FROM crawls k"
        " JOIN sources s ON s.id = k.source_id",
        "k.started_at",
        None,
        "k.id",
    ),
}
EXPORT_TABLES = tuple(EXPORTS)


def check_date(value: str | None, option: str) -> str | None:
    """Give `value` when it is an ISO date (YYYY-MM-DD); ConfigError otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-01-31") from None


@dataclass(frozen=True)
class ExportFilter:
    """What to export: a source name, a date range (inclusive, ISO dates) and a full-text query."""

    source: str | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class ExportQuery:
    """An export as SQL and parameters."""

    sql: str
    params: dict


def export_query(table: str, where: ExportFilter) -> ExportQuery:
    """Give the SQL of an export of `table` under `where`; ConfigError for an unknown table."""
    if table not in EXPORTS:
        raise ConfigError(f"unknown export table {table!r}", f"choose one of {', '.join(EXPORT_TABLES)}")
    body, date_col, fts, order = EXPORTS[table]
    clauses, params = [], {}
    if where.source:
        clauses.append("s.name = :source")
        params["source"] = where.source
    if where.since:
        clauses.append(f"{date_col} >= :since")
        params["since"] = where.since
    if where.until:
        clauses.append(f"substr({date_col}, 1, length(:until)) <= :until")
        params["until"] = where.until
    if where.search:
        if fts is None:
            raise ConfigError(f"--search works on articles and comments, not {table}", "drop --search")
        alias = order.split(".")[0]
        clauses.append(f"{alias}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :search)")
        params["search"] = where.search
    sql = f"SELECT {body}" + (" WHERE " + " AND ".join(clauses) if clauses else "") + f" ORDER BY {order}"
    return ExportQuery(sql, params)


def iter_export(conn: sqlite3.Connection, query: ExportQuery) -> Iterator[dict]:
    """Yield the export's rows as dicts, streaming from SQLite."""
    try:
        cursor = conn.execute(query.sql, query.params)
    except sqlite3.OperationalError as exc:
        raise ConfigError(f"cannot run this export: {exc}", "check the --search syntax (SQLite FTS5)") from exc
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))
