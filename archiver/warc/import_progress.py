"""Progress of long WARC imports on stderr: a rich bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from typing import Protocol, TextIO


class Progress(Protocol):
    """Something told how far a long job has gone: stages, each with a total, and updates."""

    def stage(self, name: str, total: int) -> None: ...

    def update(self, done: int) -> None: ...

    def close(self) -> None: ...


class NoProgress:
    """Progress that shows nothing (library use, tests)."""

    def stage(self, name: str, total: int) -> None:
        pass

    def update(self, done: int) -> None:
        pass

    def close(self) -> None:
        pass


NO_PROGRESS = NoProgress()


class LineProgress:
    """One plain line every few seconds and at the end of each stage (logs, pipes, CI)."""

    def __init__(self, out: TextIO, every: float = 5.0):
        self.out = out
        self.every = every
        self.name = ""
        self.total = 0
        self.done = 0
        self.last = 0.0

    def stage(self, name: str, total: int) -> None:
        self.close()
        self.name, self.total, self.done, self.last = name, total, 0, time.monotonic()

    def update(self, done: int) -> None:
        self.done = done
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            self.write()

    def write(self) -> None:
        share = f" ({100 * self.done / self.total:.0f} %)" if self.total else ""
        print(f"{self.name}: {self.done} of {self.total}{share}", file=self.out, flush=True)

    def close(self) -> None:
        if self.name:
            self.done = self.total
            self.write()
            self.name = ""


class BarProgress:
    """A rich progress bar per stage on a terminal."""

    def __init__(self, out: TextIO):
        from rich.console import Console
        from rich.progress import Progress as RichProgress

        self.bars = RichProgress(console=Console(file=out), transient=False)
        self.task = None
        self.bars.start()

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bars.update(self.task, completed=self.bars.tasks[self.task].total)
        self.task = self.bars.add_task(name, total=total or None)

    def update(self, done: int) -> None:
        self.bars.update(self.task, completed=done)

    def close(self) -> None:
        if self.task is not None:
            self.bars.update(self.task, completed=self.bars.tasks[self.task].total)
        self.bars.stop()


def progress_for(out: TextIO) -> Progress:
    """Give a bar when `out` is a terminal, plain lines otherwise."""
    return BarProgress(out) if out.isatty() else LineProgress(out)
