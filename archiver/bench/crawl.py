"""`make bench`: crawl throughput, recrawl time and memory on a large local site served by nginx.

Measured in one run: a = Scrapy download-only pages/s (the whole command, timed from its start to
its exit as c is, so that start-up counts alike in both), b1 = extraction docs/s in one process
(and trafilatura alone on the same pages), c = `archiver crawl` end to end into a fresh archive,
the recrawl of the unchanged site, and peak RSS of the crawl's process tree. L = 2 / (1/a + 1/b1)
is what 2 cores can do when each page costs one download and one extraction. The CPU time a page
of the crawl costs, in the crawl process and in its workers, shows what c spends beyond that. Also
printed: b2, the extraction rate of each of two processes running at once (what a core gives when
the other is busy too, as in a crawl), c / L with b2 in place of b1, and the steal time during c and
a (what a crowded host's hypervisor took from the timed commands, which b1 and b2 do not feel).

a and b1 are measured both before and after the first crawl and averaged: a shared or virtual
machine's speed drifts by several per cent over the minutes a run takes, and measuring the limits
on one side of the crawl only would put that drift into c / L.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..extract import extract_page
from .site import BenchSite, Nginx, build_site, free_port

# The same concurrency for the download-only spider and for the archiver: a local site, no throttling.
CRAWL_SETTINGS = {"CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
                  "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "ERROR"}


@dataclass(frozen=True)
class Run:
    """One timed command: wall seconds, peak RSS of its process tree (MB), its stdout, and the CPU
    seconds of its own process and of all its descendants (last polled values), and the share of the
    machine's CPU time its hypervisor took meanwhile (steal)."""

    seconds: float
    peak_mb: float
    stdout: str
    own_cpu: float
    descendants_cpu: float
    steal: float = 0.0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def read_stat(pid: str) -> tuple[int, float, int] | None:
    """Give a process's parent pid, CPU seconds (user + system) and RSS (kB) from /proc/PID/stat, or
    None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[21]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return None


def cpu_ticks() -> tuple[int, int]:
    """Give the machine's stolen and total CPU ticks so far (/proc/stat; zeros where there is none).

    Steal is the time a virtual machine's cores were ready to run but the hypervisor ran something
    else: it slows a timed command without showing in any process's CPU time."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields)


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Give the share of CPU time stolen between two cpu_ticks() readings."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def tree_sample(pid: int) -> tuple[int, dict[int, float]]:
    """Give the summed RSS (kB) of a process and all its descendants, and the CPU seconds of each."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, float, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := read_stat(entry)):
            children.setdefault(stat[0], []).append(int(entry))
            stats[int(entry)] = stat
    total, todo, cpu = 0, [pid], {}
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        if current in stats:
            cpu[current] = stats[current][1]
            total += stats[current][2]
    return total, cpu


def timed(command: list[str]) -> Run:
    """Run a command, polling its process tree's RSS and CPU times; give its time, peak RSS, output
    and CPU seconds (a descendant's CPU time counts up to its last poll, at most 0.25 s before it ended)."""
    started, ticks = time.monotonic(), cpu_ticks()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, cpu = 0, {}
    while proc.poll() is None:
        rss, seen = tree_sample(proc.pid)
        peak = max(peak, rss)
        cpu.update(seen)
        try:
            proc.wait(timeout=0.25)  # returns at the exit, so the time does not overshoot it
        except subprocess.TimeoutExpired:
            pass
    ended, steal = time.monotonic(), steal_share(ticks, cpu_ticks())
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:3])} failed: {err.strip()[-500:]}")
    own = cpu.pop(proc.pid, 0.0)
    return Run(ended - started, peak / 1024, out, own, sum(cpu.values()), steal)


@dataclass(frozen=True)
class Download:
    """One run of the download-only spider: pages/s of the whole command (timed as c is, from
    start to exit) and pages/s by Scrapy's own clock (from its start to its end), and the share of
    CPU time stolen meanwhile."""

    rate: float
    scrapy_rate: float
    steal: float


def download_rate(site: BenchSite, work: Path) -> Download:
    """Give a: pages/s of Scrapy downloading the article pages and doing nothing else."""
    urls = work / "urls.txt"
    urls.write_text("\n".join(site.article_urls))
    pairs = [f"{k}={v}" for k, v in CRAWL_SETTINGS.items()]
    run = timed([sys.executable, "-m", "archiver.bench.download", str(urls), *pairs])
    fetched, seconds = run.stdout.split()
    return Download(int(fetched) / run.seconds, int(fetched) / float(seconds), run.steal)


def ours(html: bytes) -> str:
    """Our extraction of one page, as `archiver extract` gives it."""
    return json.dumps(extract_page(html, "http://bench.test/a/").to_dict())


def rates(templates: Path, functions, repeat: int) -> list[float]:
    """Give the docs/s (CPU time) of each function over the template pages in this process. They
    take turns page by page, each going first in turn, `repeat` times over the pages, so that a drift
    of the machine's speed, which can be large within seconds, falls on all of them alike."""
    pages = [p.read_bytes() for p in sorted(templates.glob("*.html"))]
    spent = [0.0] * len(functions)
    for turn, html in enumerate(pages * repeat):
        for step in range(len(functions)):
            i = (turn + step) % len(functions)
            started = time.process_time()
            functions[i](html)
            spent[i] += time.process_time() - started
    return [len(pages) * repeat / seconds for seconds in spent]


def extraction_rates(templates: Path, repeat: int) -> tuple[float, float]:
    """Give b1 (our extraction) and trafilatura's docs/s in this one process."""
    import trafilatura

    theirs = lambda html: trafilatura.extract(html.decode("utf-8", "replace"))  # noqa: E731
    b1, traf = rates(templates, (ours, theirs), repeat)
    return b1, traf


def our_rate(templates: Path, repeat: int) -> float:
    """Give our extraction's docs/s in this process."""
    return rates(templates, (ours,), repeat)[0]


def busy_rate(templates: Path, repeat: int, processes: int = 2) -> float:
    """Give b2: our extraction's docs/s in each of `processes` processes running at once (one per
    core), i.e. what a core gives when all are busy, as in a crawl; b1 has the machine to itself."""
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        rates = list(pool.map(our_rate, [templates] * processes, [repeat] * processes))
    return sum(rates) / len(rates)


def archiver_crawl(site: BenchSite, db: Path) -> Run:
    """Run `archiver crawl` of the site into `db`."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    sets = [x for k, v in CRAWL_SETTINGS.items() for x in ("--set", f"{k}={v}")]
    return timed([archiver, "crawl", site.base, "--db", str(db), *sets, "--set", "ARCHIVER_PROGRESS=false"])


def fetched_of(run: Run) -> int:
    """Give the number of responses fetched, from the crawl summary."""
    line = next(l for l in run.stdout.splitlines() if l.strip().startswith("fetched"))
    return int(line.split()[1])


@dataclass(frozen=True)
class Limits:
    """The limits measured before and after the crawl: a (pages/s of the whole command, and by
    Scrapy's own clock, and the CPU time stolen while it ran), b1, trafilatura and b2 (docs/s)."""

    a: tuple[float, float]
    a_scrapy: tuple[float, float]
    a_steal: tuple[float, float]
    b1: tuple[float, float]
    trafilatura: tuple[float, float]
    b2: tuple[float, float]

    @staticmethod
    def mean(pair: tuple[float, float]) -> float:
        return sum(pair) / len(pair)


def spread(pair: tuple[float, float]) -> str:
    return f"(before {pair[0]:.1f}, after {pair[1]:.1f})"


def cost_line(first: Run, fetched: int, a: float, b1: float) -> str:
    """Give the crawl's CPU time a page, by process, beside one download and one extraction."""
    per_page = lambda seconds: seconds / fetched * 1000  # noqa: E731
    spent = per_page(first.own_cpu + first.descendants_cpu)
    return (f"   CPU time a page in c: {spent:.1f} ms = crawl process {per_page(first.own_cpu):.1f} ms (downloads, "
            f"storage) + its other processes {per_page(first.descendants_cpu):.1f} ms (extraction workers), "
            f"of the {2 * first.seconds / fetched * 1000:.1f} ms that 2 cores give it; "
            f"1/a + 1/b1 = {1000 / a:.1f} + {1000 / b1:.1f} ms")


def report(limits: Limits, first: Run, again: Run, pages: int) -> str:
    """Give the printed figures."""
    a, b1, traf, b2 = (Limits.mean(x) for x in (limits.a, limits.b1, limits.trafilatura, limits.b2))
    fetched = fetched_of(first)
    c = fetched / first.seconds
    limit = 2 / (1 / a + 1 / b1)
    busy_limit = 2 / (1 / a + 1 / b2)
    return "\n".join([
        f"site: {pages} article pages (+ index pages), nginx on 127.0.0.1",
        f"a  Scrapy download only      {a:8.1f} pages/s  {spread(limits.a)}; the whole command, as c is timed "
        f"(by Scrapy's own clock, from its start to its end: {Limits.mean(limits.a_scrapy):.1f})",
        f"b1 extraction, one process   {b1:8.1f} docs/s  {spread(limits.b1)}; trafilatura alone {traf:.1f} docs/s: "
        f"b1 is {b1 / traf:.0%} of it, target >= 75%",
        f"L  2 / (1/a + 1/b1)          {limit:8.1f} pages/s",
        f"c  archiver crawl end to end {c:8.1f} pages/s  ({fetched} responses in {first.seconds:.1f} s)",
        f"c / L                        {c / limit:8.0%}  (target >= 90%)",
        cost_line(first, fetched, a, b1),
        f"   steal (CPU time the hypervisor gave to others, /proc/stat): {first.steal:.1%} of the cores during c, "
        f"{limits.a_steal[0]:.1%} and {limits.a_steal[1]:.1%} during a (before, after); b1 and b2 are CPU time, "
        "which steal does not slow, so steal during c lowers c / L",
        f"b2 extraction, two processes at once {b2:.1f} docs/s each {spread(limits.b2)}: {b2 / b1:.0%} of b1 "
        f"(a core's share when both are busy); with b2 for b1, L = {busy_limit:.1f} and c / L = {c / busy_limit:.0%}",
        f"recrawl of the unchanged site {again.seconds:.1f} s = {again.seconds / first.seconds:.0%} of the first "
        f"crawl (target <= 15%); {fetched_of(again)} responses",
        f"peak RSS of the crawl (all processes) {max(first.peak_mb, again.peak_mb):.0f} MB (target < 500 MB "
        "on 100,000 pages)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archiver.bench.crawl", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="corpus folder")
    parser.add_argument("--pages", type=int, default=5000, help="article pages of the site (100000: memory check)")
    parser.add_argument("--work", type=Path, default=Path("bench-output/crawl"), help="scratch folder")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").exists():
        print(f"bench: no corpus at {args.corpus} (give --corpus)", file=sys.stderr)
        return 2
    port = free_port()
    site = build_site(args.corpus, args.work, args.pages, port)
    server = Nginx(args.work, port)
    try:
        a_before = download_rate(site, args.work)
        b1_before, traf_before = extraction_rates(args.work / "templates", repeat=3)
        b2_before = busy_rate(args.work / "templates", repeat=2)
        db = args.work / "archive.db"
        first = archiver_crawl(site, db)
        b1_after, traf_after = extraction_rates(args.work / "templates", repeat=3)
        b2_after = busy_rate(args.work / "templates", repeat=2)
        a_after = download_rate(site, args.work)
        again = archiver_crawl(site, db)
    finally:
        server.stop()
    limits = Limits((a_before.rate, a_after.rate), (a_before.scrapy_rate, a_after.scrapy_rate),
                    (a_before.steal, a_after.steal),
                    (b1_before, b1_after), (traf_before, traf_after), (b2_before, b2_after))
    print(report(limits, first, again, args.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
