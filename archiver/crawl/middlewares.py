"""Downloader middlewares: conditional requests from the archive's validators, polite retries,
redirect loops and meta refreshes."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured

from archiver.extract.urls import canonical
from archiver.store import Archive

# MB of archive pages a middleware's read connection keeps: it looks up one URL a request, and
# SQLite drops a connection's cache anyway whenever the crawl's writer commits (every 200 pages).
READER_CACHE_MB = 2


def conditional_headers(validators) -> dict[str, str]:
    """Give the headers that ask a server whether a page changed since the capture `validators` come
    from (If-None-Match, If-Modified-Since); none when there is no capture or it had no validators."""
    headers = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


class ConditionalRequestMiddleware:
    """Add If-None-Match / If-Modified-Since to page requests the archive has captured before."""

    def __init__(self, db_path: Path, skip_unchanged: bool = False, crawler=None):
        self.crawler = crawler
        self.db_path = db_path
        self.skip_unchanged = skip_unchanged
        self._archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVER_CONDITIONAL", True):
            raise NotConfigured
        middleware = cls(
            Path(crawler.settings.get("ARCHIVER_DB")), crawler.settings.getbool("ARCHIVER_SKIP_UNCHANGED"), crawler
        )
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def archive(self) -> Archive | None:
        # Opened lazily: the pipeline creates a new archive when the crawl opens.
        if self._archive is None and self.db_path.exists():
            self._archive = Archive(self.db_path)
            self._archive.limit_cache(READER_CACHE_MB)
        return self._archive

    def process_request(self, request):
        if request.meta.get("kind") != "page" or b"If-None-Match" in request.headers:
            return None
        archive = self.archive()
        validators = archive.validators(request.url) if archive else None
        lastmod = getattr(self.crawler.spider, "lastmods", {}).get(request.url) if self.crawler else None
        if (
            validators
            and validators.is_article
            and lastmod
            and self.skip_unchanged
            and unchanged_since(lastmod, validators.fetched_at)
        ):
            raise IgnoreRequest("unchanged since its last capture (sitemap lastmod)")
        request.headers.update(conditional_headers(validators))
        return None

    def close(self) -> None:
        """Close the read connection when the crawl ends."""
        if self._archive is not None:
            self._archive.close()
            self._archive = None


def unchanged_since(lastmod: str, fetched_at: str | None) -> bool:
    """Tell whether a sitemap lastmod is no later than the last capture time (both ISO 8601)."""
    if not fetched_at:
        return False
    try:
        changed = datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
        captured = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    if changed.tzinfo is None:
        changed = changed.replace(tzinfo=UTC)
    return changed <= captured


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Give the delay a Retry-After header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx, 429 and network errors after a pause: Retry-After when the server sends one
    (capped by ARCHIVER_MAX_RETRY_AFTER), else exponential backoff from ARCHIVER_RETRY_BACKOFF."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("ARCHIVER_RETRY_BACKOFF")
        self.cap = settings.getfloat("ARCHIVER_MAX_RETRY_AFTER")

    def delay(self, request, response=None) -> float:
        """Give the pause before the next try of `request`."""
        asked = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
        if asked is not None:
            return min(asked, self.cap)
        return min(self.base * 2 ** request.meta.get("retry_times", 0), self.cap)

    async def process_response(self, request, response):
        retry = super().process_response(request, response)
        if isinstance(retry, Request):
            await asyncio.sleep(self.delay(request, response))
        return retry

    async def process_exception(self, request, exception):
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await asyncio.sleep(self.delay(request))
        return retry


class RedirectLoopMiddleware:
    """Stop a redirect that leads back to a URL already in its own chain (a loop), with a reason."""

    def process_response(self, request, response):
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = canonical(urljoin(request.url, location.decode("latin-1")))
        chain = {canonical(u) for u in request.meta.get("redirect_urls", [])} | {canonical(request.url)}
        if target in chain:
            raise IgnoreRequest(f"redirect loop back to {target}")
        return response


class CheapMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Follow <meta http-equiv="refresh"> redirects like Scrapy's middleware, which decodes the whole
    body of every page to read its first 4,096 characters; a page whose first bytes (4 per such
    character) never say "refresh" is passed on without decoding."""

    HEAD_BYTES = 4 * 4096

    def process_response(self, request, response):
        if b"refresh" not in response.body[: self.HEAD_BYTES].lower():
            return response
        return super().process_response(request, response)
