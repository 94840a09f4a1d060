"""Article metadata: structured data (JSON-LD, OpenGraph, microdata) first, then the markup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from htmldate import find_date
from lxml.html import HtmlElement

from archiver.extract.dates import to_iso
from archiver.extract.dom import clean_space, marker_text, visible_text
from archiver.extract.structured import StructuredData, itemprop_value, names_of, type_names

ARTICLE_TYPES = (
    "NewsArticle", "Article", "BlogPosting", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle",
    "ReviewNewsArticle", "BackgroundNewsArticle", "TechArticle", "ScholarlyArticle", "Report", "LiveBlogPosting",
    "DiscussionForumPosting", "SocialMediaPosting", "VideoObject", "Review", "Recipe",
)  # fmt: skip
PAGE_TYPES = ("WebPage", "ItemPage", "CollectionPage", "AboutPage", "ContactPage", "SearchResultsPage", "QAPage")
BYLINE_RE = re.compile(r"(^|[-_ ])(byline|author|author-name|byline-name|article-author|post-author)([-_ ]|$)")
BY_PREFIX_RE = re.compile(r"^(by|von|par|por|di|door)\s+", re.IGNORECASE)
TITLE_SPLIT_RE = re.compile(r"\s+[|–—·»:-]\s+")
LANG_RE = re.compile(r"^[a-zA-Z]{2,3}")
MAX_AUTHOR_CHARS = 80


@dataclass(frozen=True)
class Metadata:
    """The metadata fields of the extraction contract."""

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


def main_object(structured: StructuredData) -> dict:
    """Give the page's main JSON-LD object: the first article, else the first web page, else {}."""
    for types in (ARTICLE_TYPES, PAGE_TYPES):
        found = structured.of_type(*types)
        if found:
            return found[0]
    return {}


def text_value(value: object) -> str | None:
    """Give a JSON-LD value as clean text (the first of a list), or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    return clean_space(value) or None if isinstance(value, str) else None


def first_text(tree: HtmlElement, xpath: str) -> str | None:
    """Give the visible text of the first element an XPath finds, or None."""
    found = tree.xpath(xpath)
    return (visible_text(found[0]) or None) if found else None


def page_title(tree: HtmlElement, structured: StructuredData, main: dict) -> str | None:
    """Give the article title: headline, og:title, the <h1>, then <title> without the site name."""
    title = text_value(main.get("headline")) or structured.first_meta("og:title", "twitter:title")
    title = title or first_text(tree, "(//h1)[1]")
    if title:
        return title
    raw = first_text(tree, "//head/title")
    return max(TITLE_SPLIT_RE.split(raw), key=len) if raw else None


def byline_names(tree: HtmlElement, excluded) -> list[str]:
    """Give author names shown in byline markup (itemprop=author, rel=author, .byline)."""
    names = []
    for element in tree.xpath("//*[@itemprop='author'] | //a[@rel='author'] | //*[@class]"):
        if element.tag in ("meta", "link") or excluded(element):
            continue
        if (
            element.get("itemprop") == "author"
            or element.get("rel") == "author"
            or BYLINE_RE.search(marker_text(element))
        ):
            inner = element.xpath(".//*[@itemprop='name']")
            name = BY_PREFIX_RE.sub("", itemprop_value(inner[0]) if inner else visible_text(element))
            if 0 < len(name) <= MAX_AUTHOR_CHARS:
                names.append(name)
            if names:
                break
    return names


def page_authors(tree: HtmlElement, structured: StructuredData, main: dict, excluded) -> tuple[str, ...]:
    """Give the article's authors: JSON-LD, <meta name=author>, then the byline markup."""
    names = names_of(main.get("author")) if main else []
    if not names:
        meta = structured.first_meta("author", "article:author", "parsely-author", "sailthru.author")
        names = [meta] if meta and not meta.startswith("http") else []
    names = names or byline_names(tree, excluded)
    split = [part.strip() for name in names for part in re.split(r"\s*(?:,|\band\b|&)\s*", name)]
    return tuple(dict.fromkeys(name for name in split if name))


@dataclass(frozen=True)
class PageDates:
    """The article's published and modified dates in ISO 8601."""

    published: str | None
    modified: str | None


def page_dates(tree: HtmlElement, structured: StructuredData, main: dict, url: str) -> PageDates:
    """Give the published and modified ISO dates: JSON-LD, meta tags, then htmldate."""
    published = to_iso(main.get("datePublished") or main.get("dateCreated")) or to_iso(
        structured.first_meta("article:published_time", "datepublished", "date", "dc.date", "pubdate")
    )
    modified = to_iso(main.get("dateModified")) or to_iso(
        structured.first_meta("article:modified_time", "og:updated_time", "datemodified")
    )
    if not published:
        published = to_iso(find_date(tree, url=url, extensive_search=False, original_date=True) or "")
    return PageDates(published, modified)


def page_language(tree: HtmlElement, structured: StructuredData, main: dict) -> str | None:
    """Give the page language as a lower-case primary subtag ("en")."""
    declared = (
        tree.get("lang")
        or tree.get("xml:lang")
        or text_value(main.get("inLanguage"))
        or structured.first_meta("content-language", "og:locale", "language", "dc.language")
    )
    match = LANG_RE.match(declared or "")
    return match.group(0).lower() if match else None


def page_tags(tree: HtmlElement, structured: StructuredData, main: dict) -> tuple[str, ...]:
    """Give the article's tags: article:tag, JSON-LD keywords, news_keywords, rel=tag links."""
    tags = list(structured.meta.get("article:tag", ()))
    keywords = main.get("keywords")
    if isinstance(keywords, list):
        tags.extend(str(k) for k in keywords)
    elif isinstance(keywords, str):
        tags.extend(keywords.split(","))
    if not tags:
        tags.extend((structured.first_meta("news_keywords") or "").split(","))
    if not tags or not any(t.strip() for t in tags):
        tags = [visible_text(a) for a in tree.xpath("//a[contains(concat(' ', @rel, ' '), ' tag ')]")]
    return tuple(dict.fromkeys(clean_space(t) for t in tags if t and t.strip()))


def page_canonical(tree: HtmlElement, url: str) -> str | None:
    """Give the declared rel=canonical URL made absolute, wherever it points."""
    for link in tree.xpath("//link[@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            return urljoin(url, link.get("href").strip())
    return None


def page_type(structured: StructuredData, main: dict) -> str | None:
    """Give the page type: the main JSON-LD @type, else og:type."""
    types = type_names(main) if main else []
    return types[0] if types else structured.first_meta("og:type")


def site_name(structured: StructuredData, main: dict) -> str | None:
    """Give the site name: og:site_name, then the JSON-LD publisher's name."""
    publisher = names_of(main.get("publisher")) if main else []
    return structured.first_meta("og:site_name", "application-name") or (publisher[0] if publisher else None)


def extract_metadata(tree: HtmlElement, structured: StructuredData, url: str, excluded) -> Metadata:
    """Give the metadata of a page; `excluded` tells which elements are comments (no byline there)."""
    main = main_object(structured)
    dates = page_dates(tree, structured, main, url)
    description = text_value(main.get("description")) or structured.first_meta(
        "description", "og:description", "twitter:description"
    )
    return Metadata(
        title=page_title(tree, structured, main),
        authors=page_authors(tree, structured, main, excluded),
        published=dates.published,
        modified=dates.modified,
        language=page_language(tree, structured, main),
        description=description,
        site_name=site_name(structured, main),
        tags=page_tags(tree, structured, main),
        canonical_url=page_canonical(tree, url),
        page_type=page_type(structured, main),
    )
