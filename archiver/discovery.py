"""Find what to fetch next: robots.txt sitemaps, sitemaps, feeds and the links of a page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

import lxml.etree
import lxml.html
from protego import Protego

from .urls import absolute

USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
USUAL_FEEDS = ("/feed/", "/rss")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


@dataclass(frozen=True)
class SitemapEntry:
    """One <loc> of a sitemap, with its lastmod when given."""

    loc: str
    lastmod: str | None = None


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
    """Give the entries of a sitemap or sitemap index (news sitemaps included)."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.parse(BytesIO(body), parser).getroot()
    except lxml.etree.LxmlError:
        return Sitemap(False, ())
    if root is None:
        return Sitemap(False, ())
    entries = []
    for elem in root:
        loc = _child_text(elem, "loc")
        if loc and _local(elem.tag) in ("url", "sitemap"):
            entries.append(SitemapEntry(loc, _child_text(elem, "lastmod")))
    return Sitemap(_local(root.tag) == "sitemapindex", tuple(entries))


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


def page_links(tree: lxml.html.HtmlElement, base: str) -> PageLinks:
    """Give the anchors, feeds, images, embeds and declared canonical of a parsed page."""
    base = _base_href(tree, base)
    return PageLinks(
        anchors=_resolved(base, tree.xpath("//a/@href | //area/@href | //link[@rel='next']/@href")),
        feeds=_resolved(base, [
            link.get("href") for link in tree.xpath("//link[@rel='alternate'][@href]")
            if (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES
        ]),
        images=_resolved(base, tree.xpath("//img/@src | //source/@src | //picture/source/@srcset")),
        embeds=_resolved(base, tree.xpath("//iframe/@src | //embed/@src | //video/@src | //audio/@src | //object/@data")),
        canonical=next(iter(_resolved(base, tree.xpath("//link[@rel='canonical']/@href"))), None),
    )


def _base_href(tree, base: str) -> str:
    hrefs = tree.xpath("//base/@href")
    return absolute(base, hrefs[0]) or base if hrefs else base


def _resolved(base: str, hrefs) -> tuple[str, ...]:
    urls = (absolute(base, re.split(r"\s", h.strip())[0] if h.strip() else h) for h in hrefs)
    return tuple(dict.fromkeys(u for u in urls if u))
