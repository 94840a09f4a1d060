"""`make bench`: crawl throughput, recrawl time and memory on a large local site served by nginx.

Measured in one run: a = Scrapy download-only pages/s, b1 = extraction docs/s in one process, c =
`archiver crawl` end to end into a fresh archive, the recrawl of the unchanged site, and peak RSS
of the crawl's process tree. L = 2 / (1/a + 1/b1) is what 2 cores can do when each page costs one
download and one extraction. The CPU time a page of the crawl costs, in the crawl process and in
its workers, shows what c spends beyond that.

a, b1 and c take turns (benchmarks/slices.py): the crawl runs for a few seconds, then the
download-only spider, then the extraction loop, each stopped while another runs, until the crawl
ends. A virtual machine's speed can move by a quarter within minutes; limits measured before and
after the crawl missed what happened during it, and moved c / L by 15 points between runs of the
same code. In turns, all three see the same fast and slow minutes. a and b1 are counted from their
first page on (their start-up is not timed); c is timed from its start to its exit.

Also printed: our extraction and trafilatura's in this process, taking turns page by page, before
and after the crawl (the b1 >= 75 % of trafilatura target); b2, the extraction rate of each of two
processes running at once (what a core gives when the other is busy too, as in a crawl), and c / L
with b1 scaled by it; and the steal time during c's and a's turns (what a crowded host's
hypervisor took from them).
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.distributed import distributed_ceiling
from benchmarks.proctree import read_stat, tree_pids
from benchmarks.site import BenchSite, Nginx, build_site, free_port
from benchmarks.slices import Sliced, ours

# The same concurrency for the download-only spider, the naive spider and the archiver (issue 24: 64
# for all): a local site, no throttling.
CRAWL_SETTINGS = {
    "CONCURRENT_REQUESTS": "64",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "64",
    "AUTOTHROTTLE_ENABLED": "False",
    "LOG_LEVEL": "ERROR",
}
# Seconds of wall time a turn of the crawl, of the download-only spider (a), of the extraction
# loop (b1), of the storage loop (s) and of the naive spider. b1 weighs most in L (1/b1 is about
# nine tenths of 1/a + 1/b1), so it gets more time; the naive spider about twice the crawl's, as it
# is about half as fast, so that both crawls span the same minutes.
CRAWL_TURN, A_TURN, B1_TURN, S_TURN, NAIVE_TURN = 4.0, 1.0, 2.0, 1.0, 8.0


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
    total, cpu = 0, {}
    for current in tree_pids(pid):
        if stat := read_stat(str(current)):
            cpu[current] = stat[1]
            total += stat[2]
    return total, cpu


class TreeWatch:
    """The peak RSS of a process and its descendants, and the CPU seconds of each, from polls."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}

    def sample(self) -> None:
        rss, seen = tree_sample(self.pid)
        self.peak = max(self.peak, rss)
        self.cpu.update(seen)

    def run(self, seconds: float, stdout: str, steal: float) -> Run:
        """Give the Run of the watched command (a descendant's CPU time counts up to its last
        poll, at most 0.25 s before it ended)."""
        cpu = dict(self.cpu)
        own = cpu.pop(self.pid, 0.0)
        return Run(seconds, self.peak / 1024, stdout, own, sum(cpu.values()), steal)


def timed(command: list[str]) -> Run:
    """Run a command, polling its process tree's RSS and CPU times; give its time, peak RSS, output
    and CPU seconds."""
    started, ticks = time.monotonic(), cpu_ticks()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = TreeWatch(proc.pid)
    while proc.poll() is None:
        watch.sample()
        try:
            proc.wait(timeout=0.25)  # returns at the exit, so the time does not overshoot it
        except subprocess.TimeoutExpired:
            pass
    ended, steal = time.monotonic(), steal_share(ticks, cpu_ticks())
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:3])} failed: {err.strip()[-500:]}")
    return watch.run(ended - started, out, steal)


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


def crawl_command(site: BenchSite, db: Path, defaults: bool = False) -> list[str]:
    """Give the `archiver crawl` command of the site into `db`: with the bench's settings, or with
    the product's polite defaults (AutoThrottle on, 8 requests at once to the site)."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    settings = {"LOG_LEVEL": "ERROR"} if defaults else CRAWL_SETTINGS
    sets = [x for k, v in settings.items() for x in ("--set", f"{k}={v}")]
    return [archiver, "crawl", site.base, "--db", str(db), *sets, "--set", "ARCHIVER_PROGRESS=false"]


def floor_command(db: Path, urls: Path, defaults: bool = False) -> list[str]:
    """Give the command of the recrawl's floor (benchmarks/floor.py) with the validators in `db`: at
    the bench's settings, or at the product's defaults (its throttle included)."""
    settings = {"LOG_LEVEL": "ERROR"} if defaults else CRAWL_SETTINGS
    pairs = [f"{k}={v}" for k, v in settings.items()]
    return [sys.executable, "-m", "benchmarks.floor", str(db), str(urls), *pairs, *(["--defaults"] if defaults else [])]


@dataclass(frozen=True)
class NaiveRun:
    """The naive spider's crawl of the site: responses, seconds of its turns from its start to its
    exit, and how many of them came after the crawl had ended (when it ran on alone)."""

    fetched: int
    seconds: float
    alone: float

    @property
    def rate(self) -> float:
        return self.fetched / self.seconds


@dataclass(frozen=True)
class Turns:
    """The first crawl timed in turns with the naive spider, the download-only spider, the
    extraction loop and the storage loop: the crawl's Run (its seconds are those of its own turns),
    the naive spider's run, a, b1 and s over all their turns after start-up and over the first and
    the second half of them, the number of turns, and the steal during the crawl's turns and a's."""

    crawl: Run
    naive: NaiveRun
    a: tuple[float, float, float]
    b1: tuple[float, float, float]
    s: tuple[float, float, float]
    turns: int
    a_steal: float


class StealMeter:
    """The share of CPU time stolen over some turns of a command, summed."""

    def __init__(self) -> None:
        self.stolen = self.total = 0

    def turn(self, sliced: Sliced, seconds: float, poll=None) -> None:
        """Run one turn of `sliced`, counting the ticks stolen meanwhile."""
        before = cpu_ticks()
        sliced.run_for(seconds, poll)
        after = cpu_ticks()
        self.stolen += after[0] - before[0]
        self.total += after[1] - before[1]

    @property
    def share(self) -> float:
        return self.stolen / self.total if self.total else 0.0


def crawl_in_turns(site: BenchSite, db: Path, work: Path) -> Turns:
    """Run `archiver crawl` of the site into `db` in turns of CRAWL_TURN seconds, with the naive
    spider, the download-only spider (a), the extraction loop (b1) and the storage loop (s) taking
    theirs in between, each stopped while another runs, so that the machine's drift falls on all
    alike. The naive spider runs on alone if the crawl ends first."""
    urls = work / "urls.txt"
    urls.write_text("\n".join(site.article_urls))
    pairs = [f"{k}={v}" for k, v in CRAWL_SETTINGS.items()]
    a = Sliced([sys.executable, "-m", "benchmarks.download", str(urls), *pairs], work / "a.log")
    b1 = Sliced([sys.executable, "-m", "benchmarks.slices", str(work / "templates")], work / "b1.log")
    s = Sliced([sys.executable, "-m", "benchmarks.storage", str(urls), str(work / "storage")], work / "s.log")
    commands = [a, b1, s]
    try:
        a.run_until_counting()
        b1.run_until_counting()
        s.run_until_counting(timeout=600)  # it fetches and analyses every page first
        crawl = Sliced(crawl_command(site, db), work / "crawl.log")
        naive_command = [sys.executable, "-m", "benchmarks.naive", site.base, str(work / "naive.jsonl"), *pairs]
        naive = Sliced(naive_command, work / "naive.log")
        commands += [crawl, naive]
        watch, crawl_steal, a_steal = TreeWatch(crawl.proc.pid), StealMeter(), StealMeter()
        while crawl.running:
            crawl_steal.turn(crawl, CRAWL_TURN, watch.sample)
            if naive.running:
                naive.run_for(NAIVE_TURN)
            if crawl.running:
                a_steal.turn(a, A_TURN)
                b1.run_for(B1_TURN)
                s.run_for(S_TURN)
        alone = 0.0
        while naive.running:
            alone += naive.run_for(60.0)
    finally:  # none may be left stopped: an interrupted bench would leave them so for good
        for command in commands:
            command.stop()
        shutil.rmtree(work / "storage", ignore_errors=True)
    for command in (crawl, naive):
        if command.proc.returncode != 0:
            raise SystemExit(f"bench: {' '.join(command.command[1:3])} failed: see {command.log}")
    run = watch.run(sum(t.seconds for t in crawl.slices), crawl.output, crawl_steal.share)
    naive_run = NaiveRun(fetched_in(naive.output), sum(t.seconds for t in naive.slices), alone)
    return Turns(run, naive_run, a.rates(), b1.rates(), s.rates(), len(crawl.slices), a_steal.share)


def fetched_of(run: Run) -> int:
    """Give the number of responses fetched, from the crawl summary."""
    return fetched_in(run.stdout)


def fetched_in(stdout: str) -> int:
    """Give the number of responses fetched, from a crawl's summary line `fetched N ...`."""
    line = next(x for x in stdout.splitlines() if x.strip().startswith("fetched"))
    return int(line.split()[1])


@dataclass(frozen=True)
class InProcessRates:
    """In this process, before and after the crawl: our extraction's and trafilatura's docs/s,
    taking turns page by page, and b2, ours in each of two processes at once."""

    ours: tuple[float, float]
    trafilatura: tuple[float, float]
    b2: tuple[float, float]


def mean(pair: tuple[float, ...]) -> float:
    return sum(pair) / len(pair)


def spread(pair: tuple[float, float]) -> str:
    return f"(before {pair[0]:.1f}, after {pair[1]:.1f})"


def halves(rates: tuple[float, float, float]) -> str:
    return f"(first half of its turns {rates[1]:.1f}, second half {rates[2]:.1f})"


def naive_line(naive: NaiveRun, c: float) -> str:
    """Give the naive spider's rate beside c's (target 1)."""
    alone = f", {naive.alone:.0f} s of them after c had ended" if naive.alone else ""
    return (
        f"n  naive spider (Scrapy + inline trafilatura, benchmarks/naive.py) {naive.rate:.1f} pages/s ({naive.fetched} "
        f"responses in {naive.seconds:.1f} s of its turns{alone}); c / naive = {c / naive.rate:.2f}x (target >= 2.0x)"
    )


def breakdown_line(c: float, a: float, b1: float, s: float) -> str:
    """Give where the 2 cores' milliseconds of a page of c go: one download (1/a), one extraction
    (1/b1), its storage (1/s), and the rest (what c spends beyond the three, or gains by overlap
    when negative)."""
    page, parts = 2000 / c, {"download": 1000 / a, "extraction": 1000 / b1, "storage": 1000 / s}
    parts["other"] = page - sum(parts.values())
    shown = " + ".join(f"{name} {ms:.1f} ms ({ms / page:.0%})" for name, ms in parts.items())
    return f"   a page of c costs {page:.1f} ms of the 2 cores (2/c) = {shown}"


def cost_line(first: Run, fetched: int, a: float, b1: float) -> str:
    """Give the crawl's CPU time a page, by process, beside one download and one extraction."""
    per_page = lambda seconds: seconds / fetched * 1000  # noqa: E731
    spent = per_page(first.own_cpu + first.descendants_cpu)
    return (
        f"   CPU time a page in c: {spent:.1f} ms = crawl process {per_page(first.own_cpu):.1f} ms (downloads, "
        f"storage) + its other processes {per_page(first.descendants_cpu):.1f} ms (extraction workers), "
        f"of the {2 * first.seconds / fetched * 1000:.1f} ms that 2 cores give it; "
        f"1/a + 1/b1 = {1000 / a:.1f} + {1000 / b1:.1f} ms"
    )


@dataclass(frozen=True)
class Recrawl:
    """A first crawl and the recrawl of the unchanged site, both timed whole, and the floor: Scrapy
    alone sending the same conditional requests and storing nothing (benchmarks/floor.py)."""

    first: Run
    again: Run
    floor: Run

    def line(self, label: str) -> str:
        share = lambda run: run.seconds / self.first.seconds  # noqa: E731
        return (
            f"recrawl of the unchanged site, {label}: {self.again.seconds:.1f} s = "
            f"{share(self.again):.0%} of the first crawl's {self.first.seconds:.1f} s "
            f"(target <= 10%); {fetched_of(self.again)} responses\n"
            f"   floor, Scrapy alone sending the same {fetched_of(self.floor)} conditional requests, nothing "
            f"stored: {self.floor.seconds:.1f} s = {share(self.floor):.0%} of the first crawl; the recrawl takes "
            f"{self.again.seconds / self.floor.seconds:.2f}x the floor"
        )


def report(turns: Turns, extraction: InProcessRates, bench: Recrawl, polite: Recrawl, pages: int) -> str:
    """Give the printed figures."""
    first = turns.crawl
    a, b1 = turns.a[0], turns.b1[0]
    ours, traf, b2 = (mean(x) for x in (extraction.ours, extraction.trafilatura, extraction.b2))
    fetched = fetched_of(first)
    c = fetched / first.seconds
    limit = 2 / (1 / a + 1 / b1)
    s = turns.s[0]
    storage_limit = 2 / (1 / a + 1 / b1 + 1 / s)
    busy_limit = 2 / (1 / a + 1 / (b1 * b2 / ours))
    return "\n".join(
        [
            f"site: {pages} article pages (+ index pages), nginx on 127.0.0.1",
            f"   c, the naive spider, a, b1 and s take turns ({turns.turns} of the crawl's, {CRAWL_TURN:g} s each, then "
            f"{NAIVE_TURN:g} s of the naive spider, {A_TURN:g} s of a, {B1_TURN:g} s of b1 and {S_TURN:g} s of s), "
            "each stopped while another runs, so that the machine's drift falls on all alike",
            f"a  Scrapy download only      {a:8.1f} pages/s  {halves(turns.a)}",
            f"b1 extraction, one process   {b1:8.1f} docs/s  {halves(turns.b1)}",
            f"   page by page with trafilatura in one process: ours {ours:.1f} docs/s {spread(extraction.ours)}, "
            f"trafilatura alone {traf:.1f}: ours is {ours / traf:.0%} of it, target >= 75%",
            f"L  2 / (1/a + 1/b1)          {limit:8.1f} pages/s",
            f"c  archiver crawl end to end {c:8.1f} pages/s  ({fetched} responses in {first.seconds:.1f} s of its turns)",
            f"c / L                        {c / limit:8.0%}  (the old target, with no term for storage)",
            naive_line(turns.naive, c),
            f"s  storage alone             {s:8.1f} pages/s  {halves(turns.s)}",
            f"L_s 2 / (1/a + 1/b1 + 1/s)   {storage_limit:8.1f} pages/s",
            f"c / L_s                      {c / storage_limit:8.0%}  (target >= 90%)",
            breakdown_line(c, a, b1, s),
            cost_line(first, fetched, a, b1),
            f"   steal (CPU time the hypervisor gave to others, /proc/stat): {first.steal:.1%} of the cores during c's "
            f"turns, {turns.a_steal:.1%} during a's",
            f"b2 extraction, two processes at once {b2:.1f} docs/s each {spread(extraction.b2)}: {b2 / ours:.0%} of ours "
            f"in one (a core's share when both are busy); with b1 x {b2 / ours:.2f}, L = {busy_limit:.1f} and "
            f"c / L = {c / busy_limit:.0%}",
            bench.line("bench settings (first crawl timed in its turns)"),
            polite.line("product defaults (AutoThrottle on, 304s lower its delay)"),
            f"peak RSS of the crawl (all processes) {max(first.peak_mb, bench.again.peak_mb):.0f} MB (target < 400 MB "
            "on 100,000 pages)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="corpus folder")
    parser.add_argument("--pages", type=int, default=5000, help="article pages of the site (100000: memory check)")
    parser.add_argument("--work", type=Path, default=Path("bench-output/crawl"), help="scratch folder")
    parser.add_argument("--memory-only", action="store_true", help="only the peak RSS of one first crawl, by process")
    parser.add_argument("--every", type=int, default=5000, help="with --memory-only: a line of RSS every N pages")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").exists():
        print(f"bench: no corpus at {args.corpus} (give --corpus)", file=sys.stderr)
        return 2
    port = free_port()
    site = build_site(args.corpus, args.work, args.pages, port)
    server = Nginx(args.work, port)
    if args.memory_only:
        return memory_only(site, server, args)
    templates = args.work / "templates"
    try:
        ours_before, traf_before = extraction_rates(templates, repeat=3)
        b2_before = busy_rate(templates, repeat=2)
        db = args.work / "archive.db"
        turns = crawl_in_turns(site, db, args.work)
        ours_after, traf_after = extraction_rates(templates, repeat=3)
        b2_after = busy_rate(templates, repeat=2)
        urls = args.work / "urls.txt"
        bench = Recrawl(turns.crawl, timed(crawl_command(site, db)), timed(floor_command(db, urls)))
        polite_db = args.work / "archive-defaults.db"
        polite_first = timed(crawl_command(site, polite_db, True))
        polite_again = timed(crawl_command(site, polite_db, True))
        polite = Recrawl(polite_first, polite_again, timed(floor_command(polite_db, urls, True)))
        ceiling = distributed_ceiling(site.base, CRAWL_SETTINGS, args.work / "distributed")
    finally:
        server.stop()
    extraction = InProcessRates((ours_before, ours_after), (traf_before, traf_after), (b2_before, b2_after))
    print(report(turns, extraction, bench, polite, args.pages))
    print(import_speed(db, args.work))
    print(reextract_speed(db))
    print("\n".join(ceiling.lines()))
    return 0


def memory_only(site: BenchSite, server: Nginx, args: argparse.Namespace) -> int:
    """Run one first crawl of the site, polling its processes' RSS by kind, and print the figures."""
    from benchmarks.memory import PROGRESS_EVERY, memory_report, watch_crawl

    # Plain progress lines on stderr (not a terminal) give the pages crawled at each poll.
    command = crawl_command(site, args.work / "archive.db")[:-2] + [
        "--set",
        f"ARCHIVER_PROGRESS_EVERY={PROGRESS_EVERY}",
    ]
    try:
        print(f"site: {args.pages} article pages (+ index pages), nginx on 127.0.0.1; one first crawl", flush=True)
        run = watch_crawl(command, args.work / "crawl.log", args.every)
    finally:
        server.stop()
    print(memory_report(run))  # up to where it ended, when it was stopped
    if run.returncode != 0:
        print(f"bench: archiver crawl failed or was stopped: see {args.work / 'crawl.log'}", file=sys.stderr)
        return 1
    return 0


def import_speed(db: Path, work: Path) -> str:
    """Give `archiver import-warc`'s speed on the bench crawl's exported WARC (its own summary line)."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    warc, target = work / "export.warc.gz", work / "imported.db"
    for stale in (target, *work.glob("imported.db-*")):
        stale.unlink(missing_ok=True)
    subprocess.run([archiver, "export-warc", "--db", str(db), "-o", str(warc)], check=True, capture_output=True)
    command = [archiver, "import-warc", str(warc), "--db", str(target), "--warc-dir", str(work / "imported-warcs")]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    summary = done.stdout.splitlines()[0] if done.returncode == 0 and done.stdout else done.stderr[-300:]
    return (
        f"import-warc of the crawl's export ({warc.stat().st_size / 1e6:.0f} MB), {seconds:.1f} s end to end: {summary}"
    )


def reextract_speed(db: Path) -> str:
    """Give `archiver reextract`'s rate on the bench crawl's archive (every article's newest capture
    read back from its WARC record and extracted again), timed end to end, with its summary line."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    started = time.monotonic()
    done = subprocess.run([archiver, "reextract", "--db", str(db)], capture_output=True, text=True)
    seconds = time.monotonic() - started
    summary = done.stdout.splitlines()[0] if done.stdout.startswith("re-extracted") else done.stderr[-300:]
    records = int(summary.split()[1]) if summary.startswith("re-extracted") else 0
    return f"reextract of the crawl's archive: {records / seconds:.1f} records/s, {seconds:.1f} s end to end: {summary}"


if __name__ == "__main__":
    sys.exit(main())
