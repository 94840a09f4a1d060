"""The ceiling of a distributed crawl: how many workers one archive's ingester can keep up with.

On a real redis-server (Debian's, started on a free loopback port, no persistence), one worker
(`archiver crawl URL --redis`) crawls the whole bench site with nobody ingesting, so its results
pile up in Redis; then `archiver ingest` stores them all into a fresh archive with nothing
crawling. Each rate is read from Redis's results list, polled every POLL seconds: the worker's
from its first result to its last, the ingester's from its first committed batch to its last (so
neither counts its start-up nor its idle wait before exiting). One archive absorbs about
ingester rate / worker rate workers, each worker on a machine like this one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from benchmarks.site import free_port

POLL = 0.1
IDLE_SECONDS = "1"  # a worker's and the ingester's wait before exiting, with nothing left to do


@dataclass(frozen=True)
class Progress:
    """A count polled over time: when it first and last moved, and how far."""

    first_time: float
    first_count: int
    last_time: float
    last_count: int

    @property
    def rate(self) -> float:
        seconds = self.last_time - self.first_time
        return (self.last_count - self.first_count) / seconds if seconds > 0 else 0.0


@dataclass(frozen=True)
class Ceiling:
    """One worker's crawl rate, the ingester's rate alone, results handed over and stored."""

    worker: Progress
    ingester: Progress
    results: int
    ingested: str

    def lines(self) -> list[str]:
        absorbed = self.ingester.rate / self.worker.rate if self.worker.rate else 0.0
        return [
            f"distributed crawl on redis-server: one worker {self.worker.rate:.1f} results/s ({self.results} results "
            "queued, first to last, nobody ingesting)",
            f"   the ingester alone {self.ingester.rate:.1f} results/s into a fresh archive (results already queued, "
            f"nothing crawling; {self.ingested})",
            f"   workers one archive absorbs: {absorbed:.1f} (ingester rate / worker rate)",
        ]


class RedisServer:
    """Debian's redis-server on a free loopback port, without persistence, stopped by the bench."""

    def __init__(self, folder: Path):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise SystemExit("bench: redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = redis.Redis(port=self.port)
        self.wait_ready()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def wait_ready(self) -> None:
        for _ in range(200):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("bench: redis-server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def archiver_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("archiver")), *args]


def watched(command: list[str], count) -> tuple[Progress, str]:
    """Run a command to its end, polling `count()`; give when and how far it moved, and its stdout."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []
    while proc.poll() is None:
        now, value = time.monotonic(), count()
        if not samples or value != samples[-1][1]:
            samples.append((now, value))
        time.sleep(POLL)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[1:3])} failed: {err.strip()[-500:]}")
    moved = samples[1:] or samples
    return Progress(moved[0][0], moved[0][1], moved[-1][0], moved[-1][1]), out.strip()


def distributed_ceiling(base: str, settings: dict[str, str], work: Path) -> Ceiling:
    """Seed the site's crawl, let one worker crawl it all, then time the ingester alone."""
    work.mkdir(parents=True, exist_ok=True)
    server = RedisServer(work)
    try:
        sets = [x for k, v in settings.items() for x in ("--set", f"{k}={v}")]
        redis_url = ["--redis", server.url]
        subprocess.run(archiver_command("crawl", base, *redis_url, "--seed"), check=True, capture_output=True)
        worker_command = archiver_command(
            "crawl", base, *redis_url, *sets, "--set", f"ARCHIVER_REDIS_IDLE={IDLE_SECONDS}"
        )
        worker, _ = watched(worker_command, lambda: server.client.llen("archiver:results"))
        results = server.client.llen("archiver:results")
        db = work / "ingested.db"
        for stale in (db, *work.glob("ingested.db-*")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(work / "warcs", ignore_errors=True)
        left = lambda: server.client.llen("archiver:results") + server.client.llen("archiver:processing")  # noqa: E731
        ingester, summary = watched(
            archiver_command("ingest", *redis_url, "--db", str(db), "--idle", IDLE_SECONDS), left
        )
    finally:
        server.stop()
    # The ingester's count goes down: its progress is how many it took off.
    stored = Progress(
        ingester.first_time, results - ingester.first_count, ingester.last_time, results - ingester.last_count
    )
    return Ceiling(worker, stored, results, summary)
