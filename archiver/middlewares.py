"""Downloader middlewares: conditional requests from the archive's validators."""

from __future__ import annotations

from pathlib import Path

from scrapy.exceptions import NotConfigured

from .store import Archive


class ConditionalRequestMiddleware:
    """Add If-None-Match / If-Modified-Since to page requests the archive has captured before."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVER_CONDITIONAL", True):
            raise NotConfigured("conditional requests switched off")
        return cls(Path(crawler.settings.get("ARCHIVER_DB")))

    def archive(self) -> Archive | None:
        # Opened lazily: the pipeline creates a new archive when the crawl opens.
        if self._archive is None and self.db_path.exists():
            self._archive = Archive(self.db_path)
        return self._archive

    def process_request(self, request):
        if request.meta.get("kind") != "page" or b"If-None-Match" in request.headers:
            return None
        archive = self.archive()
        validators = archive.validators(request.url) if archive else None
        if validators and validators.etag:
            request.headers[b"If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            request.headers[b"If-Modified-Since"] = validators.last_modified
        return None

    def close_spider(self) -> None:
        if self._archive is not None:
            self._archive.close()
