"""Comments that JavaScript loads: said so by a plain crawl, captured by a rendered one (real Chromium)."""

from __future__ import annotations

import csv
import io
import sqlite3
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archiver.demo import serve_demo
from archiver.store.health import comments_coverage

from .helpers import require, run_cli

WIDGET_API = "/comments/api/"


def widget_articles(server) -> list:
    """Give the demo's articles whose comments the widget loads."""
    return [a for a in server.site.articles if a.widget]


def stored(db: Path, url: str) -> dict:
    """Give the articles row at `url`."""
    return next(sqlite_utils.Database(db)["articles"].rows_where("url = ?", [url]))


def thread(db: Path, url: str) -> list[tuple]:
    """Give the stored comments of an article as (key, parent key, author, text), in page order."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT c.key, c.parent_key, c.author, c.text FROM comments c JOIN articles a ON a.id = c.article_id"
            " WHERE a.url = ? AND c.removed_at IS NULL ORDER BY c.position",
            (url,),
        ).fetchall()


def expected_thread(article) -> list[tuple]:
    """Give the article's comments as the widget shows them, in the same shape as thread()."""
    key = {c.id: f"comment-{c.id}" for c in article.comments}
    return sorted((key[c.id], key.get(c.parent), c.author, c.text) for c in article.comments)


def config_for(tmp_path: Path, server, widget_host: bool, extra: str = "") -> Path:
    """Write an archiver.toml whose source is the demo site, limited to its two widget articles."""
    slugs = "|".join(a.slug for a in widget_articles(server))
    hosts = f'widget_hosts = ["{server.widgets.url.split("/")[2]}"]\n' if widget_host else ""
    path = tmp_path / "archiver.toml"
    path.write_text(
        f'[sources.courier]\nurl = "{server.url}"\ninclude = ["/({slugs})/$"]\nrender = true\n{hosts}{extra}',
        encoding="utf-8",
    )
    return path


def crawl(db: Path, *args: str) -> None:
    result = run_cli("crawl", *args, "--db", str(db))
    assert result.returncode == 0, result.stderr


def test_a_plain_crawl_says_the_widget_comments_are_not_captured(crawled_archive, demo_site):
    for article in widget_articles(demo_site):
        row = stored(crawled_archive, demo_site.url.rstrip("/") + article.url_path)
        assert (row["comments_status"], row["comments_widget"], row["comment_count"]) == ("widget", "in-house", 0)
    exported = run_cli("export", "articles", "--db", str(crawled_archive))
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert sum(1 for r in rows if r["comments_status"] == "widget") == 2
    assert {r["comments_status"] for r in rows} == {"widget", "present", "none"}
    with sqlite3.connect(crawled_archive) as conn:
        lines = comments_coverage(conn, "127.0.0.1").lines()
    assert "2 articles with widget-loaded comments not captured (in-house 2)" in lines


@pytest.mark.browser
def test_a_rendered_crawl_archives_the_full_threads_with_parents_and_keeps_what_the_browser_saw(tmp_path):
    require("/usr/bin/chromium")
    db = tmp_path / "archive.db"
    with serve_demo() as server:
        crawl(db, "courier", "--config", str(config_for(tmp_path, server, widget_host=True)))
        articles = widget_articles(server)
        urls = [server.url.rstrip("/") + a.url_path for a in articles]
        assert any(p.startswith(WIDGET_API + "threads/") and p.endswith("page=3") for p in server.widgets.paths)
    for article, url in zip(articles, urls):
        row = stored(db, url)
        assert (row["comments_status"], row["comment_count"]) == ("rendered", len(article.comments))
        assert sorted(thread(db, url)) == expected_thread(article)
        assert any(parent for _, parent, _, _ in thread(db, url))
    renders = {r["capture_id"]: r for r in sqlite_utils.Database(db)["renders"].rows}
    assert [r["outcome"] for r in renders.values()] == ["rendered", "rendered"]
    assert sorted(r["frames"] for r in renders.values()) == [0, 1]  # the iframe's DOM was put in place
    assert all(r["clicks"] >= 3 and r["blocked"] >= 1 for r in renders.values())  # more controls; off-site refused
    records = warc_records(db.parent / "warcs")
    assert {u for t, u in records if t == "conversion"} == set(urls)
    assert sum(1 for t, u in records if t == "response" and WIDGET_API in u) >= 8
    # offline: the servers are gone; the threads come back from the kept rendered DOM
    before = {url: thread(db, url) for url in urls}
    result = run_cli("reextract", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert {url: thread(db, url) for url in urls} == before


def warc_records(folder: Path) -> list[tuple[str, str]]:
    """Give (record type, target URI) of every record in the WARC files of a folder."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as f:
            found += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(f)]
    return found


@pytest.mark.browser
def test_the_browser_reaches_only_the_source_and_its_widget_hosts(tmp_path):
    require("/usr/bin/chromium")
    db = tmp_path / "archive.db"
    with serve_demo() as server:
        config = config_for(tmp_path, server, widget_host=False)
        crawl(db, "courier", "--config", str(config))
        assert not server.widgets.paths  # the widget's host is not named in widget_hosts: refused
        urls = [server.url.rstrip("/") + a.url_path for a in widget_articles(server)]
    listed = run_cli("schedule", "list", "--config", str(config), "--db", str(db)).stdout
    assert "comments: 2 articles with widget-loaded comments not captured (in-house 2)" in listed
    for url in urls:
        row = stored(db, url)
        assert (row["comments_status"], row["comment_count"]) == ("widget", 0)
        assert row["comments_note"] == "the rendered page showed no comments"
    renders = list(sqlite_utils.Database(db)["renders"].rows)
    assert len(renders) == 2 and all(r["blocked"] >= 2 for r in renders)


@pytest.mark.browser
def test_a_page_that_fails_to_render_is_archived_from_its_html_with_the_reason(tmp_path):
    require("/usr/bin/chromium")
    db = tmp_path / "archive.db"
    with serve_demo() as server:
        config = config_for(tmp_path, server, widget_host=True)
        crawl(db, "courier", "--config", str(config), "--set", "ARCHIVER_RENDER_TIMEOUT=0.001")
        urls = [server.url.rstrip("/") + a.url_path for a in widget_articles(server)]
    for url in urls:
        row = stored(db, url)
        assert row["comments_status"] == "widget" and row["title"]
        assert row["comments_note"] == "render timed out"
    renders = list(sqlite_utils.Database(db)["renders"].rows)
    assert [(r["outcome"], r["reason"]) for r in renders] == [("failed", "render timed out")] * 2


def test_render_settings_are_validated_in_the_config(tmp_path):
    path = tmp_path / "archiver.toml"
    path.write_text('[sources.x]\nurl = "https://news.example.org/"\nrender = "yes"\n', encoding="utf-8")
    result = run_cli("crawl", "x", "--config", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "sources.x.render: 'yes' is not true or false" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_article_and_source_pages_show_the_comments_status(served_archive, crawled_archive, demo_site):
    article = widget_articles(demo_site)[0]
    row = stored(crawled_archive, demo_site.url.rstrip("/") + article.url_path)
    database = Path(crawled_archive).stem
    page = urllib.request.urlopen(f"{served_archive}/{database}/-/article/{row['id']}", timeout=30).read().decode()
    assert "Comments: loaded by a widget (in-house), not captured" in page
    source = urllib.request.urlopen(f"{served_archive}/{database}/-/source/{row['source_id']}", timeout=30).read()
    assert "2 articles with widget-loaded comments not captured (in-house 2)" in source.decode()


def test_rendering_is_refused_in_a_distributed_crawl(tmp_path):
    result = run_cli("crawl", "https://news.example.org/", "--redis", "redis://127.0.0.1:1/0", "--render")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: rendering does not work in distributed crawls (--redis) (crawl without --redis to render)"
    ]
