"""Find what to fetch next: robots.txt sitemaps, sitemaps, feeds and the links of a page."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import lxml.etree
import lxml.html
from protego import Protego

from archiver.extract.urls import LinkResolver, absolute

USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
USUAL_FEEDS = ("/feed/", "/rss")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


@dataclass(frozen=True)
class SitemapEntry:
    """One <loc> of a sitemap, with its lastmod when given, and whether a <news:news> block marks it."""

    loc: str
    lastmod: str | None = None
    news: bool = False


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: an index of sitemaps or a set of page URLs."""

    is_index: bool
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class PageLinks:
    """The links of one HTML page, sorted by what they point at."""

    anchors: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    embeds: tuple[str, ...] = ()
    canonical: str | None = None


def sitemaps_in_robots(text: str) -> tuple[str, ...]:
    """Give the Sitemap: URLs listed in a robots.txt."""
    return tuple(Protego.parse(text).sitemaps)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(elem, name: str) -> str | None:
    for child in elem:
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    """Give the entries of a sitemap or sitemap index (news sitemaps included).

    The XML is read as a stream, each <url> dropped once read: the whole tree of a 100,000-URL
    sitemap would take about 50 MB of the crawl process's memory, most of which its heap keeps."""
    events = lxml.etree.iterparse(
        BytesIO(body), events=("start", "end"), recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    depth, root_tag, entries = 0, None, []
    try:
        for event, elem in events:
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1:
                root_tag = elem.tag
            elif event == "end" and depth == 1:
                entries.extend(sitemap_entry(elem))
                drop_read(elem)
    except lxml.etree.LxmlError:
        return Sitemap(False, ())
    return Sitemap(_local(root_tag) == "sitemapindex", tuple(entries))


def sitemap_entry(elem) -> list[SitemapEntry]:
    """Give the entry of a <url> or <sitemap> element with a <loc>, or nothing."""
    loc = _child_text(elem, "loc")
    if not loc or _local(elem.tag) not in ("url", "sitemap"):
        return []
    news = any(_local(child.tag) == "news" for child in elem if isinstance(child.tag, str))
    return [SitemapEntry(loc, _child_text(elem, "lastmod"), news)]


def drop_read(elem) -> None:
    """Free a child of the root that has been read, and the siblings before it (comments...)."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def looks_like_feed(body: bytes) -> bool:
    """Tell whether `body` starts like an RSS, RDF or Atom document."""
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and any(t in body[:2048].lower() for t in (b"<rss", b"<feed", b"<rdf"))


def looks_like_sitemap(body: bytes) -> bool:
    """Tell whether `body` starts like a sitemap or sitemap index."""
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_feed(body: bytes, base: str) -> tuple[str, ...]:
    """Give the item links of an RSS, RDF or Atom feed."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.parse(BytesIO(body), parser).getroot()
    except lxml.etree.LxmlError:
        return ()
    links: list[str] = []
    for elem in root.iter() if root is not None else ():
        name = _local(elem.tag)
        if name in ("item", "entry"):
            links.extend(_feed_item_links(elem, base))
    return tuple(dict.fromkeys(links))


def _feed_item_links(item, base: str) -> list[str]:
    for child in item:
        name = _local(child.tag)
        if name == "link" and child.get("href") and child.get("rel", "alternate") == "alternate":
            return [u for u in [absolute(base, child.get("href"))] if u]
        if name == "link" and child.text and child.text.strip():
            return [u for u in [absolute(base, child.text.strip())] if u]
    return []


# What each linking element gives, read in one walk over the tree: (attribute, kind).
LINK_ELEMENTS = {
    "a": ("href", "anchors"),
    "area": ("href", "anchors"),
    "img": ("src", "images"),
    "iframe": ("src", "embeds"),
    "embed": ("src", "embeds"),
    "video": ("src", "embeds"),
    "audio": ("src", "embeds"),
    "object": ("data", "embeds"),
}


def page_links(tree: lxml.html.HtmlElement, base: str) -> PageLinks:
    """Give the anchors, feeds, images, embeds and declared canonical of a parsed page.

    One walk over the linking elements (a page has hundreds of links): <a>, <area> and
    <link rel=next> are anchors; <link rel=alternate> of a feed type are feeds; <img>, <source src>
    and <picture><source srcset> are images; <iframe>, <embed>, <video>, <audio> and <object> are
    embeds; the first <link rel=canonical> and <base href> count."""
    found: dict[str, list[str]] = {"anchors": [], "feeds": [], "images": [], "embeds": [], "canonical": []}
    base_href = None
    for elem in tree.iter("a", "area", "link", "img", "source", "iframe", "embed", "video", "audio", "object", "base"):
        tag = elem.tag
        if tag == "link":
            kind = _link_kind(elem)
            if kind:
                found[kind].append(elem.get("href"))
        elif tag == "source":
            if elem.get("src") is not None:
                found["images"].append(elem.get("src"))
            if elem.get("srcset") is not None and _tag_of(elem.getparent()) == "picture":
                found["images"].append(elem.get("srcset"))
        elif tag == "base":
            if base_href is None and elem.get("href") is not None:
                base_href = elem.get("href")
        else:
            attribute, kind = LINK_ELEMENTS[tag]
            value = elem.get(attribute)
            if value is not None:
                found[kind].append(value)
    if base_href is not None:
        base = absolute(base, base_href) or base
    canonical = _resolved(base, found["canonical"])
    return PageLinks(
        anchors=_resolved(base, found["anchors"]),
        feeds=_resolved(base, found["feeds"]),
        images=_resolved(base, found["images"]),
        embeds=_resolved(base, found["embeds"]),
        canonical=canonical[0] if canonical else None,
    )


def _tag_of(elem) -> str | None:
    return elem.tag if elem is not None and isinstance(elem.tag, str) else None


def _link_kind(elem) -> str | None:
    """Give what a <link> element points at when the crawl cares: anchors, feeds or canonical."""
    if elem.get("href") is None:
        return None
    rel = elem.get("rel")
    if rel == "next":
        return "anchors"
    if rel == "canonical":
        return "canonical"
    if rel == "alternate" and (elem.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
        return "feeds"
    return None


def _resolved(base: str, hrefs) -> tuple[str, ...]:
    """Give the distinct absolute URLs of `hrefs` (the first token of each: srcset gives "a.jpg 2x")."""
    resolve = LinkResolver(base).resolve
    urls = (resolve(h.split(None, 1)[0]) for h in dict.fromkeys(hrefs) if h and not h.isspace())
    return tuple(dict.fromkeys(u for u in urls if u))
