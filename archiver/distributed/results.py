"""The worker's item pipeline: hand each result (item + raw capture) to Redis for the ingester."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

from scrapy.exceptions import NotConfigured
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.picklecompat import dumps as dump_request

from archiver.crawl.items import CaptureItem, SkippedItem
from archiver.distributed import RESULTS_KEY, RUNS_KEY, RedisKeys
from archiver.distributed.scripts import HAND_OVER


@dataclass(frozen=True)
class Result:
    """One item of a distributed crawl as it travels to the ingester (pickled; same version on both ends)."""

    run: str
    source: str
    source_url: str
    source_config: dict
    item: CaptureItem | SkippedItem

    def dumps(self) -> bytes:
        """Give the result as stored in the results list."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> Result:
        """Give the result read back from the results list."""
        return pickle.loads(data)


def released_urls(item) -> list[str]:
    """Give the URLs whose leases the item ends: the requested URL and where it led."""
    if isinstance(item, CaptureItem):
        return list(dict.fromkeys([item.url, item.final_url]))
    return [item.url]


class RedisResultPipeline:
    """Push every item to the results list, with its page's follow-up requests, atomically."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self._hand_over = self.server.register_script(HAND_OVER)
        self.run: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("RedisResultPipeline needs REDIS_URL")
        return cls(crawler)

    def open_spider(self) -> None:
        self.spider = self.crawler.spider
        self.keys = RedisKeys(self.spider.target.name)
        self.dupefilter = RFPDupeFilter(self.server, self.keys.dupefilter)

    def process_item(self, item):
        run = self.current_run()
        if run is None:  # the ingester finished this crawl meanwhile
            self.crawler.stats.inc_value("archiver/redis_dropped")
            return None
        target = self.spider.target
        result = Result(run, target.name, target.url, target.config, item)
        urls = released_urls(item)
        args = [result.dumps(), len(urls), *urls, *self.followups(item)]
        keys = [self.keys.dupefilter, self.keys.requests, RESULTS_KEY, self.keys.leases, self.keys.lease_urls]
        self._hand_over(keys=keys, args=args)
        self.crawler.stats.inc_value("archiver/redis_results")
        return None

    def current_run(self) -> str | None:
        """Give the run token of the source's crawl (read once it exists)."""
        if self.run is None:
            token = self.server.hget(RUNS_KEY, self.spider.target.name)
            self.run = token.decode() if token else None
        return self.run

    def followups(self, item) -> list:
        """Give fingerprint, serialized request pairs of the requests the item's page leads to."""
        pairs = []
        for entry in getattr(item, "discovered", ()):
            request = self.spider.request_for(entry)
            pairs += [self.dupefilter.request_fingerprint(request), dump_request(request.to_dict(spider=self.spider))]
        return pairs
