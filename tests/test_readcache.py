"""Slow reads kept by a served archive (store/readcache.py, web/database.py) follow every write, and a
public archive is never handed out whole."""

from __future__ import annotations

import json
import sqlite3

from archiver.store import Archive
from archiver.store.readcache import ReadCache
from archiver.web.database import MAX_SCHEMA_READS
from archiver.web.security import search_kind

from . import helpers
from .helpers import fetch, in_process
from .test_datasette import T1, build_archive, extraction, save


def count_articles(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_a_kept_read_is_read_again_once_another_connection_wrote(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    reader = sqlite3.connect(db)
    cache = ReadCache(db, slow_ms=0)  # keep every read
    reads = []

    def load():
        reads.append(1)
        return count_articles(reader)

    assert cache.read("count", load) == 3
    assert cache.read("count", load) == 3 and len(reads) == 1  # kept
    with Archive(db) as archive:
        weekly = archive.ensure_source("weekly", "https://weekly.example/", {}, T1).id
        save(archive, weekly, archive.start_crawl(weekly, T1), new_article("https://weekly.example/ferry"), T1)
    assert cache.read("count", load) == 4 and len(reads) == 2
    assert cache.read("count", load) == 4 and len(reads) == 2  # kept again
    cache.close()
    reader.close()


def new_article(url: str):
    return extraction(url, "Ferry returns", "The ferry is back in the harbour.", "fr", ["Lu Auteur"], "2026-03-02")


def table(base: str, query: str) -> dict:
    status, body = fetch(f"{base}/archive/articles.json?{query}")
    assert status == 200, body[:300]
    return json.loads(body)


def test_table_counts_and_facets_kept_by_the_server_follow_a_crawl(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    with in_process(db) as base:
        served = helpers._APPS[base].app.databases["archive"]
        served.read_cache.slow_ms = 0  # on this small archive nothing is slow: keep everything
        before = table(base, "_facet=language&_size=1")
        again = table(base, "_facet=language&_size=1")
        assert before["filtered_table_rows_count"] == again["filtered_table_rows_count"] == 3
        languages = {v["value"]: v["count"] for v in before["facet_results"]["language"]["results"]}
        assert languages == {"en": 2, "de": 1}
        with Archive(db) as archive:
            weekly = archive.ensure_source("weekly", "https://weekly.example/", {}, T1).id
            save(archive, weekly, archive.start_crawl(weekly, T1), new_article("https://weekly.example/ferry"), T1)
        after = table(base, "_facet=language&_size=1")
        assert after["filtered_table_rows_count"] == 4
        languages = {v["value"]: v["count"] for v in after["facet_results"]["language"]["results"]}
        assert languages == {"en": 2, "de": 1, "fr": 1}


def test_a_public_archive_offers_no_download_of_its_database(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    with in_process(db, public=True) as base:
        status, body = fetch(base + "/-/settings.json")
        assert status == 200 and json.loads(body)["allow_download"] is False
        assert fetch(base + "/archive.db")[0] == 403
    with in_process(db) as base:
        assert json.loads(fetch(base + "/-/settings.json")[1])["allow_download"] is True


def test_a_heavy_search_read_on_the_heavy_thread_still_answers(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    with in_process(db, public=True) as base:
        status, body = fetch(base + "/archive/-/search.json?q=" + "tram* OR harbour")
        assert status == 200
        found = json.loads(body)
        assert found["total"] >= 2 and any("tram" in h["title"].lower() for h in found["hits"])
        five = "harbour+tram+line+reopens+commuters"  # more than a light search's terms
        status, body = fetch(base + f"/archive/articles.json?_search={five}&_shape=array")
        assert status == 200 and [a["title"] for a in json.loads(body)] == ["Harbour tram reopens"]


def test_requests_that_read_every_match_or_row_take_the_heavy_lane_and_the_search_page_does_not():
    # A table search materializes every match of its words, a chart counts them day by day, a download
    # reads every row: one of "the" over a million comments held a usual SQL thread for seconds.
    heavy = [
        ("/archive/comments.json", b"_search=the"),
        ("/archive/-/export/articles.csv", b"search=harbour"),
        ("/archive/-/export/comments.csv", b""),
        ("/archive/-/export/comments.manifest.json", b"source=daily"),
        ("/archive/-/attention", b"q=the&source=daily"),
        ("/archive/-/search", b"q=the+of+and+to+in+a"),
    ]
    assert [kind_of(path, query) for path, query in heavy] == ["heavy"] * len(heavy)
    assert kind_of("/archive/-/search", b"q=the") == "light" == kind_of("/archive/-/search.json", b"q=tram")
    assert kind_of("/archive/articles", b"_sort=id") == "" == kind_of("/archive/-/search", b"q=&language=de")
    assert kind_of("/archive/comments.csv", b"_search=the") == ""  # a redirect to its download, heavy there


def test_a_kept_read_is_kept_only_when_it_may_be(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    reader = sqlite3.connect(db)
    cache = ReadCache(db, slow_ms=0)
    reads = []

    def load():
        reads.append(1)
        return count_articles(reader)

    assert cache.read("count", load, keeps=lambda value: False) == 3
    assert cache.read("count", load, keeps=lambda value: False) == 3 and len(reads) == 2  # read again
    cache.close()
    reader.close()


def test_the_server_keeps_counts_but_not_pages_of_long_rows(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    long_body = "The harbour master spoke at length. " * 3_000  # 108 kB
    with Archive(db) as archive:
        weekly = archive.ensure_source("weekly", "https://weekly.example/", {}, T1).id
        page = extraction("https://weekly.example/long", "Long read", long_body, "en", ["Lu Auteur"], "2026-03-02")
        save(archive, weekly, archive.start_crawl(weekly, T1), page, T1)
    with in_process(db) as base:
        served = helpers._APPS[base].app.databases["archive"]
        served.read_cache.slow_ms = 0  # on this small archive nothing is slow: keep what may be kept
        assert table(base, "_size=max")["filtered_table_rows_count"] == 4
        kept = [k.value for k in served.read_cache._entries.values() if k.value is not None]
        assert kept  # the count and the like
        assert all(long_body not in str(list(map(tuple, v.rows))) for v in kept)


def kind_of(path: str, query: bytes) -> str:
    """Give the lane a request takes: "heavy" (the heavy thread, one at a time), "light" or ""."""
    return search_kind(path, query)


def test_a_table_another_tool_adds_while_served_appears_at_once(tmp_path):
    # Datasette's schema reads are kept between requests; a schema change is a commit and drops them.
    db = build_archive(tmp_path / "archive.db")
    with in_process(db) as site:
        assert fetch(site + "/archive/articles")[0] == 200
        assert fetch(site + "/archive/notes")[0] == 404
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT)")
            conn.execute("INSERT INTO notes (note) VALUES ('ferry timetable checked')")
        status, page = fetch(site + "/archive/notes")
        assert status == 200 and b"ferry timetable checked" in page
        tables = json.loads(fetch(site + "/archive.json")[1])["tables"]
        assert "notes" in [t["name"] for t in tables]


def test_schema_reads_kept_for_names_from_urls_stay_bounded(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    with in_process(db) as site:
        for n in range(MAX_SCHEMA_READS + 100):
            assert fetch(site + f"/archive/no_such_table_{n}")[0] == 404
        database = helpers._APPS[site].app.databases["archive"]
        assert 0 < len(database.schema_reads) <= MAX_SCHEMA_READS
        assert fetch(site + "/archive/articles")[0] == 200
