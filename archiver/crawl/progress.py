"""Crawl progress: a live rich display in a terminal, plain lines every few seconds otherwise."""

from __future__ import annotations

import signal
import sys
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from archiver.store import CrawlCounts


def progress_line(counts: CrawlCounts, queued: int, elapsed: float) -> str:
    """Give one line of progress: fetched, articles, comments, skips, errors, rate."""
    rate = counts.fetched / elapsed if elapsed > 0 else 0.0
    return (
        f"fetched {counts.fetched} ({rate:.1f}/s, {counts.not_modified} not modified), "
        f"articles {counts.articles_new} new / {counts.articles_changed} changed / "
        f"{counts.articles_unchanged} unchanged, comments +{counts.comments_new} -{counts.comments_removed}, "
        f"skipped {counts.skipped}, errors {counts.errors}, queued {queued}"
    )


def progress_table(counts: CrawlCounts, queued: int, elapsed: float, source: str) -> Table:
    """Give the live display's table."""
    table = Table(title=f"crawling {source}", show_header=False, box=None)
    rate = counts.fetched / elapsed if elapsed > 0 else 0.0
    rows = [
        ("fetched", f"{counts.fetched}  ({rate:.1f} pages/s)"),
        ("not modified", counts.not_modified),
        (
            "articles",
            f"{counts.articles_new} new, {counts.articles_changed} changed, {counts.articles_unchanged} unchanged",
        ),
        ("comments", f"{counts.comments_new} new, {counts.comments_removed} removed"),
        ("skipped", counts.skipped),
        ("errors", counts.errors),
        ("queued", queued),
        ("elapsed", f"{elapsed:.0f} s"),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


class CrawlProgress:
    """Scrapy extension showing the counts of the running crawl (ARCHIVER_PROGRESS: on, off, auto)."""

    def __init__(self, crawler, live: bool):
        self.crawler = crawler
        self.live_mode = live
        self.every = crawler.settings.getfloat("ARCHIVER_PROGRESS_EVERY")
        self.started = time.monotonic()
        self.live: Live | None = None
        self.loop = LoopingCall(self.tick)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        setting = crawler.settings.get("ARCHIVER_PROGRESS")
        if setting is not None and not crawler.settings.getbool("ARCHIVER_PROGRESS"):
            raise NotConfigured
        return cls(crawler, sys.stderr.isatty() if setting is None else True)

    def opened(self, spider) -> None:
        self.source = spider.target.name
        if self.live_mode:
            self.live = Live(self.render(), console=Console(stderr=True), refresh_per_second=4, transient=True)
            self.live.start()
        self.loop.start(0.5 if self.live_mode else self.every, now=False)
        self.chain_interrupt()

    def chain_interrupt(self) -> None:
        """Say "stopping" at the first Ctrl-C, stop the display, then let Scrapy's own handler stop the crawl."""
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):
            return

        def interrupted(signum, frame):
            signal.signal(signal.SIGINT, previous)  # a second Ctrl-C goes straight to Scrapy (forced stop)
            self.stop_display()
            print(
                "stopping: finishing the pages in flight and keeping the frontier (Ctrl-C again to force); "
                "run the same command again to resume",
                file=sys.stderr,
                flush=True,
            )
            previous(signum, frame)

        signal.signal(signal.SIGINT, interrupted)

    def stop_display(self) -> None:
        """Stop the periodic display (live table or progress lines)."""
        if self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()
            self.live = None

    def snapshot(self) -> tuple[CrawlCounts, int, float]:
        counts = self.crawler.stats.get_value("archiver/counts") or CrawlCounts()
        stats = self.crawler.stats
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        return counts, queued, time.monotonic() - self.started

    def render(self) -> Table:
        counts, queued, elapsed = self.snapshot()
        return progress_table(counts, queued, elapsed, getattr(self, "source", ""))

    def tick(self) -> None:
        if self.live is not None:
            self.live.update(self.render())
        else:
            print(f"progress: {progress_line(*self.snapshot())}", file=sys.stderr, flush=True)

    def closed(self, spider, reason: str) -> None:
        self.stop_display()
