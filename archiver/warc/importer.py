"""`archiver import-warc`: archive articles from WARC files that other crawlers made.

Two passes, both streaming. The first reads each file record by record, copies every
request, response and revisit record byte for byte into the archive's own
`warcs/import-NNNNNN-….warc.gz` (so that captures point at it and re-extraction and
export work on imports too) and queues the responses by WARC-Date. The second takes the
queue oldest first, analyses pages in worker processes and stores them through the
Recorder, so captures of one URL become article versions in time order. Damaged records
(cut short, corrupt, unparseable) are skipped and counted, never fatal.
"""

from __future__ import annotations

import gzip
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from archiver.crawl.pool import BatchPool
from archiver.crawl.recorder import Recorder
from archiver.errors import ConfigError, ExtractionError, StoreError
from archiver.extract.timeutil import now_iso
from archiver.extract.urls import host_of
from archiver.store import Archive
from archiver.store.warcfiles import WarcWriter
from archiver.store.warcs import ImportedRecord, ImportQueue
from archiver.warc import dates
from archiver.warc.import_progress import NO_PROGRESS, Progress
from archiver.warc.pages import BodyRefused, analysed, fetched_item, location_of
from archiver.warc.reader import Damage, RecordHead, WarcMember, parse_head, parse_record, read_members

CAPTURE_TYPES = ("response", "revisit", "resource")
KEPT_TYPES = ("request",) + CAPTURE_TYPES
BATCH = 200
MAX_DETAILS = 200
NOT_WEB = "capture of a non-http(s) URI (dns:, metadata:, urn:...)"


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
    kinds: Counter = field(default_factory=Counter)
    skips: Counter = field(default_factory=Counter)
    damaged: int = 0
    details: list[str] = field(default_factory=list)
    redated: Counter = field(default_factory=Counter)
    bodiless: Counter = field(default_factory=Counter)
    truncated: int = 0
    failed: list[str] = field(default_factory=list)  # pages whose analysis failed: "URL: reason"
    seconds: float = 0.0
    warc_file: str = ""

    @property
    def rate(self) -> float:
        """Records read per second."""
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def skipped(self) -> int:
        """Records skipped, for any reason."""
        return sum(self.skips.values())

    def skip(self, reason: str, detail: str, damaged: bool = True) -> None:
        """Count one skipped record under its reason, keeping the first details for the summary."""
        self.skips[reason] += 1
        self.damaged += damaged
        if len(self.details) < MAX_DETAILS:
            self.details.append(detail)


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
        finished = False
        try:
            copy_in(paths, writer, queue, report, progress)
            writer.flush()
            store_queue(archive, folder, queue, options, report, progress, [p.name for p in paths])
            finished = True
        finally:
            writer.close()
            queue.close()
            if not finished and not report.captures:
                (folder / writer.name).unlink(missing_ok=True)  # no capture points at it
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


class CopyError(StoreError):
    """The import's copy of the records cannot be written (disk full, folder gone)."""


@dataclass
class FileReading:
    """One input file being copied in: its name and the last valid WARC-Date met (to date by)."""

    path: Path
    last_date: str = ""

    def where(self, offset: int) -> str:
        """Give a record's place for a skip's detail."""
        return f"{self.path.name} at {offset}"


def copy_in(
    paths: list[Path], writer: WarcWriter, queue: ImportQueue, report: ImportReport, progress: Progress
) -> None:
    """First pass: copy the kept record types into the archive's WARC folder and queue the captures."""
    progress.stage("reading", sum(p.stat().st_size for p in paths))
    done = 0
    for path in paths:
        size = path.stat().st_size
        # Offsets in a file gzipped as one stream count uncompressed bytes: clamp them to the file.
        copy_file(
            FileReading(path),
            writer,
            queue,
            report,
            lambda at, base=done, end=size: progress.update(base + min(at, end)),
        )
        done += size
    progress.update(done)


def copy_file(reading: FileReading, writer: WarcWriter, queue: ImportQueue, report: ImportReport, update) -> None:
    """Copy in the records of one file; whatever fails costs a counted skip, never the other files."""
    offset = 0
    try:
        for member in read_members(reading.path):
            offset = member.offset
            update(offset)
            try:
                copy_member(reading, member, writer, queue, report)
            except CopyError:
                raise
            except Exception as exc:  # one odd record must cost that record only
                report.skip(f"unreadable record ({type(exc).__name__})", f"{reading.where(offset)}: {exc}")
    except CopyError:
        raise  # the archive's own WARC folder cannot be written: the import cannot go on
    except StoreError as exc:
        report.skip("unreadable file", f"{reading.path.name}: {exc.message}")
    except Exception as exc:  # the reader gave up inside the file: its records so far are kept
        report.skip(f"unreadable rest of file ({type(exc).__name__})", f"{reading.where(offset)}: {exc}")


def copy_member(
    reading: FileReading, member: WarcMember | Damage, writer: WarcWriter, queue: ImportQueue, report: ImportReport
) -> None:
    """Copy one record if it is a request, response, revisit or resource of a web URL; queue the captures."""
    if isinstance(member, Damage):
        report.skip(member.reason.split(" (")[0], f"{reading.where(member.offset)}: {member.reason}")
        return
    try:
        head = parse_head(member)
    except StoreError as exc:
        report.skip("not a readable WARC record", f"{reading.where(member.offset)}: {exc.message}")
        return
    report.records += 1
    report.kinds[head.type] += 1
    report.truncated += member.truncated
    if head.type not in KEPT_TYPES:
        return
    if urlsplit(head.uri).scheme not in ("http", "https"):
        if head.type in CAPTURE_TYPES:
            report.skip(NOT_WEB, f"{reading.where(member.offset)}: {head.type} of {head.uri[:80]}", damaged=False)
        return
    date, data = dated(reading, member, head, report)
    raw = member.raw if member.gzipped and data is member.data else gzip.compress(data, mtime=0)
    try:
        location = writer.copy_record(raw)
    except OSError as exc:
        raise CopyError(f"cannot write {writer.name}: {exc.strerror}", "check the --warc-dir folder") from exc
    if head.type in CAPTURE_TYPES:
        queue.add(
            ImportedRecord(
                archive_date(date), queue.size, head.type, head.uri, location.file, location.offset, location.length
            )
        )


def dated(reading: FileReading, member: WarcMember, head: RecordHead, report: ImportReport) -> tuple[str, bytes]:
    """Give a record's valid WARC-Date and its bytes, rewritten where its own date was not valid."""
    if dates.is_valid(head.date):
        reading.last_date = head.date
        return head.date, member.data
    moment = dates.as_moment(head.date)
    if moment is not None:  # a readable date in another form (an offset, WARC 0.x digits): same moment
        date = dates.warc_form(moment)
    else:
        date, source = substitute_date(reading, member)
        report.redated[source] += 1
    reading.last_date = date
    return date, dates.with_date(member.data, date)


def substitute_date(reading: FileReading, member: WarcMember) -> tuple[str, str]:
    """Give a date for a record whose WARC-Date is unreadable, and where it came from."""
    try:
        http = parse_record(member).http_headers
    except StoreError:
        http = None
    moment = dates.from_http(http.get_header("Date") or "") if http else None
    if moment is not None:
        return dates.warc_form(moment), "its HTTP Date header"
    if reading.last_date:
        return reading.last_date, "the record before it"
    return now_iso()[:19] + "Z", "the import time"


class SourceBook:
    """The source and crawls row each imported capture is filed under, made on first use."""

    def __init__(self, archive: Archive, source: str | None, files: list[str]):
        self.archive = archive
        self.source = source
        self.files = files
        self.ingesters: dict[str, Recorder] = {}

    def ingester_for(self, url: str) -> Recorder:
        """Give the Recorder of the source of `url` (the --source, or its host)."""
        name = self.source or host_of(url)
        if name not in self.ingesters:
            self.archive.commit()
            self.ingesters[name] = self.open(name, url)
            self.archive.begin()
        return self.ingesters[name]

    def open(self, name: str, url: str) -> Recorder:
        """Give an Recorder for source `name`, adding the source if new and a crawls row for the import."""
        now = now_iso()
        try:
            source = self.archive.source(name)
        except StoreError:
            parts = urlsplit(url)
            home = f"{parts.scheme}://{parts.netloc}/"
            source = self.archive.ensure_source(name, home, {"url": home}, now)
        crawl_id = self.archive.start_crawl(source.id, now, {"import": self.files})
        return Recorder(self.archive, source.id, crawl_id)

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
    progress.stage("storing", queue.size)
    status = "failed (interrupted)"
    with BatchPool(options.workers, options.max_page_time) as pool:
        try:
            archive.begin()
            for count, done in enumerate(analysed(queue.in_date_order(), folder, pool, 4 * pool.size), 1):
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
    """Store one analysed capture (a record unreadable at its HTTP part counts as damaged; one whose
    body is over the size cap or in an unknown encoding is stored without it, counted by reason)."""
    if isinstance(done, StoreError):
        report.skip("unreadable HTTP response", done.message)
        return
    ingester = book.ingester_for(done.entry.uri)
    # Each imported capture stands alone: later captures of an article are versions, not duplicates.
    ingester.stored_urls.clear()
    ingester.store(fetched_item(done), location_of(done.entry))
    report.captures += 1
    if isinstance(done.outcome, BodyRefused):
        report.bodiless[done.outcome.reason] += 1
    elif isinstance(done.outcome, ExtractionError):
        report.failed.append(f"{done.entry.uri}: {done.outcome.reason}")


def add_counts(book: SourceBook, report: ImportReport) -> None:
    """Add the sources' counts to the report."""
    for ingester in book.ingesters.values():
        counts = ingester.counts
        report.articles_new += counts.articles_new
        report.articles_changed += counts.articles_changed
        report.articles_unchanged += counts.articles_unchanged
        report.comments_new += counts.comments_new
        report.errors += counts.errors
