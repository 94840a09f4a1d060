"""A crawl killed with SIGKILL leaves a consistent archive and resumes without loss or repeats."""

import signal
import sqlite3
import subprocess
import time

import pytest

from archiver.demo import serve_demo

from .helpers import ARCHIVER, run_cli

SLOW = (
    "--set",
    "CONCURRENT_REQUESTS=2",
    "--set",
    "DOWNLOAD_DELAY=0.03",
    "--set",
    "ARCHIVER_BATCH_SIZE=5",
    "--set",
    "AUTOTHROTTLE_ENABLED=false",
)


def count(db, sql) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def processes_of(db) -> list[str]:
    """Give the command lines of processes still running a crawl into `db` (orphans included)."""
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "crawl" in line and str(db) in line]


def crawl_until_killed(url: str, db, sql: str, threshold: int) -> None:
    proc = subprocess.Popen(
        [ARCHIVER, "crawl", url, "--db", str(db), *SLOW], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while count(db, sql) < threshold and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while processes_of(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(db) == [], "extraction workers outlived the killed crawl"


def check_consistent(db) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for fts in ("articles_fts", "comments_fts"):
            conn.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")
    finally:
        conn.close()


def snapshot(db) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    articles = sorted(r[0] for r in conn.execute("SELECT url FROM articles"))
    comments = sorted(
        conn.execute("SELECT a.url, c.key, c.parent_key, c.text FROM comments c JOIN articles a ON a.id = c.article_id")
    )
    return articles, comments


def local(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.slow
def test_two_sigkills_then_resume_equals_an_uninterrupted_crawl(tmp_path):
    whole, killed = tmp_path / "whole.db", tmp_path / "killed" / "archive.db"
    killed.parent.mkdir()
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(whole)).returncode == 0
        crawl_until_killed(site.url, killed, "SELECT count(*) FROM captures", 3)
        check_consistent(killed)
        crawl_until_killed(site.url, killed, "SELECT count(*) FROM articles", 15)
        check_consistent(killed)
        archived_before, _ = snapshot(killed)
        assert 0 < len(archived_before) < len(snapshot(whole)[0])
        site.requests.clear()
        result = run_cli("crawl", site.url, "--db", str(killed))
        refetched = {local(u) for u in archived_before} & set(site.requests.paths())
    assert result.returncode == 0, result.stderr
    check_consistent(killed)
    assert snapshot(killed) == snapshot(whole)
    assert refetched == set()
    conn = sqlite3.connect(killed)
    assert conn.execute("SELECT count(*), min(status) FROM crawls").fetchone() == (1, "finished")
    assert conn.execute("SELECT count(*) FROM frontier").fetchone()[0] == 0
