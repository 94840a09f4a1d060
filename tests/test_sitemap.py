"""Sitemaps read as a stream: every entry of a large sitemap, its lastmod and news mark, and what a
broken one still gives."""

from archiver.crawl.discovery import SitemapEntry, parse_sitemap

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
NEWS = "<news:news><news:title>Story</news:title></news:news>"


def url_entry(n: int) -> str:
    lastmod = f"<lastmod>2026-01-{n % 28 + 1:02d}</lastmod>" if n % 3 else ""
    return f"<url><loc> https://news.test/{n}/ </loc>{lastmod}{NEWS if n % 5 == 0 else ''}</url><!-- {n} -->"


def test_every_entry_of_a_large_sitemap_is_read_in_order_with_its_lastmod_and_news_mark():
    body = f'<?xml version="1.0"?><urlset {NS}>{"".join(url_entry(n) for n in range(20000))}</urlset>'.encode()
    sitemap = parse_sitemap(body)
    assert not sitemap.is_index
    assert len(sitemap.entries) == 20000
    assert sitemap.entries[0] == SitemapEntry("https://news.test/0/", None, True)
    assert sitemap.entries[7] == SitemapEntry("https://news.test/7/", "2026-01-08", False)
    assert [e.loc for e in sitemap.entries] == [f"https://news.test/{n}/" for n in range(20000)]
    assert sum(e.news for e in sitemap.entries) == 4000


def test_an_index_lists_its_sitemaps_and_entries_without_a_loc_are_left_out():
    body = f"<sitemapindex {NS}><sitemap><loc>https://news.test/a.xml</loc></sitemap><sitemap/>"
    body += "<sitemap><loc>https://news.test/b.xml</loc><lastmod>2026-02-01</lastmod></sitemap></sitemapindex>"
    sitemap = parse_sitemap(body.encode())
    assert sitemap.is_index
    assert sitemap.entries == (
        SitemapEntry("https://news.test/a.xml"),
        SitemapEntry("https://news.test/b.xml", "2026-02-01"),
    )


def test_a_cut_off_sitemap_gives_the_entries_before_the_cut_and_garbage_gives_none():
    body = f"<urlset {NS}>{url_entry(1)}{url_entry(2)}<url><loc>https://news.test/3/</lo".encode()
    assert [e.loc for e in parse_sitemap(body).entries][:2] == ["https://news.test/1/", "https://news.test/2/"]
    assert parse_sitemap(b"").entries == ()
    assert parse_sitemap(b"not xml at all").entries == ()
