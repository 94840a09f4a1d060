"""The crawl's throttle: a recrawl's 304s speed it up, while errors and slow answers still slow it down,
and a fast site is held to the target number of requests in flight instead of spaced by timers."""

from __future__ import annotations

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from archiver.crawl import settings as defaults
from archiver.crawl.throttle import PACING_FLOOR, ArchiverThrottle

START = defaults.AUTOTHROTTLE_START_DELAY
PER_SITE = defaults.CONCURRENT_REQUESTS_PER_DOMAIN
TARGET = defaults.AUTOTHROTTLE_TARGET_CONCURRENCY


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


def answered(ext: ArchiverThrottle, slot: Slot, status: int, latency: float, answers: int = 20) -> Slot:
    """Give the slot after `answers` responses of one status and latency."""
    for _ in range(answers):
        ext._adjust_delay(slot, latency, Response("http://127.0.0.1/a/", status=status))
    return slot


def new_slot() -> Slot:
    return Slot(concurrency=PER_SITE, delay=START, jitter=0)


def delay_after(status: int, latency: float, answers: int = 20) -> float:
    """Give the delay the throttle computes for a site after `answers` responses of one status and
    latency, from the start delay."""
    ext, slot = throttle(), new_slot()
    answered(ext, slot, status, latency, answers)
    return ext.pacing[slot].delay


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


@pytest.mark.parametrize("status", [200, 304])
def test_a_fast_site_is_held_to_the_target_requests_in_flight_not_spaced(status):
    slot = answered(throttle(), new_slot(), status, 0.002)
    assert slot.delay == 0  # no timer between requests
    assert slot.concurrency == TARGET < PER_SITE


def test_a_site_that_slows_down_is_spaced_again_with_its_own_concurrency():
    ext, slot = throttle(), new_slot()
    answered(ext, slot, 304, 0.002)
    answered(ext, slot, 200, 1.0, answers=1)  # one slow answer is enough to space requests again
    assert slot.delay == pytest.approx(1.0 / TARGET) and slot.delay > PACING_FLOOR
    assert slot.concurrency == PER_SITE


@pytest.mark.parametrize("status", [404, 500, 503])
def test_a_site_failing_fast_keeps_its_spacing(status):
    slot = answered(throttle(), new_slot(), status, 0.002)
    assert slot.delay == START and slot.concurrency == PER_SITE
