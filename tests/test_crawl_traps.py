"""A crawl survives a hostile site: every trap and fault is recorded with a reason, never archived."""

import pytest
import sqlite_utils

from .helpers import run_cli
from .trapsite import TrapServer

SETTINGS = (
    "DOWNLOAD_TIMEOUT=2",
    "DOWNLOAD_MAXSIZE=1000000",
    "ARCHIVER_MAX_QUERY_VARIANTS=5",
    "ARCHIVER_MAX_DEPTH=6",
    "ARCHIVER_RETRY_BACKOFF=0.2",
    "RETRY_TIMES=2",
)


@pytest.fixture(scope="module")
def trap_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("traps") / "archive.db"
    with TrapServer() as server:
        args = ["crawl", server.url, "--db", str(db)]
        for setting in SETTINGS:
            args += ["--set", setting]
        result = run_cli(*args)
    return result, sqlite_utils.Database(db), server


def captures(db, path_part):
    return [r for r in db["captures"].rows if path_part in r["url"]]


def test_the_crawl_finishes_and_archives_each_real_article_once(trap_crawl):
    result, db, server = trap_crawl
    assert result.returncode == 0, result.stderr
    urls = sorted(r["url"].split("/", 3)[3] for r in db["articles"].rows)
    assert urls == ["broken/", "busy/", "legacy/", "moved-here/"] + [f"news/story-{n}/" for n in range(1, 7)]


def test_every_discovery_channel_was_used(trap_crawl):
    _, db, server = trap_crawl
    fetched = {path for _, path, _ in server.site.requests}
    assert {"/sitemap_index.xml", "/nested-index.xml", "/news-sitemap.xml.gz", "/atom.xml"} <= fetched
    assert any(p.startswith("/news/story-4/") for p in fetched)  # only listed in the gzipped news sitemap
    assert any(p.startswith("/news/story-5/") for p in fetched)  # only listed in the Atom feed


def test_tracking_parameters_redirects_and_same_site_canonicals_give_one_article(trap_crawl):
    _, db, _ = trap_crawl
    assert not [r["url"] for r in db["articles"].rows if "?" in r["url"] or "#" in r["url"]]
    two = captures(db, "/go/story-2")
    assert two and two[0]["final_url"].endswith("/news/story-2/")
    moved = captures(db, "/old-address/")  # a <meta http-equiv="refresh"> redirect is followed
    assert moved and moved[0]["final_url"].endswith("/moved-here/")


def test_traps_are_cut_off_with_a_reason(trap_crawl):
    _, db, server = trap_crawl
    calendar = [p for _, p, _ in server.site.requests if p.startswith("/calendar/")]
    lists = [p for _, p, _ in server.site.requests if p.startswith("/list")]
    assert 0 < len(calendar) <= 8 and 0 < len(lists) <= 8
    reasons = {r["reason"] for r in db["captures"].rows_where("decision = 'skipped'")}
    assert any("depth" in r for r in reasons) and any("query variants" in r for r in reasons)


@pytest.mark.parametrize(
    "path, words",
    [
        ("/loop-a", "redirect"),
        ("/slow/", "timeout"),
        ("/error-500/", "HTTP 500"),
        ("/huge/", "size"),
        ("/bomb/", "size"),
        ("/binary/", "binary"),
        ("/empty/", "empty"),
        ("/private/", "robots.txt"),
    ],
)
def test_each_fault_is_recorded_with_its_reason_and_not_archived(trap_crawl, path, words):
    _, db, _ = trap_crawl
    rows = captures(db, path)
    assert rows, f"nothing recorded for {path}"
    assert any(words.lower() in (r["reason"] or "").lower() for r in rows), [r["reason"] for r in rows]
    assert all(r["decision"] in ("error", "skipped") for r in rows)


def test_robots_disallowed_pages_are_never_requested(trap_crawl):
    _, _, server = trap_crawl
    assert not [p for _, p, _ in server.site.requests if p.startswith("/private/")]


def test_5xx_is_retried_and_retry_after_is_honoured(trap_crawl):
    _, db, server = trap_crawl
    assert server.site.hits["/error-500/"] == 3
    assert server.site.hits["/busy/"] == 2
    busy = [r for r in db["articles"].rows if r["url"].endswith("/busy/")]
    assert busy and busy[0]["title"] == "Busy at first"


def test_legacy_encodings_and_broken_markup_are_still_extracted(trap_crawl):
    _, db, _ = trap_crawl
    legacy = next(r for r in db["articles"].rows if r["url"].endswith("/legacy/"))
    assert legacy["title"] == "Café crème at the Musée" and "déjà vu" in legacy["body"]
    broken = next(r for r in db["articles"].rows if r["url"].endswith("/broken/"))
    assert "Paragraph 6 of story 12" in broken["body"]


def test_off_site_links_are_recorded_never_fetched(trap_crawl):
    _, db, _ = trap_crawl
    assert db.execute("SELECT count(*) FROM links WHERE url LIKE 'https://offsite.example.net/%'").fetchone()[0] > 0
    assert not captures(db, "offsite.example.net")
