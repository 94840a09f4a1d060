"""Crawls spread over workers on a real redis-server: every article once, kills lose nothing."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
import redis
import sqlite_utils

from archiver.demo import DemoSite
from archiver.distributed import PROCESSING_KEY, RESULTS_KEY, RUNS_KEY
from archiver.distributed.ingester import RedisIngester
from archiver.store import Archive

from .helpers import ARCHIVER, free_port, require, run_cli

# Workers stop 2 s after the frontier empties. A lease of 3 s gives a killed worker's pages back
# quickly; where no worker is killed, leases are long enough that a page slowed by a loaded machine
# is not fetched twice (a lease that ran out let a second worker fetch the page and the first one's
# late result release the second's lease, so the ingester could finish before the second result).
IDLE = ("--set", "ARCHIVER_REDIS_IDLE=2")
KILL_LEASE, LEASE = 3, 60


@pytest.fixture(scope="module")
def redis_server():
    """Debian's redis-server on a free loopback port, without persistence; gives its base URL."""
    binary = require("/usr/bin/redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server):
    """An empty Redis database for one test."""
    url = redis_server + "/0"
    redis.Redis.from_url(url).flushdb()
    return url


def worker(site_url: str, redis_url: str, lease: int = LEASE) -> subprocess.Popen:
    return subprocess.Popen(
        [ARCHIVER, "crawl", site_url, "--redis", redis_url, *IDLE, "--set", f"ARCHIVER_REDIS_LEASE={lease}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ingester(redis_url: str, db) -> subprocess.Popen:
    return subprocess.Popen(
        [ARCHIVER, "ingest", "--redis", redis_url, "--db", str(db), "--idle", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def seed(site_url: str, redis_url: str) -> None:
    result = run_cli("crawl", site_url, "--redis", redis_url, "--seed")
    assert result.returncode == 0, result.stderr
    assert "seeded" in result.stdout


def finish(*procs: subprocess.Popen) -> list[str]:
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def assert_archived_once(db, site_url: str) -> None:
    """Every demo article is in the archive once, every URL captured once, the crawl finished."""
    archive = sqlite_utils.Database(db)
    expected = {site_url.rstrip("/") + a.url_path for a in DemoSite().articles}
    assert {row["url"] for row in archive["articles"].rows} == expected
    repeated = list(archive.query("SELECT url, count(*) AS n FROM captures GROUP BY url HAVING n > 1"))
    assert repeated == []
    versions = list(
        archive.query("SELECT article_id, count(*) AS n FROM article_versions GROUP BY article_id HAVING n > 1")
    )
    assert versions == []
    crawls = list(archive["crawls"].rows)
    assert [c["status"] for c in crawls] == ["finished"]
    assert crawls[0]["articles_new"] == len(expected)


def assert_redis_cleared(redis_url: str) -> None:
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_two_workers_and_one_ingester_archive_every_article_once(demo_site, redis_url, tmp_path):
    db = tmp_path / "archive.db"
    seed(demo_site.url, redis_url)
    procs = [worker(demo_site.url, redis_url), worker(demo_site.url, redis_url), ingester(redis_url, db)]
    outputs = finish(*procs)
    handed = [int(out.split(": ")[1].split()[0]) for out in outputs[:2]]
    assert all(n > 0 for n in handed), outputs  # both workers took part
    # A result handed over twice (a lease that ran out on a loaded machine) is stored once.
    stored = int(outputs[2].split("ingested ")[1].split()[0])
    again = int(outputs[2].split("(")[1].split()[0]) if "already stored" in outputs[2] else 0
    assert stored + again == sum(handed), outputs[2]
    assert_archived_once(db, demo_site.url)
    assert_redis_cleared(redis_url)


def test_a_worker_killed_mid_crawl_and_restarted_loses_nothing(demo_site, redis_url, tmp_path):
    db = tmp_path / "archive.db"
    seed(demo_site.url, redis_url)
    server = redis.Redis.from_url(redis_url)
    first = worker(demo_site.url, redis_url, KILL_LEASE)
    wait_for(lambda: server.llen(RESULTS_KEY) >= 40)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    leased = server.zcard("archiver:127.0.0.1:leases") + server.zcard("archiver:127.0.0.1:requests")
    assert leased > 0  # the kill left work behind
    finish(worker(demo_site.url, redis_url, KILL_LEASE), ingester(redis_url, db))
    assert_archived_once(db, demo_site.url)
    assert_redis_cleared(redis_url)


def test_the_ingester_killed_and_restarted_loses_nothing(demo_site, redis_url, tmp_path):
    db = tmp_path / "archive.db"
    seed(demo_site.url, redis_url)
    finish(worker(demo_site.url, redis_url))
    server = redis.Redis.from_url(redis_url)
    first = ingester(redis_url, db)
    wait_for(lambda: server.llen(PROCESSING_KEY) > 0)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert server.llen(PROCESSING_KEY) > 0
    finish(ingester(redis_url, db))
    assert_archived_once(db, demo_site.url)
    assert_redis_cleared(redis_url)


def test_results_committed_but_not_removed_are_not_stored_twice(demo_site, redis_url, tmp_path):
    db = tmp_path / "archive.db"
    seed(demo_site.url, redis_url)
    finish(worker(demo_site.url, redis_url))
    server = redis.Redis.from_url(redis_url)
    with Archive(db) as archive:
        ingest = RedisIngester(server, archive, tmp_path / "warcs", idle_time=0.5)
        batch = ingest.take()
        ingest.store_batch(batch)
        server.rpush(PROCESSING_KEY, *batch)  # as if killed after COMMIT, before LREM
        report = ingest.run()
    assert report.repeated == len(batch)
    assert_archived_once(db, demo_site.url)
    assert not server.hlen(RUNS_KEY)


def test_seed_needs_redis_and_an_unreachable_redis_is_one_line(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--seed", cwd=tmp_path)
    assert result.returncode == 2 and "--seed needs --redis" in result.stderr
    result = run_cli("ingest", "--redis", f"redis://127.0.0.1:{free_port()}/0", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2 and "cannot reach Redis" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
