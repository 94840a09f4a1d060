"""One page through extraction, link finding and the article decision (runs in worker processes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from archiver.crawl.classify import ArticleHints, Decision, decide
from archiver.crawl.discovery import PageLinks, page_links
from archiver.errors import ExtractionError
from archiver.extract.model import Extraction
from archiver.extract.page import extract_parsed, parse_page
from archiver.extract.urls import Scope, canonical


@dataclass(frozen=True)
class PageAnalysis:
    """What one HTML page gave: its extraction, the article decision, the in-scope URLs to follow
    (canonical) and the off-site URLs to record as (url, kind)."""

    extraction: Extraction
    decision: Decision
    follow: tuple[str, ...]
    offsite: tuple[tuple[str, str], ...]


def split_links(links: PageLinks, scope: Scope) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Give the canonical on-site anchors and feeds to follow, and the off-site links, images, embeds
    and canonical to record with their kind (each link's host is looked at once)."""
    on_site = scope.on_site
    follow = dict.fromkeys(canonical(u) for u in links.anchors + links.feeds if on_site(u))
    kinds = (
        ("link", links.anchors),
        ("image", links.images),
        ("embed", links.embeds),
        ("canonical", (links.canonical,) if links.canonical else ()),
    )
    offsite = tuple((u, kind) for kind, urls in kinds for u in urls if not on_site(u))
    return tuple(follow), offsite


def analyze_page(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    scope: Scope | None = None,
    hints: ArticleHints = ArticleHints(),
) -> PageAnalysis:
    """Give the analysis of one page, parsed once; ExtractionError when nothing can be parsed.

    `scope` says which links are on site (by default the page's own host); `hints` what the
    crawl knows for the article decision (listed in a sitemap or feed, the source's patterns)."""
    page = parse_page(html, url, headers)
    links = page_links(page.tree, url)  # before extraction takes footers and widgets out of the tree
    extraction = extract_parsed(page)
    follow, offsite = split_links(links, scope or Scope.for_urls([url]))
    return PageAnalysis(extraction, decide(url, extraction, hints), follow, offsite)


def analyze_safely(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    scope: Scope | None = None,
    hints: ArticleHints = ArticleHints(),
) -> PageAnalysis | ExtractionError:
    """Give the analysis, or the ExtractionError as a value (so a pool worker never raises)."""
    try:
        return analyze_page(html, url, headers, scope, hints)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # a bug on one hostile page must not end the crawl
        return ExtractionError(url, f"{type(exc).__name__}: {exc}")
