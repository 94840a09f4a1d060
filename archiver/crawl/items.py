"""Items the news spider hands to the archive pipeline."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from archiver.crawl.analysis import PageAnalysis
from archiver.store.frontier import FrontierEntry
from archiver.store.warcfiles import WarcLocation

if TYPE_CHECKING:
    from archiver.crawl.render_records import RenderCapture


@dataclass
class CaptureItem:
    """One response as fetched: kept raw, then stored as a capture (and an article if it is one)."""

    url: str
    final_url: str
    status: int
    fetched_at: str
    headers: dict[str, str]
    body: bytes
    request_headers: dict[str, str]
    decision: str
    reason: str | None = None
    analysis: PageAnalysis | None = None
    article_url: str | None = None
    offsite: list[tuple[str, str]] = field(default_factory=list)
    discovered: list[FrontierEntry] = field(default_factory=list)
    render: RenderCapture | None = None  # the page as rendered in the browser (crawl/render.py)
    render_dom_at: WarcLocation | None = None  # where the pipeline kept the rendered DOM

    @cached_property
    def body_sha256(self) -> bytes:
        """The body's SHA-256: the capture's sha256 and its WARC record's payload digest (hashed once)."""
        return hashlib.sha256(self.body).digest()


@dataclass
class SkippedItem:
    """A URL not fetched or not usable, with the reason (robots.txt, trap, timeout, size cap...)."""

    url: str
    fetched_at: str
    decision: str
    reason: str
    status: int | None = None
