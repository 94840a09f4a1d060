"""The generic news spider: discovers a site's articles and hands every response to the archive."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.gz import gunzip

from archiver.analysis import PageAnalysis
from archiver.discovery import (USUAL_FEEDS, USUAL_SITEMAPS, looks_like_feed, looks_like_sitemap, parse_feed,
                                parse_sitemap, sitemaps_in_robots)
from archiver.errors import ExtractionError
from archiver.items import FetchedItem, SkippedItem
from archiver.pool import ExtractionPool
from archiver.target import CrawlTarget
from archiver.timeutil import now_iso
from archiver.urls import canonical

# Statuses handed to callbacks so that errors are recorded rather than dropped;
# 3xx are left to the redirect middleware.
RECORDED_STATUSES = [304, 400, 401, 403, 404, 405, 406, 410, 429, 451, 500, 502, 503, 504, 520, 521, 522, 524]
HTML_TYPES = ("text/html", "application/xhtml+xml", "")


def header_dict(headers) -> dict[str, str]:
    """Give Scrapy headers as a plain str dict (last value wins)."""
    return {k.decode("latin-1"): headers.get(k).decode("latin-1") for k in headers.keys()}


class NewsSpider(scrapy.Spider):
    """Crawl one news site from its homepage or a configured source."""

    name = "news"

    def __init__(self, url: str | None = None, target: CrawlTarget | None = None, **kwargs):
        super().__init__(**kwargs)
        if target is None and not url:
            raise ValueError("give -a url=https://site/ or a target")
        self.target = target or CrawlTarget.from_url(url)
        self.scope = self.target.scope()
        self.allowed_domains = sorted(self.scope.hosts)
        self.query_variants: dict[str, set[str]] = {}
        self.skipped: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.pool = ExtractionPool(settings.getint("ARCHIVER_WORKERS"), settings.getfloat("ARCHIVER_MAX_PAGE_TIME"))
        spider.max_depth = settings.getint("ARCHIVER_MAX_DEPTH")
        spider.max_variants = settings.getint("ARCHIVER_MAX_QUERY_VARIANTS")
        crawler.signals.connect(spider.pool.close, signal=scrapy.signals.spider_closed)
        return spider

    async def start(self):
        for url in self.target.start_urls:
            yield self.page_request(url, depth=0)
        for base in {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.target.start_urls}:
            yield self.request(base + "/robots.txt", self.parse_robots, "robots")
            for path in USUAL_SITEMAPS:
                yield self.request(base + path, self.parse_sitemap, "sitemap")
            for path in USUAL_FEEDS:
                yield self.request(base + path, self.parse_feed, "feed")
        for url in self.target.sitemaps:
            yield self.request(url, self.parse_sitemap, "sitemap")
        for url in self.target.feeds:
            yield self.request(url, self.parse_feed, "feed")

    def request(self, url: str, callback, kind: str, depth: int = 0, **meta) -> scrapy.Request:
        """Give a request for a discovery document or page, recording errors through the errback."""
        meta.update(kind=kind, page_depth=depth, handle_httpstatus_list=RECORDED_STATUSES)
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    def page_request(self, url: str, depth: int) -> scrapy.Request:
        return self.request(url, self.parse_page, "page", depth)

    # -- discovery documents ------------------------------------------------------------

    def discovery_item(self, response, reason: str) -> FetchedItem:
        # A missing /sitemap.xml or /feed/ is a probe that found nothing, not an error.
        if response.status >= 300:
            reason = f"{reason} not found (HTTP {response.status})"
        return self.fetched_item(response, "discovery", reason)

    def parse_robots(self, response):
        yield self.discovery_item(response, "robots.txt")
        if response.status == 200:
            for url in sitemaps_in_robots(response.text):
                yield self.request(url, self.parse_sitemap, "sitemap")

    def parse_sitemap(self, response):
        yield self.discovery_item(response, "sitemap")
        if response.status != 200:
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError, IgnoreRequest):
                yield self.skip(response.url, "error", "sitemap: bad or oversized gzip")
                return
        sitemap = parse_sitemap(body)
        for entry in sitemap.entries:
            if sitemap.is_index:
                yield self.request(entry.loc, self.parse_sitemap, "sitemap")
            else:
                yield from self.follow(entry.loc, depth=1)

    def parse_feed(self, response):
        yield self.discovery_item(response, "feed")
        if response.status == 200:
            for url in parse_feed(response.body, response.url):
                yield from self.follow(url, depth=1)

    # -- pages ------------------------------------------------------------------------------

    async def parse_page(self, response):
        problem = self.page_problem(response)
        if problem:
            yield self.fetched_item(response, *problem)
            return
        if looks_like_feed(response.body) or looks_like_sitemap(response.body):
            for item in (self.parse_feed if looks_like_feed(response.body) else self.parse_sitemap)(response):
                yield item
            return
        result = await self.pool.analyze(response.body, response.url, header_dict(response.headers))
        if isinstance(result, ExtractionError):
            yield self.fetched_item(response, "error", result.reason)
            return
        yield self.page_item(response, result)
        depth = response.meta.get("page_depth", 0) + 1
        for url in result.links.anchors + result.links.feeds:
            for request in self.follow(url, depth):
                yield request

    def page_problem(self, response) -> tuple[str, str] | None:
        """Give (decision, reason) when a response cannot be a page to analyse."""
        if response.status == 304:
            return "not_modified", "304 Not Modified"
        if response.status >= 400:
            return "error", f"HTTP {response.status}"
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
        if ctype not in HTML_TYPES and not ctype.endswith("xml"):
            return "skipped", f"not HTML ({ctype})"
        if not response.body.strip():
            return "skipped", "empty response"
        if b"\x00" in response.body[:4096]:
            return "skipped", "binary data served as HTML"
        return None

    def page_item(self, response, analysis: PageAnalysis) -> FetchedItem:
        item = self.fetched_item(response, analysis.decision.kind, analysis.decision.reason)
        item.analysis = analysis
        declared = analysis.extraction.canonical_url
        item.article_url = canonical(declared if declared and self.scope.on_site(declared) else response.url)
        links = analysis.links
        kinds = [("link", links.anchors), ("image", links.images), ("embed", links.embeds),
                 ("canonical", (links.canonical,) if links.canonical else ())]
        item.offsite = [(u, kind) for kind, urls in kinds for u in urls if not self.scope.on_site(u)]
        return item

    def follow(self, url: str, depth: int):
        """Yield a request for an in-scope URL, or a skip record for a trap; nothing for off-site."""
        url = canonical(url)
        if not self.scope.allows(url):
            return
        reason = self.trap_reason(url, depth)
        if reason:
            if url not in self.skipped:
                self.skipped.add(url)
                yield self.skip(url, "skipped", reason)
            return
        yield self.page_request(url, depth)

    def trap_reason(self, url: str, depth: int) -> str | None:
        """Give why following `url` would lead into a crawler trap, or None."""
        if depth > self.max_depth:
            return f"depth over {self.max_depth}"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) - len(set(segments)) >= 3:
            return "repeating path segments"
        if parts.query:
            variants = self.query_variants.setdefault(parts.path, set())
            if url not in variants and len(variants) >= self.max_variants:
                return f"over {self.max_variants} query variants of one path"
            variants.add(url)
        return None

    # -- records ----------------------------------------------------------------------------

    def fetched_item(self, response, decision: str, reason: str | None) -> FetchedItem:
        return FetchedItem(
            url=response.request.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            status=response.status,
            fetched_at=now_iso(),
            headers=header_dict(response.headers),
            body=response.body,
            request_headers=header_dict(response.request.headers),
            decision=decision,
            reason=reason,
        )

    def skip(self, url: str, decision: str, reason: str, status: int | None = None) -> SkippedItem:
        return SkippedItem(url=url, fetched_at=now_iso(), decision=decision, reason=reason, status=status)

    def on_error(self, failure):
        request = failure.request
        reason = failure_reason(failure)
        decision = "skipped" if reason.startswith(("robots.txt", "size")) else "error"
        yield self.skip(request.meta.get("redirect_urls", [request.url])[0], decision, reason)


def failure_reason(failure) -> str:
    """Give a short, stable reason for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, IgnoreRequest) and "robots" in text.lower():
        return "robots.txt disallows"
    if "maxsize" in text.lower() or "MAXSIZE" in text or "larger than" in text:
        return "size over the cap"
    if "redirect" in text.lower():
        return f"redirect: {text[:200]}"
    if "Timeout" in name or "timed out" in text.lower():
        return "timeout"
    return f"{name}: {text[:200]}" if text else name
