"""The crawler a user would write instead of ours: one Scrapy spider, trafilatura called inline.

It follows every link of the site from its homepage, calls trafilatura.extract on each page in the
spider's callback (one process, as a tutorial would have it), and writes one JSON line per page
with Scrapy's own feed export. Nothing here is tuned: it is the baseline of issue 24's target 1
(`archiver crawl` >= 2x this, at the same concurrency, timed the same way in the same run).

Run as `python -m benchmarks.naive START_URL OUTPUT.jsonl [NAME=VALUE ...]`: it prints its running
count of pages every 10 pages (for the bench's turns, benchmarks/slices.py) and, at its end, the
line `fetched N`.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

REPORT_EVERY = 10


class NaiveNewsSpider(CrawlSpider):
    """Follow the site's links; extract every page with trafilatura (title, author, date, body and
    comments: what an archive of news keeps) and yield the result."""

    name = "naive-news"
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def __init__(self, start_url: str, **kwargs):
        self.start_urls = [start_url]
        self.allowed_domains = [urlsplit(start_url).hostname]
        self.pages = 0
        super().__init__(**kwargs)

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        self.count()
        found = trafilatura.extract(response.text, url=response.url, output_format="json", with_metadata=True)
        return [{"url": response.url, "extraction": found}] if found else []

    def count(self) -> None:
        self.pages += 1
        if self.pages % REPORT_EVERY == 0:
            print(self.pages, flush=True)


def main(argv: list[str]) -> int:
    start_url, output = argv[0], argv[1]
    settings = dict(pair.split("=", 1) for pair in argv[2:])
    settings.setdefault("LOG_LEVEL", "ERROR")
    settings.setdefault("ROBOTSTXT_OBEY", "True")  # as `scrapy startproject` sets it, and as we crawl
    settings["FEEDS"] = {output: {"format": "jsonlines", "overwrite": True}}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NaiveNewsSpider)
    process.crawl(crawler, start_url=start_url)
    process.start()
    print(f"fetched {crawler.stats.get_value('response_received_count', 0)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
