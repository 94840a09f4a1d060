"""Extraction: HTML bytes and a URL in, an `Extraction` (body, metadata, comments, footer) out.

Pure: no network, no Scrapy, no SQLite, no global mutable state. Each page is
parsed once with lxml; the readers of comments, footer and metadata work on that
tree first, and the body is extracted last from the same tree with comment
sections, footers and widgets taken out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml.html import HtmlElement

from archiver import EXTRACTOR_VERSION
from archiver.errors import ExtractionError
from archiver.extract.body import detach, extract_body, strip_never_body
from archiver.extract.comments import extract_comments
from archiver.extract.decode import DecodedPage, decode_html, header_value
from archiver.extract.dom import is_inside, marked_elements, parse_tree
from archiver.extract.footer import extract_footer, footer_elements
from archiver.extract.metadata import extract_metadata
from archiver.extract.model import Comment, Extraction, Footer
from archiver.extract.noise import noise_elements
from archiver.extract.structured import read_structured
from archiver.extract.widgets import comments_status

__all__ = [
    "Comment",
    "DecodedPage",
    "Extraction",
    "ExtractionError",
    "Footer",
    "ParsedPage",
    "decode_html",
    "extract_page",
    "extract_parsed",
    "parse_page",
]


@dataclass(frozen=True)
class ParsedPage:
    """A page parsed once: its lxml tree, URL and HTTP headers (the tree is consumed by extraction)."""

    url: str
    tree: HtmlElement
    headers: Mapping[str, str] | None = None


def parse_page(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> ParsedPage:
    """Give the page decoded and parsed; raise ExtractionError when nothing parses."""
    if not isinstance(html, (bytes, bytearray)):
        raise ExtractionError(url, f"expected bytes, got {type(html).__name__}")
    return ParsedPage(url, parse_tree(decode_html(bytes(html), headers).text, url), headers)


def extract_page(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> Extraction:
    """Give everything extracted from one page; raise ExtractionError only if nothing parses."""
    return extract_parsed(parse_page(html, url, headers))


def extract_parsed(page: ParsedPage) -> Extraction:
    """Give everything extracted from a parsed page. Read anything else from its tree before:
    extraction takes comment sections, footers and widgets out of it."""
    tree, url, headers = page.tree, page.url, page.headers
    structured = read_structured(tree)
    marked = marked_elements(tree)
    found = extract_comments(tree, marked, structured, fetched_at(headers))
    status = comments_status(tree, url, len(found.comments), structured, marked)  # before parts are detached
    comment_areas = set(found.found.items) | set(found.found.containers)
    metadata = extract_metadata(tree, structured, url, lambda e: is_inside(e, comment_areas))
    commenters = {c.author for c in found.comments if c.author}
    footers = footer_elements(tree, structured)
    footer = extract_footer(tree, structured, footers)
    # the readers above are done with the tree: the body is read from what is left, without code or menus
    strip_never_body(tree)
    detach(list(found.found.containers) + list(found.found.items) + footers + noise_elements(tree, marked))
    body = extract_body(tree, url, metadata.title, (c.text for c in found.comments))
    # Metadata holds exactly the metadata fields of Extraction; only the authors are filtered.
    fields = {**vars(metadata), "authors": tuple(a for a in metadata.authors if a not in commenters)}
    return Extraction(
        url=url,
        **fields,
        body=body,
        comments=found.comments,
        footer=footer,
        extractor=EXTRACTOR_VERSION,
        comments_status=status,
    )


def fetched_at(headers: Mapping[str, str] | None) -> datetime | None:
    """Give when the page was fetched, from the HTTP Date header, or None when unknown or unreadable."""
    value = header_value(headers, "date")
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
