"""`archiver import-warc`: archive articles from WARC files that other crawlers made.

Two passes, both streaming. The first reads each file record by record, copies every
request, response and revisit record byte for byte into the archive's own
`warcs/import-NNNNNN-….warc.gz` (so that captures point at it and re-extraction and
export work on imports too) and queues the responses by WARC-Date. The second takes the
queue oldest first, analyses pages in worker processes and stores them through the
Ingester, so captures of one URL become article versions in time order. Damaged records
(cut short, corrupt, unparseable) are skipped and counted, never fatal.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from archiver.crawl.ingest import Ingester
from archiver.crawl.pool import pool_size
from archiver.errors import ConfigError, StoreError
from archiver.extract.timeutil import now_iso
from archiver.extract.urls import host_of
from archiver.store import Archive
from archiver.store.warcfiles import WarcWriter
from archiver.store.warcs import ImportQueue, QueuedRecord
from archiver.warc.pages import analysed, fetched_item, location_of
from archiver.warc.progress import NO_PROGRESS, Progress
from archiver.warc.reader import Damage, WarcMember, parse_head, read_members

CAPTURE_TYPES = ("response", "revisit")
KEPT_TYPES = ("request",) + CAPTURE_TYPES
BATCH = 200


@dataclass
class ImportReport:
    """What an import did: records read, captures and articles stored, damage skipped, time taken."""

    records: int = 0
    captures: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    comments_new: int = 0
    errors: int = 0
    damaged: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warc_file: str = ""

    @property
    def rate(self) -> float:
        """Records read per second."""
        return self.records / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class ImportOptions:
    """How to import: the source to file captures under (None: each host its own), workers, limits."""

    source: str | None = None
    workers: int = 0
    max_page_time: float = 30.0


def import_warcs(
    db: Path,
    files: Iterable[Path],
    options: ImportOptions = ImportOptions(),
    warc_dir: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Archive the captures of WARC `files` into `db`; give what was done."""
    paths = check_files(files)
    started = time.monotonic()
    report = ImportReport()
    folder = warc_dir or db.parent / "warcs"
    queue = ImportQueue()
    with Archive(db) as archive:
        writer = WarcWriter(folder, next_import_name(folder))
        report.warc_file = writer.name
        try:
            copy_in(paths, writer, queue, report, progress)
            writer.flush()
            store_queue(archive, folder, queue, options, report, progress, [p.name for p in paths])
        finally:
            writer.close()
            queue.close()
    report.seconds = time.monotonic() - started
    return report


def check_files(files: Iterable[Path]) -> list[Path]:
    """Give the WARC files to import; ConfigError when one is missing or not a file."""
    paths = list(files)
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"no such WARC file: {path}", "check the path")
    return paths


def next_import_name(folder: Path) -> str:
    """Give a new file name for an import's copy of the records: import-NNNNNN-DATE.warc.gz."""
    stamp = now_iso()[:19].replace("-", "").replace(":", "")
    number = len(list(folder.glob("import-*.warc.gz"))) + 1 if folder.exists() else 1
    while (folder / f"import-{number:06d}-{stamp}.warc.gz").exists():
        number += 1
    return f"import-{number:06d}-{stamp}.warc.gz"


def archive_date(warc_date: str) -> str:
    """Give a WARC-Date as the archive keeps times (UTC, seconds, +00:00); now when it is not a date."""
    try:
        moment = datetime.fromisoformat(warc_date.strip().replace("Z", "+00:00"))
    except ValueError:
        return now_iso()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def copy_in(
    paths: list[Path], writer: WarcWriter, queue: ImportQueue, report: ImportReport, progress: Progress
) -> None:
    """First pass: copy the kept record types into the archive's WARC folder and queue the captures."""
    progress.stage("reading", sum(p.stat().st_size for p in paths))
    done = 0
    for path in paths:
        for member in read_members(path):
            progress.update(done + member.offset)
            if isinstance(member, Damage):
                report.damaged.append(f"{path.name} at {member.offset}: {member.reason}")
                continue
            copy_member(path, member, writer, queue, report)
        done += path.stat().st_size
    progress.update(done)


def copy_member(path: Path, member: WarcMember, writer: WarcWriter, queue: ImportQueue, report: ImportReport) -> None:
    """Copy one record if it is a request, response or revisit of a web URL; queue it if a capture."""
    try:
        head = parse_head(member)
    except StoreError as exc:
        report.damaged.append(f"{path.name} at {member.offset}: {exc.message}")
        return
    report.records += 1
    if head.type not in KEPT_TYPES or urlsplit(head.uri).scheme not in ("http", "https"):
        return
    location = writer.copy_record(member.raw if member.gzipped else gzip.compress(member.data, mtime=0))
    if head.type in CAPTURE_TYPES:
        queue.add(
            QueuedRecord(
                archive_date(head.date),
                queue.size,
                head.type,
                head.uri,
                location.file,
                location.offset,
                location.length,
            )
        )


class SourceBook:
    """The source and crawls row each imported capture is filed under, made on first use."""

    def __init__(self, archive: Archive, source: str | None, files: list[str]):
        self.archive = archive
        self.source = source
        self.files = files
        self.ingesters: dict[str, Ingester] = {}

    def ingester_for(self, url: str) -> Ingester:
        """Give the Ingester of the source of `url` (the --source, or its host)."""
        name = self.source or host_of(url)
        if name not in self.ingesters:
            self.archive.commit()
            self.ingesters[name] = self.open(name, url)
            self.archive.begin()
        return self.ingesters[name]

    def open(self, name: str, url: str) -> Ingester:
        """Give an Ingester for source `name`, adding the source if new and a crawls row for the import."""
        now = now_iso()
        try:
            source = self.archive.source(name)
        except StoreError:
            parts = urlsplit(url)
            home = f"{parts.scheme}://{parts.netloc}/"
            source = self.archive.ensure_source(name, home, {"url": home}, now)
        crawl_id = self.archive.start_crawl(source.id, now, {"import": self.files})
        return Ingester(self.archive, source.id, crawl_id)

    def finish(self, status: str) -> None:
        """Close the import's crawls rows with their counts."""
        self.archive.commit()
        for ingester in self.ingesters.values():
            self.archive.finish_crawl(ingester.crawl_id, status, ingester.counts, now_iso())


def store_queue(
    archive: Archive,
    folder: Path,
    queue: ImportQueue,
    options: ImportOptions,
    report: ImportReport,
    progress: Progress,
    files: list[str],
) -> None:
    """Second pass: analyse and store the queued captures oldest first."""
    book = SourceBook(archive, options.source, files)
    workers = pool_size(options.workers)
    progress.stage("storing", queue.size)
    status = "failed (interrupted)"
    with ProcessPoolExecutor(workers) as executor:
        try:
            archive.begin()
            for count, done in enumerate(
                analysed(queue.in_date_order(), folder, executor, 4 * workers, options.max_page_time), 1
            ):
                store_one(book, done, report)
                progress.update(count)
                if count % BATCH == 0:
                    archive.commit()
                    archive.begin()
            status = "finished"
        finally:
            book.finish(status)
    add_counts(book, report)


def store_one(book: SourceBook, done, report: ImportReport) -> None:
    """Store one analysed capture (a record unreadable at its HTTP part counts as damaged)."""
    if isinstance(done, StoreError):
        report.damaged.append(done.message)
        return
    ingester = book.ingester_for(done.entry.uri)
    # Each imported capture stands alone: later captures of an article are versions, not duplicates.
    ingester.stored_urls.clear()
    ingester.store(fetched_item(done), location_of(done.entry))
    report.captures += 1


def add_counts(book: SourceBook, report: ImportReport) -> None:
    """Add the sources' counts to the report."""
    for ingester in book.ingesters.values():
        counts = ingester.counts
        report.articles_new += counts.articles_new
        report.articles_changed += counts.articles_changed
        report.articles_unchanged += counts.articles_unchanged
        report.comments_new += counts.comments_new
        report.errors += counts.errors
