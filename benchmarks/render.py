"""What rendering costs: the demo site crawled plainly and with `--render`, pages/s and peak memory.

    python -m benchmarks.render [--work bench-output/render]

The demo site has two articles whose comments a widget (a second loopback server) loads; the
rendered crawl loads those in headless Chromium. Printed: pages/s and peak RSS of the crawl's whole
process tree (crawl, extraction workers, and for the rendered crawl the browser's processes), the
pages rendered, their seconds each and the comments the render captured.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from archiver.demo import serve_demo
from benchmarks.proctree import scanned_children

ARCHIVER = str(Path(sys.executable).with_name("archiver"))


@dataclass(frozen=True)
class Run:
    """One timed crawl: wall seconds and the peak memory of its process tree, as RSS summed over the
    processes and as PSS (shared pages split among the processes sharing them: Chromium's many
    processes share much of their memory, which summed RSS counts again for each)."""

    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float


def tree(pid: int) -> list[int]:
    """Give a process and all its descendants."""
    children, found, todo = scanned_children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """Give a process's RSS and PSS in kB (0, 0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = dict(line.split(":")[:2] for line in text.splitlines() if line.startswith(("Rss:", "Pss:")))
    return int(values.get("Rss", "0 kB").split()[0]), int(values.get("Pss", "0 kB").split()[0])


def timed(command: list[str]) -> Run:
    """Run a command, polling its process tree's memory twice a second; give its time and peaks."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        samples = [memory_kb(pid) for pid in tree(proc.pid)]
        peak_rss = max(peak_rss, sum(r for r, _ in samples))
        peak_pss = max(peak_pss, sum(p for _, p in samples))
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:3])} failed: {proc.stderr.read().strip()[-500:]}")
    return Run(seconds, peak_rss / 1024, peak_pss / 1024)


def crawl_command(url: str, db: Path, *extra: str) -> list[str]:
    """Give the `archiver crawl` command of the demo site into `db`."""
    return [ARCHIVER, "crawl", url, "--db", str(db), "--set", "ARCHIVER_PROGRESS=false", *extra]


def fetched(db: Path) -> int:
    """Give the responses the archive's crawl fetched."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sum(fetched) FROM crawls").fetchone()[0] or 0


def render_figures(db: Path) -> str:
    """Give the renders of the archive as one line: pages, seconds each, comments captured, refused."""
    with sqlite3.connect(db) as conn:
        pages, seconds, blocked = conn.execute("SELECT count(*), avg(seconds), sum(blocked) FROM renders").fetchone()
        captured = conn.execute(
            "SELECT coalesce(sum(comment_count), 0) FROM articles WHERE comments_status = 'rendered'"
        ).fetchone()[0]
    return f"rendered {pages} pages, {seconds or 0:.2f} s each, {captured} comments captured, {blocked or 0} requests refused"


def line(name: str, run: Run, pages: int) -> str:
    return (
        f"{name:9} {pages} responses in {run.seconds:.1f} s = {pages / run.seconds:.1f} pages/s,"
        f" peak memory {run.peak_pss_mb:.0f} MB PSS ({run.peak_rss_mb:.0f} MB summed RSS)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("bench-output/render"))
    args = parser.parse_args(argv)
    shutil.rmtree(args.work, ignore_errors=True)
    for folder in ("plain", "rendered"):
        (args.work / folder).mkdir(parents=True)
    plain_db, rendered_db = args.work / "plain" / "archive.db", args.work / "rendered" / "archive.db"
    with serve_demo() as server:
        plain = timed(crawl_command(server.url, plain_db))
        widget_host = server.widgets.url.split("/")[2]
        rendered = timed(crawl_command(server.url, rendered_db, "--render", "--widget-host", widget_host))
    print(line("plain", plain, fetched(plain_db)))
    print(line("rendered", rendered, fetched(rendered_db)))
    print("  " + render_figures(rendered_db))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
