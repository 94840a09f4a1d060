"""The researchers' CLI: hints when no source is configured, a named source adopting a site archived under its
host name, `archiver demo` crawling both editions and keeping the demo site up, and Ctrl-C saying "stopping".
(Apart from test_research.py so that these run beside its one-worker group.)
"""

from __future__ import annotations

import re
import sqlite3
import urllib.request
from pathlib import Path

from .helpers import run_cli
from .test_datasette import get


def query(db: Path, sql: str, params=()) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_cli_says_how_to_add_a_source_when_there_is_none(tmp_path):
    for args in (("sources", "list"), ("schedule", "list", "--db", str(tmp_path / "a.db"))):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 0
        assert "no archiver.toml here; add a source with `archiver sources add NAME URL`" in result.stderr


def test_a_named_source_adopts_the_site_archived_under_its_host(tmp_path, demo_site):
    db = tmp_path / "archive.db"
    assert run_cli("crawl", demo_site.url, "--db", str(db), "--max-pages", "20").returncode == 0
    config = tmp_path / "archiver.toml"
    assert run_cli("sources", "add", "courier", demo_site.url, "--config", str(config)).returncode == 0
    result = run_cli("crawl", "courier", "--config", str(config), "--db", str(db), "--max-pages", "20")
    assert result.returncode == 0, result.stderr
    assert "of courier" in result.stdout
    assert query(db, "SELECT name FROM sources") == [("courier",)]
    assert query(db, "SELECT count(DISTINCT source_id) FROM crawls") == [(1,)]


def test_demo_crawls_both_editions_and_keeps_the_site_up_while_serving(tmp_path):
    import subprocess
    import time

    from .helpers import ARCHIVER, free_port, wait_http

    port = free_port()
    proc = subprocess.Popen(
        [ARCHIVER, "demo", "--db", str(tmp_path / "archive.db"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 240
        while not any(line.startswith("Browse the archive") for line in lines) and time.monotonic() < deadline:
            lines.append(proc.stdout.readline())
        output = "".join(lines)
        assert "Crawling edition 1" in output and "Crawling edition 2" in output, output
        assert "1 changed" in output and "1 removed" in output, output
        site = re.search(r"Demo news site at (\S+)", output).group(1)
        assert urllib.request.urlopen(site, timeout=10).status == 200  # the demo site is still up
        wait_http(f"http://127.0.0.1:{port}/-/versions.json")
        assert get(f"http://127.0.0.1:{port}/archive/edited_articles.json?_shape=array")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    db = tmp_path / "archive.db"
    assert query(db, "SELECT count(*) FROM articles WHERE versions > 1") == [(1,)]
    assert query(db, "SELECT count(*) FROM comments WHERE removed_at IS NOT NULL") == [(1,)]


def test_ctrl_c_says_stopping_and_how_to_resume(tmp_path, demo_site):
    import signal
    import subprocess
    import time

    from .helpers import ARCHIVER

    db = tmp_path / "archive.db"
    args = [ARCHIVER, "crawl", demo_site.url, "--db", str(db), "--set", "DOWNLOAD_DELAY=0.5"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not query_ok(db, "SELECT count(*) FROM captures WHERE decision = 'page'"):
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "stopping" in err and "run the same command again to resume" in err
    assert ": interrupted" in out
    assert run_cli("crawl", demo_site.url, "--db", str(db)).returncode == 0  # and it resumes to the end


def query_ok(db: Path, sql: str) -> bool:
    """Tell whether `sql` gives a non-zero count yet (False while the archive is still being created)."""
    try:
        return bool(query(db, sql)[0][0])
    except sqlite3.Error:
        return False
