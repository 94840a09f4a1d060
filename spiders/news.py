"""The generic news spider: discovers a site's articles and hands every response to the archive."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.gz import gunzip

from archiver.config import CrawlTarget
from archiver.crawl.analysis import PageAnalysis
from archiver.crawl.classify import ArticleHints
from archiver.crawl.discovery import (
    USUAL_FEEDS,
    USUAL_SITEMAPS,
    looks_like_feed,
    looks_like_sitemap,
    parse_feed,
    parse_sitemap,
    sitemaps_in_robots,
)
from archiver.crawl.items import CaptureItem, SkippedItem
from archiver.crawl.pool import ExtractionPool
from archiver.crawl.render import PlainPage, Renderer, wants_render
from archiver.errors import ExtractionError
from archiver.extract.timeutil import now_iso
from archiver.extract.urls import canonical
from archiver.store.frontier import Frontier, FrontierEntry

# Statuses handed to callbacks so that errors are recorded rather than dropped;
# 3xx are left to the redirect middleware.
RECORDED_STATUSES = [304, 400, 401, 403, 404, 405, 406, 410, 429, 451, 500, 502, 503, 504, 520, 521, 522, 524]
HTML_TYPES = ("text/html", "application/xhtml+xml", "")
DISCOVERY_PRIORITY = 10
PLAIN_META = {"kind", "page_depth", "handle_httpstatus_list"}
START_META = PLAIN_META | {"is_start_request"}


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
        self.resume: Frontier | None = None
        self.lastmods: dict[str, str] = {}  # sitemap lastmod by URL, read when the request is sent
        # URLs a news sitemap or a feed lists: a strong sign of an article for the decision.
        self.listed: set[str] = set()
        self._last_referer: bytes | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.pool = ExtractionPool(
            settings.getint("ARCHIVER_WORKERS"),
            settings.getfloat("ARCHIVER_MAX_PAGE_TIME"),
            settings.getbool("ARCHIVER_PIN_WORKERS"),
        )
        spider.max_depth = settings.getint("ARCHIVER_MAX_DEPTH")
        spider.max_variants = settings.getint("ARCHIVER_MAX_QUERY_VARIANTS")
        spider.renderer = Renderer.from_settings(settings, spider.target) if spider.target.render else None
        crawler.signals.connect(spider.pool.close, signal=scrapy.signals.spider_closed)
        return spider

    def start_plan(self) -> list[FrontierEntry]:
        """Give the first fetches of a new crawl: start pages, robots.txt, usual sitemaps and feeds."""
        plan = [FrontierEntry(url, "page", 0) for url in self.target.start_urls]
        for base in sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.target.start_urls}):
            plan.append(FrontierEntry(base + "/robots.txt", "robots", 0))
            plan += [FrontierEntry(base + path, "sitemap", 0) for path in USUAL_SITEMAPS]
            plan += [FrontierEntry(base + path, "feed", 0) for path in USUAL_FEEDS]
        plan += [FrontierEntry(url, "sitemap", 0) for url in self.target.sitemaps]
        plan += [FrontierEntry(url, "feed", 0) for url in self.target.feeds]
        return plan

    async def start(self):
        # The pipeline has opened the crawl by now and set `resume` when it continues a killed one.
        entries = self.resume.pending if self.resume else self.start_plan()
        for entry in entries:
            yield self.request_for(entry)

    def request_for(self, entry: FrontierEntry) -> scrapy.Request:
        """Give the request of a frontier entry, with the callback of its kind."""
        return self.request(entry.url, self.callback_of(entry.kind), entry.kind, entry.depth)

    def callback_of(self, kind: str):
        return {"robots": self.parse_robots, "sitemap": self.parse_sitemap, "feed": self.parse_feed}.get(
            kind, self.parse_page
        )

    def request(self, url: str, callback, kind: str, depth: int = 0, **meta) -> scrapy.Request:
        """Give a request for a discovery document or page, recording errors through the errback."""
        meta.update(kind=kind, page_depth=depth, handle_httpstatus_list=RECORDED_STATUSES)
        # Discovery documents first, so that sitemap lastmods are known before most pages are sent.
        priority = DISCOVERY_PRIORITY if kind != "page" else 0
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, priority=priority)

    def compact_request(self, request: scrapy.Request) -> tuple | None:
        """Give (url, kind, depth, referer, start) when `request` is what request_for() makes of them
        (with the Referer header and start-request mark Scrapy adds), so that the scheduler's queue
        (archiver/queues.py) can keep the tuple; None for any other request."""
        meta, headers = request.meta, request.headers
        start = meta.get("is_start_request") is True
        if meta.keys() != (START_META if start else PLAIN_META):
            return None
        if meta["handle_httpstatus_list"] is not RECORDED_STATUSES:
            return None
        if len(headers) > 1 or (headers and b"Referer" not in headers):
            return None
        kind, depth = meta["kind"], meta["page_depth"]
        plain = (
            request.method == "GET"
            and not request.body
            and not request.cookies
            and not request.cb_kwargs
            and not request.flags
            and not request.dont_filter
            and request.errback == self.on_error
            and request.callback == self.callback_of(kind)
            and request.priority == (DISCOVERY_PRIORITY if kind != "page" else 0)
        )
        return (request.url, kind, depth, self.shared_referer(headers.get(b"Referer")), start) if plain else None

    def shared_referer(self, referer: bytes | None) -> bytes | None:
        """Give `referer`, or the equal bytes of the request queued before: the requests a page leads to
        are queued one after the other, and a sitemap's 100,000 would keep 100,000 copies (7 MB)."""
        if referer is not None and referer == self._last_referer:
            return self._last_referer
        self._last_referer = referer
        return referer

    def expand_request(self, compact: tuple) -> scrapy.Request:
        """Give the request again from what compact_request() kept."""
        url, kind, depth, referer, start = compact
        request = self.request(url, self.callback_of(kind), kind, depth)
        if referer is not None:
            request.headers[b"Referer"] = referer
        if start:
            request.meta["is_start_request"] = True
        return request

    # -- discovery documents ------------------------------------------------------------

    def discovery_item(self, response, reason: str) -> CaptureItem:
        # A missing /sitemap.xml or /feed/ is a probe that found nothing, not an error.
        if response.status >= 300:
            reason = f"{reason} not found (HTTP {response.status})"
        return self.fetched_item(response, "discovery", reason)

    def parse_robots(self, response):
        urls = sitemaps_in_robots(response.text) if response.status == 200 else ()
        return self.emit(self.discovery_item(response, "robots.txt"), [FrontierEntry(u, "sitemap", 0) for u in urls])

    def parse_sitemap(self, response):
        item = self.discovery_item(response, "sitemap")
        body = self.sitemap_body(response) if response.status == 200 else b""
        if body is None:
            item.decision, item.reason = "error", "sitemap: bad or oversized gzip"
        sitemap = parse_sitemap(body or b"")
        if sitemap.is_index:
            planned = [FrontierEntry(e.loc, "sitemap", 0) for e in sitemap.entries]
        else:
            self.listed.update(canonical(e.loc) for e in sitemap.entries if e.news)
            planned = [p for e in sitemap.entries for p in self.follow(e.loc, depth=1, lastmod=e.lastmod)]
        return self.emit(item, planned)

    def sitemap_body(self, response) -> bytes | None:
        """Give the sitemap's XML, gunzipped under the size cap; None when the gzip is bad or too big."""
        if response.body[:2] != b"\x1f\x8b":
            return response.body
        try:
            return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, ValueError, IgnoreRequest):
            return None

    def parse_feed(self, response):
        urls = parse_feed(response.body, response.url) if response.status == 200 else ()
        self.listed.update(canonical(u) for u in urls)
        return self.emit(self.discovery_item(response, "feed"), [p for u in urls for p in self.follow(u, depth=1)])

    def emit(self, item, planned: list):
        """Yield the item, carrying the fetches it leads to (for the durable frontier), then the skip
        records, then the requests, made one at a time: a sitemap of 100,000 URLs never sits in
        memory as 100,000 requests."""
        entries = [
            p for p in planned if isinstance(p, FrontierEntry) and not (self.resume and p.url in self.resume.seen)
        ]
        item.discovered = entries
        yield item
        yield from (p for p in planned if not isinstance(p, FrontierEntry))
        for entry in entries:
            yield self.request_for(entry)

    # -- pages ------------------------------------------------------------------------------

    async def parse_page(self, response):
        for output in await self.page_outputs(response):
            yield output

    async def page_outputs(self, response):
        """Give the page's item and the requests it leads to."""
        problem = self.page_problem(response)
        if problem:
            return [self.fetched_item(response, *problem)]
        if looks_like_feed(response.body):
            return self.parse_feed(response)
        if looks_like_sitemap(response.body):
            return self.parse_sitemap(response)
        result = await self.pool.analyze(
            response.body, response.url, header_dict(response.headers), self.scope, self.hints(response)
        )
        if isinstance(result, ExtractionError):
            return [self.fetched_item(response, "error", result.reason)]
        depth = response.meta.get("page_depth", 0) + 1
        planned = [p for url in result.follow for p in self.follow_canonical(url, depth)]
        if self.renderer and wants_render(result):  # the item waits for the browser (crawl/render.py)
            return [self.renderer.request(self, PlainPage(response, result, planned))]
        return self.emit(self.page_item(response, result), planned)

    async def parse_rendered(self, response):
        for output in await self.renderer.outputs(self, response):
            yield output

    def render_failed(self, failure):
        yield from self.renderer.failed(self, failure)

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

    def page_item(self, response, analysis: PageAnalysis) -> CaptureItem:
        item = self.fetched_item(response, analysis.decision.kind, analysis.decision.reason)
        item.analysis = analysis
        declared = analysis.extraction.canonical_url
        item.article_url = canonical(declared if declared and self.scope.on_site(declared) else response.url)
        item.offsite = list(analysis.offsite)
        return item

    def hints(self, response) -> ArticleHints:
        """Give what the crawl knows of a page besides its HTML: listed in a news sitemap or feed (by the
        URL asked for or the one it led to), and the source's article_urls / not_article_urls patterns."""
        urls = {canonical(response.url), canonical(response.request.url)}
        return ArticleHints(bool(urls & self.listed), self.target.article_urls, self.target.not_article_urls)

    def follow(self, url: str, depth: int, lastmod: str | None = None):
        """Yield the frontier entry of an in-scope URL, or a skip record for a trap; nothing for off-site.

        A sitemap `lastmod` is remembered by URL: with ARCHIVER_SKIP_UNCHANGED the conditional-request
        middleware skips articles not changed since their last capture."""
        if self.scope.on_site(url):  # decided before the costlier canonical()
            yield from self.follow_canonical(canonical(url), depth, lastmod)

    def follow_canonical(self, url: str, depth: int, lastmod: str | None = None):
        """follow() for a URL already on site and canonical (a page's links come so from the workers)."""
        if not self.scope.allows(url):
            return
        reason = self.trap_reason(url, depth)
        if reason:
            if url not in self.skipped:
                self.skipped.add(url)
                yield self.skip(url, "skipped", reason)
            return
        if lastmod:
            self.lastmods[url] = lastmod
        yield FrontierEntry(url, "page", depth)

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

    def fetched_item(self, response, decision: str, reason: str | None) -> CaptureItem:
        return CaptureItem(
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
        ignored = isinstance(failure.value, IgnoreRequest) and not reason.startswith("redirect")
        decision = "skipped" if ignored or reason.startswith("size") else "error"
        yield self.skip(request.meta.get("redirect_urls", [request.url])[0], decision, reason)


def failure_reason(failure) -> str:
    """Give a short, stable reason for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    if "maxsize" in text.lower() or "larger than" in text:
        return "size over the cap"
    if "redirect" in text.lower():
        return f"redirect: {text[:200]}"
    if isinstance(exc, IgnoreRequest):
        # robots.txt, the revisit policy (archiver/revisit.py), sitemap lastmod: a skip, not an error
        return "robots.txt disallows" if "robots" in text.lower() else text[:200] or "ignored"
    if "Timeout" in name or "timed out" in text.lower():
        return "timeout"
    return f"{name}: {text[:200]}" if text else name
