"""Exported WARCs and WACZ packages in real replay tools: pywb 2.10 from PyPI (in its own virtualenv)
shows a page recrawled with a 304 as the page itself, not as an empty 304, and opens the WACZ that the
`wacz` package's validator accepts."""

from __future__ import annotations

import hashlib
import html
import json
import sqlite3
import subprocess
import urllib.request
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.demo import serve_demo

from .helpers import free_port, run_cli, wait_http
from .replaytools import replay_bin


@pytest.fixture(scope="module")
def recrawled_export(tmp_path_factory) -> tuple[Path, Path]:
    """An archive of two crawls of the demo site (the second after edition 2: 304s for the unchanged
    articles) and its export-warc; gives (archive, export)."""
    db = tmp_path_factory.mktemp("pywb") / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
        site.set_edition(2)
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
    out = db.parent / "export.warc.gz"
    result = run_cli("export-warc", "--db", str(db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return db, out


@pytest.fixture(scope="module")
def wacz(recrawled_export) -> Path:
    """The same archive exported as a WACZ package only."""
    out = recrawled_export[0].parent / "export.wacz"
    result = run_cli("export-warc", "--db", str(recrawled_export[0]), "--wacz", str(out))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.parent.iterdir() if "wacz" in p.name] == ["export.wacz"], "a WARC is left behind"
    return out


@pytest.fixture(scope="module")
def wayback(recrawled_export, wacz, tmp_path_factory):
    """pywb's wayback on 127.0.0.1 serving the WARC export as collection `news` and the WACZ package
    as collection `pkg`; gives the server's URL."""
    tools = replay_bin()
    root = tmp_path_factory.mktemp("wayback")
    steps = (
        ["wb-manager", "init", "news"],
        ["wb-manager", "add", "news", str(recrawled_export[1])],
        ["wb-manager", "init", "pkg"],
        ["wb-manager", "add", "--unpack-wacz", "pkg", str(wacz)],
    )
    for step in steps:
        done = subprocess.run([str(tools / step[0]), *step[1:]], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    port = free_port()
    server = subprocess.Popen(
        [str(tools / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-d", str(root)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def not_modified_articles(db: Path) -> list[tuple[str, str, str]]:
    """Give (URL, 14-digit time, title) of article captures the second crawl got a 304 for."""
    sql = (
        "SELECT p.url, p.fetched_at, a.title FROM captures p JOIN articles a ON a.url = coalesce(p.final_url, p.url)"
        " WHERE p.status = 304 ORDER BY p.id"
    )
    with sqlite3.connect(db) as conn:
        rows = conn.execute(sql).fetchall()
    return [(url, "".join(ch for ch in fetched[:19] if ch.isdigit()), title) for url, fetched, title in rows]


def fetch(url: str) -> tuple[int, str]:
    """Give the status and text of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_an_article_recrawled_with_a_304_replays_with_its_text(recrawled_export, wayback):
    articles = not_modified_articles(recrawled_export[0])
    assert len(articles) >= 5, "the recrawl gave too few 304s to test"
    for url, stamp, title in articles[:5]:
        index = [json.loads(line) for line in fetch(f"{wayback}/news/cdx?url={url}&output=json")[1].splitlines()]
        at_stamp = [entry for entry in index if entry["timestamp"] == stamp]
        assert at_stamp and at_stamp[0]["mime"] == "warc/revisit", index  # the revisit itself is replayed
        status, page = fetch(f"{wayback}/news/{stamp}id_/{url}")
        assert status == 200, (url, status)
        assert title and title in html.unescape(page), url


def test_the_wacz_package_is_valid_and_lists_the_articles(recrawled_export, wacz):
    check = subprocess.run([str(replay_bin() / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(wacz) as package:
        listed = json.loads(package.read("datapackage.json"))["resources"]
        for entry in listed:
            data = package.read(entry["path"])
            assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
        assert package.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:]]
        index = package.read("indexes/index.cdx").decode().splitlines()
        warc = package.read("archive/data.warc.gz")
    with sqlite3.connect(recrawled_export[0]) as conn:
        articles = {url for (url,) in conn.execute("SELECT url FROM articles")}
    assert articles and articles <= {page["url"] for page in pages}
    # Every index line points at a record of its URL in the packaged WARC.
    for line in index:
        fields = json.loads(line.split(" ", 2)[2])
        start = int(fields["offset"])
        record = next(iter(ArchiveIterator(BytesIO(warc[start : start + int(fields["length"])]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]


def test_pywb_opens_the_wacz_and_replays_an_article(recrawled_export, wayback):
    url, stamp, title = not_modified_articles(recrawled_export[0])[0]
    status, page = fetch(f"{wayback}/pkg/{stamp}id_/{url}")
    assert status == 200 and title in html.unescape(page), (url, status)
