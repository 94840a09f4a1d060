"""Re-run the current extraction over kept raw captures, offline (`archiver reextract`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archiver.crawl.analysis import analyze_page
from archiver.crawl.render_records import with_rendered_dom
from archiver.errors import ArchiverError, ExtractionError
from archiver.store import Archive
from archiver.store.warcfiles import WarcLocation, read_capture


@dataclass
class ReextractReport:
    """What a re-extraction did: articles looked at, changed, unchanged, failed."""

    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)


def reextract(db: Path, warc_dir: Path | None = None, source: str | None = None) -> ReextractReport:
    """Re-extract the newest capture of every article; rows change only where the result changed."""
    report = ReextractReport()
    folder = warc_dir or db.parent / "warcs"
    with Archive(db) as archive:
        for row in archive.latest_article_captures(source):
            with archive.batch():
                reextract_one(archive, folder, row, report)
    return report


def reextract_one(archive: Archive, folder: Path, row: tuple, report: ReextractReport) -> None:
    """Re-extract one article from its kept capture and store it under its archived URL."""
    capture_id, source_id, url, fetched_at, file, offset, length = row
    report.articles += 1
    try:
        raw = read_capture(folder, WarcLocation(file, offset, length))
        analysis = analyze_page(raw.body, raw.url, raw.headers)
        dom_at = archive.rendered_dom(capture_id)  # the page as the browser showed it (crawl/render.py)
        if dom_at is not None:
            analysis = with_rendered_dom(analysis, read_capture(folder, dom_at).body, raw.url)
        extraction = analysis.extraction
    except ArchiverError as exc:
        report.failed.append(f"{url}: {exc.reason if isinstance(exc, ExtractionError) else exc}")
        return
    outcome = archive.save_article(source_id, capture_id, url, extraction, fetched_at)
    if outcome.status == "unchanged":
        report.unchanged += 1
    else:
        report.changed += 1
