"""Crawl processes: each scheduled run is `archiver crawl NAME` in a child process, because
Twisted's reactor cannot be started twice in one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


def last_line(text: str) -> str:
    """Give the last non-blank line of a process's output, shortened."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


class CrawlProcess:
    """A running `archiver crawl` child: poll it, stop it cleanly, read the end of its output."""

    def __init__(self, popen: subprocess.Popen, output):
        self.popen = popen
        self.output = output

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        """Give the exit code once the process has ended, else None."""
        return self.popen.poll()

    def terminate(self) -> None:
        """Ask the crawl to stop cleanly (Scrapy closes the spider on the first SIGTERM)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Stop the crawl at once."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()

    def tail(self) -> str:
        """Give the last line of the process's output, and let the output file go."""
        self.output.seek(0)
        text = self.output.read().decode("utf-8", "replace")
        self.output.close()
        return last_line(text)


@dataclass(frozen=True)
class CrawlLauncher:
    """Start `archiver crawl NAME --config CONFIG --db DB` processes."""

    config: Path
    db: Path

    def command(self, name: str) -> list[str]:
        """Give the command line of a crawl of the source `name`."""
        return [
            sys.executable,
            "-m",
            "archiver.cli",
            "crawl",
            name,
            "--config",
            str(self.config.resolve()),
            "--db",
            str(self.db.resolve()),
        ]

    def start(self, name: str) -> CrawlProcess:
        """Start a crawl of the source `name` in its own session (a terminal's Ctrl-C reaches the
        scheduler only, which then stops the crawl once, cleanly)."""
        output = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        popen = subprocess.Popen(
            self.command(name),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        return CrawlProcess(popen, output)
