"""One page through extraction, link finding and the article decision (runs in worker processes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .classify import Decision, decide
from .discovery import PageLinks, page_links
from .errors import ExtractionError
from .extract import extract_parsed, parse_page
from .extract.model import Extraction


@dataclass(frozen=True)
class PageAnalysis:
    """What one HTML page gave: its extraction, its links and the article decision."""

    extraction: Extraction
    links: PageLinks
    decision: Decision


def analyze_page(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> PageAnalysis:
    """Give the analysis of one page, parsed once; ExtractionError when nothing can be parsed."""
    page = parse_page(html, url, headers)
    links = page_links(page.tree, url)  # before extraction takes footers and widgets out of the tree
    extraction = extract_parsed(page)
    return PageAnalysis(extraction, links, decide(url, extraction))


def analyze_safely(html: bytes, url: str, headers: Mapping[str, str] | None = None) -> PageAnalysis | ExtractionError:
    """Give the analysis, or the ExtractionError as a value (so a pool worker never raises)."""
    try:
        return analyze_page(html, url, headers)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # a bug on one hostile page must not end the crawl
        return ExtractionError(url, f"{type(exc).__name__}: {exc}")
