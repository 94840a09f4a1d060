"""scrapy-redis's scheduler for our workers: leased pops, seeding, and exit after an idle time."""

from __future__ import annotations

import secrets
import time

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from archiver.distributed import RUNS_KEY
from archiver.distributed.leases import lease_url

# How often an idle worker asks Redis for work (Scrapy's own heartbeat is 5 s).
POLL_SECONDS = 0.25
REQUEUE_EVERY = 2.0


class RedisScheduler(Scheduler):
    """Schedule through Redis; with ARCHIVER_REDIS_SEED only enqueue the start requests.

    A worker keeps going while any worker has requests queued or leased, and stops after
    ARCHIVER_REDIS_IDLE seconds of an empty frontier. Requests are only enqueued while the
    source's run exists (seeded and not yet finished by the ingester), so a worker started
    after the end does not begin a new crawl by itself.
    """

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("RedisScheduler needs REDIS_URL")
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.seed_only = crawler.settings.getbool("ARCHIVER_REDIS_SEED")
        scheduler.idle_time = crawler.settings.getfloat("ARCHIVER_REDIS_IDLE")
        scheduler.idle_since = None
        scheduler.last_requeue = 0.0
        return scheduler

    def open(self, spider):
        # scrapy-redis's open() and enqueue_request() use deprecated Scrapy calls (Spider.log,
        # stats with a spider argument); these do the same without them.
        self.spider = spider
        self.source = spider.target.name
        self.queue = load_object(self.queue_cls)(
            self.server, spider, self.queue_key % {"spider": spider.name}, self.serializer
        )
        self.df = self.df or load_object(self.dupefilter_cls).from_spider(spider)
        if self.seed_only:
            self.server.hsetnx(RUNS_KEY, self.source, secrets.token_hex(8))

    def run_active(self) -> bool:
        """Tell whether the source's distributed crawl is seeded and not finished."""
        return bool(self.server.hexists(RUNS_KEY, self.source))

    def enqueue_request(self, request):
        if not self.run_active():
            return False
        added = request.dont_filter or not self.df.request_seen(request)
        if added:
            self.queue.push(request)
            self.stats.inc_value("scheduler/enqueued/redis")
        if not added and "redirect_urls" in request.meta:
            # The redirect target was seen before: no result will come for this chain.
            self.queue.release([lease_url(request)])
        return added

    def next_request(self):
        if self.seed_only:
            return None
        self.requeue_now_and_then()
        request = self.queue.pop()
        if request is None:
            self.poll_soon()
        elif self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def requeue_now_and_then(self) -> None:
        """Give expired leases (a killed worker's) back to the queue, every few seconds."""
        if time.monotonic() - self.last_requeue > REQUEUE_EVERY:
            self.last_requeue = time.monotonic()
            self.queue.requeue_expired()

    def poll_soon(self) -> None:
        # Other workers may enqueue at any moment; without this an idle worker would wait for
        # the engine's 5-second heartbeat.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule(POLL_SECONDS)

    def has_pending_requests(self) -> bool:
        if self.seed_only:
            return False
        if self.queue.outstanding():
            self.idle_since = None
            return True
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        return now - self.idle_since < self.idle_time
