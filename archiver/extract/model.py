"""The extraction contract: what one page gives, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from archiver.extract.widgets import CommentsStatus


@dataclass(frozen=True)
class Comment:
    """One reader comment as a person sees it on the page."""

    id: str
    parent: str | None
    author: str | None
    published: str | None
    text: str
    position: int


@dataclass(frozen=True)
class Footer:
    """The publisher's footer: legal name, postal address, copyright line, whole text."""

    org: str | None = None
    address: str | None = None
    copyright: str | None = None
    text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.org, self.address, self.copyright, self.text))


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one page (the JSON printed by `archiver extract`)."""

    url: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    description: str | None = None
    site_name: str | None = None
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    page_type: str | None = None
    body: str = ""
    comments: tuple[Comment, ...] = ()
    footer: Footer = field(default_factory=Footer)
    extractor: str = ""
    comments_status: CommentsStatus = field(default_factory=CommentsStatus)

    def to_dict(self) -> dict:
        """Give the JSON-ready dict of the extraction contract."""
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["comments"] = [asdict(c) for c in self.comments]
        data["comments_status"] = {**asdict(self.comments_status), "label": self.comments_status.label}
        data["comments_status"]["evidence"] = list(self.comments_status.evidence)
        return data
