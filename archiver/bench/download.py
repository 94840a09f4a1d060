"""Scrapy downloading a list of URLs and doing nothing with them: the download limit `a`.

Run as `python -m archiver.bench.download URLFILE [NAME=VALUE ...]`; prints pages/s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess


class DownloadOnly(scrapy.Spider):
    """Fetch every URL of a file; the callback does nothing."""

    name = "download-only"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None


def main(argv: list[str]) -> int:
    urls = Path(argv[0]).read_text().split()
    settings = dict(pair.split("=", 1) for pair in argv[1:])
    settings.setdefault("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DownloadOnly)
    process.crawl(crawler, urls=urls)
    started = time.monotonic()
    process.start()
    elapsed = time.monotonic() - started
    fetched = crawler.stats.get_value("response_received_count", 0)
    print(f"{fetched} {elapsed:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
