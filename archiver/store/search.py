"""Ranked full-text search over articles and comments together, with filters and facets, bounded in work.

Ranking every match of a common word over a million articles costs seconds, so each kind ranks a
window: the WINDOW most recent matches (FTS5 walks its doclist by rowid, newest first, and stops),
ordered by bm25. A rare word has fewer matches than the window and is ranked exactly. Facets count
the hits of the window, so they stay exact whenever the results are not capped.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace

from archiver.store.reads import rows

WINDOW = 1000
PAGE_SIZE = 20
FACET_SIZE = 10
# Markers that snippet() puts around matches; unlikely in archived text, replaced by <mark> after escaping.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchRequest:
    """What a search page asks for: a query (FTS5 syntax), filters and a page number."""

    q: str = ""
    source: str = ""
    language: str = ""
    author: str = ""
    commenter: str = ""
    since: str = ""
    until: str = ""
    page: int = 1


@dataclass(frozen=True)
class Hit:
    """One result: an article or a comment, its rank score, its article and its highlighted text."""

    kind: str
    id: int
    article_id: int
    score: float
    published: str | None
    author: str | None
    title: str = ""
    snippet: str = ""
    source: str = ""
    url: str = ""
    language: str | None = None


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its count and whether it is the active filter."""

    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, how many hits the window holds, whether it was capped, and the facets."""

    request: SearchRequest
    hits: tuple[Hit, ...] = ()
    total: int = 0
    capped: bool = False
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    error: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def escape_query(q: str) -> str:
    """Give `q` with each word quoted, so that FTS5 reads it as plain words whatever its punctuation."""
    words = re.findall(r"\w+", q)
    return " ".join('"' + w + '"' for w in words)


def article_filters(req: SearchRequest) -> list[str]:
    """Give the SQL conditions on `a` (articles) for the request's filters."""
    clauses = []
    if req.source:
        clauses.append("a.source_id = (SELECT id FROM sources WHERE name = :source)")
    if req.language:
        clauses.append("a.language = :language")
    return clauses


def date_filters(column: str, req: SearchRequest) -> list[str]:
    """Give the date-range conditions on `column`, written as `archiver export` writes them."""
    clauses = []
    if req.since:
        clauses.append(f"{column} >= :since")
    if req.until:
        clauses.append(f"substr({column}, 1, length(:until)) <= :until")
    return clauses


# What facets need of each hit, read in the window query so that facets cost no further query.
WINDOW_COLUMNS = "a.published, NULL AS author, a.source_id, a.language, a.authors"
BYLINE = (
    "EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id"
    " WHERE aa.article_id = a.id AND au.name = :author)"
)


def article_window_sql(req: SearchRequest) -> str:
    """Give the SQL of the article hits of the window (ranked by bm25 when there is a query)."""
    where = article_filters(req) + date_filters("a.published", req) + ([BYLINE] if req.author else [])
    if not req.q:
        cond = " AND ".join(where) or "1"
        return (
            f"SELECT 'article' AS kind, a.id, a.id AS article_id, 0.0 AS score, {WINDOW_COLUMNS}"
            f" FROM articles a WHERE {cond} ORDER BY a.id DESC LIMIT :window"
        )
    cond = " AND ".join(["articles_fts MATCH :q"] + where)
    return (
        "SELECT 'article' AS kind, a.id, a.id AS article_id, bm25(articles_fts, 5.0, 1.0) AS score,"
        f" {WINDOW_COLUMNS} FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        f" WHERE {cond} ORDER BY articles_fts.rowid DESC LIMIT :window"
    )


def comment_window_sql(req: SearchRequest) -> str:
    """Give the SQL of the comment hits of the window, ranked by bm25."""
    where = article_filters(req) + date_filters("c.published", req)
    if req.commenter:
        where.append("c.author = :commenter")
    cond = " AND ".join(["comments_fts MATCH :q"] + where)
    return (
        "SELECT 'comment' AS kind, c.id, c.article_id, bm25(comments_fts) AS score, c.published,"
        " c.author, a.source_id, a.language, NULL AS authors FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid"
        " JOIN articles a ON a.id = c.article_id"
        f" WHERE {cond} ORDER BY comments_fts.rowid DESC LIMIT :window"
    )


def params(req: SearchRequest) -> dict:
    """Give the named parameters of the request's SQL."""
    values = {
        "q": req.q,
        "source": req.source,
        "language": req.language,
        "author": req.author,
        "commenter": req.commenter,
        "since": req.since,
        "until": req.until,
        "window": WINDOW,
    }
    return {k: v for k, v in values.items() if v != ""}


def window(conn: sqlite3.Connection, req: SearchRequest) -> tuple[list[dict], bool]:
    """Give the window's hits, best first, and whether a kind had more matches than the window."""
    # A byline filter asks for articles, a commenter filter for comments: article authors and readers differ.
    found = rows(conn, article_window_sql(req), params(req)) if not req.commenter else []
    capped = len(found) >= WINDOW
    if req.q and not req.author:
        comments = rows(conn, comment_window_sql(req), params(req))
        capped = capped or len(comments) >= WINDOW
        found += comments
    found.sort(key=lambda h: (h["score"], -(h["article_id"]), h["kind"], -h["id"]))
    return found, capped


def article_hit(conn: sqlite3.Connection, hit: dict, q: str) -> Hit:
    """Give an article hit with its title and a highlighted snippet of its body."""
    if q:
        sql = (
            "SELECT a.title, a.url, a.language, s.name AS source,"
            f" highlight(articles_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}') AS title_marked,"
            f" snippet(articles_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 32) AS snippet"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid JOIN sources s ON s.id = a.source_id"
            " WHERE articles_fts MATCH :q AND articles_fts.rowid = :id"
        )
    else:
        sql = (
            "SELECT a.title, a.url, a.language, s.name AS source, a.title AS title_marked,"
            " substr(a.body, 1, 240) AS snippet FROM articles a JOIN sources s ON s.id = a.source_id"
            " WHERE a.id = :id"
        )
    row = rows(conn, sql, {"q": q, "id": hit["id"]} if q else {"id": hit["id"]})[0]
    return Hit(
        hit["kind"],
        hit["id"],
        hit["article_id"],
        hit["score"],
        hit["published"],
        hit["author"],
        row["title_marked"] or "",
        row["snippet"] or "",
        row["source"],
        row["url"],
        row["language"],
    )


def comment_hit(conn: sqlite3.Connection, hit: dict, q: str) -> Hit:
    """Give a comment hit with its article's title and a highlighted snippet of its text."""
    row = rows(
        conn,
        (
            "SELECT a.title, a.url, a.language, s.name AS source,"
            f" snippet(comments_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 32) AS snippet"
            " FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid JOIN articles a ON a.id = c.article_id"
            " JOIN sources s ON s.id = a.source_id WHERE comments_fts MATCH :q AND comments_fts.rowid = :id"
        ),
        {"q": q, "id": hit["id"]},
    )[0]
    return Hit(
        hit["kind"],
        hit["id"],
        hit["article_id"],
        hit["score"],
        hit["published"],
        hit["author"],
        row["title"] or "",
        row["snippet"] or "",
        row["source"],
        row["url"],
        row["language"],
    )


def facet_values(counts: Counter, selected: str) -> tuple[FacetValue, ...]:
    """Give the most frequent values of a facet, the selected one always among them."""
    top = counts.most_common(FACET_SIZE)
    if selected and selected not in dict(top):
        top.append((selected, counts.get(selected, 0)))
    return tuple(FacetValue(str(v), n, str(v) == selected) for v, n in top)


def hit_authors(hit: dict) -> list[str]:
    """Give the bylines of an article hit (a comment hit has none: its writer is a commenter)."""
    return json_list(hit["authors"]) if hit["kind"] == "article" else []


def json_list(value: str | None) -> list[str]:
    """Give a JSON array column as a list of strings; a malformed value as one item."""
    try:
        found = json.loads(value) if value else []
    except ValueError:
        return [value]
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


def facets(conn: sqlite3.Connection, found: list[dict], req: SearchRequest) -> dict[str, tuple[FacetValue, ...]]:
    """Give the source, language, author and published-month facets of the window's hits."""
    names = dict(conn.execute("SELECT id, name FROM sources"))
    return {
        "source": facet_values(Counter(names.get(h["source_id"], "?") for h in found), req.source),
        "language": facet_values(Counter(h["language"] for h in found if h["language"]), req.language),
        "author": facet_values(Counter(a for h in found for a in hit_authors(h)), req.author),
        "commenter": facet_values(
            Counter(h["author"] for h in found if h["kind"] == "comment" and h["author"]), req.commenter
        ),
        "month": facet_values(Counter((h["published"] or "")[:7] for h in found if h["published"]), ""),
    }


def run_search(conn: sqlite3.Connection, req: SearchRequest) -> SearchResult:
    """Give one page of ranked hits for `req`; an FTS5 syntax error retries with the words quoted."""
    try:
        found, capped = window(conn, req)
    except sqlite3.OperationalError as exc:
        # Only the query can be malformed (FTS5 syntax); anything else is a real failure.
        quoted = replace(req, q=escape_query(req.q))
        if not req.q or quoted.q == req.q:
            raise
        if not quoted.q:
            return SearchResult(req, error=f"nothing to search for in {req.q!r} ({exc})")
        return run_search(conn, quoted)
    start = (req.page - 1) * PAGE_SIZE
    page = [
        article_hit(conn, h, req.q) if h["kind"] == "article" else comment_hit(conn, h, req.q)
        for h in found[start : start + PAGE_SIZE]
    ]
    return SearchResult(req, tuple(page), len(found), capped, facets(conn, found, req))
