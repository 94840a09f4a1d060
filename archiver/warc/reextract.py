"""Re-run the current extraction over kept raw captures, offline (`archiver reextract`).

The captures are read back and extracted in worker processes (one per core by default), a bounded
window of articles ahead of the store, which writes their results in order, in batches. A
page past its time limit has its worker killed and replaced, and counts as that article's failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archiver.crawl.analysis import analyze_page
from archiver.crawl.pool import BatchPool
from archiver.crawl.render_records import with_rendered_dom
from archiver.errors import ArchiverError, ExtractionError
from archiver.extract.model import Extraction
from archiver.store import Archive
from archiver.store.warcfiles import WarcLocation, read_capture
from archiver.warc.import_progress import NO_PROGRESS, Progress
from archiver.warc.pages import ahead

# Articles whose results are written in one transaction. A stopped run loses at most the batch it
# was writing, and nothing that was archived before: re-extraction only adds versions.
BATCH = 200
# Articles read and analysed ahead of the one being stored, per worker.
AHEAD_PER_WORKER = 4


@dataclass
class ReextractReport:
    """What a re-extraction did: articles looked at, changed, unchanged, failed."""

    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)


def reextract(
    db: Path,
    warc_dir: Path | None = None,
    source: str | None = None,
    workers: int = 0,
    progress: Progress = NO_PROGRESS,
    max_page_time: float = 30.0,
) -> ReextractReport:
    """Re-extract the newest capture of every article with `workers` processes (0: one per core);
    rows change only where the result changed."""
    report = ReextractReport()
    folder = warc_dir or db.parent / "warcs"
    with Archive(db) as archive, BatchPool(workers, max_page_time, task=extract_kept) as pool:
        rows = archive.latest_article_captures(source)
        progress.stage("re-extracting", archive.article_count(source))

        def start(row: tuple):
            location, dom_at = WarcLocation(*row[4:7]), archive.rendered_dom(row[0])
            return row, pool.submit(row[2], b"", folder, location, dom_at)

        archive.begin()
        try:
            for count, (row, work) in enumerate(ahead(map(start, rows), AHEAD_PER_WORKER * pool.size), 1):
                store(archive, row, pool.result(work), report)
                progress.update(count)
                if count % BATCH == 0:
                    archive.commit()
                    archive.begin()
            archive.commit()
        except BaseException:
            archive.rollback()
            raise
    return report


def extract_kept(_: bytes, folder: Path, location: WarcLocation, dom_at: WarcLocation | None) -> Extraction | str:
    """Give the extraction of one kept capture, read back from its WARC record (with the comments of
    the DOM the browser showed, when it was rendered: crawl/render.py), or why it failed. Runs in a
    worker process, which is sent no body: it reads the capture itself."""
    try:
        raw = read_capture(folder, location)
        analysis = analyze_page(raw.body, raw.url, raw.headers)
        if dom_at is not None:
            analysis = with_rendered_dom(analysis, read_capture(folder, dom_at).body, raw.url)
    except ExtractionError as exc:
        return exc.reason
    except ArchiverError as exc:
        return str(exc)
    except Exception as exc:  # a bug on one odd page must cost that article, not the run
        return f"{type(exc).__name__}: {exc}"
    return analysis.extraction


def store(archive: Archive, row: tuple, result: Extraction | str | ExtractionError, report: ReextractReport) -> None:
    """Store one article's new extraction under its archived URL, or count why it failed."""
    capture_id, source_id, url, fetched_at = row[:4]
    report.articles += 1
    if isinstance(result, ExtractionError):  # over its time, or its worker died
        result = result.reason
    if isinstance(result, str):
        report.failed.append(f"{url}: {result}")
        return
    outcome = archive.save_article(source_id, capture_id, url, result, fetched_at)
    if outcome.status == "unchanged":
        report.unchanged += 1
    else:
        report.changed += 1
