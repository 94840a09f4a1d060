"""A hostile archive served in public: a crawled site of payloads, a crafted archive.db, every page in
Chromium (nothing may run), every route fuzzed (never a 500), files confined, searches bounded."""

from __future__ import annotations

import itertools
import random
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest

from .helpers import require, run_cli, served
from .hostilesite import BIDI, HostileSite

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
BOMB_BYTES = 200_000_000


def bomb_record(size: int) -> bytes:
    """Give one gzipped WARC response record whose body is `size` zero bytes (a few hundred kB on disk)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % size
    head = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000022>\r\n"
        b"WARC-Target-URI: http://bomb.example/\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % (len(http) + size)
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head + http)]
    chunk = bytes(1 << 20)
    parts += [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + packer.compress(b"\r\n\r\n") + packer.flush()


def craft(db: Path) -> dict[str, int]:
    """Point captures of `db` at files outside its warcs folder and at a decompression bomb; give their ids."""
    warcs = db.parent / "warcs"
    (warcs / "bomb.warc.gz").write_bytes(bomb_record(BOMB_BYTES))
    (warcs / "link.warc.gz").symlink_to("/etc/passwd")
    crafted = {
        "traversal": ("../../../../../../../../etc/passwd", 0),
        "absolute": ("/etc/passwd", 0),
        "symlink": ("link.warc.gz", 0),
        "bomb": ("bomb.warc.gz", 0),
    }
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM captures ORDER BY id LIMIT ?", (len(crafted),))]
        for capture_id, (file, offset) in zip(ids, crafted.values()):
            conn.execute("UPDATE captures SET warc_file = ?, warc_offset = ? WHERE id = ?", (file, offset, capture_id))
    return dict(zip(crafted, ids))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile site crawled by `archiver crawl`, crafted, and served with --public; gives (base, ids, log)."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    with HostileSite() as site:
        result = run_cli("crawl", site.url, "--db", str(db))
    assert result.returncode == 0, result.stderr
    ids = craft(db)
    log = db.parent / "serve.log"
    with log.open("wb") as out, served(db, "--public", output=out) as server:
        yield server.base, ids, log, server.proc, db


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    """Give the status, headers (lower-case names) and text of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode("utf-8", "replace")


def article_ids(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]


def page_urls(base: str, db: Path, ids: dict[str, int]) -> list[str]:
    """Give one URL of every page type, each archived article and crafted capture included."""
    search = base + "/archive/-/search?"
    urls = [base + "/", base + "/archive/-/archive", base + "/archive/-/source/1", base + "/archive"]
    urls += [f"{base}/archive/-/article/{n}" for n in article_ids(db)]
    urls += [f"{base}/archive/-/capture/{n}" for n in [*ids.values(), 9, 10, 11]]
    urls += [search + urllib.parse.urlencode({"q": q}) for q in ("ferry", "script", "pwned", "Mallory", "alert")]
    urls += [search + urllib.parse.urlencode({"q": "harbour", "author": "Ann " + BIDI})]
    urls += [f"{base}/archive/{t}" for t in ("articles", "comments", "captures", "links", "tags", "footers", "authors")]
    urls += [f"{base}/archive/articles/1", f"{base}/archive/comments/2", f"{base}/archive/-/article/999"]
    return urls


@pytest.mark.browser
def test_no_archived_script_runs_on_any_page_in_chromium(hostile):
    base, ids, _, _, db = hostile
    chromium = require("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    dialogs, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append((page.url, d.message)), d.dismiss()))
        page.on("console", lambda m: m.type == "error" and errors.append((page.url, m.text)))
        page.on("pageerror", lambda e: errors.append((page.url, str(e))))
        for url in page_urls(base, db, ids):
            response = page.goto(url)
            assert response.status < 500, url
            assert page.evaluate("window.__pwned") is None, url
        browser.close()
    # A blocked script would show as a CSP error here; Datasette's own scripts run (their hashes are allowed).
    assert dialogs == []
    assert [e for e in errors if "404" not in e[1] and "Failed to load resource" not in e[1]] == []


@pytest.mark.browser
def test_a_right_to_left_override_in_a_byline_does_not_reorder_the_names_after_it(hostile):
    base, _, _, _, db = hostile
    chromium = require("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 4000, "height": 1000})  # both bylines on one line
        page.goto(f"{base}/archive/-/article/{article_ids(db)[0]}")
        boxes = page.locator(".archive-meta bdi.author").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect()).map(r => [r.left, r.right])"
        )
        browser.close()
    assert len(boxes) == 2
    assert boxes[0][1] <= boxes[1][0]  # the second byline stays to the right of the first


def test_every_page_sends_the_security_headers(hostile):
    base, ids, _, _, db = hostile
    for url in [*page_urls(base, db, ids), base + "/-/static/app.css", base + "/archive/articles.json", base + "/nope"]:
        status, headers, _ = fetch(url)
        assert all(h in headers for h in SECURITY_HEADERS), url
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("kind", ["traversal", "absolute", "symlink"])
def test_a_capture_file_outside_the_warcs_folder_is_never_read(hostile, kind):
    base, ids, _, _, _ = hostile
    status, _, text = fetch(f"{base}/archive/-/capture/{ids[kind]}")
    assert status == 200
    assert "not inside the warcs folder" in text
    assert "root:" not in text


def test_a_capture_expanding_to_200_mb_is_shown_cut_without_holding_the_memory(hostile):
    base, ids, _, proc, _ = hostile
    status, _, text = fetch(f"{base}/archive/-/capture/{ids['bomb']}")
    assert status == 200 and "archive-raw" in text and len(text) < 1_000_000
    peak = Path(f"/proc/{proc.pid}/status").read_text().split("VmHWM:")[1].split()[0]
    assert int(peak) < 400_000  # kB: far less than the 200 MB the record expands to


def test_public_pages_show_no_filesystem_path(hostile):
    base, ids, _, _, db = hostile
    folder = str(db.parent)
    assert fetch(base + "/-/databases.json")[0] == 404
    for url in [*page_urls(base, db, ids), base + "/archive/nope", base + "/archive.json?sql=select+1"]:
        assert folder not in fetch(url)[2], url


def test_a_search_too_long_or_with_too_many_terms_is_refused_with_a_message(hostile):
    base = hostile[0]
    search = base + "/archive/-/search?"
    status, _, text = fetch(search + urllib.parse.urlencode({"q": "ferry " * 400}))
    assert status == 400 and "characters long" in text and 'name="q"' in text
    many = " ".join(f"w{n}" for n in range(40))
    status, _, text = fetch(search + urllib.parse.urlencode({"q": many}))
    assert status == 400 and "40 different terms" in text
    status, _, text = fetch(base + "/archive/articles.json?" + urllib.parse.urlencode({"_search": many}))
    assert status == 400 and "40 different terms" in text
    status, _, text = fetch(base + "/archive/-/export/articles.csv?" + urllib.parse.urlencode({"search": many}))
    assert status == 400


def test_repeated_terms_are_searched_once_and_a_body_repeating_a_word_is_marked(hostile):
    search = hostile[0] + "/archive/-/search?"
    once = fetch(search + urllib.parse.urlencode({"q": "ferry"}))
    repeated = fetch(search + urllib.parse.urlencode({"q": " ".join(["ferry", "FERRY"] * 80)}))
    assert once[0] == repeated[0] == 200
    assert once[2].count('class="hit hit-') == repeated[2].count('class="hit hit-') > 0
    assert "<mark>ferry</mark>" in once[2]  # the article repeating it 60,000 times included


def mutations(ids: dict[str, int]) -> list[str]:
    """Give URL paths and queries that no page expects: bad ids, suffixes, parameters, encodings."""
    bad_ids = ["-1", "0", "99999999999999999999999", "abc", "1.5", "%00", "9" * 5000, "%D9%A3", "1e9"]
    paths = [f"/archive/-/{page}/{i}" for page in ("article", "capture", "source") for i in bad_ids]
    paths += [
        f"/archive/-/{page}/1{suffix}" for page in ("article", "capture", "source") for suffix in (".json", "/", ".csv")
    ]
    paths += ["/-/source/127.0.0.1", "/%ff", "/archive/%2e%2e/%2e%2e/etc/passwd", "/-/static/../../etc/passwd"]
    paths += [
        "/-/static/%2e%2e/app.py",
        "/archive/-/",
        "/archive/-/search/",
        "/archive/-/search.json",
        "/archive/-/export/x.csv",
    ]
    paths += ["/archive/-/export/../../etc/passwd", "/archive/articles/99999999999999999999999", "/archive/nope.json"]
    paths += ["/archive/articles/abc.json", "/-/databases", "/-/threads.json", "/archive.db", "/%2e%2e%2f%2e%2e%2fetc"]
    return paths


QUERIES = [
    "_sort=nonexistent",
    "_sort_desc=nonexistent",
    "_size=-1",
    "_size=abc",
    "_size=100000",
    "_next=zzz",
    "_facet=nonexistent",
    "_facet_array=title",
    "_facet_date=body",
    "_where=1=1",
    "_col=nonexistent",
    "_nocol=id",
    "_labels=on",
    "_json=body",
    "_shape=nonsense",
    "_search=%22",
    "_search=NEAR(",
    "_timelimit=1",
    "q=%22",
    "q=NEAR(",
    "q=*",
    "q=a*",
    "q=" + "x" * 1001,
    "page=-1",
    "page=abc",
    "page=" + "9" * 30,
    "source=%3Cscript%3E",
    "since=garbage",
    "until=%00",
    "author=%E2%80%AE",
    "q=title:ferry",
    "q=text:ferry",
    "q=ferry&language=%22",
    "search=NEAR(",
    "since=2026-99-99",
    "_sort=rowid&_next=%ff",
    "_search_body=ferry",
]
ROUTES = [
    "/",
    "/archive",
    "/archive/-/archive",
    "/archive/-/search",
    "/archive/-/article/1",
    "/archive/-/capture/9",
    "/archive/-/source/1",
    "/archive/-/export/articles.csv",
    "/archive/-/export/comments.csv",
    "/archive/articles",
    "/archive/comments",
    "/archive/captures",
    "/archive/articles.json",
    "/archive/articles.csv",
    "/archive/articles/1",
    "/archive/links",
    "/-/metadata.json",
]


def test_no_route_answers_500_whatever_the_url(hostile):
    base, ids, log, _, _ = hostile
    urls = [base + path for path in mutations(ids)]
    urls += [f"{base}{route}?{query}" for route, query in itertools.product(ROUTES, QUERIES)]
    rng = random.Random(22)  # a bounded sample of pairs of parameters, the same each run
    urls += [f"{base}{rng.choice(ROUTES)}?{rng.choice(QUERIES)}&{rng.choice(QUERIES)}" for _ in range(60)]
    failures = []
    for url in urls:
        status, headers, _ = fetch(url)
        # 503 is a query stopped at its time limit (`_timelimit=1` asks for that), and says so.
        if status >= 500 and status != 503 or "content-security-policy" not in headers:
            failures.append((status, url[len(base) :][:120]))
    assert failures == []
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "locals ─" not in text and "500 on" not in text  # rich's panel of locals
    assert "ERROR" not in text  # Datasette's print of each failed statement with its parameters


def test_a_page_whose_reads_run_past_the_time_limit_says_so(hostile):
    import asyncio

    from datasette.app import Datasette

    db = hostile[4]
    plugins = {"archiver": {"time_limit_ms": 0}}
    app = Datasette([str(db)], metadata={"plugins": plugins}, settings={"num_sql_threads": 1})

    async def get(path):
        return await app.client.get(path)

    response = asyncio.run(get("/archive/-/search?q=ferry"))
    assert response.status_code == 503 and "Search stopped" in response.text and "ms and was stopped" in response.text
    response = asyncio.run(get("/archive/-/source/1"))
    assert response.status_code == 503 and "was stopped" in response.text


def test_time_limited_reads_stop_a_runaway_query(tmp_path):
    from archiver.store.reads import QueryTimeout, time_limited

    conn = sqlite3.connect(tmp_path / "x.db")
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(QueryTimeout):
        time_limited(conn, 50, lambda c: c.execute(endless).fetchone())
    assert time_limited(conn, 50, lambda c: c.execute("SELECT 1").fetchone()) == (1,)  # the handler is gone
