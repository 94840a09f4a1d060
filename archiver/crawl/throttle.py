"""AutoThrottle that learns from 304 Not Modified responses as it does from 200s.

Scrapy's AutoThrottle never lowers a site's delay on a response other than 200, because error pages
and redirects are small and fast and would talk it into hammering a failing server. A 304 to a
conditional request is neither: it is the server's full answer to the question asked, and its
latency is as good a measure of the server's load as a 200's. Without this, a recrawl made of 304s
keeps the start delay throughout and takes several times as long as the first crawl. Errors (4xx,
5xx) and redirects still never lower the delay, and a slow 304 raises it like a slow 200.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle

LATENCY_STATUSES = (200, 304)


class ArchiverThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, with a 304 counted as a latency sample like a 200."""

    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status in LATENCY_STATUSES and response.status != 200:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
        self.crawler.stats.set_value("archiver/throttle_delay", slot.delay)
