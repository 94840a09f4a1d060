"""Attention over time: how many articles and comments match a query per day, and per source side by side.

A record's day is its publication date (the first ten characters of `published`, in the offset the
site gave), or the day it was first archived when the page gave no date, so that every record counts
somewhere. The share of a day divides the matches by everything of the same kind and source archived
for that day.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from archiver.errors import StoreError
from archiver.store.reads import rows
from archiver.store.search import escape_query

KINDS = ("articles", "comments", "both")
ARTICLE_DAY = "substr(coalesce(a.published, a.first_seen), 1, 10)"
COMMENT_DAY = "substr(coalesce(c.published, c.first_seen), 1, 10)"


@dataclass(frozen=True)
class AttentionQuery:
    """One series: a full-text query ('' for everything) over articles, comments or both, in one source or all."""

    q: str = ""
    source: str = ""
    kind: str = "both"
    since: str = ""
    until: str = ""


@dataclass(frozen=True)
class DayCount:
    """Matches and all records of a day (same kind and source), for one series."""

    day: str
    matches: int
    total: int


@dataclass(frozen=True)
class SourceSummary:
    """A source's row in the side-by-side table: volumes, changes and the days its coverage has no article."""

    id: int
    name: str
    url: str
    articles: int
    comments: int
    changed_articles: int
    removed_comments: int
    first_day: str | None
    last_day: str | None
    days: tuple[str, ...]


def day_filters(day: str, query: AttentionQuery) -> list[str]:
    """Give the SQL conditions on the source and date range of `query` for the day expression `day`."""
    clauses = []
    if query.source:
        clauses.append("a.source_id = (SELECT id FROM sources WHERE name = :source)")
    if query.since:
        clauses.append(f"{day} >= :since")
    if query.until:
        clauses.append(f"{day} <= :until")
    return clauses


def article_sql(query: AttentionQuery, matching: bool) -> str:
    """Give the SQL counting articles per day, only those matching the query when `matching`.

    Without a query the dated and the undated articles are counted apart: the dated ones from the index
    on (source_id, published) alone, never reading the rows and their bodies.
    """
    if matching and query.q:
        where = ["articles_fts MATCH :q", *day_filters(ARTICLE_DAY, query)]
        return (
            f"SELECT {ARTICLE_DAY} AS day, count(*) AS n FROM articles_fts JOIN articles a"
            f" ON a.id = articles_fts.rowid WHERE {' AND '.join(where)} GROUP BY day"
        )
    dated = " AND ".join(["a.published IS NOT NULL", *day_filters("substr(a.published, 1, 10)", query)])
    undated = " AND ".join(["a.published IS NULL", *day_filters("substr(a.first_seen, 1, 10)", query)])
    return (
        f"SELECT substr(a.published, 1, 10) AS day, count(*) AS n FROM articles a WHERE {dated} GROUP BY day"
        f" UNION ALL SELECT substr(a.first_seen, 1, 10) AS day, count(*) AS n FROM articles a WHERE {undated}"
        " GROUP BY day"
    )


def comment_sql(query: AttentionQuery, matching: bool) -> str:
    """Give the SQL counting comments per day, only those matching the query when `matching`.

    Without a query and a source, the dated comments are counted from the index on `published` alone.
    """
    if matching and query.q:
        where = ["comments_fts MATCH :q", *day_filters(COMMENT_DAY, query)]
        return (
            f"SELECT {COMMENT_DAY} AS day, count(*) AS n FROM comments_fts JOIN comments c"
            " ON c.id = comments_fts.rowid JOIN articles a ON a.id = c.article_id"
            f" WHERE {' AND '.join(where)} GROUP BY day"
        )
    rows_from = "comments c JOIN articles a ON a.id = c.article_id" if query.source else "comments c"
    dated = " AND ".join(["c.published IS NOT NULL", *day_filters("substr(c.published, 1, 10)", query)])
    undated = " AND ".join(["c.published IS NULL", *day_filters("substr(c.first_seen, 1, 10)", query)])
    return (
        f"SELECT substr(c.published, 1, 10) AS day, count(*) AS n FROM {rows_from} WHERE {dated} GROUP BY day"
        f" UNION ALL SELECT substr(c.first_seen, 1, 10) AS day, count(*) AS n FROM {rows_from} WHERE {undated}"
        " GROUP BY day"
    )


def per_day(conn: sqlite3.Connection, query: AttentionQuery, matching: bool) -> dict[str, int]:
    """Give the count per day of the query's kinds (matches only when `matching`)."""
    params = {k: v for k, v in vars(query).items() if v and k != "kind"}
    counts: dict[str, int] = {}
    builders = {"articles": (article_sql,), "comments": (comment_sql,), "both": (article_sql, comment_sql)}
    for build in builders[query.kind]:
        for row in rows(conn, build(query, matching), params):
            counts[row["day"]] = counts.get(row["day"], 0) + row["n"]
    return counts


def daily_attention(conn: sqlite3.Connection, query: AttentionQuery) -> tuple[DayCount, ...]:
    """Give the days that have records, oldest first, with the query's matches and all records of each.

    A query FTS5 cannot parse is retried with its words quoted, as the search page does.
    """
    totals = per_day(conn, query, False)
    if not query.q:  # everything matches: the counts are the totals
        return tuple(DayCount(day, n, n) for day, n in sorted(totals.items()) if day)
    try:
        matches = per_day(conn, query, True)
    except sqlite3.OperationalError as exc:
        quoted = escape_query(query.q)
        if not quoted or quoted == query.q:
            raise StoreError(f"cannot search for {query.q!r}: {exc}", "use words, quotes or OR, as in search") from None
        return daily_attention(conn, AttentionQuery(quoted, query.source, query.kind, query.since, query.until))
    return tuple(DayCount(day, matches.get(day, 0), totals[day]) for day in sorted(totals) if day)


def source_names(conn: sqlite3.Connection) -> list[str]:
    """Give the names of every source, in name order."""
    return [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY name")]


def source_days(conn: sqlite3.Connection, source_id: int) -> tuple[str, ...]:
    """Give the distinct publication days of a source's articles, oldest first."""
    found = conn.execute(
        "SELECT DISTINCT substr(published, 1, 10) FROM articles WHERE source_id = ? AND published IS NOT NULL"
        " ORDER BY 1",
        (source_id,),
    )
    return tuple(r[0] for r in found)


SUMMARY_SQL = """
SELECT s.id, s.name, s.url, coalesce(t.articles, 0) AS articles, coalesce(t.shown_comments, 0) AS shown_comments,
       coalesce(t.changed_articles, 0) AS changed_articles,
       (SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE a.source_id = s.id AND c.removed_at IS NOT NULL) AS removed_comments
FROM sources s LEFT JOIN (
    SELECT source_id, count(*) AS articles, sum(comment_count) AS shown_comments, sum(versions > 1) AS changed_articles
    FROM articles GROUP BY source_id
) t ON t.source_id = s.id
ORDER BY s.name"""


def source_summaries(conn: sqlite3.Connection) -> list[SourceSummary]:
    """Give every source's volumes and publication days, for the side-by-side table."""
    found = []
    for row in rows(conn, SUMMARY_SQL):
        days = source_days(conn, row["id"])
        first, last = (days[0], days[-1]) if days else (None, None)
        # articles.comment_count counts the comments still shown; the removed ones are kept too.
        row["comments"] = row.pop("shown_comments") + row["removed_comments"]
        found.append(SourceSummary(**row, first_day=first, last_day=last, days=days))
    return found
