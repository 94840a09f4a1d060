"""The demo's crawls: the demo site's first edition, then its second (a day of news later), each by
`archiver crawl` in a process of its own (Scrapy's reactor runs once per process), so that the archive
shows what recrawls keep: new versions with their diffs, new and removed comments, a new article.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archiver.demo.server import DemoServer
from archiver.errors import ArchiverError

EDITIONS = (1, 2)


@dataclass(frozen=True)
class DemoCrawl:
    """One crawl of the demo: the edition served, the exit status and what `archiver crawl` printed."""

    edition: int
    returncode: int
    output: str


def crawl_command(url: str, db: Path) -> list[str]:
    """Give the `archiver crawl` command line of the demo site into `db`."""
    return [sys.executable, "-m", "archiver.cli", "crawl", url, "--db", str(db)]


def editions_to_crawl(db: Path) -> tuple[int, ...]:
    """Give the editions to crawl: both into a new archive, the second only when the archive exists already."""
    return EDITIONS[-1:] if db.exists() else EDITIONS


def crawl_editions(site: DemoServer, db: Path, echo: Callable[[str], None]) -> list[DemoCrawl]:
    """Crawl each edition of the demo site in turn; ArchiverError when a crawl fails."""
    done = []
    for edition in editions_to_crawl(db):
        site.set_edition(edition)
        echo(f"Crawling edition {edition} of the demo site" + (" (a day of news later)" if edition > 1 else ""))
        result = subprocess.run(crawl_command(site.url, db), capture_output=True, text=True, stdin=subprocess.DEVNULL)
        echo(result.stdout.rstrip())
        if result.returncode != 0:
            raise ArchiverError(f"the demo crawl failed: {result.stderr.strip()[-300:]}", "see the message above")
        done.append(DemoCrawl(edition, result.returncode, result.stdout))
    return done
