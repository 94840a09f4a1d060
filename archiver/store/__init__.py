"""The archive: the only layer that speaks SQL. `Archive` is its front door."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.errors import StoreError
from archiver.extract.model import Extraction
from archiver.store import articles, crawls, diffs, frontier, locks, renders, warcs
from archiver.store.archive import commit, open_connection, transaction, typed_errors
from archiver.store.records import ArticleOutcome, CaptureRow, CrawlCounts, CrawlRun, Source, Validators
from archiver.store.search_index import forget_new_rows

__all__ = [
    "Archive",
    "ArticleOutcome",
    "CaptureRow",
    "CrawlCounts",
    "CrawlRun",
    "Source",
    "Validators",
    "typed_errors",
]


@typed_errors
class Archive:
    """An open archive file: writes go through its methods, inside `batch()` transactions."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        self.conn: sqlite3.Connection = open_connection(self.path, readonly=readonly)

    def close(self) -> None:
        """Close the connection (a WAL checkpoint happens on the last close)."""
        self.conn.close()

    def limit_cache(self, megabytes: int) -> None:
        """Keep at most `megabytes` of the archive's pages in this connection's cache (32 by default)."""
        self.conn.execute(f"PRAGMA cache_size=-{int(megabytes) * 1024}")

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[Archive]:
        """Group the writes of the block in one transaction."""
        with transaction(self.conn):
            yield self

    def begin(self) -> None:
        """Open a write transaction that `commit()` ends (for batched writes across calls)."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """End the open write transaction, if any."""
        if self.conn.in_transaction:
            commit(self.conn)

    def rollback(self) -> None:
        """Drop the open write transaction, if any (after a failed write)."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        forget_new_rows(self.conn)

    def ensure_source(self, name: str, url: str, config: dict | None, now: str) -> Source:
        """Give the source named `name`, adding or updating it."""
        with self.batch():
            return crawls.ensure_source(self.conn, name, url, config, now)

    def source(self, name: str) -> Source:
        """Give the source named `name`."""
        return crawls.get_source(self.conn, name)

    def start_crawl(self, source_id: int, now: str, config: dict | None = None) -> int:
        """Open a crawl run and give its id."""
        with self.batch():
            return crawls.start_crawl(self.conn, source_id, now, config, os.getpid())

    def finish_crawl(
        self, crawl_id: int, status: str, counts: CrawlCounts, now: str | None, message: str | None = None
    ) -> None:
        """Record a crawl run's counts and status (`now=None` keeps it open)."""
        with self.batch():
            crawls.finish_crawl(self.conn, crawl_id, status, counts, now, message)

    def check_not_crawling(self, source_name: str) -> None:
        """Raise StoreError when another live process is crawling this source now."""
        row = self.conn.execute("SELECT id FROM sources WHERE name = ?", (source_name,)).fetchone()
        unfinished = frontier.unfinished_crawl(self.conn, row[0]) if row else None
        if (
            unfinished
            and unfinished[1] == "running"
            and unfinished[2] != os.getpid()
            and unfinished[2]
            and locks.pid_alive(unfinished[2])
        ):
            raise StoreError(
                f"source {source_name!r} is being crawled by process {unfinished[2]} right now",
                "wait for it to finish or stop it",
            )

    def resume_or_start(self, source_id: int, now: str, config: dict | None = None) -> tuple[int, bool]:
        """Give (crawl id, resumed): the source's unfinished crawl reopened, or a new one."""
        with self.batch():
            unfinished = frontier.unfinished_crawl(self.conn, source_id)
            if unfinished:
                frontier.reopen(self.conn, unfinished[0], os.getpid())
                return unfinished[0], True
            return crawls.start_crawl(self.conn, source_id, now, config, os.getpid()), False

    def queue(self, crawl_id: int, entries) -> None:
        """Add entries to the crawl's durable frontier (call inside `batch()`)."""
        frontier.add_entries(self.conn, crawl_id, entries)

    def done(self, crawl_id: int, url: str) -> None:
        """Mark a URL of the crawl's frontier as done (call inside `batch()`)."""
        frontier.mark_done(self.conn, crawl_id, url)

    def frontier(self, crawl_id: int) -> frontier.Frontier:
        """Give the crawl's pending frontier and every URL it has seen."""
        return frontier.read_frontier(self.conn, crawl_id)

    def clear_frontier(self, crawl_id: int) -> None:
        """Forget the frontier of a finished crawl."""
        with self.batch():
            frontier.clear(self.conn, crawl_id)

    def crawl(self, crawl_id: int) -> CrawlRun:
        """Give one crawl run."""
        return crawls.get_crawl(self.conn, crawl_id)

    def add_capture(
        self, crawl_id: int | None, source_id: int | None, capture: CaptureRow, links: list[tuple[str, str]] = ()
    ) -> int:
        """Record one capture and its off-site links (call inside `batch()`)."""
        capture_id = crawls.add_capture(self.conn, crawl_id, source_id, capture)
        if links:
            crawls.add_links(self.conn, capture_id, list(links))
        return capture_id

    def save_article(
        self, source_id: int, capture_id: int | None, url: str, extraction: Extraction, now: str
    ) -> ArticleOutcome:
        """Store one extracted article (call inside `batch()`)."""
        return articles.save_article(self.conn, source_id, capture_id, url, extraction, now)

    def touch_article(self, url: str, capture_id: int, now: str) -> int | None:
        """Mark an article as seen unchanged (call inside `batch()`)."""
        return crawls.touch_article(self.conn, url, capture_id, now)

    def add_render(self, capture_id: int, record: renders.RenderRecord) -> int:
        """Record how a capture was rendered in the browser (crawl/render.py); give the row id."""
        return renders.add_render(self.conn, capture_id, record)

    def rendered_dom(self, capture_id: int):
        """Give the WarcLocation of a capture's rendered DOM, or None when it was not rendered."""
        return renders.rendered_dom(self.conn, capture_id)

    def latest_article_captures(self, source: str | None = None, page: int = 1000) -> Iterator[tuple]:
        """Give the newest kept capture of each article (of one source when given), by article id,
        read `page` articles at a time."""
        if source:
            self.source(source)
        after = 0
        while rows := crawls.latest_article_captures(self.conn, source, after, page):
            yield from rows
            after = rows[-1][-1]

    def article_count(self, source: str | None = None) -> int:
        """Give the number of articles (of one source when given)."""
        return crawls.article_count(self.conn, source)

    def version_diff(self, article_id: int, old: int, new: int) -> diffs.VersionDiff:
        """Give the field-level diff between two versions of an article."""
        return diffs.version_diff(self.conn, article_id, old, new)

    def kept_files(self, where) -> list[str]:
        """Give the WARC files holding captures under `where` (an exports.ExportFilter)."""
        if where.source:
            self.source(where.source)
        return warcs.kept_files(self.conn, where)

    def kept_captures(self, file: str, where) -> Iterator[warcs.WarcCapture]:
        """Give the captures under `where` kept in one WARC file, in file order."""
        return warcs.kept_captures(self.conn, file, where)

    def previous_response(self, url: str, before_id: int) -> warcs.WarcCapture | None:
        """Give the newest kept 200 capture of `url` before capture `before_id`."""
        return warcs.previous_response(self.conn, url, before_id)

    def validators(self, url: str) -> Validators:
        """Give the validators of the last capture of `url`."""
        return crawls.last_validators(self.conn, url)
