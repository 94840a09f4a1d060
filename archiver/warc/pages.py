"""Imported responses turned into the items the crawler would have made: decision, analysis, article URL.

Analysis runs in worker processes, a bounded window of records ahead of the store, so that
memory stays bounded by the window whatever the size of the WARC files.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from archiver.crawl.analysis import PageAnalysis
from archiver.crawl.discovery import looks_like_feed, looks_like_sitemap
from archiver.crawl.items import CaptureItem
from archiver.crawl.pool import BatchPool
from archiver.crawl.settings import DOWNLOAD_MAXSIZE  # an import is held to the crawl's size cap
from archiver.errors import ExtractionError, StoreError
from archiver.extract.urls import Scope, canonical
from archiver.store.warcfiles import CaptureResponse, PayloadError, WarcLocation, read_capture
from archiver.store.warcs import ImportedRecord

HTML_TYPES = ("text/html", "application/xhtml+xml", "")
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    """What to do with a record without analysing it: its capture decision and the reason."""

    decision: str
    reason: str | None


@dataclass(frozen=True)
class BodyRefused(Verdict):
    """A record whose body was refused (over the size cap, an unknown or corrupt encoding): kept as a
    skipped capture without it."""


@dataclass(frozen=True)
class AnalysedCapture:
    """One queued record read back, with its verdict or its page analysis."""

    entry: ImportedRecord
    raw: CaptureResponse
    outcome: Verdict | PageAnalysis | ExtractionError


def location_of(entry: ImportedRecord) -> WarcLocation:
    """Give where a queued record was copied to."""
    return WarcLocation(entry.file, entry.offset, entry.length)


def content_type(headers: dict[str, str]) -> str:
    """Give the media type of a response, lower case, without parameters."""
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return value.split(";")[0].strip().lower()


def verdict(entry: ImportedRecord, raw: CaptureResponse) -> Verdict | None:
    """Give the decision for a record that needs no analysis, or None for an HTML page to analyse."""
    status = raw.status
    if entry.type == "revisit" or status == 304:
        return Verdict("not_modified", "304 Not Modified" if status == 304 else "revisit record")
    if status >= 400:
        return Verdict("error", f"HTTP {status}")
    if status != 200:
        return Verdict("skipped", f"redirect (HTTP {status})" if 300 <= status < 400 else f"HTTP {status}")
    return document_verdict(entry.uri, raw)


def document_verdict(url: str, raw: CaptureResponse) -> Verdict | None:
    """Give the decision for a 200 that is not an HTML page (robots.txt, feed, sitemap, other types)."""
    if urlsplit(url).path == "/robots.txt":
        return Verdict("discovery", "robots.txt")
    if looks_like_feed(raw.body):
        return Verdict("discovery", "feed")
    if looks_like_sitemap(raw.body):
        return Verdict("discovery", "sitemap")
    ctype = content_type(raw.headers)
    if ctype not in HTML_TYPES and not ctype.endswith("xml"):
        return Verdict("skipped", f"not HTML ({ctype})")
    if not raw.body.strip():
        return Verdict("skipped", "empty response")
    if b"\x00" in raw.body[:4096]:
        return Verdict("skipped", "binary data served as HTML")
    return None


def fetched_item(done: AnalysedCapture) -> CaptureItem:
    """Give the item the crawler would have made of this record, dated by its WARC-Date."""
    entry, raw, outcome = done.entry, done.raw, done.outcome
    item = CaptureItem(
        url=entry.uri,
        final_url=entry.uri,
        status=capture_status(entry, raw),
        fetched_at=entry.date,
        headers=raw.headers,
        body=raw.body,
        request_headers={},
        decision="error",
    )
    if isinstance(outcome, Verdict):
        item.decision, item.reason = outcome.decision, outcome.reason
    elif isinstance(outcome, ExtractionError):
        item.reason = outcome.reason
    else:
        describe_page(item, outcome)
    return item


def capture_status(entry: ImportedRecord, raw: CaptureResponse) -> int:
    """Give the status a capture is filed under: a revisit of a 200 (or without HTTP headers) says the
    page is as before, so it is filed as a crawl's 304 is (never re-extracted, exported as a revisit)."""
    if entry.type == "revisit" and raw.status in (0, 200):
        return 304
    return raw.status


def describe_page(item: CaptureItem, analysis: PageAnalysis) -> None:
    """Fill in an analysed page's decision, article URL and off-site links as the spider does."""
    scope = Scope.for_urls([item.url])
    item.decision, item.reason, item.analysis = analysis.decision.kind, analysis.decision.reason, analysis
    declared = analysis.extraction.canonical_url
    item.article_url = canonical(declared if declared and scope.on_site(declared) else item.url)
    item.offsite = list(analysis.offsite)  # on site: the page's own host, as analyze_safely assumes


def analysed(
    entries: Iterable[ImportedRecord], folder: Path, pool: BatchPool, window: int
) -> Iterator[AnalysedCapture | StoreError]:
    """Give each queued record analysed, in queue order, with at most `window` records in flight."""
    for slot in ahead((started(entry, folder, pool) for entry in entries), window):
        yield resolve(slot, pool)


def ahead(slots: Iterable[T], window: int) -> Iterator[T]:
    """Give `slots` in order, each once the `window` - 1 after it have been started too (taking a slot
    from `slots` starts its work), so that the workers always have work queued behind the one waited
    for, and no more than `window` are held at once."""
    pending: deque[T] = deque()
    for slot in slots:
        pending.append(slot)
        if len(pending) >= window:
            yield pending.popleft()
    yield from pending


def started(entry: ImportedRecord, folder: Path, pool: BatchPool):
    """Read one queued record back and start its analysis (or give its verdict, or the error)."""
    try:
        raw = read_capture(folder, location_of(entry), DOWNLOAD_MAXSIZE)
    except PayloadError as exc:
        # As the crawl records a response over its size cap: a capture row, skipped, no body.
        return entry, CaptureResponse(entry.uri, 0, {}, b""), BodyRefused("skipped", exc.reason)
    except StoreError as exc:
        return exc
    except Exception as exc:  # an odd record must cost that record's body, not the import
        return (
            entry,
            CaptureResponse(entry.uri, 0, {}, b""),
            BodyRefused("skipped", f"unreadable body ({type(exc).__name__})"),
        )
    return entry, raw, verdict(entry, raw) or pool.submit(entry.uri, raw.body, entry.uri, raw.headers)


def resolve(slot, pool: BatchPool) -> AnalysedCapture | StoreError:
    """Wait for one in-flight record's analysis (the ExtractionError of a page over its time or of a
    worker that died, never an exception)."""
    if isinstance(slot, StoreError):
        return slot
    entry, raw, work = slot
    return AnalysedCapture(entry, raw, pool.result(work))
