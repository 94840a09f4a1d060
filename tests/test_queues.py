"""Queued requests are kept as small tuples and come back as the same requests."""

import sys
from types import SimpleNamespace

import scrapy

from archiver.crawl.queues import CompactFifoQueue, CompactQueue
from archiver.store.frontier import FrontierEntry
from spiders.news import NewsSpider

SITE = "http://127.0.0.1:9/"


def queue_with_spider(cls=CompactQueue):
    spider = NewsSpider(url=SITE)
    return cls(SimpleNamespace(spider=spider)), spider


def same_request(a: scrapy.Request, b: scrapy.Request) -> bool:
    return (a.url, a.method, a.callback, a.errback, a.meta, a.priority, a.headers, a.dont_filter) == (
        b.url,
        b.method,
        b.callback,
        b.errback,
        b.meta,
        b.priority,
        b.headers,
        b.dont_filter,
    )


def test_the_spiders_requests_wait_as_tuples_and_come_back_the_same():
    queue, spider = queue_with_spider()
    entries = [FrontierEntry(f"{SITE}a/{i}.html", "page", 2) for i in range(3)]
    entries += [FrontierEntry(f"{SITE}sitemap.xml", "sitemap", 0), FrontierEntry(f"{SITE}robots.txt", "robots", 0)]
    originals = [spider.request_for(e) for e in entries]
    originals[0].headers[b"Referer"] = f"{SITE}section/".encode()  # as Scrapy's RefererMiddleware sets it
    for request in originals:
        queue.push(request)
    assert len(queue) == 5
    assert all(isinstance(item, tuple) for item in queue._items)
    # A tuple of short strings and an int: far smaller than the request it stands for.
    assert sys.getsizeof(queue._items[0]) < 100
    assert same_request(queue.peek(), originals[-1])
    popped = [queue.pop() for _ in range(5)]
    assert queue.pop() is None and len(queue) == 0
    assert all(same_request(a, b) for a, b in zip(popped, reversed(originals)))
    assert popped[-1].headers[b"Referer"] == f"{SITE}section/".encode()


def test_start_requests_come_back_in_order():
    queue, spider = queue_with_spider(CompactFifoQueue)
    originals = [spider.request_for(FrontierEntry(f"{SITE}{i}", "page", 0)) for i in range(4)]
    for request in originals:
        request.meta["is_start_request"] = True  # as Scrapy marks them
    for request in originals:
        queue.push(request)
    assert all(isinstance(item, tuple) for item in queue._items)
    popped = [queue.pop() for _ in range(4)]
    assert all(same_request(a, b) for a, b in zip(popped, originals))


def test_retries_redirects_and_changed_requests_are_kept_whole():
    queue, spider = queue_with_spider()

    def plain():
        return spider.request_for(FrontierEntry(f"{SITE}a.html", "page", 1))

    assert isinstance(spider.compact_request(plain()), tuple)
    retry = plain().replace(dont_filter=True, priority=-1)
    redirected = plain()
    redirected.meta["redirect_urls"] = [f"{SITE}old.html"]
    with_header = plain().replace(headers={"If-None-Match": '"x"'})
    foreign = scrapy.Request(f"{SITE}c.html")
    for request in (retry, redirected, with_header, foreign):
        queue.push(request)
    assert all(isinstance(item, scrapy.Request) for item in queue._items)
    assert queue.pop() is foreign and queue.pop() is with_header
    assert queue.pop() is redirected and queue.pop() is retry


def test_requests_from_one_page_share_one_referer_while_queued_and_each_gets_its_own_back():
    queue, spider = queue_with_spider()
    referers = [f"{SITE}sitemap.xml"] * 3 + [f"{SITE}list/1.html"] * 2
    for i, referer in enumerate(referers):
        request = spider.request_for(FrontierEntry(f"{SITE}a/{i}.html", "page", 1))
        request.headers[b"Referer"] = referer.encode()  # a new bytes object each time, as Scrapy sets it
        queue.push(request)
    kept = [item[3] for item in queue._items]
    assert kept[0] is kept[1] is kept[2] and kept[3] is kept[4] and kept[2] is not kept[3]
    popped = [queue.pop() for _ in range(5)]
    assert [r.headers[b"Referer"].decode() for r in popped] == referers[::-1]
    assert [r.url for r in popped] == [f"{SITE}a/{i}.html" for i in range(5)][::-1]
