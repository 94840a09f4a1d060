"""The search page's hits do not depend on how they are read: a selective filter read first or the
full-text matches walked, common terms ranked or not, every filter gives exactly the rows it names."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from archiver.extract.model import Comment
from archiver.store import Archive
from archiver.store import search as search_module
from archiver.store.search import SearchRequest, run_search

from .test_datasette import T0, extraction, save

SOURCES = ("north", "south")
LANGUAGES = ("en", "de", "fr")
AUTHORS = ("Ann Writer", "Bo Reporter", "Cy Editor")
READERS = ("ada", "ben", "cyd", "dee")
ARTICLES = 60


def body(i: int) -> str:
    """Give article i's text: a word all articles have, one a third have, one a seventh have."""
    words = ["harbour report"]
    words += ["zebra crossing"] if i % 3 == 0 else []
    words += ["quokka sighting"] if i % 7 == 0 else []
    return f"Item {i}: " + " and ".join(words) + "."


def thread(i: int) -> tuple[Comment, ...]:
    """Give article i's comments: i % 4 of them, by readers in turn, some naming the zebra."""
    return tuple(
        Comment(
            f"k{n}",
            None,
            READERS[(i + n) % len(READERS)],
            f"2026-0{1 + (i + n) % 6}-10T10:00:00",
            "harbour talk" + (" zebra" if (i + n) % 2 else ""),
            n,
        )
        for n in range(i % 4)
    )


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "archive.db"
    with Archive(path) as archive:
        ids = {name: archive.ensure_source(name, f"https://{name}.example/", {}, T0).id for name in SOURCES}
        crawls = {name: archive.start_crawl(ids[name], T0) for name in SOURCES}
        for i in range(ARTICLES):
            name = SOURCES[i % 2]
            found = extraction(
                f"https://{name}.example/a/{i}",
                f"Story {i}",
                body(i),
                LANGUAGES[i % 3],
                [AUTHORS[(i // 2) % 3]],
                f"2026-0{1 + i % 6}-15",
                thread(i),
            )
            save(archive, ids[name], crawls[name], found, T0)
    return path


def expected(conn: sqlite3.Connection, req: SearchRequest) -> set[tuple[str, int]]:
    """Give the hits a search must find, worked out row by row in Python from the stored rows."""
    articles = {
        r[0]: r
        for r in conn.execute(
            "SELECT a.id, s.name, a.language, a.published, a.title || ' ' || a.body, a.authors"
            " FROM articles a JOIN sources s ON s.id = a.source_id"
        )
    }

    def article_ok(row, published) -> bool:
        _, source, language, _, _, _ = row
        dated = (not req.since or (published or "") >= req.since) and (
            not req.until or (published or "")[: len(req.until)] <= req.until
        )
        return (not req.source or source == req.source) and (not req.language or language == req.language) and dated

    found = set()
    if not req.commenter:
        for row in articles.values():
            words = row[4].lower().replace(".", " ").replace(":", " ").split()
            byline = not req.author or req.author in row[5]
            if (not req.q or req.q in words) and byline and article_ok(row, row[3]):
                found.add(("article", row[0]))
    if req.q and not req.author:
        for cid, article_id, author, published, text in conn.execute(
            "SELECT id, article_id, author, published, text FROM comments"
        ):
            mine = not req.commenter or author == req.commenter
            if req.q in text.split() and mine and article_ok(articles[article_id], published):
                found.add(("comment", cid))
    return found


def hits(conn: sqlite3.Connection, req: SearchRequest) -> list[tuple[str, int]]:
    """Give every hit of the search, page after page, in the order shown."""
    first = run_search(conn, req)
    pages = [first] + [run_search(conn, SearchRequest(**{**vars(req), "page": n})) for n in range(2, first.pages + 1)]
    return [(h.kind, h.id) for result in pages for h in result.hits]


REQUESTS = [
    SearchRequest(q=q, **{name: value})
    for q, (name, value) in itertools.product(
        ("harbour", "zebra", "quokka"),
        [
            ("source", ""),
            ("source", "south"),
            ("language", "de"),
            ("author", "Bo Reporter"),
            ("commenter", "ben"),
            ("since", "2026-03"),
            ("until", "2026-02"),
        ],
    )
] + [
    SearchRequest(q="zebra", author="Bo Reporter", language="en"),
    SearchRequest(q="harbour", author="Ann Writer", since="2026-04"),
    SearchRequest(q="zebra", commenter="ben", source="north"),
    SearchRequest(q="harbour", commenter="dee", until="2026-03", language="fr"),
    SearchRequest(author="Cy Editor"),
    SearchRequest(language="fr", source="north"),
    # Date ranges closed at both ends, the ones narrowed by month tokens (store/filter_tokens.py)
    SearchRequest(q="harbour", since="2026-02", until="2026-04"),
    SearchRequest(q="zebra", since="2026-03-12", until="2026-05-14"),
    SearchRequest(q="harbour", since="2026", until="2026", language="de"),
    SearchRequest(q="harbour", since="2026-05", until="2026-05", source="south"),
    SearchRequest(q="harbour", since="2026-06", until="2026-02"),
]


@pytest.mark.parametrize("plan", ["as built", "filters read first", "matches walked", "common terms unranked"])
def test_every_filter_gives_the_rows_it_names_whichever_plan_reads_them(archive_db, monkeypatch, plan):
    if plan == "filters read first":
        monkeypatch.setattr(search_module, "FILTER_FIRST_ROWS", 10_000)
    if plan == "matches walked":
        monkeypatch.setattr(search_module, "FILTER_FIRST_ROWS", 0)
    if plan == "common terms unranked":  # as a million-row archive sees "harbour" (in every row)
        monkeypatch.setattr(search_module, "COMMON_ROWS", 10)
        monkeypatch.setattr(search_module, "PROBE_ROWS", 40)
    conn = sqlite3.connect(archive_db)
    answered = 0
    for req in REQUESTS:
        found = hits(conn, req)
        assert len(found) == len(set(found)), req
        assert set(found) == expected(conn, req), req
        answered += bool(found)
    assert answered >= len(REQUESTS) - 5  # quokka is in no comment, and some filters pick no zebra


def test_a_common_term_narrows_but_the_rare_one_ranks(archive_db, monkeypatch):
    monkeypatch.setattr(search_module, "COMMON_ROWS", 10)
    monkeypatch.setattr(search_module, "PROBE_ROWS", 40)
    conn = sqlite3.connect(archive_db)
    mixed = hits(conn, SearchRequest(q="harbour quokka"))
    assert set(mixed) == expected(conn, SearchRequest(q="quokka"))
    assert mixed == hits(conn, SearchRequest(q="quokka"))  # ranked by quokka alone, as bm25 weighs harbour ~0
    plain = run_search(conn, SearchRequest(q="harbour"))
    assert [h.article_id for h in plain.hits] == sorted((h.article_id for h in plain.hits), reverse=True)


def integrity_errors(path: Path) -> list[str]:
    """Give what FTS5's integrity check finds wrong in both indexes against their content views."""
    conn = sqlite3.connect(path)
    found = []
    for fts in ("articles_fts", "comments_fts"):
        try:
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            found.append(f"{fts}: {exc}")
    return found


def test_filters_follow_an_article_whose_language_and_date_change_with_its_comments(tmp_path):
    path = tmp_path / "archive.db"
    talk = (Comment("k0", None, "ada", "2026-01-16T09:00:00", "harbour talk", 0),)
    later = talk + (Comment("k1", None, "ben", "2026/02/04 10:00", "harbour again", 1),)
    with Archive(path) as archive:
        source = archive.ensure_source("north", "https://north.example/", {}, T0).id
        crawl = archive.start_crawl(source, T0)
        url = "https://north.example/a/1"
        first = extraction(url, "Story", body(1), "en", ["Ann Writer"], "2026-01-15", talk)
        save(archive, source, crawl, first, T0)
        edited = extraction(url, "Story", body(1) + " More.", "de", ["Ann Writer"], "2026/02/03", later)
        save(archive, source, crawl, edited, T0)
    assert integrity_errors(path) == []
    conn = sqlite3.connect(path)
    german = SearchRequest(q="harbour", language="de")
    assert len(hits(conn, german)) == 3 and hits(conn, SearchRequest(q="harbour", language="en")) == []
    for since, until in (("2026-01", "2026-01"), ("2026-02", "2026-02"), ("2026", "2026"), ("2025-12", "2026-03")):
        req = SearchRequest(q="harbour", since=since, until=until)
        assert set(hits(conn, req)) == expected(conn, req), req


def test_an_archive_indexed_before_filter_tokens_is_reindexed_with_them(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        source = archive.ensure_source("north", "https://north.example/", {}, T0).id
        crawl = archive.start_crawl(source, T0)
        ex = extraction("https://north.example/a/1", "Story", body(3), "fr", [], "2026-04-15", thread(3))
        save(archive, source, crawl, ex, T0)
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    # The archive as the version before: indexes of text alone, kept by triggers on the tables.
    conn.executescript("""
        DROP TRIGGER articles_ad; DROP TRIGGER articles_au; DROP TRIGGER articles_comments_au;
        DROP TRIGGER comments_ad; DROP TRIGGER comments_au;
        DROP TABLE articles_fts; DROP TABLE comments_fts;
        DROP VIEW articles_fts_content; DROP VIEW comments_fts_content;
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content=[articles], tokenize='porter');
        CREATE VIRTUAL TABLE comments_fts USING fts5(text, content=[comments], tokenize='porter');
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');
    """)
    conn.execute(f"PRAGMA user_version={version - 1}")
    conn.commit()
    conn.close()
    Archive(path).close()
    assert integrity_errors(path) == []
    conn = sqlite3.connect(path)
    req = SearchRequest(q="harbour", language="fr", since="2026-04", until="2026-04")
    assert set(hits(conn, req)) == expected(conn, req) and {kind for kind, _ in hits(conn, req)} == {
        "article",
        "comment",
    }
