"""scrapy-redis's priority queue with leases: a popped request stays in Redis until its result is in."""

from __future__ import annotations

from scrapy_redis.queue import PriorityQueue

from archiver.distributed import RedisKeys
from archiver.distributed.scripts import CLAIM_URL, POP_AND_LEASE, RELEASE_URLS, REQUEUE_EXPIRED


def lease_url(request) -> str:
    """Give the URL a request's result will carry: the first URL of a redirect chain."""
    return request.meta.get("redirect_urls", [request.url])[0]


class LeasedQueue(PriorityQueue):
    """The request queue of one source; pop() leases instead of deleting.

    scrapy-redis pops destructively, so a worker killed between pop and result would lose the
    request; here it sits in the leases set until the result pipeline releases it, and
    `requeue_expired()` gives it back to the queue when its lease runs out.
    """

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.keys = RedisKeys(spider.target.name)
        self.lease_seconds = spider.settings.getint("ARCHIVER_REDIS_LEASE")
        self.max_attempts = spider.settings.getint("ARCHIVER_REDIS_ATTEMPTS")
        self._pop = server.register_script(POP_AND_LEASE)
        self._claim = server.register_script(CLAIM_URL)
        self._release = server.register_script(RELEASE_URLS)
        self._requeue = server.register_script(REQUEUE_EXPIRED)

    def pop(self, timeout=0):
        """Give the best request, leased to this worker, or None when the queue is empty."""
        data = self._pop(keys=[self.key, self.keys.leases], args=[self.lease_seconds])
        if not data:
            return None
        request = self._decode_request(data)
        self._claim(keys=[self.keys.leases, self.keys.lease_urls], args=[lease_url(request), data])
        return request

    def release(self, urls: list[str]) -> None:
        """Drop the leases of these URLs (a redirect to a page already seen gives no result)."""
        self._release(keys=[self.keys.leases, self.keys.lease_urls], args=urls)

    def outstanding(self) -> int:
        """Give the number of requests queued or being fetched by any worker."""
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.key).zcard(self.keys.leases)
        return sum(pipe.execute())

    def requeue_expired(self) -> int:
        """Give expired leases back to the queue; give how many there were."""
        return requeue_expired(self.server, self.keys, self.max_attempts)


def requeue_expired(server, keys: RedisKeys, max_attempts: int) -> int:
    """Give the expired leases of a source back to its queue; give how many there were."""
    script = server.register_script(REQUEUE_EXPIRED)
    return script(keys=[keys.leases, keys.requests, keys.attempts, keys.lost], args=[max_attempts])
