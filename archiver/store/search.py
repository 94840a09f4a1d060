"""Ranked full-text search over articles and comments together, with filters and facets, bounded in work.

Ranking every match of a common word over a million articles costs seconds, so each kind ranks a
window: the WINDOW most recent matches (FTS5 walks its doclist by rowid, newest first, and stops),
ordered by bm25. A rare word has fewer matches than the window and is ranked exactly. Facets count
the hits of the window, so they stay exact whenever the results are not capped. The window is read
without bm25 and ranked by a second statement over its rowid range, so that bm25 reads no more than
the window (see ranking_query for common terms, and FILTER_FIRST_ROWS for selective filters).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace

from archiver.errors import StoreError
from archiver.store.filter_tokens import narrowed, narrowing
from archiver.store.reads import rows

WINDOW = 500
PAGE_SIZE = 20
FACET_SIZE = 10
# Markers that snippet() puts around matches; unlikely in archived text, replaced by <mark> after escaping.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
# Bounds of a query: FTS5's snippet() slows with the square of the matching terms, so a query of one word
# repeated thousands of times held a server for minutes. Real searches are a few words.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 16
# A prefix query (`gov*`) reads the doclists of every term it expands to: a short prefix is most of the index.
MIN_PREFIX = 3
# A query of more terms than this (or with a prefix, OR, NEAR) is heavy: heavy searches take turns on
# their own (web/security.py), so that they cannot make the usual searches of a few words wait.
LIGHT_TERMS = 4
# Tokens of FTS5 syntax that give a query its structure; a query holding one is never folded.
OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# Hit snippets: the characters of a text looked through for a query term, the window marked around
# it, and the characters of a title marked (see marked_hits).
LOCATE_CHARS = 200_000
SNIPPET_WINDOW = 2_000
TITLE_CHARS = 1_000
FTS_TOKENIZER = "porter"  # the archive's FTS tables' tokenizer (schema.py), so marks stem as matches do


class SearchRefused(StoreError):
    """A query is larger than a search may be (too long, too many terms)."""


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
    """Give `q` with each word quoted (once), so that FTS5 reads it as plain words whatever its punctuation."""
    words = dict.fromkeys(re.findall(r"\w+", q))
    return " ".join('"' + w + '"' for w in words)


def query_tokens(q: str) -> list[str]:
    """Give the query's tokens: quoted phrases (kept whole) and runs of other characters."""
    return re.findall(r'"[^"]*"?|[^\s"]+', q)


def folded(q: str) -> str:
    """Give `q` with repeated terms said once ("war war war" searches "war"); a query with operators as is."""
    tokens = query_tokens(q)
    if any(t in OPERATORS or t.startswith(("NEAR(", "(")) or t.endswith(")") for t in tokens):
        return q
    first = {}
    for token in tokens:
        first.setdefault(token.lower(), token)
    return " ".join(first.values())


def term_count(q: str) -> int:
    """Give the number of words of a query that are terms (operators are not)."""
    return len([w for w in re.findall(r"\w+", q) if w not in OPERATORS])


def is_heavy(q: str) -> bool:
    """Tell whether a query costs more than a few words do: many terms, a prefix, alternatives, NEAR."""
    return term_count(folded(q)) > LIGHT_TERMS or bool(re.search(r"\*|\bOR\b|\bNEAR\b", q))


def bounded_query(q: str) -> str:
    """Give the query to run for `q`: repeated terms folded; SearchRefused when it is too long or has too many terms."""
    if len(q) > MAX_QUERY_CHARS:
        raise SearchRefused(
            f"the search is {len(q):,} characters long, more than the {MAX_QUERY_CHARS:,} a search may have",
            "shorten it",
        )
    q = folded(q)
    short = [p for p in re.findall(r"(\w*)\*", q) if len(p) < MIN_PREFIX]
    if short:
        raise SearchRefused(
            f"a prefix search needs at least {MIN_PREFIX} letters before the *", f"write more of {short[0]!r}"
        )
    terms = term_count(q)
    if terms > MAX_TERMS:
        raise SearchRefused(
            f"the search has {terms:,} different terms, more than the {MAX_TERMS} a search may have", "use fewer words"
        )
    return q


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
AUTHOR_IDS = "SELECT id FROM authors WHERE name = :author"
BYLINE_ARTICLES = f"SELECT aa.article_id FROM article_authors aa WHERE aa.author_id IN ({AUTHOR_IDS})"
COMMENTER_COMMENTS = "SELECT id FROM comments WHERE author = :commenter"
# Indexes holding what the window reads of a match (schema.py): a row of the tables is a page of text.
ARTICLE_WINDOW, COMMENT_WINDOW = "idx_articles_search_window", "idx_comments_search_window"
# The byline's articles, read by author: SQLite preferred scanning every byline in article order to
# save sorting a few thousand (120 ms, against 20 ms for the author's rows sorted).
BYLINE_INDEX = "idx_article_authors_author_article"
# bm25 weighs each term by the number of rows holding it, which it counts by reading the term's whole
# list of matches on every search: 45 ms for a word found in each of a million articles. A term held by
# more rows than COMMON_ROWS is common: it narrows the hits but does not rank them (a word in most rows
# weighs next to nothing in bm25 anyway). Its share is measured in the newest PROBE_ROWS rows.
COMMON_ROWS = 100_000
PROBE_ROWS = 2_000
# A byline or commenter filter that picks at most this many rows is read first, each of its rows then
# looked up in the full-text index (walking a common word's matches until a thousand are by one reader
# read millions); a larger one checks the full-text matches as they come, newest first.
FILTER_FIRST_ROWS = 5_000


@dataclass(frozen=True)
class Indexed:
    """One searched table: the kind of its hits, its full-text index and that index's bm25 weights."""

    kind: str
    table: str
    fts: str
    weights: str = ""


# The filter tokens column (filter_tokens.py) weighs nothing: it narrows the matches, it does not rank them.
ARTICLES = Indexed("article", "articles", "articles_fts", ", 5.0, 1.0, 0.0")
COMMENTS = Indexed("comment", "comments", "comments_fts", ", 1.0, 0.0")


def article_window_sql(req: SearchRequest, byline_first: bool = False) -> str:
    """Give the SQL of the article hits of the window: the newest matches (ranked later, see ranked)."""
    where = article_filters(req) + date_filters("a.published", req)
    columns = f"'article' AS kind, a.id, a.id AS article_id, 0.0 AS score, {WINDOW_COLUMNS}"
    if not req.q:
        cond = " AND ".join(where + ([f"a.id IN ({BYLINE_ARTICLES})"] if req.author else [])) or "1"
        return f"SELECT {columns} FROM articles a WHERE {cond} ORDER BY a.id DESC LIMIT :window"
    if byline_first:
        cond = " AND ".join(["articles_fts.rowid = aa.article_id", "articles_fts MATCH :q", "a.id = aa.article_id"])
        return (
            f"SELECT {columns} FROM article_authors aa INDEXED BY {BYLINE_INDEX} CROSS JOIN articles_fts"
            " CROSS JOIN articles a"
            f" WHERE aa.author_id IN ({AUTHOR_IDS}) AND {' AND '.join([cond] + where)}"
            " ORDER BY aa.article_id DESC LIMIT :window"
        )
    # `+` keeps the byline set a filter on each match, not a rowid handed to the index one by one.
    byline = [f"+articles_fts.rowid IN ({BYLINE_ARTICLES})"] if req.author else []
    cond = " AND ".join(["articles_fts MATCH :q"] + byline + where)
    return (
        f"SELECT {columns} FROM articles_fts JOIN articles a INDEXED BY {ARTICLE_WINDOW} ON a.id = articles_fts.rowid"
        f" WHERE {cond} ORDER BY articles_fts.rowid DESC LIMIT :window"
    )


def comment_window_sql(req: SearchRequest, commenter_first: bool = False) -> str:
    """Give the SQL of the comment hits of the window: the newest matches (ranked later, see ranked)."""
    where = article_filters(req) + date_filters("c.published", req)
    columns = (
        "'comment' AS kind, c.id, c.article_id, 0.0 AS score, c.published, c.author, a.source_id, a.language,"
        " NULL AS authors"
    )
    if commenter_first:
        cond = " AND ".join(["comments_fts.rowid = c.id", "comments_fts MATCH :q", "a.id = c.article_id"] + where)
        return (
            f"SELECT {columns} FROM comments c CROSS JOIN comments_fts CROSS JOIN articles a"
            f" WHERE c.author = :commenter AND {cond} ORDER BY c.id DESC LIMIT :window"
        )
    commenter = [f"+comments_fts.rowid IN ({COMMENTER_COMMENTS})"] if req.commenter else []
    cond = " AND ".join(["comments_fts MATCH :q"] + commenter + where)
    return (
        f"SELECT {columns} FROM comments_fts JOIN comments c INDEXED BY {COMMENT_WINDOW} ON c.id = comments_fts.rowid"
        f" JOIN articles a INDEXED BY {ARTICLE_WINDOW} ON a.id = c.article_id"
        f" WHERE {cond} ORDER BY comments_fts.rowid DESC LIMIT :window"
    )


def params(req: SearchRequest, narrow: str = "") -> dict:
    """Give the named parameters of the request's SQL, the full-text query narrowed by `narrow`."""
    values = {
        "q": narrowed(req.q, narrow),
        "source": req.source,
        "language": req.language,
        "author": req.author,
        "commenter": req.commenter,
        "since": req.since,
        "until": req.until,
        "window": WINDOW,
    }
    return {k: v for k, v in values.items() if v != ""}


def picks_few(conn: sqlite3.Connection, sql: str, req: SearchRequest) -> bool:
    """Tell whether the filter `sql` picks at most FILTER_FIRST_ROWS rows."""
    bounded = f"SELECT count(*) FROM ({sql} LIMIT {FILTER_FIRST_ROWS + 1})"
    return conn.execute(bounded, params(req)).fetchone()[0] <= FILTER_FIRST_ROWS


def query_units(q: str) -> list[str] | None:
    """Give the words and quoted phrases of a query made of nothing else (quoted); None for any other syntax."""
    units = []
    for token in query_tokens(q):
        if token in OPERATORS or not re.fullmatch(r'\w+|"[^"]+"', token):
            return None
        units.append(token if token.startswith('"') else f'"{token}"')
    return units


def ranking_query(conn: sqlite3.Connection, index: Indexed, q: str) -> str:
    """Give the query that ranks hits of `q` in `index`: `q` without its common terms ("" when all are)."""
    units = query_units(q)
    newest = conn.execute(f"SELECT max(rowid) FROM {index.table}").fetchone()[0] or 0
    if units is None or newest <= COMMON_ROWS:
        return q
    enough = max(1, PROBE_ROWS * COMMON_ROWS // newest)
    probe = f"SELECT count(*) FROM (SELECT 1 FROM {index.fts} WHERE {index.fts} MATCH ? AND rowid > ? LIMIT ?)"
    rare = [u for u in units if conn.execute(probe, (u, newest - PROBE_ROWS, enough)).fetchone()[0] < enough]
    return " ".join(rare)


def ranked(conn: sqlite3.Connection, index: Indexed, hits: list[dict], q: str) -> list[dict]:
    """Give the hits with their bm25 scores for the ranking query of `q` (see ranking_query).

    The filter tokens are left out of it: bm25 weighs each of its terms by counting all the rows that
    hold it, and a filter token is held by a tenth to a half of the archive (10-25 ms a search)."""
    rank_q = ranking_query(conn, index, q) if hits else ""
    if not rank_q:
        return hits
    ids = [h["id"] for h in hits]
    # bm25 runs on the hits only; the other matches in their range are skipped (`+`: no lookup per id).
    sql = (
        f"SELECT rowid, bm25({index.fts}{index.weights}) FROM {index.fts} WHERE {index.fts} MATCH :q"
        " AND rowid BETWEEN :low AND :high AND +rowid IN (SELECT value FROM json_each(:ids))"
    )
    scores = dict(conn.execute(sql, {"q": rank_q, "low": min(ids), "high": max(ids), "ids": json.dumps(ids)}))
    return [{**h, "score": scores.get(h["id"], 0.0)} for h in hits]


def article_window(conn: sqlite3.Connection, req: SearchRequest, narrow: str) -> list[dict]:
    """Give the window's article hits, ranked."""
    first = bool(req.q and req.author) and picks_few(conn, BYLINE_ARTICLES, req)
    found = rows(conn, article_window_sql(req, first), params(req, narrow))
    return ranked(conn, ARTICLES, found, req.q) if req.q else found


def comment_window(conn: sqlite3.Connection, req: SearchRequest, narrow: str) -> list[dict]:
    """Give the window's comment hits, ranked."""
    first = bool(req.commenter) and picks_few(conn, COMMENTER_COMMENTS, req)
    return ranked(conn, COMMENTS, rows(conn, comment_window_sql(req, first), params(req, narrow)), req.q)


def filter_narrowing(conn: sqlite3.Connection, req: SearchRequest) -> str:
    """Give the filter tokens that every hit of the request's filters holds (see filter_tokens.py)."""
    found = conn.execute("SELECT id FROM sources WHERE name = ?", (req.source,)).fetchone() if req.source else None
    return narrowing(req.language, found[0] if found else None, req.since, req.until)


def window(conn: sqlite3.Connection, req: SearchRequest) -> tuple[list[dict], bool]:
    """Give the window's hits, best first, and whether a kind had more matches than the window."""
    narrow = filter_narrowing(conn, req) if req.q else ""
    # A byline filter asks for articles, a commenter filter for comments: article authors and readers differ.
    found = article_window(conn, req, narrow) if not req.commenter else []
    capped = len(found) >= WINDOW
    if req.q and not req.author:
        comments = comment_window(conn, req, narrow)
        capped = capped or len(comments) >= WINDOW
        found += comments
    found.sort(key=lambda h: (h["score"], -(h["article_id"]), h["kind"], -h["id"]))
    return found, capped


def article_hit(conn: sqlite3.Connection, hit: dict) -> Hit:
    """Give an article hit with its title and the start of its body (marked later, see marked_hits)."""
    sql = (
        "SELECT a.title, a.url, a.language, s.name AS source, substr(a.body, 1, :chars) AS text"
        " FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = :id"
    )
    row = rows(conn, sql, {"id": hit["id"], "chars": LOCATE_CHARS})[0]
    return hit_of(hit, row)


def comment_hit(conn: sqlite3.Connection, hit: dict) -> Hit:
    """Give a comment hit with its article's title and the start of its text (marked later)."""
    sql = (
        "SELECT a.title, a.url, a.language, s.name AS source, substr(c.text, 1, :chars) AS text"
        " FROM comments c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id WHERE c.id = :id"
    )
    row = rows(conn, sql, {"id": hit["id"], "chars": LOCATE_CHARS})[0]
    return hit_of(hit, row)


def hit_of(hit: dict, row: dict) -> Hit:
    """Give the Hit of a window row and the row of its page details."""
    return Hit(
        hit["kind"],
        hit["id"],
        hit["article_id"],
        hit["score"],
        hit["published"],
        hit["author"],
        row["title"] or "",
        row["text"] or "",
        row["source"],
        row["url"],
        row["language"],
    )


def snippet_window(text: str, q: str) -> str:
    """Give the part of `text` (SNIPPET_WINDOW characters) around the first word that looks like a query term.

    The look is rough (the terms' first letters); FTS5 then marks the window exactly."""
    stems = [w[:4] for w in re.findall(r"\w+", q) if w not in OPERATORS]
    found = re.search(r"\b(?:" + "|".join(map(re.escape, stems)) + ")", text, re.I) if stems else None
    start = max(0, found.start() - SNIPPET_WINDOW // 4) if found else 0
    return ("…" if start else "") + text[start : start + SNIPPET_WINDOW]


def plain_snippet(text: str) -> str:
    """Give the start of a text, for a hit shown without marks."""
    return text[:240] + ("…" if len(text) > 240 else "")


def marked_hits(hits: list[Hit], q: str) -> list[Hit]:
    """Give the hits with their query terms marked in the title (articles) and a snippet.

    FTS5's snippet() and highlight() slow with the square of a row's matches (a body repeating one word
    150,000 times took six minutes), and SQLite cannot interrupt them. So they run in a scratch
    in-memory FTS5 table over a bounded window of each hit's text, where the square stays small."""
    plain = [replace(h, snippet=plain_snippet(h.snippet)) for h in hits]
    if not q or not hits:
        return plain
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute(f"CREATE VIRTUAL TABLE marks USING fts5(title, body, tokenize='{FTS_TOKENIZER}')")
        scratch.executemany(
            "INSERT INTO marks (rowid, title, body) VALUES (?, ?, ?)",
            [
                (i, h.title[:TITLE_CHARS] if h.kind == "article" else "", snippet_window(h.snippet, q))
                for i, h in enumerate(hits)
            ],
        )
        found = scratch.execute(
            f"SELECT rowid, highlight(marks, 0, '{MARK_OPEN}', '{MARK_CLOSE}'),"
            f" snippet(marks, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 32) FROM marks WHERE marks MATCH ?",
            (q,),
        ).fetchall()
    except sqlite3.OperationalError:
        return plain  # a query naming the archive's own columns (text:word): shown without marks
    finally:
        scratch.close()
    for i, title, snippet in found:
        hit = plain[i]
        plain[i] = replace(hit, title=title if hit.kind == "article" else hit.title, snippet=snippet)
    return plain


def facet_values(counts: Counter, selected: str) -> tuple[FacetValue, ...]:
    """Give the most frequent values of a facet, the selected one always among them."""
    top = counts.most_common(FACET_SIZE)
    if selected and selected not in dict(top):
        top.append((selected, counts.get(selected, 0)))
    return tuple(FacetValue(str(v), n, str(v) == selected) for v, n in top)


def byline_counts(found: list[dict]) -> Counter:
    """Give how many article hits carry each byline (a comment hit has none: its writer is a commenter).

    Each distinct `authors` array is decoded once: a window repeats the same few bylines."""
    arrays = Counter(h["authors"] for h in found if h["kind"] == "article")
    counts: Counter = Counter()
    for value, n in arrays.items():
        for name in json_list(value):
            counts[name] += n
    return counts


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
        "author": facet_values(byline_counts(found), req.author),
        "commenter": facet_values(
            Counter(h["author"] for h in found if h["kind"] == "comment" and h["author"]), req.commenter
        ),
        "month": facet_values(Counter((h["published"] or "")[:7] for h in found if h["published"]), ""),
    }


def run_search(conn: sqlite3.Connection, req: SearchRequest) -> SearchResult:
    """Give one page of ranked hits for `req`; an FTS5 syntax error retries with the words quoted.

    SearchRefused when the query is out of bounds (see bounded_query)."""
    req = replace(req, q=bounded_query(req.q))
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
        article_hit(conn, h) if h["kind"] == "article" else comment_hit(conn, h)
        for h in found[start : start + PAGE_SIZE]
    ]
    return SearchResult(req, tuple(marked_hits(page, req.q)), len(found), capped, facets(conn, found, req))
