"""The demo news site over real HTTP: discovery, pages, comments, validators, editions, 404s."""

from __future__ import annotations

import gzip
import hashlib
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import urllib.robotparser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import lxml.html
import pytest

from archiver.demo import DemoSite, seed, serve_demo
from archiver.demo.editions import EDITED_PARAGRAPH, NEW_COMMENT_TEXT

# The page this project was made from, in shared/ beside the project (as in CI).
SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_088dfad157fa8871.txt"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Fetched:
    """A response read over HTTP."""

    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, method: str = "GET", **headers: str) -> Fetched:
    """Give the response to one request, errors included (urllib raises on 3xx/4xx/5xx)."""
    request = urllib.request.Request(url, method=method, headers={k.replace("_", "-"): v for k, v in headers.items()})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return Fetched(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, dict(error.headers), error.read())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Lets the test see 301s instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def courier():
    """A demo server of our own (tests here switch editions, which the shared one must not do)."""
    with serve_demo() as server:
        yield server


@pytest.fixture(scope="module")
def site():
    return DemoSite(edition=1)


def get(server, path: str, **headers: str) -> Fetched:
    return fetch(urljoin(server.url, path), **headers)


def html(server, path: str):
    response = get(server, path)
    assert response.status == 200, path
    return lxml.html.fromstring(response.body)


def article_urls(server, site) -> set[str]:
    return {urljoin(server.url, a.url_path) for a in site.articles}


def text(node) -> str:
    return " ".join(node.text_content().split())


# --- content model -----------------------------------------------------------------------------


def test_the_paper_has_enough_articles_sections_dates_and_authors(site):
    articles = site.articles
    assert len(articles) >= 32
    assert len({a.section for a in articles}) >= 5
    assert len({a.slug for a in articles}) == len(articles)
    days = sorted(a.published for a in articles)
    assert days[0].year == 2026 and days[0].month == 1 and (days[-1] - days[0]).days >= 21
    assert all(1 <= len(a.authors) <= 2 and a.tags for a in articles)
    assert all(4 <= len(a.paragraphs) <= 10 for a in articles if a.slug != seed.SLUG)
    assert all(a.url_path == f"/{a.published:%Y/%m/%d}/{a.slug}/" for a in articles)


def test_comment_threads_vary_and_exactly_one_article_is_closed(site):
    articles = site.articles
    assert [a.slug for a in articles if a.comments_closed] == [
        "harbourside-gallery-stages-first-major-retrospective-of-ines-varga"
    ]
    assert any(not a.comments for a in articles)
    assert any(c.parent for a in articles for c in a.comments)
    for article in articles:
        ids = [c.id for c in article.comments]
        assert all(c.parent in ids[: ids.index(c.id)] for c in article.comments if c.parent)
        assert all(c.published >= article.published for c in article.comments)


def test_the_seed_data_is_the_seed_page_word_for_word():
    if not SEED_FILE.exists():
        if os.environ.get("ARCHIVER_REQUIRE_ALL"):
            pytest.fail(f"{SEED_FILE} is missing; ARCHIVER_REQUIRE_ALL forbids skipping")
        pytest.skip(f"{SEED_FILE} is not on this machine")
    page = SEED_FILE.read_text(encoding="utf-8")
    assert seed.TITLE in page and "20 Comments" in page
    for paragraph in seed.PARAGRAPHS:
        assert f"\n{paragraph}\n" in page
    for thread in seed.THREADS:
        assert thread.comment.text in page and thread.reply.text in page
        for who in (thread.comment, thread.reply):
            assert who.author not in page or f"{who.author} on" in page


def test_the_same_edition_gives_the_same_bytes_in_another_process(site):
    script = (
        "import hashlib; from archiver.demo import DemoSite; s = DemoSite(1);"
        "print(hashlib.sha256(b''.join(s.render(p).body for p in s.paths())).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    here = hashlib.sha256(b"".join(site.render(p).body for p in site.paths())).hexdigest()
    assert result.stdout.strip() == here


# --- discovery ---------------------------------------------------------------------------------


def test_robots_disallows_search_and_names_the_sitemap_index(courier):
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(get(courier, "/robots.txt").body.decode().splitlines())
    assert not parser.can_fetch("*", urljoin(courier.url, "/search?q=petro"))
    assert parser.can_fetch("*", urljoin(courier.url, "/section/world/"))
    assert urljoin(courier.url, "/sitemap_index.xml") in parser.site_maps()


def test_the_sitemap_index_leads_to_every_article_and_every_listing_page(courier, site):
    index = ElementTree.fromstring(get(courier, "/sitemap_index.xml").body)
    children = [loc.text for loc in index.iter(f"{SM}loc")]
    assert [urlsplit(u).path for u in children] == ["/sitemap-articles.xml", "/sitemap-sections.xml.gz"]
    articles = ElementTree.fromstring(fetch(children[0]).body)
    assert {loc.text for loc in articles.iter(f"{SM}loc")} == article_urls(courier, site)
    packed = fetch(children[1])
    assert packed.headers["Content-Type"] == "application/gzip"
    sections = ElementTree.fromstring(gzip.decompress(packed.body))
    listed = {urlsplit(loc.text).path for loc in sections.iter(f"{SM}loc")}
    assert {"/", "/section/world/", "/section/world/page/2/", "/tag/colombia/", "/author/elena-marsh/"} <= listed


def test_the_news_sitemap_lists_every_article(courier, site):
    tree = ElementTree.fromstring(get(courier, "/news-sitemap.xml").body)
    assert {loc.text for loc in tree.iter(f"{SM}loc")} == article_urls(courier, site)
    titles = [t.text for t in tree.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")]
    assert seed.TITLE in titles


def test_the_feeds_are_linked_from_the_homepage_and_list_every_article(courier, site):
    home = html(courier, "/")
    feeds = {link.get("type"): link.get("href") for link in home.xpath('//link[@rel="alternate"]')}
    rss = get(courier, urlsplit(feeds["application/rss+xml"]).path)
    atom = get(courier, urlsplit(feeds["application/atom+xml"]).path)
    assert rss.headers["Content-Type"].startswith("application/rss+xml")
    assert {i.text for i in ElementTree.fromstring(rss.body).iter("link")} - {courier.url} == article_urls(
        courier, site
    )
    entries = ElementTree.fromstring(atom.body).iter(f"{ATOM}entry")
    assert {e.find(f"{ATOM}link").get("href") for e in entries} == article_urls(courier, site)


def test_following_links_from_the_homepage_reaches_every_article(courier, site):
    seen, queue = set(), ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        for href in html(courier, path).xpath("//a/@href"):
            parts = urlsplit(urljoin(courier.url + path.lstrip("/"), href))
            if (
                parts.netloc == urlsplit(courier.url).netloc
                and not parts.query
                and not parts.path.startswith("/search")
            ):
                queue.append(parts.path)
    assert {a.url_path for a in site.articles} <= seen
    assert "/section/world/page/2/" in seen


# --- pages -------------------------------------------------------------------------------------


def test_the_seed_article_page_has_player_body_fact_check_and_twenty_comments(courier, site):
    article = site.article(seed.SLUG)
    page = html(courier, article.url_path)
    assert [text(p) for p in page.cssselect(".entry-content > p")] == list(seed.PARAGRAPHS)
    assert text(page.cssselect("h1.entry-title")[0]) == seed.TITLE
    order = [
        n.get("class")
        for n in page.cssselect(".audio-player, h1.entry-title, .entry-content, .fact-checker, #comments, #respond")
    ]
    assert order == ["audio-player", "entry-title", "entry-content", "fact-checker", "comments-area", "comment-respond"]
    assert "0:00 / 0:00" in text(page.cssselect(".audio-player")[0]) and page.cssselect(".audio-player audio")
    assert text(page.cssselect(".fact-checker p")[0]) == seed.FACT_CHECK_TEXT
    assert text(page.cssselect("#comments h2")[0]) == "20 Comments"
    assert text(page.cssselect("#respond h3")[0]).startswith("Leave A Reply") and page.cssselect("#respond form")
    tops = page.cssselect("ol.comment-list > li.depth-1")
    assert len(tops) == 10 and len(page.cssselect("li.comment")) == 20
    for li, thread in zip(tops, seed.THREADS):
        replies = li.cssselect("ul.children > li.depth-2")
        assert len(replies) == 1
        assert text(li.cssselect(":scope > article .comment-content")[0]) == thread.comment.text
        assert text(replies[0].cssselect(".comment-content")[0]) == thread.reply.text
        assert text(replies[0].cssselect("cite.fn")[0]) == thread.reply.author
        assert li.get("id").startswith("comment-") and li.cssselect("time[datetime]")
    commenters = {text(c) for c in page.cssselect("cite.fn")}
    assert article.section == "world" and not set(article.authors) & commenters


def test_article_pages_carry_metadata_share_bar_and_off_site_media(courier, site):
    article = site.articles[3]
    page = html(courier, article.url_path)
    assert page.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert page.xpath('//link[@rel="canonical"]/@href') == [urljoin(courier.url, article.url_path)]
    assert '"@type": "NewsArticle"' in page.xpath('//script[@type="application/ld+json"]/text()')[0]
    assert page.cssselect("time.published")[0].get("datetime") == article.published.isoformat()
    assert [text(a) for a in page.cssselect('a[rel="author"]')] == list(article.authors)
    offsite = page.xpath('//div[@class="share-bar"]//a/@href') + page.xpath("//img/@src") + page.xpath("//iframe/@src")
    assert offsite and all(not h.startswith(courier.url) and not h.startswith("/") for h in offsite)
    assert page.cssselect(".related-posts li a") and page.cssselect(".widget_newsletter form")
    for tag in page.cssselect('a[rel="tag"]'):
        assert get(courier, tag.get("href")).status == 200


def test_every_page_has_the_publisher_footer_and_the_recent_comments_widget(courier, site):
    article = site.article(seed.SLUG)
    for path in ("/", "/section/politics/", "/tag/colombia/", "/author/tom-achebe/", article.url_path, "/nope/"):
        page = lxml.html.fromstring(get(courier, path).body)
        footer = text(page.cssselect('footer[role="contentinfo"]')[0])
        assert "Company" in footer and "Meridian Courier Media Ltd" in footer
        assert "© 2026 Meridian Courier Media Ltd. All rights reserved." in footer
        assert len(page.cssselect('footer[role="contentinfo"] address')[0].text_content().strip().splitlines()) >= 3
        assert page.cssselect("#recentcomments li")
    widget_links = html(courier, article.url_path).cssselect("#recentcomments a")
    assert not [a for a in widget_links if a.get("href").startswith(article.url_path)]


def test_closed_and_empty_comment_sections(courier, site):
    closed = next(a for a in site.articles if a.comments_closed)
    page = html(courier, closed.url_path)
    assert "Comments are closed." in text(page.cssselect("#comments")[0]) and not page.cssselect("#respond")
    assert len(page.cssselect("li.comment")) == len(closed.comments) > 0
    empty = next(a for a in site.articles if not a.comments)
    page = html(courier, empty.url_path)
    assert not page.cssselect("#comments h2") and page.cssselect("#respond form")


def test_sections_paginate_eight_to_a_page(courier, site):
    world = [a for a in site.articles if a.section == "world"]
    first = html(courier, "/section/world/")
    second = html(courier, "/section/world/page/2/")
    assert len(first.cssselect("article.post-summary")) == 8
    listed = [a.get("href") for p in (first, second) for a in p.cssselect("article.post-summary h2 a")]
    assert listed == [a.url_path for a in world]
    assert first.cssselect('a.next[href="/section/world/page/2/"]')


# --- HTTP behaviour ----------------------------------------------------------------------------


def test_every_resource_has_type_length_and_validators(courier, site):
    for path in site.paths():
        response = get(courier, path)
        assert response.status == 200, path
        assert int(response.headers["Content-Length"]) == len(response.body)
        assert response.headers["ETag"] == '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
        assert response.headers["Last-Modified"].endswith(" GMT")
        kind = response.headers["Content-Type"]
        assert "charset=utf-8" in kind or kind == "application/gzip", path


def test_conditional_requests_get_304(courier, site):
    path = site.article(seed.SLUG).url_path
    courier.requests.clear()
    first = get(courier, path)
    assert get(courier, path, If_None_Match=first.headers["ETag"]).status == 304
    assert get(courier, path, If_Modified_Since=first.headers["Last-Modified"]).status == 304
    assert get(courier, path, If_None_Match='"stale"').status == 200
    assert get(courier, path, If_Modified_Since="Thu, 01 Jan 2026 00:00:00 GMT").status == 200
    not_modified = get(courier, path, If_None_Match=first.headers["ETag"])
    assert not_modified.body == b"" and not_modified.headers["ETag"] == first.headers["ETag"]
    sent = [headers.get("If-None-Match") for _, p, headers in courier.requests if p == path]
    assert sent == [None, first.headers["ETag"], None, '"stale"', None, first.headers["ETag"]]


def test_head_has_headers_but_no_body_and_post_is_refused(courier):
    head = fetch(courier.url, method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0
    assert fetch(urljoin(courier.url, "/wp-comments-post.php"), method="POST").status == 405


def test_unknown_paths_are_404_pages_and_missing_slashes_redirect(courier):
    for path in ("/nope/", "/2026/01/23/no-such-story/", "/section/weather/", "/section/world/page/9/", "/favicon.ico"):
        response = get(courier, path)
        assert response.status == 404, path
        assert (
            response.headers["Content-Type"] == "text/html; charset=utf-8"
            and b"can\xe2\x80\x99t be found" in response.body
        )
    moved = get(courier, "/section/world")
    assert moved.status == 301 and moved.headers["Location"] == urljoin(courier.url, "/section/world/")
    assert get(courier, "/section/world/page/1/").headers["Location"] == urljoin(courier.url, "/section/world/")


def test_wordpress_shortlinks_redirect_to_the_article(courier, site):
    article = site.article(seed.SLUG)
    shortlink = html(courier, article.url_path).xpath('//link[@rel="shortlink"]/@href')[0]
    moved = fetch(shortlink)
    assert moved.status == 301 and moved.headers["Location"] == urljoin(courier.url, article.url_path)
    assert get(courier, "/?p=1").status == 404


def test_sixteen_concurrent_clients_are_served_quickly(courier, site):
    paths = site.paths() * 3
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda p: get(courier, p).status, paths))
    assert statuses == [200] * len(paths)


def test_the_search_page_works_for_browsers(courier):
    page = html(courier, "/search?q=lithium")
    assert page.cssselect("article.post-summary") and page.xpath('//meta[@name="robots"]/@content') == [
        "noindex, follow"
    ]


# --- editions ----------------------------------------------------------------------------------


def test_edition_two_changes_exactly_the_announced_pages(site):
    second = DemoSite(edition=2)
    plan = site.changes
    new = second.article(plan.new_article)
    assert len(second.articles) == len(site.articles) + 1 and second.articles[0] == new
    changed = {p for p in set(site.paths()) | set(second.paths()) if site.render(p).body != second.render(p).body}
    touched = {site.article(s).url_path for s in (plan.edited, plan.commented, plan.uncommented)}
    listings = {"/section/business/", "/author/ingrid-solberg/", "/tag/shipping/", "/tag/transport/"}
    feeds = {
        "/",
        "/feed/",
        "/atom.xml",
        "/sitemap_index.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml.gz",
        "/news-sitemap.xml",
    }
    assert changed == touched | listings | feeds | {new.url_path}
    for path in set(site.paths()) - changed:
        assert site.render(path).headers == second.render(path).headers


def test_edition_two_edits_comments_and_footer_as_described(site):
    second = DemoSite(edition=2)
    plan = site.changes
    before, after = site.article(plan.edited), second.article(plan.edited)
    differ = [i for i, (a, b) in enumerate(zip(before.paragraphs, after.paragraphs)) if a != b]
    assert differ == [EDITED_PARAGRAPH] and before.modified is None and after.modified
    added = {c.id for c in second.article(plan.commented).comments} - {
        c.id for c in site.article(plan.commented).comments
    }
    assert added == {plan.new_comment_id}
    removed = {c.id for c in site.article(plan.uncommented).comments} - {
        c.id for c in second.article(plan.uncommented).comments
    }
    assert removed == {plan.removed_comment_id}
    assert site.footer.address != second.footer.address
    assert second.footer.address[0].encode() in second.render("/").body
    assert site.footer.address[0].encode() in second.render("/section/world/").body


def test_switching_editions_live_gives_304_for_unchanged_and_200_for_changed(courier, site):
    plan = site.changes
    unchanged, edited = site.article(seed.SLUG).url_path, site.article(plan.edited).url_path
    commented = site.article(plan.commented).url_path
    tags = {p: get(courier, p).headers["ETag"] for p in (unchanged, edited, commented, "/")}
    dates = {p: get(courier, p).headers["Last-Modified"] for p in tags}
    courier.set_edition(2)
    try:
        assert courier.edition == 2
        assert get(courier, unchanged, If_None_Match=tags[unchanged]).status == 304
        for path in (edited, commented, "/"):
            assert get(courier, path, If_None_Match=tags[path]).status == 200
            assert get(courier, path, If_Modified_Since=dates[path]).status == 200
        assert NEW_COMMENT_TEXT.encode() in get(courier, commented).body
        new_path = DemoSite(2).article(plan.new_article).url_path
        assert new_path.encode() in get(courier, "/feed/").body and get(courier, new_path).status == 200
    finally:
        courier.set_edition(1)
    assert get(courier, unchanged, If_None_Match=tags[unchanged]).status == 304


def test_python_m_archiver_demo_serves_until_sigterm():
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver.demo", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Demo news site at http://127.0.0.1:")
        assert fetch(line.split()[-1] + "robots.txt").status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
