"""The archive pipeline: keep each response as WARC, store captures and articles in batches."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from scrapy import signals

from .items import FetchedItem, SkippedItem
from .store import Archive, CaptureRecord, CrawlCounts
from .timeutil import now_iso
from .warc import WarcWriter

FINISHED_REASONS = {"finished": "finished", "closespider_pagecount": "finished", "closespider_itemcount": "finished"}


def crawl_status(reason: str) -> str:
    """Give the crawls.status for Scrapy's close reason."""
    if reason in FINISHED_REASONS:
        return FINISHED_REASONS[reason]
    return "interrupted" if reason == "shutdown" else f"failed ({reason})"


class ArchivePipeline:
    """Store every item of a crawl in the archive, one writer, in batched transactions."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = Path(settings.get("ARCHIVER_DB"))
        self.warc_dir = Path(settings.get("ARCHIVER_WARC_DIR") or self.db_path.parent / "warcs")
        self.batch_size = settings.getint("ARCHIVER_BATCH_SIZE")
        self.counts = CrawlCounts()
        self.stored_urls: set[str] = set()
        self.pending = 0
        self.last_commit = time.monotonic()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        target = self.crawler.spider.target
        self.archive = Archive(self.db_path)
        started = now_iso()
        self.source = self.archive.ensure_source(target.name, target.url, target.config, started)
        self.crawl_id = self.archive.start_crawl(self.source.id, started, target.config)
        self.crawler.stats.set_value("archiver/crawl_id", self.crawl_id)
        self.warc = WarcWriter(self.warc_dir, f"crawl-{self.crawl_id:06d}-{started[:10]}.warc.gz")

    def process_item(self, item):
        self.archive.begin()
        if isinstance(item, SkippedItem):
            self.store_skip(item)
        elif isinstance(item, FetchedItem):
            self.store_fetch(item)
        self.pending += 1
        if self.pending >= self.batch_size or time.monotonic() - self.last_commit > 2.0:
            self.flush()
        return None

    def flush(self) -> None:
        """Commit the open batch and record the counts so far."""
        self.warc.flush()
        self.archive.commit()
        self.counts.discovered = self.crawler.stats.get_value("scheduler/enqueued", 0)
        self.archive.finish_crawl(self.crawl_id, "running", self.counts, None)
        self.pending = 0
        self.last_commit = time.monotonic()

    def store_skip(self, item: SkippedItem) -> None:
        if item.decision == "error":
            self.counts.errors += 1
        else:
            self.counts.skip(item.reason)
        record = CaptureRecord(url=item.url, fetched_at=item.fetched_at, decision=item.decision,
                               reason=item.reason, status=item.status)
        self.archive.add_capture(self.crawl_id, self.source.id, record)

    def store_fetch(self, item: FetchedItem) -> None:
        self.counts.fetched += 1
        location = self.warc.write_exchange(item.final_url, item.request_headers, item.status, item.headers,
                                            item.body, item.fetched_at)
        decision = item.decision
        if decision == "article" and item.article_url in self.stored_urls:
            decision, item.reason = "duplicate", f"same article as {item.article_url}"
        capture_id = self.archive.add_capture(self.crawl_id, self.source.id,
                                              self.capture_record(item, decision, location), item.offsite)
        self.count_decision(item, decision)
        if decision == "article":
            self.stored_urls.add(item.article_url)
            outcome = self.archive.save_article(self.source.id, capture_id, item.article_url,
                                                item.analysis.extraction, item.fetched_at)
            self.counts.add_outcome(outcome)
        elif decision == "not_modified":
            self.archive.touch_article(item.url, capture_id, item.fetched_at)

    def count_decision(self, item: FetchedItem, decision: str) -> None:
        if decision == "not_modified":
            self.counts.not_modified += 1
        elif decision == "error":
            self.counts.errors += 1
        elif decision in ("skipped", "duplicate"):
            self.counts.skip(item.reason.split(" (")[0] if decision == "skipped" else "duplicate")

    def capture_record(self, item: FetchedItem, decision: str, location) -> CaptureRecord:
        lower = {k.lower(): v for k, v in item.headers.items()}
        return CaptureRecord(
            url=item.url, final_url=item.final_url, status=item.status, fetched_at=item.fetched_at,
            content_type=lower.get("content-type"), length=len(item.body),
            sha256=hashlib.sha256(item.body).hexdigest(), etag=lower.get("etag"),
            last_modified=lower.get("last-modified"), warc_file=location.file,
            warc_offset=location.offset, warc_length=location.length, decision=decision, reason=item.reason,
        )

    def spider_closed(self, spider, reason: str) -> None:
        self.archive.commit()
        self.counts.discovered = self.crawler.stats.get_value("scheduler/enqueued", 0)
        finished = now_iso()
        self.archive.finish_crawl(self.crawl_id, crawl_status(reason), self.counts, finished)
        self.warc.close()
        self.archive.close()

