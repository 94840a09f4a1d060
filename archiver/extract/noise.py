"""Boxes around an article that are never its body: players, fact-check and share boxes, related links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archiver.extract.dom import MarkedElement, tag_of

NOISE_RE = re.compile(
    r"(^|[\s_-])(share|sharing|share-?bar|social-?share|related|fact-?check(er)?|audio-?player|podcast-?player"
    r"|newsletter|subscribe|also-?read|more-?stories|outbrain|taboola)([\s_-]|$)"
)
TIME_CODE_RE = re.compile(r"\b\d{1,2}:\d\d\b")
# A player shows a label, a time and a duration; more words than this is article text.
MAX_PLAYER_CHARS = 120
LINK_LABEL_RE = re.compile(
    r"^\W*(related|read more|read also|also read|see more|see also|more|also on \S+|recommended|watch|"
    r"listen|click here|more from \S+)\b\W*",
    re.IGNORECASE,
)
MAX_LINK_LINE_CHARS = 200
LINKED_SHARE = 0.6
NEVER_NOISE_TAGS = frozenset(["html", "body", "main", "article", "h1"])
# A box holding most of the page's text is the page, whatever its class says.
MAX_SHARE_OF_PAGE = 0.3


def is_noise(marked: MarkedElement) -> bool:
    """Tell whether an element's id or class names it as a widget around the article."""
    return tag_of(marked.element) not in NEVER_NOISE_TAGS and bool(NOISE_RE.search(marked.marker))


def small_enough(element: HtmlElement, page_chars: int) -> bool:
    """Tell whether an element holds a small share of the page text and no <h1>."""
    if element.find(".//h1") is not None:
        return False
    return len(element.text_content()) <= MAX_SHARE_OF_PAGE * page_chars


def player_box(media: HtmlElement) -> HtmlElement:
    """Give the widest box around a media element that holds only a player's few words."""
    box = media
    for ancestor in media.iterancestors():
        if tag_of(ancestor) in NEVER_NOISE_TAGS or len(ancestor.text_content()) > MAX_PLAYER_CHARS:
            break
        box = ancestor
    return box


def player_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Give media players: boxes around <audio>/<video>, or buttons next to a time code."""
    media = list(tree.iter("audio", "video"))
    media += [b for b in tree.iter("button") if TIME_CODE_RE.search(b.getparent().text_content())]
    return [player_box(element) for element in media]


def is_link_line(element: HtmlElement) -> bool:
    """Tell whether a paragraph is a labelled link to another story ("Related: <a>...</a>")."""
    text = element.text_content().strip()
    if len(text) > MAX_LINK_LINE_CHARS or not LINK_LABEL_RE.match(text):
        return False
    linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
    return linked >= LINKED_SHARE * len(LINK_LABEL_RE.sub("", text, count=1))


def link_lines(tree: HtmlElement) -> list[HtmlElement]:
    """Give the in-article paragraphs that only point readers to other stories."""
    return [p for p in tree.iter("p", "li", "h3", "h4") if p.find(".//a") is not None and is_link_line(p)]


def noise_elements(tree: HtmlElement, marked: tuple[MarkedElement, ...]) -> list[HtmlElement]:
    """Give the outermost widget boxes of a page that can be dropped before body extraction."""
    candidates = [m.element for m in marked if is_noise(m)] + player_elements(tree) + link_lines(tree)
    chosen = set(candidates)
    outer = [e for e in candidates if not any(a in chosen for a in e.iterancestors())]
    body = tree.find("body")
    page_chars = len((body if body is not None else tree).text_content())
    return [e for e in outer if small_enough(e, page_chars)]
