"""`archiver serve`: a live Datasette over HTTP, and the article list in real Chromium."""

import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .helpers import ROOT, child_pids, require, run_cli, served


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_the_served_archive_lists_articles_and_full_text_search_finds_the_seed(served_archive):
    rows = get_json(served_archive + "/archive/articles.json?_shape=array&_size=max")
    assert len(rows) >= 30
    found = get_json(served_archive + "/archive/articles.json?_search=Petro&_shape=array")
    assert any(r["title"].startswith("Colombian President Petro") for r in found)
    comments = get_json(served_archive + "/archive/comments.json?_search=sanctions&_shape=array")
    assert comments and all("sanction" in c["text"].lower() for c in comments)


def test_the_served_archive_carries_our_metadata(served_archive):
    meta = get_json(served_archive + "/-/metadata.json")
    assert meta["title"] == "News Archiver"
    assert "articles" in meta["databases"]["archive"]["tables"]


def test_public_mode_turns_off_arbitrary_sql(crawled_archive):
    with served(crawled_archive, "--public") as server:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(server.base + "/archive.json?sql=select+1", timeout=10)
        assert denied.value.code == 403
        assert get_json(server.base + "/archive/articles.json?_shape=array&_size=1")


def test_a_port_already_in_use_is_a_one_line_error(crawled_archive):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_cli("serve", "--db", str(crawled_archive), "--port", str(busy.getsockname()[1]), timeout=60)
    assert result.returncode == 2
    assert "choose another --port" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.browser
def test_the_article_list_and_the_seed_row_open_in_chromium(served_archive):
    chromium = require("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    shots = ROOT / "test-artifacts"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.goto(served_archive + "/archive/articles")
        row = page.locator("tbody tr", has_text="Colombian President Petro").first
        row.wait_for()
        link = row.locator("td a").first
        page.screenshot(path=str(shots / "articles.png"), full_page=False)
        link.click()
        page.wait_for_load_state()
        assert "Colombian President Petro" in page.content()
        page.screenshot(path=str(shots / "seed-article-row.png"), full_page=False)
        browser.close()


def test_several_serving_processes_share_the_port_keep_public_mode_and_stop_together(crawled_archive):
    with served(crawled_archive, "--public", "--processes", "2") as server:
        children = child_pids(server.proc.pid)
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(get_json, [server.base + "/archive/articles.json?_shape=array&_size=1"] * 16))
        assert all(found)
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(server.base + "/archive.json?sql=select+1", timeout=10)
        assert denied.value.code == 403  # each process serves in public mode, not only the first
    assert len(children) >= 2
    deadline = time.monotonic() + 10  # the processes finish their requests and leave; none stays behind
    while [pid for pid in children if Path(f"/proc/{pid}").exists()] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
