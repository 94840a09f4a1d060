"""What a render gave, as the pipeline keeps it: the browser's exchanges and the rendered DOM
(WARC records) and the `renders` row (no Scrapy, no browser here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from archiver.crawl.analysis import PageAnalysis, analyze_page
from archiver.errors import ExtractionError
from archiver.extract.timeutil import now_iso
from archiver.extract.widgets import rendered_status
from archiver.store.renders import RenderRecord
from archiver.store.warcfiles import WarcLocation, WarcWriter


@dataclass(frozen=True)
class NetworkExchange:
    """One response the browser received while rendering, kept as WARC request/response records."""

    url: str
    method: str
    resource_type: str
    request_headers: dict[str, str]
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str


@dataclass(frozen=True)
class RenderCapture:
    """What rendering one page gave: its DOM (iframes inlined), the kept exchanges and the counts."""

    url: str
    outcome: str  # "rendered" or "failed"
    reason: str | None = None
    dom: bytes = b""
    exchanges: tuple[NetworkExchange, ...] = ()
    blocked: int = 0
    blocked_hosts: tuple[tuple[str, int], ...] = ()
    clicks: int = 0
    frames: int = 0
    seconds: float = 0.0
    rendered_at: str = ""


def write_render(warc: WarcWriter, capture: RenderCapture) -> WarcLocation | None:
    """Write the browser's exchanges as request/response records and the rendered DOM as a conversion
    record; give where the DOM lives (None when the render failed)."""
    for exchange in capture.exchanges:
        warc.write_exchange(
            exchange.url,
            exchange.request_headers,
            exchange.status,
            exchange.headers,
            exchange.body,
            exchange.fetched_at,
            hashlib.sha256(exchange.body).digest(),
        )
    if capture.outcome != "rendered":
        return None
    return warc.write_conversion(capture.url, capture.dom, "text/html; charset=utf-8", capture.rendered_at)


def render_record(capture: RenderCapture, dom_at: WarcLocation | None) -> RenderRecord:
    """Give the `renders` row of a capture."""
    return RenderRecord(
        capture.rendered_at or now_iso(),
        capture.outcome,
        capture.reason,
        capture.seconds,
        len(capture.exchanges),
        capture.blocked,
        capture.clicks,
        capture.frames,
        dom_at.file if dom_at else None,
        dom_at.offset if dom_at else None,
        dom_at.length if dom_at else None,
    )


def merged_analysis(
    plain: PageAnalysis, rendered: PageAnalysis | None, capture: RenderCapture | None = None
) -> PageAnalysis:
    """Give the page's analysis after a render: everything from its HTML, the comments from the
    rendered DOM when it showed some, and the comments status saying which."""
    status = plain.extraction.comments_status
    if rendered is None:
        note = (capture.reason if capture else None) or "the rendered page could not be extracted"
        return replace(plain, extraction=replace(plain.extraction, comments_status=replace(status, note=note)))
    merged = rendered_status(status, rendered.extraction.comments_status)
    comments = rendered.extraction.comments if merged.count else plain.extraction.comments
    return replace(plain, extraction=replace(plain.extraction, comments=comments, comments_status=merged))


def with_rendered_dom(plain: PageAnalysis, dom: bytes, url: str) -> PageAnalysis:
    """Give a page's analysis with the comments of its kept rendered DOM, as the crawl merged them
    (for re-extraction offline)."""
    try:
        rendered = analyze_page(dom, url, {"Content-Type": "text/html; charset=utf-8"})
    except ExtractionError:
        rendered = None
    return merged_analysis(plain, rendered)
