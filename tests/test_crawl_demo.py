"""Crawl the demo news site over real HTTP into real archives and read them back."""

import base64
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archiver.demo import DemoSite, serve_demo
from archiver.errors import StoreError
from archiver.store.warcfiles import WarcLocation, read_capture

from .helpers import run_cli, run_cli_with_a_worker_hung


def article_urls(db) -> set[str]:
    return {row["url"] for row in sqlite_utils.Database(db)["articles"].rows}


def site_article_urls(base: str, site: DemoSite) -> set[str]:
    return {base.rstrip("/") + a.url_path for a in site.articles}


def test_every_article_is_archived_exactly_once(crawled_archive, demo_site):
    expected = site_article_urls(demo_site.url, DemoSite())
    assert len(expected) >= 30
    assert article_urls(crawled_archive) == expected


def test_navigation_pages_are_followed_but_not_archived(crawled_archive):
    db = sqlite_utils.Database(crawled_archive)
    pages = {row["url"]: row["reason"] for row in db["captures"].rows_where("decision = 'page'")}
    assert any("/section/" in url for url in pages) and any("/tag/" in url for url in pages)
    assert all(reason for reason in pages.values())
    assert not [u for u in article_urls(crawled_archive) if "/section/" in u or "/tag/" in u or "/author/" in u]


def test_the_seed_article_has_its_thread_footer_and_no_commenter_as_author(crawled_archive):
    db = sqlite_utils.Database(crawled_archive)
    seed = next(db["articles"].rows_where("title LIKE 'Colombian President Petro%'"))
    comments = list(db["comments"].rows_where("article_id = ?", [seed["id"]], order_by="position"))
    assert len(comments) == 20
    assert sum(1 for c in comments if c["parent_key"]) == 10
    keys = {c["key"] for c in comments}
    assert all(c["parent_key"] in keys for c in comments if c["parent_key"])
    commenters = {c["author"] for c in comments}
    assert not commenters & set(__import__("json").loads(seed["authors"]))
    assert "Listen to the article" not in seed["body"] and "Fact Checker" not in seed["body"]
    footer = db["footers"].get(seed["footer_id"])
    assert footer["org"] and footer["copyright"] and footer["address"]


def test_full_text_search_finds_the_seed_article(crawled_archive):
    conn = sqlite3.connect(crawled_archive)
    titles = [
        r[0]
        for r in conn.execute(
            "SELECT a.title FROM articles a JOIN articles_fts f ON f.rowid = a.id WHERE articles_fts MATCH 'Petro'"
        )
    ]
    assert any(t.startswith("Colombian President Petro") for t in titles)


def test_robots_disallowed_urls_are_skipped_and_never_fetched(crawled_archive, demo_site):
    assert not [r for r in demo_site.requests if r.path.startswith("/search")]
    db = sqlite_utils.Database(crawled_archive)
    offsite = [r["url"] for r in db["captures"].rows if "127.0.0.1" not in r["url"]]
    assert offsite == []
    assert db["links"].count > 0


def test_raw_captures_are_kept_as_warc_and_the_crawl_is_in_the_ledger(crawled_archive):
    db = sqlite_utils.Database(crawled_archive)
    crawl = next(db["crawls"].rows)
    assert crawl["status"] == "finished" and crawl["articles_new"] >= 30 and crawl["finished_at"]
    warcs = {r["warc_file"] for r in db["captures"].rows_where("status = 200")}
    assert warcs and all((crawled_archive.parent / "warcs" / name).stat().st_size > 0 for name in warcs)


def test_warc_digests_verify_and_each_capture_sha256_is_its_records_payload_digest(crawled_archive):
    folder = crawled_archive.parent / "warcs"
    payload = {}
    for path in folder.glob("*.warc.gz"):
        with path.open("rb") as f:
            records = ArchiveIterator(f, check_digests="raise")  # raises on a digest that does not match
            for record in records:
                if record.rec_type == "response":
                    record.content_stream().read()
                    algorithm, _, value = record.rec_headers.get_header("WARC-Payload-Digest").partition(":")
                    payload[(path.name, records.get_record_offset())] = (algorithm, base64.b32decode(value).hex())
    captures = list(sqlite_utils.Database(crawled_archive)["captures"].rows_where("warc_file IS NOT NULL"))
    assert captures and all(payload[(c["warc_file"], c["warc_offset"])] == ("sha256", c["sha256"]) for c in captures)


def test_a_recrawl_of_an_unchanged_site_is_conditional_and_adds_no_rows(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
        before = {t: sqlite_utils.Database(db)[t].count for t in ("articles", "article_versions", "comments")}
        site.requests.clear()
        result = run_cli("crawl", site.url, "--db", str(db))
        assert result.returncode == 0, result.stderr
        article_paths = {a.url_path for a in DemoSite().articles}
        hits = [h for m, path, h in site.requests if path in article_paths]
    after = {t: sqlite_utils.Database(db)[t].count for t in before}
    assert after == before
    conditional = [h for h in hits if {k.lower() for k in h} & {"if-none-match", "if-modified-since"}]
    assert len(conditional) >= 0.9 * len(article_paths)
    assert "0 new, 0 changed" in result.stdout


def test_a_second_edition_gives_versions_and_comment_history(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
        site.set_edition(2)
        result = run_cli("crawl", site.url, "--db", str(db))
    assert result.returncode == 0, result.stderr
    d = sqlite_utils.Database(db)
    assert d["articles"].count == len(DemoSite(edition=2).articles)
    assert d.execute("SELECT count(*) FROM articles WHERE versions = 2").fetchone()[0] >= 1
    assert d.execute("SELECT count(*) FROM comments WHERE removed_at IS NOT NULL").fetchone()[0] >= 1
    crawl = list(d["crawls"].rows_where(order_by="id"))[-1]
    assert crawl["comments_new"] >= 1 and crawl["comments_removed"] >= 1 and crawl["articles_changed"] >= 1
    assert d["footers"].count == 2


def test_reextract_works_offline_from_the_kept_captures_and_changes_nothing_when_nothing_changed(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
    # The site is gone: re-extraction reads only the WARC files.
    before = {t: sqlite_utils.Database(db)[t].count for t in ("articles", "article_versions", "comments")}
    result = run_cli("reextract", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "0 changed" in result.stdout and "0 failed" in result.stdout
    assert {t: sqlite_utils.Database(db)[t].count for t in before} == before


def test_reextract_records_a_new_version_when_the_extraction_changes(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET content_hash = 'stale', extractor = 'archiver 0.0.1' WHERE id = 1")
    conn.commit()
    result = run_cli("reextract", "--db", str(db))
    assert "1 changed" in result.stdout, result.stdout
    d = sqlite_utils.Database(db)
    assert d["articles"].get(1)["extractor"] != "archiver 0.0.1"
    assert d.execute("SELECT count(*) FROM article_versions WHERE article_id = 1").fetchone()[0] == 2


def copy_of(db, folder):
    """Copy an archive and its warcs/ folder into `folder`; give the copy's path."""
    folder.mkdir()
    source = sqlite3.connect(db)
    copy = sqlite3.connect(folder / "archive.db")
    source.backup(copy)
    source.close()
    copy.close()
    shutil.copytree(db.parent / "warcs", folder / "warcs")
    return folder / "archive.db"


def made_stale(db) -> None:
    """Make every article look extracted by an older version, so that re-extraction rewrites them all."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET content_hash = 'stale', extractor = 'archiver 0.0.1'")
    conn.commit()
    conn.close()


ARTICLE_FIELDS = "url, title, authors, published, language, body, content_hash, comment_count"


def test_reextract_in_worker_processes_stores_what_one_process_stores(crawled_archive, tmp_path):
    one, two = copy_of(crawled_archive, tmp_path / "one"), copy_of(crawled_archive, tmp_path / "two")
    for db in (one, two):
        made_stale(db)
    runs = {db: run_cli("reextract", "--db", str(db), "--workers", w) for db, w in ((one, "1"), (two, "2"))}
    articles = sqlite_utils.Database(one)["articles"].count
    for result in runs.values():
        assert result.returncode == 0, result.stderr
        assert f"re-extracted {articles} articles: {articles} changed, 0 unchanged, 0 failed" in result.stdout
        # Not a terminal: the progress is a plain line on stderr.
        assert f"re-extracting: {articles} of {articles} (100 %)" in result.stderr
    rows = [
        sqlite_utils.Database(db).execute(f"SELECT {ARTICLE_FIELDS} FROM articles ORDER BY id").fetchall()
        for db in (one, two)
    ]
    assert rows[0] == rows[1] and len(rows[0]) == articles
    assert all(row[-2] != "stale" for row in rows[1])


def test_reextract_counts_an_unreadable_capture_and_stores_the_others(crawled_archive, tmp_path):
    db = copy_of(crawled_archive, tmp_path / "copy")
    made_stale(db)
    conn = sqlite3.connect(db)
    url, capture = conn.execute(
        "SELECT a.url, max(p.id) FROM articles a JOIN captures p ON p.article_id = a.id"
        " WHERE p.status = 200 GROUP BY a.id ORDER BY a.id LIMIT 1 OFFSET 3"
    ).fetchone()
    conn.execute("UPDATE captures SET warc_offset = warc_offset + 7 WHERE id = ?", (capture,))
    conn.commit()
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    result = run_cli("reextract", "--db", str(db))
    assert result.returncode == 1
    assert f"{articles - 1} changed, 0 unchanged, 1 failed" in result.stdout, result.stdout
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and url in failed[0] and "cannot read capture" in failed[0]
    assert "Traceback" not in result.stderr
    d = sqlite_utils.Database(db)
    assert d.execute("SELECT content_hash FROM articles WHERE url = ?", [url]).fetchone()[0] == "stale"
    assert d.execute("SELECT count(*) FROM articles WHERE content_hash = 'stale'").fetchone()[0] == 1


def test_a_capture_location_that_is_off_is_refused_never_read_as_some_other_record(crawled_archive):
    # A damaged archive: warcio alone reads about 8 % of such offsets as an ARC header line or an
    # empty record, which re-extraction took for an empty page and the web view would show.
    folder = crawled_archive.parent / "warcs"
    conn = sqlite3.connect(crawled_archive)
    kept = conn.execute(
        "SELECT warc_file, warc_offset, warc_length FROM captures WHERE warc_file IS NOT NULL"
    ).fetchall()
    conn.close()
    assert all(read_capture(folder, WarcLocation(*row)).url for row in kept)
    refused = 0
    for name, offset, length in kept:
        for shift in range(1, 40):
            with pytest.raises(StoreError, match="cannot read capture at"):
                read_capture(folder, WarcLocation(name, offset + shift, length))
            refused += 1
    assert refused == 39 * len(kept) > 1000


def test_reextract_kills_a_hung_worker_counts_its_page_and_re_extracts_the_others(crawled_archive, tmp_path):
    db = copy_of(crawled_archive, tmp_path / "copy")
    made_stale(db)
    articles = sqlite_utils.Database(db)["articles"].count
    result, hung = run_cli_with_a_worker_hung("reextract", "--db", str(db), "--workers", "2", "--max-page-time", "2")
    assert result.returncode == 1, result.stderr
    assert f"re-extracted {articles} articles: {articles - 1} changed, 0 unchanged, 1 failed" in result.stdout
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "extraction took over 2 s" in failed[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not Path(f"/proc/{hung}").exists()  # killed by the command, not left behind
    d = sqlite_utils.Database(db)
    assert d.execute("SELECT count(*) FROM articles WHERE content_hash = 'stale'").fetchone()[0] == 1


def test_progress_is_printed_as_plain_lines_when_not_in_a_terminal(tmp_path):
    with serve_demo() as site:
        result = run_cli(
            "crawl",
            site.url,
            "--db",
            str(tmp_path / "a.db"),
            "--set",
            "ARCHIVER_PROGRESS_EVERY=0.3",
            "--set",
            "DOWNLOAD_DELAY=0.02",
        )
    lines = [x for x in result.stderr.splitlines() if x.startswith("progress: fetched")]
    assert lines and "\x1b[" not in result.stderr
    assert "articles" in lines[-1] and "queued" in lines[-1]


def test_sitemap_lastmod_can_skip_pages_unchanged_since_their_last_capture(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
        site.requests.clear()
        result = run_cli("crawl", site.url, "--db", str(db), "--set", "ARCHIVER_SKIP_UNCHANGED=true")
        fetched = set(site.requests.paths())
    assert result.returncode == 0, result.stderr
    skipped = (
        sqlite_utils.Database(db)
        .execute("SELECT count(*) FROM captures WHERE reason LIKE 'unchanged since its last capture%'")
        .fetchone()[0]
    )
    assert skipped >= 30
    assert len({a.url_path for a in DemoSite().articles} & fetched) <= 5
