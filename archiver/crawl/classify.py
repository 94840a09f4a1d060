"""Decide whether a fetched page is an article to archive or a page to follow for discovery."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from archiver.extract.model import Extraction

NAVIGATION_URL = re.compile(
    r"/(tags?|topics?|category|categories|section|sections|authors?|contributors?|page|search|archives?|feed|rss)"
    r"(/|$)|[?&](page|p|s|q|query|search)=|/\d{4}(/\d{1,2}){0,2}/?$",
    re.IGNORECASE,
)
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "posting",
    "socialmediaposting",
}
LISTING_TYPES = {"website", "collectionpage", "searchresultspage", "profilepage", "itemlist", "blog", "person"}
MIN_ARTICLE_CHARS = 500


@dataclass(frozen=True)
class Decision:
    """What to do with a page: 'article' (archive it) or 'page' (follow its links only), and why."""

    kind: str
    reason: str

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def navigation_reason(url: str) -> str | None:
    """Give why `url` looks like a homepage, section, tag, author, calendar or search page."""
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return "homepage"
    match = NAVIGATION_URL.search(parts.path + ("?" + parts.query if parts.query else ""))
    return f"navigation URL ({match.group(0).strip('/?&=')})" if match else None


def decide(url: str, extraction: Extraction) -> Decision:
    """Give the article-or-not decision for a page from its URL and what was extracted."""
    page_type = (extraction.page_type or "").lower()
    length = len(extraction.body)
    if page_type in ARTICLE_TYPES and length >= MIN_ARTICLE_CHARS // 2:
        return Decision("article", f"declared {extraction.page_type}")
    reason = navigation_reason(url)
    if reason:
        return Decision("page", reason)
    if page_type in LISTING_TYPES:
        return Decision("page", f"declared {extraction.page_type}")
    if length >= MIN_ARTICLE_CHARS and extraction.title:
        return Decision("article", f"body of {length} characters")
    return Decision("page", f"short body ({length} characters)")
