"""A real `archiver scheduler` process crawling the demo site on a 10-second schedule."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest

from .helpers import ARCHIVER, run_cli

pytestmark = pytest.mark.slow


def finished_runs(db) -> list[tuple]:
    """The scheduler's finished runs so far; none while it is still creating the archive."""
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute(
                "SELECT id, status, started_at, finished_at FROM crawls"
                " WHERE status NOT IN ('running', 'skipped') ORDER BY id"
            ).fetchall()
        except sqlite3.OperationalError as error:  # the file exists, its tables not yet
            if "no such table" not in str(error):
                raise
            return []


def wait_for_line(log, text: str, count: int, proc, timeout: float = 90) -> None:
    # A crawl of the demo site takes 10 s on a quiet machine and 40 s on a loaded one.
    deadline = time.monotonic() + timeout
    while log.read_text().count(text) < count:
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def test_scheduler_runs_twice_without_overlap_and_stops_cleanly_on_sigterm(demo_site, tmp_path):
    config = tmp_path / "archiver.toml"
    config.write_text(
        f'[sources.demo]\nurl = "{demo_site.url}"\nschedule = "* * * * * */10"\n'
        'revisit = {new_days = 2, new_every = "1h", old_every = "7d"}\n'
    )
    db, log = tmp_path / "archive.db", tmp_path / "scheduler.log"
    args = ("--config", str(config), "--db", str(db))
    with log.open("w") as out:
        proc = subprocess.Popen([ARCHIVER, "scheduler", *args], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 50
        while len([r for r in finished_runs(db) if r[1] == "finished"]) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.5)
        listed = run_cli("schedule", "list", *args)
        assert "demo  schedule: * * * * * */10  scheduled  next run: 20" in listed.stdout, listed.stdout
        assert "last run: crawl" in listed.stdout and "health:" in listed.stdout
        wait_for_line(log, " started for ", count=3, proc=proc)  # SIGTERM in the middle of a crawl
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text()
    assert output.strip().endswith("scheduler: stopped"), output
    assert "demo: stopping pid" in output
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT status, started_at, finished_at, scheduled_for FROM crawls WHERE status != 'skipped' ORDER BY id"
        ).fetchall()
        locks = conn.execute("SELECT * FROM locks").fetchall()
    assert [r[0] for r in rows].count("finished") >= 2, output
    assert all(r[0] in ("finished", "interrupted") and r[2] and r[3] for r in rows), rows
    assert rows[-1][0] == "interrupted", rows
    for before, after in zip(rows, rows[1:]):
        assert after[1] >= before[2], f"runs overlap: {before} {after}"
    assert locks == []


def test_scheduler_once_after_downtime_runs_one_crawl_and_exits(demo_site, tmp_path):
    # Yearly: many runs were missed during the downtime, and no new one can fall due between the two
    # commands below, however slow the machine (every 5 minutes, a boundary could fall between them).
    config = tmp_path / "archiver.toml"
    config.write_text(f'[sources.demo]\nurl = "{demo_site.url}"\nschedule = "0 0 1 1 *"\nmax_pages = 20\n')
    args = ("--config", str(config), "--db", str(tmp_path / "archive.db"))
    assert run_cli("schedule", "set", "demo", "0 0 1 1 *", *args).returncode == 0
    with sqlite3.connect(tmp_path / "archive.db") as conn:  # as if the schedule was set years ago
        conn.execute("UPDATE schedules SET updated_at = '2020-01-01T00:00:00+00:00'")
    result = run_cli("scheduler", "--once", *args, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" started for ") == 1
    assert "finished: fetched" in result.stdout
    again = run_cli("scheduler", "--once", *args, timeout=120)
    assert " started for " not in again.stdout
