"""Items the news spider hands to the archive pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import PageAnalysis
from .store.frontier import FrontierEntry


@dataclass
class FetchedItem:
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


@dataclass
class SkippedItem:
    """A URL not fetched or not usable, with the reason (robots.txt, trap, timeout, size cap...)."""

    url: str
    fetched_at: str
    decision: str
    reason: str
    status: int | None = None
