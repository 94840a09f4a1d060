"""Scrapy downloading a list of URLs and doing nothing with them: the download limit `a`.

Run as `python -m benchmarks.download URLFILE [NAME=VALUE ...]`: it fetches the URLs over and
over until it is killed and prints its running count of pages every 10 pages, for the bench, which
times it in slices between the crawl's (benchmarks/slices.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

REPORT_EVERY = 10


class DownloadOnly(scrapy.Spider):
    """Fetch the URLs of a file over and over; the callback only counts."""

    name = "download-only"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = 0

    async def start(self):
        while True:
            for url in self.urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        self.fetched += 1
        if self.fetched % REPORT_EVERY == 0:
            print(self.fetched, flush=True)


def main(argv: list[str]) -> int:
    urls = Path(argv[0]).read_text().split()
    settings = dict(pair.split("=", 1) for pair in argv[1:])
    settings.setdefault("LOG_LEVEL", "ERROR")
    process = CrawlerProcess(settings)
    process.crawl(process.create_crawler(DownloadOnly), urls=urls)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
