"""`make bench-memory`: the peak resident memory of a first crawl of the bench site, by kind of process.

`python -m benchmarks.crawl --memory-only --pages N` builds the nginx bench site, runs one first
crawl of it with the bench's settings (64 requests at once, AutoThrottle off) and prints the peak
summed RSS of all its processes (issue 24: < 400 MB on 100,000 pages), the peak of each kind (the
crawl process, the extraction workers, the workers' forkserver, others such as multiprocessing's
resource tracker), and, while it runs, a line every `--every` pages crawled, so that what grows with
the pages shows.
Nothing else runs beside the crawl, and its speed is not the point (run it under `nice`).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.proctree import read_stat, tree_pids

KINDS = ("crawl", "workers", "forkserver", "other")
POLL = 0.25
PROGRESS_EVERY = 1.0


def process_kind(pid: int, root: int) -> str:
    """Give the kind of a process of the crawl's tree: the crawl itself, the forkserver, an
    extraction worker (forked by the forkserver: its command line is the forkserver's), or other."""
    if pid == root:
        return "crawl"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"forkserver" not in cmdline:
        return "other"
    return "forkserver" if parent_of(pid) == root else "workers"


def parent_of(pid: int) -> int:
    """Give a process's parent pid (0 when it is gone)."""
    stat = read_stat(str(pid))
    return stat[0] if stat else 0


@dataclass(frozen=True)
class Sample:
    """One poll: seconds since the start, pages fetched by then, RSS (MB) by kind and in all, and the
    number of worker processes."""

    seconds: float
    fetched: int
    by_kind: dict[str, float]
    workers: int

    @property
    def total(self) -> float:
        return sum(self.by_kind.values())


def take_sample(root: int, started: float, fetched: int, kinds: dict[int, str]) -> Sample:
    """Give the RSS of each kind of process in the tree under `root` (`kinds` caches each pid's kind)."""
    by_kind = dict.fromkeys(KINDS, 0.0)
    workers = 0
    for pid in tree_pids(root):
        stat = read_stat(str(pid))
        if stat is None:
            continue
        kind = kinds.setdefault(pid, process_kind(pid, root))
        by_kind[kind] += stat[2] / 1024
        workers += kind == "workers"
    return Sample(time.monotonic() - started, fetched, by_kind, workers)


@dataclass
class ProgressTail:
    """The pages fetched so far, read from the crawl's plain progress lines on stderr."""

    path: Path
    fetched: int = 0
    offset: int = 0

    def update(self) -> int:
        try:
            with self.path.open("rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return self.fetched
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].decode("utf-8", "replace").splitlines():
            if line.startswith("progress: fetched "):
                self.fetched = int(line.split()[2])
        return self.fetched


@dataclass
class MemoryRun:
    """The samples of one crawl, its seconds, its summary line and its exit status."""

    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    summary: str = ""
    returncode: int = 0

    def peak(self, kind: str | None = None) -> float:
        """Give the peak RSS (MB) of one kind of process, or of all at once."""
        values = [s.total if kind is None else s.by_kind[kind] for s in self.samples]
        return max(values, default=0.0)


def watch_crawl(command: list[str], log: Path, every: int) -> MemoryRun:
    """Run the crawl command, polling its process tree's RSS by kind; give the samples. A line is
    printed as the crawl passes each multiple of `every` pages (so a long run shows its growth)."""
    run, kinds, marks = MemoryRun(), {}, EveryMarks(every)
    tail = ProgressTail(log)
    started = time.monotonic()
    with log.open("wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
        while proc.poll() is None:
            run.samples.append(take_sample(proc.pid, started, tail.update(), kinds))
            marks.see(run.samples[-1])
            try:
                proc.wait(timeout=POLL)
            except subprocess.TimeoutExpired:
                pass
        out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    marks.flush()
    run.seconds, run.returncode = time.monotonic() - started, proc.returncode
    run.summary = next((x.strip() for x in out.splitlines() if x.strip().startswith("fetched")), out.strip()[-300:])
    return run


@dataclass
class EveryMarks:
    """Prints the largest sample since the last line each time the pages pass a multiple of `every`."""

    every: int
    mark: int = 0
    peak: Sample | None = None

    def see(self, sample: Sample) -> None:
        if self.peak is None or sample.total > self.peak.total:
            self.peak = sample
        if self.every > 0 and sample.fetched >= self.mark + self.every:
            print(sample_line(sample.fetched, self.peak), flush=True)
            self.mark = sample.fetched // self.every * self.every
            self.peak = None

    def flush(self) -> None:
        """Print the largest sample since the last line, if any (the crawl's last pages and its end)."""
        if self.every > 0 and self.peak is not None:
            print(sample_line(self.peak.fetched, self.peak).replace("   by ", "   to end ", 1), flush=True)


def sample_line(fetched: int, sample: Sample) -> str:
    shown = ", ".join(f"{kind} {sample.by_kind[kind]:.0f}" for kind in KINDS if sample.by_kind[kind])
    return (
        f"   by {fetched:>7} pages: most since the last line {sample.total:5.0f} MB (at {sample.seconds:.0f} s, "
        f"{sample.fetched} pages) = {shown} ({sample.workers} workers)"
    )


def memory_report(run: MemoryRun) -> str:
    """Give the printed figures."""
    fetched = run.samples[-1].fetched if run.samples else 0
    kinds = ", ".join(f"{kind} {run.peak(kind):.0f} MB" for kind in KINDS if run.peak(kind))
    return "\n".join(
        [
            f"crawl: {run.summary} ({run.seconds:.0f} s, {fetched} pages by its last progress line)",
            f"peak RSS of the crawl (all processes) {run.peak():.0f} MB (target < 400 MB on 100,000 pages)",
            f"   peak of each kind (summed over its processes, each at its own peak): {kinds}",
        ]
    )
