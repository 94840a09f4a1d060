"""Store what a crawl fetched: captures, articles and the run's counts (no Scrapy here).

The Scrapy pipeline, WARC import, re-extraction and the Redis ingester all store through this.
"""

from __future__ import annotations

from archiver.crawl.items import CaptureItem, SkippedItem
from archiver.crawl.render_records import render_record
from archiver.store import Archive, CaptureRow, CrawlCounts
from archiver.store.warcfiles import WarcLocation


def capture_record(item: CaptureItem, decision: str, location: WarcLocation | None) -> CaptureRow:
    """Give the captures row of a fetched response."""
    lower = {k.lower(): v for k, v in item.headers.items()}
    return CaptureRow(
        url=item.url,
        final_url=item.final_url,
        status=item.status,
        fetched_at=item.fetched_at,
        content_type=lower.get("content-type"),
        length=len(item.body),
        sha256=item.body_sha256.hex(),
        etag=lower.get("etag"),
        last_modified=lower.get("last-modified"),
        warc_file=location.file if location else None,
        warc_offset=location.offset if location else None,
        warc_length=location.length if location else None,
        decision=decision,
        reason=item.reason,
    )


class Recorder:
    """Store the items of one crawl run into an open archive and keep the run's counts.

    Call its methods inside `archive.batch()` or between `archive.begin()` and `archive.commit()`.
    """

    def __init__(self, archive: Archive, source_id: int, crawl_id: int | None, counts: CrawlCounts | None = None):
        self.archive = archive
        self.source_id = source_id
        self.crawl_id = crawl_id
        self.counts = counts or CrawlCounts()
        self.stored_urls: set[str] = set()

    def store(self, item: CaptureItem | SkippedItem, location: WarcLocation | None = None) -> None:
        """Store one item: a skip record, or a fetched response with its article."""
        if isinstance(item, SkippedItem):
            self.store_skip(item)
        else:
            self.store_fetch(item, location)

    def store_skip(self, item: SkippedItem) -> None:
        """Record a URL that was not fetched or not usable, with its reason."""
        if item.decision == "error":
            self.counts.errors += 1
        else:
            self.counts.skip(item.reason)
        record = CaptureRow(
            url=item.url, fetched_at=item.fetched_at, decision=item.decision, reason=item.reason, status=item.status
        )
        self.archive.add_capture(self.crawl_id, self.source_id, record)

    def store_fetch(self, item: CaptureItem, location: WarcLocation | None) -> None:
        """Record a fetched response and store its article when it is one."""
        self.counts.fetched += 1
        decision = item.decision
        if decision == "article" and item.article_url in self.stored_urls:
            decision, item.reason = "duplicate", f"same article as {item.article_url}"
        capture_id = self.archive.add_capture(
            self.crawl_id, self.source_id, capture_record(item, decision, location), item.offsite
        )
        self.count_decision(item, decision)
        if item.render is not None:
            self.archive.add_render(capture_id, render_record(item.render, item.render_dom_at))
        if decision == "article":
            self.stored_urls.add(item.article_url)
            outcome = self.archive.save_article(
                self.source_id, capture_id, item.article_url, item.analysis.extraction, item.fetched_at
            )
            self.counts.add_outcome(outcome)
        elif decision == "not_modified" and self.archive.touch_article(item.url, capture_id, item.fetched_at):
            self.counts.articles_unchanged += 1  # a 304 of an archived article: the article is unchanged

    def count_decision(self, item: CaptureItem, decision: str) -> None:
        if decision == "not_modified":
            self.counts.not_modified += 1
        elif decision == "error":
            self.counts.errors += 1
        elif decision == "duplicate":
            self.counts.skip("duplicate")
        elif decision == "skipped":
            self.counts.skip(item.reason.split(" (")[0])


def write_exchange(warc, item: CaptureItem) -> WarcLocation:
    """Give where the item's request and response were written in `warc` (a WarcWriter), its body's
    digest computed once for the capture row and the WARC record alike."""
    return warc.write_exchange(
        item.final_url, item.request_headers, item.status, item.headers, item.body, item.fetched_at, item.body_sha256
    )
