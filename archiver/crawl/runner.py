"""Run a crawl of one target in this process (Scrapy's CrawlerProcess) and give its ledger row."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archiver import __version__
from archiver.config import CrawlTarget
from archiver.crawl.render import render_settings
from archiver.crawl.workers import collect_less
from archiver.errors import StoreError
from archiver.store import Archive, CrawlRun


def user_agent(contact_url: str | None) -> str:
    """Give the User-Agent naming the project and, when set, the operator's contact URL."""
    contact = f"; +{contact_url}" if contact_url else ""
    return f"news-archiver/{__version__} (research news archiver{contact})"


def crawl_settings(db_path: Path, overrides: dict | None = None) -> Settings:
    """Give the Scrapy settings of a crawl into `db_path`, with `overrides` on top."""
    settings = Settings()
    settings.setmodule("archiver.crawl.settings", priority="project")
    settings.set("ARCHIVER_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    settings.set("USER_AGENT", user_agent(settings.get("ARCHIVER_CONTACT_URL")), priority="cmdline")
    return settings


def redis_settings(redis_url: str, source: str, seed: bool = False) -> dict:
    """Give the settings that make a crawl a worker (or the seeding) of a distributed crawl on Redis."""
    keys = f"archiver:{source}"  # archiver.distributed.RedisKeys
    return {
        "SCHEDULER": "archiver.distributed.scheduler.RedisScheduler",
        "SCHEDULER_QUEUE_CLASS": "archiver.distributed.leases.LeasedQueue",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{keys}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{keys}:dupefilter",
        "REDIS_URL": redis_url,
        "ARCHIVER_REDIS_SEED": seed,
        "ITEM_PIPELINES": {"archiver.distributed.results.RedisResultPipeline": 500},
        # Workers keep no archive: no validators to send, no revisit dates to read.
        "ARCHIVER_CONDITIONAL": False,
        "ARCHIVER_REVISIT": {},
        "ARCHIVER_SKIP_UNCHANGED": False,
    }


def run_crawl(target: CrawlTarget, db_path: Path, overrides: dict | None = None) -> CrawlRun:
    """Crawl `target` into the archive at `db_path` and give the finished crawl run."""
    with Archive(db_path) as archive:  # bad archives and concurrent crawls fail here, in one line
        archive.check_not_crawling(target.name)
    overrides = dict(overrides or {})
    if target.max_pages:
        overrides.setdefault("CLOSESPIDER_PAGECOUNT", target.max_pages)
    settings = crawl_settings(db_path, overrides)
    if target.render:
        for name, value in render_settings(settings).items():
            settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    # Scrapy filters by level only in its log handler: every page's DEBUG lines would still be built.
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    crawler = process.create_crawler("news")
    process.crawl(crawler, target=target)
    collect_less()
    process.start()
    failure = crawler.stats.get_value("archiver/failure")
    if failure:
        raise StoreError(
            f"the crawl stopped, the archive could not be written: {failure}",
            "free disk space, then run the same command again to resume",
        )
    # Read while the pipeline still had the archive open: no second connection after the crawl.
    return crawler.stats.get_value("archiver/crawl_run")
