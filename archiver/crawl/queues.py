"""In-memory request queues that keep the news spider's own requests as small tuples.

A sitemap can list 100,000 URLs at once. Kept as Scrapy Request objects (headers, meta, callbacks)
they would take a few hundred megabytes; pickled to a disk queue they cost CPU on every page. The
spider's plain requests are fully described by their URL, kind, depth, referer and whether they
are start requests: the queue keeps that and builds the request again when the scheduler takes it
out. Any other request (a retry, a redirect, a request a middleware changed) is kept as it is.
"""

from __future__ import annotations

from collections import deque

from scrapy import Request


class CompactQueue:
    """A LIFO queue of requests (Scrapy's default order for crawl requests)."""

    lifo = True

    def __init__(self, crawler):
        self.crawler = crawler
        self._items: deque = deque()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        return cls(crawler)

    def _spider(self):
        return self.crawler.spider

    def push(self, request: Request) -> None:
        compact = getattr(self._spider(), "compact_request", None)
        entry = compact(request) if compact else None
        self._items.append(request if entry is None else entry)

    def _expand(self, item) -> Request:
        return item if isinstance(item, Request) else self._spider().expand_request(item)

    def pop(self) -> Request | None:
        if not self._items:
            return None
        return self._expand(self._items.pop() if self.lifo else self._items.popleft())

    def peek(self) -> Request | None:
        if not self._items:
            return None
        return self._expand(self._items[-1] if self.lifo else self._items[0])

    def close(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class CompactFifoQueue(CompactQueue):
    """A FIFO queue of requests (Scrapy's order for start requests)."""

    lifo = False
