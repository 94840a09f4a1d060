"""The demo site as an HTTP resource tree: paths in, responses with validators out.

`DemoSite` knows nothing of sockets; `server.py` puts it on 127.0.0.1. Edition 2
behaves like a site behind a page cache: a page whose content did not change
since edition 1 is served byte for byte as in edition 1 (same ETag and
Last-Modified, so a recrawl gets 304s), while a page that did change is
re-rendered, with the new footer and a newer Last-Modified.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from archiver.demo import feeds, listings
from archiver.demo.article_page import render_article
from archiver.demo.catalog import Catalog, edition_one_articles
from archiver.demo.editions import EditionChanges, build_catalog, changes
from archiver.demo.layout import Context
from archiver.demo.model import Article, Footer, NotFound, Page, Response

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
DEFAULT_WIDGET_URL = "http://127.0.0.1:8002/"
ARTICLE_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/$")
LISTING_PATH = re.compile(r"^/(section|tag|author)/([a-z0-9-]+)/(?:page/(\d+)/)?$")
LISTINGS = {"section": listings.section_listing, "tag": listings.tag_listing, "author": listings.author_listing}
FIXED = {
    "/": listings.render_home,
    "/robots.txt": feeds.render_robots,
    "/sitemap_index.xml": feeds.render_sitemap_index,
    "/sitemap-articles.xml": feeds.render_articles_sitemap,
    "/sitemap-sections.xml.gz": feeds.render_sections_sitemap,
    "/news-sitemap.xml": feeds.render_news_sitemap,
    "/feed/": feeds.render_rss,
    "/atom.xml": feeds.render_atom,
    "/newsletter/": listings.render_newsletter,
}
STATIC = {"/static/style.css": ("style.css", "text/css; charset=utf-8")}


def etag(body: bytes) -> str:
    """Give the strong ETag of a body: a quoted hash of its bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    """Give a moment as an HTTP date, "Fri, 23 Jan 2026 10:12:00 GMT"."""
    return format_datetime(moment, usegmt=True)


def to_response(page: Page, modified: datetime) -> Response:
    """Give the HTTP response of a rendered page, with its validators."""
    headers = {
        "Content-Type": page.content_type,
        "Content-Length": str(len(page.body)),
        "ETag": etag(page.body),
        "Last-Modified": http_date(modified),
        # Caches must revalidate every time, so a recrawl always asks (and gets a 304).
        "Cache-Control": "no-cache",
    }
    if page.location:
        headers["Location"] = page.location
    return Response(page.status, headers, page.body)


def redirect(ctx: Context, path: str) -> Page:
    """Give a permanent redirect to a site path."""
    target = ctx.url(path)
    body = f'<!DOCTYPE html>\n<title>Moved</title>\n<p>Moved to <a href="{target}">{target}</a>.</p>\n'
    return Page(body.encode("utf-8"), "text/html; charset=utf-8", feeds.LAUNCH, 301, target)


def etag_matches(header: str, current: str) -> bool:
    """Give whether an If-None-Match header names the current ETag (weak comparison)."""
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or current in tags


def unmodified_since(header: str, last_modified: str) -> bool:
    """Give whether the page has not changed since an If-Modified-Since date (False if unreadable)."""
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False


def not_modified(response: Response, request_headers: Mapping[str, str]) -> bool:
    """Give whether a conditional GET may be answered 304; If-None-Match wins over the date."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        return etag_matches(if_none_match, response.headers["ETag"])
    if_modified_since = request_headers.get("If-Modified-Since")
    return bool(if_modified_since) and unmodified_since(if_modified_since, response.headers["Last-Modified"])


class DemoSite:
    """The Meridian Courier, one edition of it: content model plus rendering of every path."""

    def __init__(self, edition: int = 1, base_url: str = DEFAULT_BASE_URL, widget_url: str = DEFAULT_WIDGET_URL):
        self.edition = edition
        self.base_url = base_url
        self.widget_url = widget_url  # the comment widget's server (demo/widget_server.py)
        self.catalog: Catalog = build_catalog(edition)
        self.previous = DemoSite(edition - 1, base_url, widget_url) if edition > 1 else None
        self._rendered: dict[str, Response] = {}
        self._static = {
            path: resources.files(__package__).joinpath("static").joinpath(name).read_bytes()
            for path, (name, _) in STATIC.items()
        }

    @property
    def articles(self) -> list[Article]:
        """Give the edition's articles, newest first."""
        return list(self.catalog.articles)

    def article(self, slug: str) -> Article:
        """Give the article with this slug (KeyError when the edition has none)."""
        found = [a for a in self.catalog.articles if a.slug == slug]
        if not found:
            raise KeyError(slug)
        return found[0]

    @property
    def footer(self) -> Footer:
        """Give the footer of the edition (the one on pages re-rendered in it)."""
        return self.catalog.footer

    def url(self, path: str) -> str:
        """Give the absolute URL of a site path."""
        return self.base_url.rstrip("/") + path

    @property
    def changes(self) -> EditionChanges:
        """Give what edition 2 changes (slugs and comment ids), whichever edition this is."""
        return changes(edition_one_articles())

    def render(self, path: str) -> Response:
        """Give the full response for a path (query string allowed): 200, 301 or 404."""
        cached = self._rendered.get(path)
        if cached is None:
            cached = self._fresh(path)
            # Only pages without a query are kept: a crawler's stray or endless URLs must not fill memory.
            # Racing threads may both render a page; the result is the same, so no lock is needed.
            if cached.status == 200 and "?" not in path:
                self._rendered[path] = cached
        return cached

    def respond(self, method: str, path: str, request_headers: Mapping[str, str]) -> Response:
        """Give the answer to an HTTP request: 304 for a matching conditional GET, no body for HEAD."""
        if method not in ("GET", "HEAD"):
            return Response(405, {"Allow": "GET, HEAD", "Content-Length": "0", "Connection": "close"}, b"")
        response = self.render(path)
        if response.status == 200 and not_modified(response, request_headers):
            kept = ("ETag", "Last-Modified", "Cache-Control")
            return Response(304, {k: response.headers[k] for k in kept}, b"")
        return response if method == "GET" else Response(response.status, response.headers, b"")

    def paths(self) -> list[str]:
        """Give every path a crawler can reach by following links, sitemaps and feeds."""
        ctx = self._context(self.footer)
        found = [*FIXED, *STATIC, *(a.url_path for a in self.catalog.articles)]
        return found + [path for path, _ in feeds.listing_paths(ctx)]

    def warm(self) -> None:
        """Render every reachable page now, so that the first crawl never waits on rendering."""
        for path in self.paths():
            self.render(path)

    def _context(self, footer: Footer) -> Context:
        """Give the rendering context of this edition with a given footer."""
        return Context(self.catalog, self.base_url, footer, self.widget_url)

    def _fresh(self, path: str) -> Response:
        """Give a newly rendered response; in later editions, the previous one if nothing changed."""
        if self.previous is None:
            page = self._page(path, self.footer)
            return to_response(page, page.modified)
        before = self.previous.render(path)
        unchanged = self._page(path, self.previous.footer)
        if unchanged.body == before.body and unchanged.status == before.status:
            return before
        return to_response(self._page(path, self.footer), self.catalog.snapshot)

    def _page(self, path: str, footer: Footer) -> Page:
        """Give the rendered page at a path, or the 404 page."""
        ctx = self._context(footer)
        try:
            return self._route(ctx, path)
        except NotFound:
            return listings.render_not_found(ctx, urlsplit(path).path)

    def _route(self, ctx: Context, path: str) -> Page:
        """Give the page a path names; NotFound when none."""
        parts = urlsplit(path)
        if parts.path == "/" and "p" in parse_qs(parts.query):
            return redirect(ctx, self._shortlink(parse_qs(parts.query)["p"][0]))
        if parts.path == "/search":
            return listings.render_search(ctx, parse_qs(parts.query).get("q", [""])[0])
        if parts.path in STATIC:
            return Page(self._static[parts.path], STATIC[parts.path][1], feeds.LAUNCH)
        if parts.path in FIXED:
            return FIXED[parts.path](ctx)
        return self._dynamic(ctx, parts.path)

    def _dynamic(self, ctx: Context, path: str) -> Page:
        """Give an article or listing page, or a redirect to its proper address."""
        if match := ARTICLE_PATH.match(path):
            return render_article(ctx, self._article_at(path))
        if match := LISTING_PATH.match(path):
            kind, slug, number = match.groups()
            listing = LISTINGS[kind](ctx, slug)
            if number == "1":
                return redirect(ctx, listing.path(1))
            return listings.render_listing(ctx, listing, int(number or 1))
        if not path.endswith("/") and self._exists(ctx, path + "/"):
            return redirect(ctx, path + "/")
        raise NotFound(path)

    def _shortlink(self, post_id: str) -> str:
        """Give the path of the article a WordPress shortlink (/?p=ID) names; NotFound when none."""
        for article in self.catalog.articles:
            if str(article.post_id) == post_id:
                return article.url_path
        raise NotFound(f"/?p={post_id}")

    def _article_at(self, path: str) -> Article:
        """Give the article whose address is `path`; NotFound when none."""
        for article in self.catalog.articles:
            if article.url_path == path:
                return article
        raise NotFound(path)

    def _exists(self, ctx: Context, path: str) -> bool:
        """Give whether a path names a page (used to add a missing trailing slash)."""
        if path in FIXED:
            return True
        try:
            self._dynamic(ctx, path)
        except NotFound:
            return False
        return True
