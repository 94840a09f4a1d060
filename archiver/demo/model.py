"""The demo site's content model: frozen dataclasses, no HTML and no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Section:
    """A section of the paper (politics, world, …) with its listing page."""

    slug: str
    name: str
    description: str

    @property
    def url_path(self) -> str:
        """Give the path of the section's first listing page."""
        return f"/section/{self.slug}/"


@dataclass(frozen=True)
class Author:
    """A staff writer with an author page."""

    slug: str
    name: str
    role: str
    bio: str

    @property
    def url_path(self) -> str:
        """Give the path of the author's page."""
        return f"/author/{self.slug}/"


@dataclass(frozen=True)
class Tag:
    """A topic tag with a listing page."""

    slug: str
    name: str

    @property
    def url_path(self) -> str:
        """Give the path of the tag's first listing page."""
        return f"/tag/{self.slug}/"


@dataclass(frozen=True)
class Comment:
    """A reader comment; `parent` is the id of the comment replied to, or None."""

    id: int
    parent: int | None
    author: str
    published: datetime
    text: str

    @property
    def anchor(self) -> str:
        """Give the HTML id of the comment's <li> (WordPress style, "comment-1234")."""
        return f"comment-{self.id}"


@dataclass(frozen=True)
class Article:
    """One news article as published: `comments` are in page order (threads depth first)."""

    post_id: int
    slug: str
    title: str
    section: str
    authors: tuple[str, ...]
    published: datetime
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    comments: tuple[Comment, ...] = ()
    comments_closed: bool = False
    modified: datetime | None = None
    image_caption: str = ""
    widget: str = ""  # "inline" or "iframe": the comments are loaded by the demo's widget (demo/widget.py)

    @property
    def url_path(self) -> str:
        """Give the article's path, /YYYY/MM/DD/slug/ with the trailing slash."""
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def body(self) -> str:
        """Give the body as the extraction contract has it: paragraphs, blank-line separated."""
        return "\n\n".join(self.paragraphs)

    @property
    def updated(self) -> datetime:
        """Give when the article text last changed: the modified date, else the publication."""
        return self.modified or self.published

    @property
    def last_activity(self) -> datetime:
        """Give the latest of the text change and the newest comment (the page's age)."""
        return max([self.updated, *(c.published for c in self.comments)])


@dataclass(frozen=True)
class Footer:
    """The publisher footer printed on every page."""

    mission: str
    org: str
    address: tuple[str, ...]
    copyright: str


@dataclass(frozen=True)
class Page:
    """A rendered resource before HTTP: body, media type and when its content last changed."""

    body: bytes
    content_type: str
    modified: datetime
    status: int = 200
    location: str = ""


@dataclass(frozen=True)
class Response:
    """What the server sends: status, headers (canonical case) and body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """Give a header's value looked up without regard to case, or None when absent."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class NotFound(LookupError):
    """No page lives at the requested path (the server answers 404)."""
