"""The single writer of a distributed crawl: results from Redis into the archive, each exactly once.

Reliable queue: a result is moved (BLMOVE) from the results list to the processing list, stored
with its WARC record in a transaction, committed, and only then removed from processing. A killed
ingester finds its uncommitted results in processing when it starts again; results it had
committed but not yet removed are recognised through `redis_results` and not stored again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from archiver.crawl.items import CaptureItem
from archiver.crawl.recorder import Recorder, write_exchange
from archiver.crawl.settings import ARCHIVER_SETTINGS
from archiver.distributed import PROCESSING_KEY, RESULTS_KEY, RUNS_KEY, RedisKeys
from archiver.distributed.leases import requeue_expired
from archiver.distributed.results import Result
from archiver.errors import ConfigError
from archiver.extract.timeutil import now_iso
from archiver.store import Archive
from archiver.store import distributed as ledger
from archiver.store.warcfiles import WarcWriter

WAIT_SECONDS = 1  # how long one BLMOVE waits for a result


def connect(redis_url: str) -> redis.Redis:
    """Give a client of the Redis at `redis_url`; ConfigError when it cannot be reached."""
    try:
        server = redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=10)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConfigError(
            f"cannot reach Redis at {redis_url}: {exc}", "start redis-server or check the redis://HOST:PORT/DB URL"
        ) from exc
    return server


@dataclass(frozen=True)
class IngestReport:
    """What one `archiver ingest` stored: results, results already stored, crawls finished."""

    stored: int
    repeated: int
    finished: tuple[int, ...]

    def summary(self) -> str:
        """Give the line printed by `archiver ingest`."""
        crawls = ", ".join(map(str, self.finished)) or "none"
        return f"ingested {self.stored} results ({self.repeated} already stored); crawls finished: {crawls}"


@dataclass
class RunState:
    """The crawl a Redis run is stored as, with its ingester and WARC file."""

    crawl_id: int
    source: str
    ingester: Recorder
    warc: WarcWriter


@dataclass
class Tally:
    stored: int = 0
    repeated: int = 0
    finished: list[int] = field(default_factory=list)


class RedisIngester:
    """Move results from Redis into one archive until the distributed crawls are quiet."""

    def __init__(self, server: redis.Redis, archive: Archive, warc_dir: Path, idle_time: float, batch_size: int = 200):
        self.server = server
        self.archive = archive
        self.warc_dir = warc_dir
        self.idle_time = idle_time
        self.batch_size = batch_size
        self.max_attempts = ARCHIVER_SETTINGS["ARCHIVER_REDIS_ATTEMPTS"][0]
        self.runs: dict[str, RunState] = {}
        self.tally = Tally()

    def run(self) -> IngestReport:
        """Store results until nothing is queued, leased or waiting for `idle_time`; give the report."""
        self.store_batch(self.server.lrange(PROCESSING_KEY, 0, -1))  # left by a killed ingester
        quiet_since = None
        while True:
            batch = self.take()
            if batch:
                self.store_batch(batch)
                quiet_since = None
                continue
            if not self.quiet():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= self.idle_time:
                self.finish_runs()
                break
        self.close()
        t = self.tally
        return IngestReport(t.stored, t.repeated, tuple(t.finished))

    def take(self) -> list[bytes]:
        """Give up to a batch of results, moved to the processing list (waits a second for the first)."""
        first = self.server.blmove(RESULTS_KEY, PROCESSING_KEY, WAIT_SECONDS, "RIGHT", "LEFT")
        if first is None:
            return []
        batch = [first]
        while len(batch) < self.batch_size:
            raw = self.server.lmove(RESULTS_KEY, PROCESSING_KEY, "RIGHT", "LEFT")
            if raw is None:
                break
            batch.append(raw)
        return batch

    def store_batch(self, batch: list[bytes]) -> None:
        """Store the results in one transaction, commit, then remove them from the processing list."""
        if not batch:
            return
        results = [Result.loads(raw) for raw in batch]
        for result in results:
            self.state(result)  # crawl rows are made in their own transactions
        self.archive.begin()
        for result in results:
            self.store(result)
        for state in self.runs.values():
            state.warc.flush()
        self.archive.commit()
        self.record_counts("running", None)
        pipe = self.server.pipeline(transaction=True)
        for raw in batch:
            pipe.lrem(PROCESSING_KEY, 1, raw)
        pipe.execute()

    def store(self, result: Result) -> None:
        """Store one result unless its URL's result is stored in the run already."""
        state = self.runs[result.run]
        item = result.item
        if not ledger.mark_stored(self.archive.conn, state.crawl_id, item.url):
            self.tally.repeated += 1
            return
        location = None
        if isinstance(item, CaptureItem):
            location = write_exchange(state.warc, item)
        state.ingester.store(item, location)
        self.tally.stored += 1

    def state(self, result: Result) -> RunState:
        """Give the run's crawl, opening it at the run's first result."""
        if result.run not in self.runs:
            now = now_iso()
            source = self.archive.ensure_source(result.source, result.source_url, result.source_config, now)
            crawl_id = ledger.run_crawl_id(self.archive.conn, result.run)
            if crawl_id is None:
                crawl_id = self.archive.start_crawl(source.id, now, result.source_config)
                with self.archive.batch():
                    ledger.add_run(self.archive.conn, result.run, crawl_id)
            counts = self.archive.crawl(crawl_id).counts
            stamp = now[:19].replace("-", "").replace(":", "")
            # The crawl's own gzip level: zlib's default level took 5-6 ms a record, a third of a result's time.
            level = ARCHIVER_SETTINGS["ARCHIVER_WARC_GZIP_LEVEL"][0]
            warc = WarcWriter(self.warc_dir, f"redis-{crawl_id:06d}-{stamp}.warc.gz", level)
            self.runs[result.run] = RunState(
                crawl_id, result.source, Recorder(self.archive, source.id, crawl_id, counts), warc
            )
        return self.runs[result.run]

    def record_counts(self, status: str, finished_at: str | None) -> None:
        """Record every open run's counts (and status) in its crawls row."""
        for state in self.runs.values():
            counts = state.ingester.counts
            counts.discovered = self.server.scard(RedisKeys(state.source).dupefilter)
            self.archive.finish_crawl(state.crawl_id, status, counts, finished_at)

    def quiet(self) -> bool:
        """Tell whether no result waits and no source has requests queued or leased."""
        for source in self.server.hkeys(RUNS_KEY):
            keys = RedisKeys(source.decode())
            requeue_expired(self.server, keys, self.max_attempts)  # a killed worker's requests
            if self.server.zcard(keys.requests) or self.server.zcard(keys.leases):
                return False
        return not self.server.llen(RESULTS_KEY) and not self.server.llen(PROCESSING_KEY)

    def finish_runs(self) -> None:
        """Mark the quiet runs' crawls finished and clear their Redis keys (the next seed starts anew)."""
        self.record_counts("finished", now_iso())
        self.tally.finished += [state.crawl_id for state in self.runs.values()]
        for source, run in self.server.hgetall(RUNS_KEY).items():
            crawl_id = ledger.run_crawl_id(self.archive.conn, run.decode())
            if crawl_id is not None and crawl_id not in self.tally.finished:  # stored by an earlier ingester
                self.archive.finish_crawl(crawl_id, "finished", self.archive.crawl(crawl_id).counts, now_iso())
                self.tally.finished.append(crawl_id)
            self.server.delete(*RedisKeys(source.decode()).all())
            self.server.hdel(RUNS_KEY, source)

    def close(self) -> None:
        for state in self.runs.values():
            state.warc.close()


def ingest_from_redis(redis_url: str, db_path: Path, idle_time: float, warc_dir: Path | None = None) -> IngestReport:
    """Store the results of the distributed crawls on `redis_url` into the archive at `db_path`."""
    server = connect(redis_url)
    with Archive(db_path) as archive:
        ingester = RedisIngester(server, archive, warc_dir or db_path.parent / "warcs", idle_time)
        return ingester.run()
