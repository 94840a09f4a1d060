"""What Scrapy alone needs for a recrawl: the same conditional requests, nothing parsed or stored.

Issue 24's target 4 puts the recrawl of the unchanged bench site at <= 10 % of the first crawl.
A recrawl is made of 304s, and its time is mostly Scrapy's own cost for each request (scheduler,
middlewares, the HTTP client, the callback's output). This spider is that cost alone: it sends
a GET for each article URL with the validators the archive holds for it (If-None-Match,
If-Modified-Since, as our ConditionalRequestMiddleware does), at the crawl's concurrency and with
its CONCURRENT_ITEMS, counts the answers and stores nothing (no robots.txt, sitemap, links, WARC
or rows). `benchmarks/crawl.py` times it whole, process start included, like our recrawl, so the
two can be put side by side.

Run as `python -m benchmarks.floor ARCHIVE_DB URLS_FILE [NAME=VALUE ...] [--defaults]`; prints
`fetched N (304: M)`. With `--defaults` it runs at the product's polite defaults, with the crawl's own
throttle (archiver/crawl/throttle.py: AutoThrottle that counts a 304 as a latency sample).
"""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess

from archiver.crawl import settings as product
from archiver.crawl.middlewares import conditional_headers
from archiver.store import Archive


class FloorSpider(Spider):
    """Send one conditional GET for each URL and count the responses."""

    name = "recrawl-floor"

    def __init__(self, requests: list[tuple[str, dict[str, str]]], **kwargs):
        super().__init__(**kwargs)
        self.planned = requests
        self.answered = 0

    async def start(self):
        for url, headers in self.planned:
            yield Request(url, headers=headers, callback=self.count, meta={"handle_httpstatus_list": [304]})

    def count(self, response):
        self.answered += 1
        return []


def throttled() -> dict:
    """Give the product's AutoThrottle settings, with its throttle in place of Scrapy's."""
    names = (
        "AUTOTHROTTLE_ENABLED",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
    )
    extensions = {"scrapy.extensions.throttle.AutoThrottle": None, "archiver.crawl.throttle.ArchiverThrottle": 0}
    return {**{name: getattr(product, name) for name in names}, "EXTENSIONS": extensions}


def main(argv: list[str]) -> int:
    defaults = "--defaults" in argv
    argv = [a for a in argv if a != "--defaults"]
    db, urls = Path(argv[0]), Path(argv[1]).read_text().split()
    archive = Archive(db, readonly=True)
    try:
        planned = [(url, conditional_headers(archive.validators(url))) for url in urls]
    finally:
        archive.close()
    settings = {
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_ITEMS": product.CONCURRENT_ITEMS,
        "CONCURRENT_REQUESTS": product.CONCURRENT_REQUESTS,
        "CONCURRENT_REQUESTS_PER_DOMAIN": product.CONCURRENT_REQUESTS_PER_DOMAIN,
        "USER_AGENT": product.USER_AGENT,
        **(throttled() if defaults else {"AUTOTHROTTLE_ENABLED": False}),
    }
    settings.update(pair.split("=", 1) for pair in argv[2:])
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FloorSpider)
    process.crawl(crawler, requests=planned)
    process.start()
    not_modified = crawler.stats.get_value("downloader/response_status_count/304", 0)
    print(f"fetched {crawler.spider.answered} (304: {not_modified})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
