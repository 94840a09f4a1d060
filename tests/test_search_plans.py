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
