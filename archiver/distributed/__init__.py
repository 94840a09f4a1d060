"""Crawls spread over several workers on one Redis (scrapy-redis), stored by one ingester.

Workers (`archiver crawl TARGET --redis URL`) take requests from scrapy-redis's queue, fetch and
extract, and hand each result to the results list; `archiver ingest --redis URL` is the single
writer. Every key of a source lives under `archiver:<source>:`; see `RedisKeys`.

Nothing is lost: a popped request is leased (kept aside with a deadline) until its result is in
the results list, and a killed worker's leases go back to the queue when they run out. Nothing is
stored twice: the ingester moves results to a processing list (BLMOVE), stores them, commits, and
only then removes them; the archive remembers which URLs of a run it stored (`redis_results`).
"""

from __future__ import annotations

from dataclasses import dataclass

RUNS_KEY = "archiver:runs"  # hash: source name -> run token of its distributed crawl
RESULTS_KEY = "archiver:results"  # list of pickled Result, LPUSHed by workers
PROCESSING_KEY = "archiver:processing"  # results the ingester took and has not committed yet


@dataclass(frozen=True)
class RedisKeys:
    """The Redis keys of one source's distributed crawl."""

    source: str

    @property
    def requests(self) -> str:
        """scrapy-redis's request queue (a sorted set by priority)."""
        return f"archiver:{self.source}:requests"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis's request fingerprints (a set)."""
        return f"archiver:{self.source}:dupefilter"

    @property
    def leases(self) -> str:
        """Popped requests not yet handed over, scored by lease deadline (server time)."""
        return f"archiver:{self.source}:leases"

    @property
    def lease_urls(self) -> str:
        """URL -> leased request, to release a lease by the URL of its result."""
        return f"archiver:{self.source}:lease-urls"

    @property
    def attempts(self) -> str:
        """Leased request -> times its lease ran out."""
        return f"archiver:{self.source}:attempts"

    @property
    def lost(self) -> str:
        """Requests given up after ARCHIVER_REDIS_ATTEMPTS expired leases (kept for inspection)."""
        return f"archiver:{self.source}:lost"

    def all(self) -> tuple[str, ...]:
        """Give every key of the crawl (deleted when the ingester finishes it)."""
        return (self.requests, self.dupefilter, self.leases, self.lease_urls, self.attempts, self.lost)
