"""Re-run the current extraction over kept raw captures, offline (`archiver reextract`).

The captures are read back and analysed in worker processes (one per core by default), a bounded
window of articles ahead of the store, which writes their results in order, in batches.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archiver.crawl.analysis import analyze_page
from archiver.crawl.pool import RECYCLE_AFTER, pool_size
from archiver.crawl.render_records import with_rendered_dom
from archiver.crawl.workers import worker_context
from archiver.errors import ArchiverError, ExtractionError
from archiver.extract.model import Extraction
from archiver.store import Archive
from archiver.store.warcfiles import WarcLocation, read_capture
from archiver.warc.import_progress import NO_PROGRESS, Progress
from archiver.warc.pages import ahead, finished

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
    size = pool_size(workers)
    with Archive(db) as archive:
        rows = archive.latest_article_captures(source)
        progress.stage("re-extracting", archive.article_count(source))
        context = worker_context()
        with ProcessPoolExecutor(size, mp_context=context, max_tasks_per_child=RECYCLE_AFTER) as executor:

            def start(row: tuple):
                location = WarcLocation(*row[4:7])
                return row, executor.submit(analyze_kept, folder, location, archive.rendered_dom(row[0]), row[2])

            archive.begin()
            try:
                for count, (row, work) in enumerate(ahead(map(start, rows), AHEAD_PER_WORKER * size), 1):
                    store(archive, row, finished(work, row[2], max_page_time), report)
                    progress.update(count)
                    if count % BATCH == 0:
                        archive.commit()
                        archive.begin()
                archive.commit()
            except BaseException:
                archive.rollback()
                raise
    return report


def analyze_kept(folder: Path, location: WarcLocation, dom_at: WarcLocation | None, url: str) -> Extraction | str:
    """Give the extraction of one kept capture (with the comments of its rendered DOM, when it was
    rendered), or why it failed. Runs in a worker process."""
    try:
        raw = read_capture(folder, location)
        analysis = analyze_page(raw.body, raw.url, raw.headers)
        if dom_at is not None:  # the page as the browser showed it (crawl/render.py)
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
