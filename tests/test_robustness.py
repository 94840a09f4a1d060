"""Bad input and hostile conditions: one-line errors, exit code 2, nothing archived lost."""

import os
import sqlite3
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.demo import serve_demo
from archiver.errors import ExtractionError
from archiver.extract.page import extract_page
from archiver.store import Archive
from archiver.store.schema import LATEST, MIGRATIONS

from .helpers import ARCHIVER, run_cli

TAGS = st.sampled_from(
    [
        "div",
        "p",
        "article",
        "footer",
        "ol",
        "li",
        "ul",
        "script",
        "time",
        "section",
        "span",
        "h1",
        "a",
        "form",
        "table",
        "td",
        "!--",
        "meta",
        "html",
        "body",
        "br",
        "iframe",
    ]
)
ATTRS = st.sampled_from(
    [
        "",
        ' class="comment"',
        ' id="comments"',
        ' itemprop="text"',
        ' role="contentinfo"',
        ' class="depth-2 comment"',
        ' datetime="2026-13-45"',
        ' charset="klingon"',
    ]
)
PIECE = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", TAGS, ATTRS),
    st.builds(lambda t: f"</{t}>", TAGS),
    st.text(max_size=40),
    st.sampled_from(["&#0;", "&#x110000;", "\x00", "<![CDATA[", "<?xml", "\ufeff", "©", "<scr<script>ipt>"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECE, max_size=80), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_generated_html_never_crashes_extraction(pieces, encoding):
    html = "".join(pieces).encode(encoding, errors="ignore")
    try:
        result = extract_page(html, "http://hostile.test/page")
    except ExtractionError:
        return
    assert isinstance(result.body, str) and all(c.text for c in result.comments)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash_extraction(data):
    try:
        extract_page(data, "http://hostile.test/bytes")
    except ExtractionError:
        pass


def test_a_page_over_its_time_limit_is_recorded_and_the_crawl_goes_on(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        result = run_cli(
            "crawl", site.url, "--db", str(db), "--max-pages", "12", "--set", "ARCHIVER_MAX_PAGE_TIME=0.0001"
        )
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    reasons = [r[0] for r in conn.execute("SELECT reason FROM captures WHERE decision = 'error'")]
    assert reasons and all("extraction took over" in r for r in reasons)
    assert conn.execute("SELECT status FROM crawls").fetchone()[0] == "finished"


def test_an_old_archive_is_migrated_in_place_after_a_backup(tmp_path):
    path = tmp_path / "archive.db"
    conn = sqlite3.connect(path)
    import sqlite_utils

    MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version=1")
    conn.execute("INSERT INTO sources (name, url, created_at) VALUES ('old', 'http://old.test/', '2025-01-01')")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.source("old").url == "http://old.test/"
        assert archive.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    backup = sqlite3.connect(tmp_path / "archive.db.v1.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT name FROM sources").fetchone()[0] == "old"


def test_a_second_crawl_of_the_same_source_is_refused_while_the_first_runs(tmp_path):
    db = tmp_path / "archive.db"
    with serve_demo() as site:
        first = subprocess.Popen(
            [
                ARCHIVER,
                "crawl",
                site.url,
                "--db",
                str(db),
                "--set",
                "DOWNLOAD_DELAY=0.2",
                "--set",
                "CONCURRENT_REQUESTS=1",
                "--set",
                "AUTOTHROTTLE_ENABLED=false",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _running(db):
                time.sleep(0.1)
            second = run_cli("crawl", site.url, "--db", str(db))
        finally:
            first.terminate()
            first.wait(timeout=30)
    assert second.returncode == 2
    assert "is being crawled by process" in second.stderr and len(second.stderr.strip().splitlines()) == 1


def _running(db) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        return bool(conn.execute("SELECT count(*) FROM crawls WHERE status = 'running'").fetchone()[0])
    except sqlite3.OperationalError:
        return False


def test_export_to_a_full_device_is_a_one_line_error(crawled_archive):
    result = run_cli("export", "articles", "--db", str(crawled_archive), "-o", "/dev/full")
    assert result.returncode == 2
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=900k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("ARCHIVER_REQUIRE_ALL"):
            pytest.fail(f"cannot mount a small tmpfs: {done.stderr.decode().strip()}")
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_stops_the_crawl_cleanly_and_the_next_run_resumes(tiny_disk):
    db = tiny_disk / "archive.db"
    with serve_demo() as site:
        result = run_cli("crawl", site.url, "--db", str(db), "--set", "ARCHIVER_BATCH_SIZE=5")
        assert result.returncode == 2, result.stdout + result.stderr
        assert "free disk space" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {r[0] for r in conn.execute("SELECT url FROM articles")}
        conn.close()
        subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_disk)], check=True)
        again = run_cli("crawl", site.url, "--db", str(db))
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db)
    final = {r[0] for r in conn.execute("SELECT url FROM articles")}
    assert kept <= final and len(final) >= 30
    assert conn.execute("SELECT count(*) FROM crawls").fetchone()[0] == 1
