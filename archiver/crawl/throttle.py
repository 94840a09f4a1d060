"""AutoThrottle that learns from 304 Not Modified responses as it does from 200s, and keeps a fast
site's few requests in flight by their number rather than by spacing them.

Scrapy's AutoThrottle never lowers a site's delay on a response other than 200, because error pages
and redirects are small and fast and would talk it into hammering a failing server. A 304 to a
conditional request is neither: it is the server's full answer to the question asked, and its
latency is as good a measure of the server's load as a 200's. Without this, a recrawl made of 304s
keeps the start delay throughout and takes several times as long as the first crawl. Errors (4xx,
5xx) and redirects still never lower the delay, and a slow 304 raises it like a slow 200.

AutoThrottle aims at AUTOTHROTTLE_TARGET_CONCURRENCY requests in flight: it spaces requests by
latency / target. When a site answers in a few milliseconds, that spacing is shorter than the crawl
process's own work on a response, and Scrapy still sends such a slot's requests one timer at a
time: a recrawl of 304s then ran with one or two requests in flight and the crawl process idle
between them, twice as long as with the same requests unthrottled. Below PACING_FLOOR the throttle
therefore holds the slot to the target number of requests in flight, with no spacing: the same
load on the server (target requests at a time, which spacing by latency / target only gives on
average), without the timers. As soon as the site slows down or fails, its delay rises past the
floor and requests are spaced again, with the site's configured concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.extensions.throttle import AutoThrottle

LATENCY_STATUSES = (200, 304)
# Seconds: a delay below this is kept as a limit of requests in flight, not as spacing. A site must
# answer in under 4 x 10 ms for it to apply (at the default target of 4): a local or cached server,
# never one under load.
PACING_FLOOR = 0.01


def next_delay(
    delay: float, latency: float, target_concurrency: float, bounds: tuple[float, float], lowers: bool
) -> float:
    """Give AutoThrottle's next delay of a site after a response of `latency` seconds: halfway to
    latency / target, at once to it when that is longer, within `bounds` (min, max); a response that
    may not lower it (`lowers` false: errors, redirects) leaves a shorter result unused."""
    target = latency / target_concurrency
    wanted = min(max(bounds[0], max(target, (delay + target) / 2.0)), bounds[1])
    return wanted if lowers or wanted > delay else delay


@dataclass
class Pacing:
    """What the throttle keeps of one downloader slot: its delay as AutoThrottle computes it (the
    slot's own delay is 0 while it is paced by requests in flight) and the concurrency it was given."""

    delay: float
    concurrency: int


class ArchiverThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, with a 304 counted as a latency sample like a 200, and a delay under
    PACING_FLOOR kept as a limit of AUTOTHROTTLE_TARGET_CONCURRENCY requests in flight."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.in_flight = max(1, round(self.target_concurrency))
        # By slot object (Scrapy's slots take no attributes of ours). A crawl covers one source's few
        # hosts, and Scrapy makes a new slot for a host only after a minute idle: a handful of entries.
        self.pacing: dict[object, Pacing] = {}

    def _adjust_delay(self, slot, latency: float, response) -> None:
        pacing = self.pacing.get(slot)
        if pacing is None:
            pacing = self.pacing[slot] = Pacing(slot.delay, slot.concurrency)
        lowers = response.status in LATENCY_STATUSES
        pacing.delay = next_delay(
            pacing.delay, latency, self.target_concurrency, (self.mindelay, self.maxdelay), lowers
        )
        fast = pacing.delay < PACING_FLOOR
        slot.delay = 0.0 if fast else pacing.delay
        slot.concurrency = min(self.in_flight, pacing.concurrency) if fast else pacing.concurrency
