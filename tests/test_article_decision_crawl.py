"""The article decision in a real crawl: a source's URL patterns override it, news sitemaps count."""

from __future__ import annotations

import sqlite3

from archiver.crawl.discovery import parse_sitemap

from .helpers import run_cli

MUSEUM = "/2026/01/30/museum-returns-carved-panels-to-community-in-ghana-after-long-campaign/"


def decisions(db) -> dict[str, tuple[str, str]]:
    """Give each captured URL's path with its decision and reason."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT url, decision, reason FROM captures").fetchall()
    finally:
        conn.close()
    return {"/" + url.split("/", 3)[3]: (d, r or "") for url, d, r in rows}


def test_a_sources_url_patterns_decide_over_the_page(demo_site, tmp_path):
    config = tmp_path / "archiver.toml"
    config.write_text(
        f'[sources.courier]\nurl = "{demo_site.url}"\n'
        f'not_article_urls = ["museum-returns-carved-panels"]\narticle_urls = ["/newsletter/$"]\n'
    )
    db = tmp_path / "archive.db"
    result = run_cli("crawl", "courier", "--config", str(config), "--db", str(db))
    assert result.returncode == 0, result.stderr
    found = decisions(db)
    decision, reason = found[MUSEUM]
    assert decision != "article" and "not_article_urls" in reason
    others = [path for path, (d, _) in found.items() if d == "article" and path.startswith("/2026/")]
    assert len(others) > 20  # every other article is still archived
    # A page that is no article by its look is one when the source says so.
    assert found["/newsletter/"][0] == "article" and "article_urls" in found["/newsletter/"][1]


def test_news_sitemap_entries_are_marked_as_news(demo_site):
    import urllib.request

    with urllib.request.urlopen(demo_site.url + "news-sitemap.xml", timeout=10) as response:
        sitemap = parse_sitemap(response.read())
    assert sitemap.entries and all(entry.news for entry in sitemap.entries)
    with urllib.request.urlopen(demo_site.url + "sitemap_index.xml", timeout=10) as response:
        index = parse_sitemap(response.read())
    assert index.is_index and not any(entry.news for entry in index.entries)
