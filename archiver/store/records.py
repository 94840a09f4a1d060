"""Typed rows that the crawler hands to the store and the store hands back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Validators:
    """HTTP validators of the last good capture of a URL, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None
    is_article: bool = False

    @property
    def any(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class CaptureRow:
    """One fetch (or one URL skipped before fetching) and what was decided about it."""

    url: str
    fetched_at: str
    decision: str
    reason: str | None = None
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    length: int | None = None
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None


@dataclass(frozen=True)
class ArticleOutcome:
    """What storing one extracted article changed in the archive."""

    article_id: int
    status: str  # "new", "changed" or "unchanged"
    comments_new: int = 0
    comments_removed: int = 0


@dataclass
class CrawlCounts:
    """Counters of one crawl run, as kept in its crawls row."""

    discovered: int = 0
    fetched: int = 0
    not_modified: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    comments_new: int = 0
    comments_removed: int = 0
    skipped: int = 0
    errors: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        """Count one URL skipped for `reason`."""
        self.skipped += 1
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1

    def add_outcome(self, outcome: ArticleOutcome) -> None:
        """Count what storing one article changed."""
        name = f"articles_{outcome.status}"
        setattr(self, name, getattr(self, name) + 1)
        self.comments_new += outcome.comments_new
        self.comments_removed += outcome.comments_removed


@dataclass(frozen=True)
class CrawlRun:
    """One crawls row: a run of the crawler over one source."""

    id: int
    source_id: int
    source: str
    started_at: str
    finished_at: str | None
    status: str
    counts: CrawlCounts


@dataclass(frozen=True)
class Source:
    """One sources row."""

    id: int
    name: str
    url: str
