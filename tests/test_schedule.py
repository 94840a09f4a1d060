"""Schedule logic with an injected clock and fake crawl processes: no waiting, no network."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from archiver.config import check_cron
from archiver.errors import ConfigError
from archiver.schedule.book import ScheduleBook
from archiver.schedule.cron import due_slot, latest_slot, next_run
from archiver.schedule.loop import Scheduler
from archiver.schedule.status import format_status, schedule_status
from archiver.store import Archive
from archiver.store.health import RunStats, run_flags, source_health
from archiver.store.locks import LockHeld, acquire, hand_over, holder, release

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeCrawl:
    """A crawl 'process' that runs until the test ends it, writing a crawls row like a real one."""

    def __init__(self, launcher: FakeLauncher, name: str, pid: int):
        self.launcher, self.name, self.pid, self.code = launcher, name, pid, None
        self.crawl_id = None

    def begin(self, archive: Archive, now: datetime) -> None:
        source_id = archive.source(self.name).id
        cur = archive.conn.execute(
            "INSERT INTO crawls (source_id, started_at, status, pid) VALUES (?, ?, 'running', ?)",
            (source_id, now.isoformat(), self.pid),
        )
        self.crawl_id = cur.lastrowid

    def end(self, archive: Archive, now: datetime, status: str = "finished", code: int = 0, **counts) -> None:
        if self.crawl_id is not None:
            sets = "".join(f", {k} = {int(v)}" for k, v in counts.items())
            archive.conn.execute(
                f"UPDATE crawls SET status = ?, finished_at = ?{sets} WHERE id = ?",
                (status, now.isoformat(), self.crawl_id),
            )
        self.code = code

    def poll(self):
        return self.code

    def terminate(self):
        self.launcher.terminated.append(self.pid)

    def kill(self):
        self.code = -9

    def tail(self):
        return "Error: something broke" if self.code else ""


class FakeLauncher:
    def __init__(self):
        self.started: list[FakeCrawl] = []
        self.terminated: list[int] = []

    def start(self, name: str) -> FakeCrawl:
        crawl = FakeCrawl(self, name, 4_000_000 + len(self.started))
        self.started.append(crawl)
        return crawl

    def alive(self, pid: int) -> bool:
        fakes = {c.pid: c for c in self.started}
        return fakes[pid].code is None if pid in fakes else pid_alive_real(pid)


def pid_alive_real(pid: int) -> bool:
    from archiver.store.locks import pid_alive

    return pid_alive(pid)


def write_config(path: Path, cron: str = "*/5 * * * *", enabled: bool = True, name: str = "courier") -> Path:
    path.write_text(
        f'[sources.{name}]\nurl = "https://courier.example.org/"\nschedule = "{cron}"\n'
        f"enabled = {'true' if enabled else 'false'}\n"
    )
    return path


@pytest.fixture
def setup(tmp_path):
    config = write_config(tmp_path / "archiver.toml")
    archive = Archive(tmp_path / "archive.db")
    clock = Clock()
    launcher = FakeLauncher()
    lines: list[str] = []
    scheduler = Scheduler(config, ScheduleBook(archive, "testhost", launcher.alive), launcher, clock, lines.append)
    yield scheduler, archive, clock, launcher, lines
    archive.close()


def crawls(archive: Archive) -> list[dict]:
    return list(sqlite_utils.Database(archive.conn).query("SELECT * FROM crawls ORDER BY id"))


# -- cron -------------------------------------------------------------------------------------


def test_cron_next_run_and_missed_times_make_one_run():
    assert next_run("*/5 * * * *", T0) == T0 + timedelta(minutes=5)
    assert due_slot("*/5 * * * *", T0, T0 + timedelta(minutes=4, seconds=59)) is None
    # Three hours down: one run, standing for the latest missed time.
    assert due_slot("*/5 * * * *", T0, T0 + timedelta(hours=3, minutes=2)) == T0 + timedelta(hours=3)
    assert latest_slot("* * * * * */15", T0 + timedelta(seconds=44)) == T0 + timedelta(seconds=30)


@pytest.mark.parametrize("bad", ["", "61 * * * *", "every hour", 5])
def test_bad_cron_names_the_key(bad):
    with pytest.raises(ConfigError, match=r"sources\.x\.schedule"):
        check_cron(bad, "sources.x.schedule")


# -- locks ------------------------------------------------------------------------------------


def test_lock_is_exclusive_reentrant_taken_over_from_the_dead_and_handed_over(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        conn, alive = archive.conn, {1: True, 2: True, 3: True}.get
        lock = acquire(conn, "source:x", 1, "h", "t1", alive)
        assert acquire(conn, "source:x", 1, "h", "t2", alive) == lock  # the holder itself
        with pytest.raises(LockHeld, match="pid 1 on h"):
            acquire(conn, "source:x", 2, "h", "t2", alive)
        with pytest.raises(LockHeld):
            acquire(conn, "source:x", 2, "otherhost", "t2", lambda pid: False)
        taken = acquire(conn, "source:x", 2, "h", "t3", lambda pid: pid != 1)  # pid 1 died
        assert (taken.pid, taken.acquired_at) == (2, "t3")
        moved = hand_over(conn, taken, 3)
        assert holder(conn, "source:x").pid == 3 and moved.pid == 3
        assert not release(conn, "source:x", 2, "h")
        assert release(conn, "source:x", 3, "h") and holder(conn, "source:x") is None


# -- the scheduler ----------------------------------------------------------------------------


def test_runs_at_cron_times_only(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(4 * 60)
    scheduler.tick()
    assert launcher.started == []
    clock.advance(60)
    scheduler.tick()
    assert len(launcher.started) == 1
    assert "started for 2026-03-01T12:05:00+00:00" in lines[-1]
    scheduler.tick()  # same time again: nothing new
    assert len(launcher.started) == 1


def test_a_run_still_going_is_skipped_and_recorded(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(5 * 60)
    scheduler.tick()
    first = launcher.started[0]
    first.begin(archive, clock.now)
    clock.advance(5 * 60)
    scheduler.tick()
    assert len(launcher.started) == 1, "never two runs of a source at once"
    clock.advance(60)
    first.end(archive, clock.now, fetched=10, articles_new=4)
    scheduler.tick()
    rows = crawls(archive)
    assert [r["status"] for r in rows] == ["finished", "skipped"]
    assert rows[0]["scheduled_for"] == "2026-03-01T12:05:00+00:00"
    assert rows[1]["scheduled_for"] == "2026-03-01T12:10:00+00:00"
    assert "previous run still going (pid 4000000" in rows[1]["message"]
    assert "crawl 1 finished: fetched 10" in lines[-1]
    assert list(sqlite_utils.Database(archive.conn)["locks"].rows) == []
    clock.advance(4 * 60)
    scheduler.tick()
    assert len(launcher.started) == 2


def test_after_downtime_missed_times_run_once(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(5 * 3600 + 7)
    scheduler.tick()
    scheduler.tick()
    assert len(launcher.started) == 1
    launcher.started[0].end(archive, clock.now)
    scheduler.tick()
    assert crawls(archive)[0]["scheduled_for"] == "2026-03-01T17:00:00+00:00"
    clock.advance(60)
    scheduler.tick()
    assert len(launcher.started) == 1


def test_a_lock_left_by_a_dead_process_is_taken_over(setup):
    scheduler, archive, clock, launcher, lines = setup
    acquire(archive.conn, "source:courier", 4_999_999, "testhost", "2026-01-01T00:00:00+00:00", lambda pid: True)
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()  # pid 4999999 does not exist
    assert len(launcher.started) == 1
    assert holder(archive.conn, "source:courier").pid == launcher.started[0].pid


def test_a_crawl_that_dies_before_opening_a_run_is_recorded_as_failed(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()
    launcher.started[0].end(archive, clock.now, code=2)
    scheduler.tick()
    row = crawls(archive)[0]
    assert row["status"] == "failed"
    assert row["message"] == "crawl process exited with code 2: Error: something broke"


def test_a_crawl_killed_mid_run_is_closed(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()
    launcher.started[0].begin(archive, clock.now)
    launcher.started[0].code = -9  # gone without closing its row
    scheduler.tick()
    assert crawls(archive)[0]["status"] == "failed"


def test_pause_resume_and_disabled(setup, tmp_path):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    source = scheduler.sources["courier"]
    scheduler.book.set_paused(source, True, clock.now.isoformat())
    clock.advance(3600)
    scheduler.tick()
    assert launcher.started == []
    scheduler.book.set_paused(source, False, clock.now.isoformat())
    scheduler.tick()
    assert launcher.started == [], "times missed while paused do not run"
    write_config(tmp_path / "archiver.toml", enabled=False)
    os.utime(tmp_path / "archiver.toml", ns=(1, 1))
    clock.advance(3600)
    scheduler.tick()
    assert launcher.started == []


def test_two_schedulers_on_one_archive_run_a_time_once(setup, tmp_path):
    scheduler, archive, clock, launcher, lines = setup
    other_launcher = FakeLauncher()
    other = Scheduler(
        scheduler.config, ScheduleBook(archive, "testhost", other_launcher.alive), other_launcher, clock, lines.append
    )
    scheduler.tick()
    other.tick()
    clock.advance(300)
    scheduler.tick()
    other.tick()
    assert len(launcher.started) + len(other_launcher.started) == 1
    assert crawls(archive) == []


def test_shutdown_stops_running_crawls_cleanly(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()
    crawl = launcher.started[0]
    crawl.begin(archive, clock.now)

    def sleep(_):  # the crawl stops cleanly once asked
        if crawl.pid in launcher.terminated:
            crawl.end(archive, clock.now, status="interrupted")

    scheduler.shutdown(grace=5, sleep=sleep)
    assert launcher.terminated == [crawl.pid]
    assert crawls(archive)[0]["status"] == "interrupted"
    assert holder(archive.conn, "source:courier") is None


def test_a_crawl_stopped_before_it_opened_its_run_is_recorded_as_interrupted(setup):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()
    scheduler.shutdown(grace=0, sleep=lambda _: None)  # killed at once: no row of its own
    assert [r["status"] for r in crawls(archive)] == ["interrupted"]


# -- health -----------------------------------------------------------------------------------


def stats(i: int, **kw) -> RunStats:
    base = dict(
        crawl_id=i,
        source="s",
        started_at=f"t{i}",
        finished_at=f"t{i}",
        status="finished",
        fetched=100,
        articles_new=20,
        articles_unchanged=10,
        stored=20,
        with_date=19,
        with_author=18,
        long_bodies=19,
        mean_body=2400.0,
    )
    return RunStats(**(base | kw))


def test_health_flags_sharp_drops_against_the_median_of_earlier_runs():
    usual = [stats(i) for i in range(5, 0, -1)]
    assert run_flags(stats(6), usual) == ()
    assert run_flags(stats(6, articles_new=0, articles_unchanged=0, stored=0), usual) == (
        "no articles",
        "no new articles",
    )
    assert run_flags(stats(6, mean_body=300.0, long_bodies=1), usual) == ("bodies collapsed",)
    assert run_flags(stats(6, with_date=2), usual) == ("dates missing",)
    assert run_flags(stats(6, with_author=0), usual) == ("authors missing",)
    assert run_flags(stats(6, errors=300), usual) == ("errors up",)
    # A quiet hour on a conditional recrawl is not "no articles": 304s and revisit skips count.
    assert run_flags(stats(6, articles_new=0, articles_unchanged=0, stored=0, not_modified=30), usual[:2]) == ()
    assert run_flags(stats(6, articles_new=0, articles_unchanged=0, stored=0), []) == ()


def test_source_health_reads_runs_and_completeness_from_the_archive(setup):
    scheduler, archive, clock, launcher, lines = setup
    source = archive.ensure_source("courier", "https://courier.example.org/", {}, "t")
    for n, body in ((1, "x" * 2000), (2, "x" * 2000), (3, "short")):
        cur = archive.conn.execute(
            "INSERT INTO crawls (source_id, started_at, finished_at, status, articles_new, fetched, skipped_reasons)"
            " VALUES (?, ?, ?, 'finished', 3, 5, ?)",
            (source.id, f"2026-03-0{n}", f"2026-03-0{n}", json.dumps({"revisit policy: old article not due": 2})),
        )
        for k in range(3):
            article = archive.conn.execute(
                "INSERT INTO articles (source_id, url, first_seen, last_seen) VALUES (?, ?, 't', 't')",
                (source.id, f"https://courier.example.org/{n}/{k}"),
            ).lastrowid
            capture = archive.conn.execute(
                "INSERT INTO captures (crawl_id, url, fetched_at, decision, article_id) VALUES (?, 'u', 't', 'article', ?)",
                (cur.lastrowid, article),
            ).lastrowid
            archive.conn.execute(
                "INSERT INTO article_versions (article_id, version, capture_id, captured_at, authors, published, body,"
                " content_hash) VALUES (?, 1, ?, 't', '[\"A\"]', ?, ?, 'h')",
                (article, capture, None if n == 3 else "2026-03-01", body),
            )
    health = source_health(archive.conn, "courier")
    assert [h.run.crawl_id for h in health] == [3, 2, 1]
    assert health[0].flags == ("bodies collapsed", "dates missing")
    assert health[0].run.revisit_skipped == 2 and health[0].date_share == 0.0 and health[1].long_share == 1.0
    assert health[1].flags == ()
    assert health[0].to_row()["flags"] == "bodies collapsed, dates missing"


def test_schedule_list_shows_next_run_last_run_and_flags(setup, tmp_path):
    scheduler, archive, clock, launcher, lines = setup
    scheduler.tick()
    clock.advance(300)
    scheduler.tick()
    launcher.started[0].begin(archive, clock.now)
    launcher.started[0].end(archive, clock.now, fetched=12, articles_new=0)
    scheduler.tick()
    [status] = schedule_status(scheduler.config, tmp_path / "archive.db", clock.now)
    text = "\n".join(format_status(status, clock.now))
    assert "next run: 2026-03-01T12:10:00+00:00" in text
    assert "crawl 1 finished" in text and "fetched 12" in text
    assert "health: ok" in text


def test_a_busy_archive_does_not_kill_the_long_lived_scheduler(setup, monkeypatch):
    import sqlite3

    from archiver.schedule.service import survive

    scheduler, archive, clock, launcher, lines = setup

    def busy(*_):
        raise sqlite3.OperationalError("database is locked")

    # SQLite's own error, raised inside the store: the store types it and the scheduler goes on.
    monkeypatch.setattr("archiver.store.schedules.get_schedule", busy)
    survive(scheduler)
    assert lines[-1].startswith("2026-03-01T12:00:00+00:00 scheduler: archive error: database is locked")
    assert lines[-1].endswith("; trying again")
