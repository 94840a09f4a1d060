"""The archive pipeline: keep each response as WARC, store captures and articles in batches."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from scrapy import signals

from archiver.crawl.items import CaptureItem
from archiver.crawl.recorder import Recorder, write_exchange
from archiver.crawl.render_records import write_render
from archiver.errors import StoreError
from archiver.extract.timeutil import now_iso
from archiver.store import Archive
from archiver.store.warcfiles import WarcWriter

FINISHED_REASONS = {"finished", "closespider_pagecount", "closespider_itemcount"}
# MB of archive pages the crawl's writer keeps in memory (SQLite's page cache). Each batch's new rows
# and search-index segments are a few MB of pages that stay cached after the commit, so a 32 MB cache
# is full after about 1,500 pages; the pages a write reads again are mostly index pages, and a miss
# reads them from the system's file cache, not from disk.
WRITER_CACHE_MB = 8


def crawl_status(reason: str) -> str:
    """Give the crawls.status for Scrapy's close reason."""
    if reason in FINISHED_REASONS:
        return "finished"
    return "interrupted" if reason in ("shutdown", "storage failed") else f"failed ({reason})"


def warc_dir(settings, db_path: Path) -> Path:
    """Give the folder of the crawl's WARC files: ARCHIVER_WARC_DIR or warcs/ beside the archive."""
    return Path(settings.get("ARCHIVER_WARC_DIR") or db_path.parent / "warcs")


class ArchivePipeline:
    """Store every item of a crawl in the archive, one writer, in batched transactions."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = Path(crawler.settings.get("ARCHIVER_DB"))
        self.warc_dir = warc_dir(crawler.settings, self.db_path)
        self.batch_size = crawler.settings.getint("ARCHIVER_BATCH_SIZE")
        self.pending = 0
        self.last_commit = time.monotonic()
        self.failure: str | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.archive = Archive(self.db_path)
        self.archive.limit_cache(WRITER_CACHE_MB)
        started = now_iso()
        source = self.archive.ensure_source(spider.target.name, spider.target.url, spider.target.config, started)
        crawl_id, resumed = self.archive.resume_or_start(source.id, started, spider.target.config)
        self.crawler.stats.set_value("archiver/crawl_id", crawl_id)
        if resumed:
            spider.resume = self.archive.frontier(crawl_id)
            counts = self.archive.crawl(crawl_id).counts
        else:
            with self.archive.batch():
                self.archive.queue(crawl_id, spider.start_plan())
            counts = None
        self.ingester = Recorder(self.archive, source.id, crawl_id, counts)
        self.crawler.stats.set_value("archiver/counts", self.ingester.counts)  # read by the progress display
        stamp = started[:19].replace("-", "").replace(":", "")
        self.warc = WarcWriter(
            self.warc_dir,
            f"crawl-{crawl_id:06d}-{stamp}.warc.gz",
            self.crawler.settings.getint("ARCHIVER_WARC_GZIP_LEVEL"),
        )

    def process_item(self, item):
        if self.failure is None:
            try:
                self.store(item)
            except (StoreError, OSError) as exc:
                self.fail(exc)
        return None

    def fail(self, exc: Exception) -> None:
        """Stop the crawl after a storage failure (a full disk...); the open batch is dropped."""
        self.failure = f"{type(exc).__name__}: {exc}"
        self.crawler.stats.set_value("archiver/failure", self.failure)
        try:
            self.archive.rollback()
        except StoreError:
            pass
        asyncio.get_event_loop().create_task(self.crawler.engine.close_spider_async(reason="storage failed"))

    def store(self, item) -> None:
        """Keep one item: WARC record, capture, article, frontier, in the open batch."""
        self.archive.begin()
        location = None
        if isinstance(item, CaptureItem):
            location = write_exchange(self.warc, item)
            if item.render is not None:
                item.render_dom_at = write_render(self.warc, item.render)
            self.archive.queue(self.ingester.crawl_id, item.discovered)
        self.ingester.store(item, location)
        # Done in the same transaction as the capture: a kill loses both or neither.
        self.archive.done(self.ingester.crawl_id, item.url)
        self.pending += 1
        if self.pending >= self.batch_size or time.monotonic() - self.last_commit > 2.0:
            self.flush("running", None)

    def flush(self, status: str, finished_at: str | None) -> None:
        """Commit the open batch and record the run's counts and status."""
        self.warc.flush()
        self.archive.commit()
        counts = self.ingester.counts
        counts.discovered = self.crawler.stats.get_value("scheduler/enqueued", 0)
        self.archive.finish_crawl(self.ingester.crawl_id, status, counts, finished_at)
        self.pending = 0
        self.last_commit = time.monotonic()

    def spider_closed(self, spider, reason: str) -> None:
        status = crawl_status(reason)
        try:
            self.flush(status, now_iso())
            if status == "finished":
                self.archive.clear_frontier(self.ingester.crawl_id)
            self.crawler.stats.set_value("archiver/crawl_run", self.archive.crawl(self.ingester.crawl_id))
        except (StoreError, OSError) as exc:
            # The archive keeps its last committed state; the next run resumes from its frontier.
            self.failure = self.failure or f"{type(exc).__name__}: {exc}"
            self.crawler.stats.set_value("archiver/failure", self.failure)
        for close in (self.warc.close, self.archive.close):
            try:
                close()
            except (StoreError, OSError):
                pass
