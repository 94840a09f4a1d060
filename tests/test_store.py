"""The store on real SQLite files: versions, comment history, footers, FTS kept in sync."""

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils

from archiver.errors import StoreError
from archiver.extract.model import Comment, Extraction, Footer
from archiver.store import Archive, CaptureRow
from archiver.store.archive import connect
from archiver.store.schema import LATEST, MIGRATIONS

URL = "http://news.test/2026/01/02/story/"
FOOTER = Footer(org="Test Media Ltd", address="1 Main St, Town", copyright="© 2026 Test Media Ltd", text="x")


def page(body="First paragraph.\n\nSecond one.", comments=(), footer=FOOTER, title="A story"):
    return Extraction(
        url=URL,
        title=title,
        authors=("Ann Writer",),
        published="2026-01-02",
        body=body,
        comments=tuple(comments),
        footer=footer,
        extractor="test",
    )


def comment(key, text, parent=None, position=0):
    return Comment(id=key, parent=parent, author="Reader", published=None, text=text, position=position)


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
        source = archive.ensure_source("news", "http://news.test/", {}, "2026-01-01T00:00:00+00:00")
        archive.source_id = source.id
        yield archive


def save(archive, extraction, when):
    with archive.batch():
        capture = archive.add_capture(None, archive.source_id, CaptureRow(URL, when, "article", status=200))
        return archive.save_article(archive.source_id, capture, URL, extraction, when)


def test_a_changed_article_gets_a_new_version_and_an_unchanged_one_does_not(archive, tmp_path):
    assert save(archive, page(), "2026-01-02T10:00:00+00:00").status == "new"
    assert save(archive, page(), "2026-01-03T10:00:00+00:00").status == "unchanged"
    assert save(archive, page(body="First paragraph, corrected."), "2026-01-04T10:00:00+00:00").status == "changed"
    db = sqlite_utils.Database(tmp_path / "archive.db")
    article = next(db["articles"].rows)
    assert (article["versions"], article["first_seen"][:10], article["last_seen"][:10]) == (
        2,
        "2026-01-02",
        "2026-01-04",
    )
    assert [v["body"][:20] for v in db["article_versions"].rows_where(order_by="version")] == [
        "First paragraph.\n\nSe",
        "First paragraph, cor",
    ]


def test_comments_are_matched_by_key_and_removed_ones_stay_with_removed_at(archive, tmp_path):
    save(
        archive, page(comments=[comment("c1", "first"), comment("c2", "second", "c1", 1)]), "2026-01-02T00:00:00+00:00"
    )
    outcome = save(
        archive, page(comments=[comment("c1", "first"), comment("c3", "third", None, 1)]), "2026-01-03T00:00:00+00:00"
    )
    assert (outcome.comments_new, outcome.comments_removed) == (1, 1)
    rows = {r["key"]: r for r in sqlite_utils.Database(tmp_path / "archive.db")["comments"].rows}
    assert rows["c2"]["removed_at"].startswith("2026-01-03") and rows["c2"]["parent_key"] == "c1"
    assert rows["c1"]["removed_at"] is None and rows["c1"]["last_seen"].startswith("2026-01-03")
    assert rows["c3"]["first_seen"].startswith("2026-01-03")


def test_footers_are_versioned_per_site(archive, tmp_path):
    save(archive, page(), "2026-01-02T00:00:00+00:00")
    save(archive, page(footer=Footer(org="New Owner Inc", text="y")), "2026-01-03T00:00:00+00:00")
    save(archive, page(footer=Footer(org="New Owner Inc", text="y")), "2026-01-04T00:00:00+00:00")
    orgs = [r["org"] for r in sqlite_utils.Database(tmp_path / "archive.db")["footers"].rows_where(order_by="id")]
    assert orgs == ["Test Media Ltd", "New Owner Inc"]


def test_full_text_search_follows_every_write(archive, tmp_path):
    save(
        archive,
        page(body="The mayor spoke about tramways.", comments=[comment("c1", "Nonsense about trams")]),
        "2026-01-02T00:00:00+00:00",
    )
    save(archive, page(body="The mayor spoke about bicycles."), "2026-01-03T00:00:00+00:00")
    conn = sqlite3.connect(tmp_path / "archive.db")
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'tramways'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'bicycles'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'trams'").fetchone()[0] == 1


def store_all(archive, *steps):
    """Store (extraction, when) pairs in one transaction, as a crawl's batch does."""
    archive.begin()
    for extraction, when in steps:
        capture = archive.add_capture(None, archive.source_id, CaptureRow(URL, when, "article", status=200))
        archive.save_article(archive.source_id, capture, URL, extraction, when)


def matches(tmp_path, fts, query, check=True):
    conn = sqlite3.connect(tmp_path / "archive.db")
    try:
        if check:
            conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")  # raises on a corrupt index
        return conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", (query,)).fetchone()[0]
    finally:
        conn.close()


def test_search_finds_what_a_batch_stored_even_when_it_changed_within_the_batch(archive, tmp_path):
    first = page(body="The mayor spoke about tramways.", comments=[comment("c1", "Nonsense about trams")])
    second = page(body="The mayor spoke about bicycles.", comments=[comment("c1", "Nonsense about bikes")])
    store_all(archive, (first, "2026-01-02T00:00:00+00:00"), (second, "2026-01-03T00:00:00+00:00"))
    assert matches(tmp_path, "articles_fts", "bicycles", check=False) == 0  # not committed yet
    archive.commit()
    assert (matches(tmp_path, "articles_fts", "tramways"), matches(tmp_path, "articles_fts", "bicycles")) == (0, 1)
    assert (matches(tmp_path, "comments_fts", "trams"), matches(tmp_path, "comments_fts", "bikes")) == (0, 1)


def test_a_rolled_back_batch_leaves_nothing_in_the_search_index(archive, tmp_path):
    store_all(archive, (page(body="Words about tramways."), "2026-01-02T00:00:00+00:00"))
    archive.rollback()
    save(archive, page(body="Words about bicycles.", comments=[comment("c1", "A reply")]), "2026-01-03T00:00:00+00:00")
    assert (matches(tmp_path, "articles_fts", "tramways"), matches(tmp_path, "articles_fts", "bicycles")) == (0, 1)
    assert matches(tmp_path, "comments_fts", "reply") == 1


def test_rows_another_tool_adds_are_found_once_the_index_is_rebuilt_as_the_readme_says(archive, tmp_path):
    save(archive, page(body="Words about tramways."), "2026-01-02T00:00:00+00:00")
    archive.close()
    conn = sqlite3.connect(tmp_path / "archive.db")
    with conn:
        article_id = conn.execute("SELECT id FROM articles").fetchone()[0]
        conn.execute(
            "INSERT INTO comments (article_id, key, position, text, first_seen, last_seen, extractor)"
            " VALUES (?, 'added', 9, 'Bicycles instead', '2026-01-03', '2026-01-03', 'hand')",
            (article_id,),
        )
    conn.close()
    assert matches(tmp_path, "comments_fts", "bicycles", check=False) == 0
    sqlite_utils_cli = Path(sys.executable).with_name("sqlite-utils")
    for fts in ("articles_fts", "comments_fts"):
        rebuild = f"INSERT INTO {fts}({fts}) VALUES('rebuild')"
        subprocess.run([str(sqlite_utils_cli), "query", str(tmp_path / "archive.db"), rebuild], check=True)
    assert (matches(tmp_path, "comments_fts", "bicycles"), matches(tmp_path, "articles_fts", "tramways")) == (1, 1)


def test_an_archive_with_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Archive(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 99


def test_two_processes_opening_a_new_archive_at_once_both_get_it(tmp_path):
    # A scheduler and a `schedule list` started together on a fresh archive: the second finds
    # version 0, then waits while the first creates the schema, and must not create it again.
    path = tmp_path / "archive.db"
    first = connect(path)
    first.execute("BEGIN IMMEDIATE")
    opened: list = []
    second = threading.Thread(target=lambda: opened.append(Archive(path)))
    second.start()
    time.sleep(0.5)  # the second has read user_version 0 and waits for the write lock
    db = sqlite_utils.Database(first)
    for version, step in enumerate(MIGRATIONS):
        step(db)
        first.execute(f"PRAGMA user_version={version + 1}")
    first.execute("COMMIT")
    second.join(timeout=30)
    assert len(opened) == 1, "the second open failed"
    opened[0].close()
    first.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_the_store_gives_a_field_level_diff_between_versions(archive, tmp_path):
    save(archive, page(), "2026-01-02T10:00:00+00:00")
    save(
        archive,
        page(body="First paragraph.\n\nSecond one, updated.", title="A corrected story"),
        "2026-01-03T10:00:00+00:00",
    )
    diff = archive.version_diff(1, 1, 2)
    assert [f.field for f in diff.fields] == ["title", "body"]
    body = diff.fields[1].diff
    assert "-Second one." in body and "+Second one, updated." in body and "-First paragraph." not in body
