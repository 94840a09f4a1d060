"""Decide whether a fetched page is an article to archive or a page to follow for discovery.

A page with an article body and a headline is an article, as is a page the site lists
in a news sitemap or feed or declares as an article. A single contrary signal (a short
body, og:type website, a title of one or two words, no publication date) never vetoes
that alone: it takes two, or a navigation URL (homepage, section, tag, author, search),
or an empty body; a URL of an unusual shape is no signal at all. A source's `article_urls` / `not_article_urls` patterns
override everything. The reason names every signal that weighed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from archiver.extract.model import Extraction

NAVIGATION_URL = re.compile(
    r"/(tags?|topics?|category|categories|section|sections|authors?|contributors?|page|search|archives?|feed|rss)"
    r"(/|$)|[?&](page|p|s|q|query|search)=|/\d{4}(/\d{1,2}){0,2}/?$",
    re.IGNORECASE,
)
# WordPress's numeric permalinks ("/archives/123") and the like.
ARCHIVE_ITEM_PATH = re.compile(r"/archives?/\d+/?$", re.IGNORECASE)
PAGING_KEYS = frozenset(["page", "p", "pg", "offset", "start"])
MIN_ID_DIGITS = 3
ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
    "techarticle", "scholarlyarticle", "report", "posting", "socialmediaposting",
}  # fmt: skip
LISTING_TYPES = {"website", "collectionpage", "searchresultspage", "profilepage", "itemlist", "blog", "person"}
MIN_ARTICLE_CHARS = 500
MAX_LABEL_WORDS = 2
MAX_LABEL_CHARS = 24
# Fewer contrary signals than this never turn a page with a body and a headline into a non-article.
CONTRARY_SIGNALS_TO_VETO = 2


@dataclass(frozen=True)
class ArticleHints:
    """What the crawl knows of a page besides its HTML: listed in a news sitemap or feed, and the
    source's `article_urls` / `not_article_urls` patterns (regexes searched in the URL)."""

    listed: bool = False
    article_urls: tuple[str, ...] = ()
    not_article_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signals:
    """The signals of one page that the decision weighs, each None/False when absent."""

    pattern: str | None  # "article_urls ..." or "not_article_urls ..." when a source pattern matched
    listed: bool
    declared: str | None  # the page's declared type (og:type, JSON-LD @type)
    navigation: str | None  # why the URL looks like a homepage, section, tag or search page
    body_chars: int
    headline: bool
    label: str | None = None  # a title of one or two words: a section or tag name, not a headline
    dated: bool = True  # the page declares or shows a publication date, as articles do

    @property
    def contrary(self) -> list[str]:
        """Give the signals against an article: listing type, navigation URL, short body."""
        found = []
        if self.declared and self.declared.lower() in LISTING_TYPES:
            found.append(f"declared {self.declared}")
        if self.navigation:
            found.append(self.navigation)
        if self.body_chars < MIN_ARTICLE_CHARS:
            found.append(f"short body ({self.body_chars} characters)")
        if self.label:
            found.append(f"title is a label ({self.label!r})")
        if not self.dated:
            found.append("no publication date")
        return found


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
    if match is None or names_an_item(parts.path, parts.query):
        return None
    return f"navigation URL ({match.group(0).strip('/?&=')})"


def names_an_item(path: str, query: str) -> bool:
    """Tell whether a URL names one item by a numeric id ("/archives/2562", "view?idx=8576&page=1"):
    a navigation word next to an item's id is a permalink, not a listing."""
    if ARCHIVE_ITEM_PATH.search(path):
        return True
    return any(
        key.lower() not in PAGING_KEYS and value.isdigit() and len(value) >= MIN_ID_DIGITS
        for key, _, value in (pair.partition("=") for pair in query.split("&") if pair)
    )


def pattern_signal(url: str, hints: ArticleHints) -> str | None:
    """Give which source pattern matched the URL ("not_article_urls" first), or None."""
    for key, values in (("not_article_urls", hints.not_article_urls), ("article_urls", hints.article_urls)):
        for pattern in values:
            if re.search(pattern, url):
                return f"{key} {pattern!r}"
    return None


def page_signals(url: str, extraction: Extraction, hints: ArticleHints) -> Signals:
    """Give the signals of a page for the decision."""
    return Signals(
        pattern=pattern_signal(url, hints), listed=hints.listed, declared=extraction.page_type,
        navigation=navigation_reason(url), body_chars=len(extraction.body), headline=bool(extraction.title),
        label=extraction.title if is_label(extraction.title) else None,
        dated=bool(extraction.published),
    )  # fmt: skip


def is_label(title: str | None) -> bool:
    """Tell whether a title is a short label (a section or tag name) rather than a headline.

    Characters count too: CJK headlines have no spaces between words."""
    return bool(title) and len(title.split()) <= MAX_LABEL_WORDS and len(title) <= MAX_LABEL_CHARS


def support(signals: Signals) -> list[str]:
    """Give the signals for an article: listed, declared article type, body with a headline."""
    found = ["listed in a news sitemap or feed"] if signals.listed else []
    if signals.declared and signals.declared.lower() in ARTICLE_TYPES:
        found.append(f"declared {signals.declared}")
    if signals.body_chars and signals.headline:
        found.append(f"body of {signals.body_chars} characters with a headline")
    return found


def weigh(signals: Signals) -> Decision:
    """Give the decision the signals lead to, naming them in the reason."""
    if signals.pattern:
        return Decision("page" if signals.pattern.startswith("not_") else "article", signals.pattern)
    pro, contra = support(signals), signals.contrary
    if not signals.body_chars:
        return Decision("page", "; ".join(["no article body"] + contra))
    strong = signals.listed or (signals.declared or "").lower() in ARTICLE_TYPES
    if strong:
        return Decision("article", "; ".join(pro + [f"despite {c}" for c in contra]))
    # a homepage, section, tag, author or search URL is the site's own navigation, whatever its text
    if signals.navigation or len(contra) >= CONTRARY_SIGNALS_TO_VETO or not signals.headline:
        return Decision("page", "; ".join(contra or ["no headline"]))
    return Decision("article", "; ".join(pro + [f"despite {c}" for c in contra]))


def decide(url: str, extraction: Extraction, hints: ArticleHints = ArticleHints()) -> Decision:
    """Give the article-or-not decision for a page from its URL, what was extracted and the crawl's hints."""
    return weigh(page_signals(url, extraction, hints))


def explain(url: str, extraction: Extraction, hints: ArticleHints = ArticleHints()) -> dict:
    """Give the decision on a page with every signal it weighed, for `archiver extract --why`."""
    signals = page_signals(url, extraction, hints)
    decision = weigh(signals)
    return {
        "url": url,
        "decision": decision.kind,
        "reason": decision.reason,
        "for": support(signals),
        "against": signals.contrary,
        "signals": asdict(signals),
    }
