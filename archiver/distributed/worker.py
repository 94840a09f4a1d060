"""Run a worker (or the seeding) of a distributed crawl in this process and give what it did."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from archiver.config import CrawlTarget
from archiver.crawl.runner import crawl_settings, redis_settings
from archiver.crawl.workers import collect_less
from archiver.distributed.ingester import connect


@dataclass(frozen=True)
class WorkerRun:
    """What one worker did: requests put into Redis, results handed over, why it stopped."""

    source: str
    seeded: bool
    enqueued: int
    results: int
    reason: str

    def summary(self) -> str:
        """Give the line printed by `archiver crawl --redis`."""
        if self.seeded:
            return f"seeded {self.enqueued} start requests of {self.source} into Redis"
        return f"worker of {self.source}: {self.results} results handed over to Redis ({self.reason})"


def run_worker(target: CrawlTarget, redis_url: str, overrides: dict | None = None, seed: bool = False) -> WorkerRun:
    """Seed `target`'s crawl on Redis, or work on it until its frontier stays empty; give the run."""
    connect(redis_url)  # an unreachable Redis fails here, in one line
    settings = {**(overrides or {}), **redis_settings(redis_url, target.name, seed)}
    if target.max_pages:
        settings.setdefault("CLOSESPIDER_PAGECOUNT", target.max_pages)
    # Workers keep no archive: the ingester's machine has it.
    process = CrawlerProcess(crawl_settings(Path("archive.db"), settings))
    crawler = process.create_crawler("news")
    process.crawl(crawler, target=target)
    collect_less()
    process.start()
    stats = crawler.stats
    return WorkerRun(
        target.name,
        seed,
        stats.get_value("scheduler/enqueued/redis", 0),
        stats.get_value("archiver/redis_results", 0),
        stats.get_value("finish_reason", "?"),
    )
