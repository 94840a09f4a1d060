"""The crawl's throttle: a recrawl's 304s speed it up, while errors and slow answers still slow it down."""

from __future__ import annotations

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from archiver.crawl import settings as defaults
from archiver.crawl.throttle import ArchiverThrottle

START = defaults.AUTOTHROTTLE_START_DELAY


def throttle() -> ArchiverThrottle:
    """Give the throttle as a crawl with the product's default settings builds it."""
    names = (
        "AUTOTHROTTLE_ENABLED",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "DOWNLOAD_DELAY",
    )
    crawler = get_crawler(settings_dict={name: getattr(defaults, name) for name in names})
    crawler.stats.open_spider()
    ext = ArchiverThrottle.from_crawler(crawler)
    ext.mindelay, ext.maxdelay = ext._min_delay(), ext._max_delay()
    return ext


def delay_after(status: int, latency: float, answers: int = 20) -> float:
    """Give a site's delay after `answers` responses of one status and latency, from the start delay."""
    ext, slot = throttle(), Slot(concurrency=8, delay=START, jitter=0)
    for _ in range(answers):
        ext._adjust_delay(slot, latency, Response("http://127.0.0.1/a/", status=status))
    return slot.delay


def test_the_defaults_use_this_throttle_not_scrapys():
    assert defaults.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "archiver.crawl.throttle.ArchiverThrottle" in defaults.EXTENSIONS
    assert defaults.AUTOTHROTTLE_ENABLED


def test_fast_304s_lower_the_delay_as_fast_200s_do():
    assert delay_after(304, 0.01) == pytest.approx(delay_after(200, 0.01))
    assert delay_after(304, 0.01) < START / 100


@pytest.mark.parametrize("status", [301, 404, 429, 500, 503])
def test_fast_errors_and_redirects_never_lower_the_delay(status):
    assert delay_after(status, 0.01) == START


@pytest.mark.parametrize("status", [200, 304, 503])
def test_a_slow_server_raises_the_delay_whatever_it_answers(status):
    slow = delay_after(status, 8.0)
    assert slow > START and slow == pytest.approx(8.0 / defaults.AUTOTHROTTLE_TARGET_CONCURRENCY)
