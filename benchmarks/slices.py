"""Commands timed in turns on one machine, so that its drift falls on all of them alike.

A virtual machine's speed can move by a quarter within minutes. Limits measured before and after a
crawl miss whatever happened during it, so the bench runs the crawl and the limit-measuring
commands in turns instead: each runs in its own process group, and is stopped (SIGSTOP) while
another has its slice of wall time. Every command then sees the same mix of fast and slow minutes.

Run as `python -m benchmarks.slices TEMPLATES`: extract the HTML files of a folder in a loop,
as `archiver extract` does, and print the number of pages done after each one (the b1 counter).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archiver.extract.page import extract_page


@dataclass(frozen=True)
class Slice:
    """One turn of a command: its wall seconds and its count (pages done) before and after."""

    seconds: float
    before: int
    after: int


@dataclass
class Sliced:
    """A command run in turns: started stopped, continued for a slice of wall time, then stopped
    again. A counting command prints its running count of pages on stdout, one number a line."""

    command: list[str]
    log: Path
    slices: list[Slice] = field(default_factory=list)
    count: int = 0
    output: str = ""

    def __post_init__(self) -> None:
        self._log = self.log.open("wb")
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self._log, start_new_session=True)
        self.signal(signal.SIGSTOP)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._unread = b""

    def signal(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def run_for(self, seconds: float, poll: Callable[[], None] | None = None) -> float:
        """Let the command run for `seconds` of wall time (less if it ends), calling `poll` about
        every 0.25 s; give the seconds it ran."""
        before = self.count
        started = time.monotonic()
        self.signal(signal.SIGCONT)
        while self.running and (left := started + seconds - time.monotonic()) > 0:
            try:
                self.proc.wait(timeout=min(0.25, left))
            except subprocess.TimeoutExpired:
                pass
            if poll:
                poll()
        if self.running:
            self.signal(signal.SIGSTOP)
        took = time.monotonic() - started
        self.read_count()
        self.slices.append(Slice(took, before, self.count))
        return took

    def run_until_counting(self, timeout: float = 60.0) -> None:
        """Give the command its start-up, until it has counted a page."""
        deadline = time.monotonic() + timeout
        while self.count == 0:
            if not self.running or time.monotonic() > deadline:
                raise SystemExit(f"bench: {' '.join(self.command[:4])} did not start: see {self.log}")
            self.run_for(0.5)

    def read_count(self) -> None:
        """Take in what the command has printed so far: its count, and its output."""
        try:
            data = self.proc.stdout.read()
        except BlockingIOError:
            data = None
        if data:
            self.output += data.decode("utf-8", "replace")
            self._unread += data
            *lines, self._unread = self._unread.split(b"\n")
            numbers = [line for line in lines if line.strip().isdigit()]
            if numbers:
                self.count = int(numbers[-1])

    def rates(self) -> tuple[float, float, float]:
        """Give pages/s over all the slices after start-up, and over their first and second half."""
        counted = [s for s in self.slices if s.before > 0]
        if not counted:
            raise SystemExit(f"bench: {' '.join(self.command[:4])} counted nothing: see {self.log}")
        half = max(1, len(counted) // 2)
        return tuple(rate_of(part) for part in (counted, counted[:half], counted[half:] or counted))

    def stop(self) -> None:
        """End the command (it may be stopped: SIGKILL ends it all the same)."""
        self.signal(signal.SIGKILL)
        self.proc.wait()
        self._log.close()


def rate_of(slices: list[Slice]) -> float:
    """Give the pages/s of consecutive slices."""
    return (slices[-1].after - slices[0].before) / sum(s.seconds for s in slices)


def ours(html: bytes) -> str:
    """Our extraction of one page, as `archiver extract` gives it."""
    return json.dumps(extract_page(html, "http://bench.test/a/").to_dict())


def extract_forever(templates: Path) -> None:
    """Extract the pages of a folder over and over, printing the count after each page."""
    pages = [p.read_bytes() for p in sorted(templates.glob("*.html"))]
    done = 0
    while True:
        for html in pages:
            ours(html)
            done += 1
            print(done, flush=True)


if __name__ == "__main__":
    extract_forever(Path(sys.argv[1]))
