"""Parse a page once with lxml and read text out of the tree the way a reader sees it."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from archiver.errors import ExtractionError

# Characters lxml refuses in text it is given (control characters, non-characters, lone surrogates):
# parsed pages would keep them and later fail when text is moved (hostile or broken pages).
NOT_XML_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6"
    " header hr li main nav ol p pre section table td th tr ul".split()
)
INVISIBLE_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea"])
# One parser per process is fine: lxml parsers hold no page state between calls.
MARKED_XPATH = etree.XPath("//*[@class or @id]")
CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])
NON_CHARACTERS = ("\ufffe".encode(), "\uffff".encode())
# Pages are handed to lxml as UTF-8 bytes (decoded and cleaned by us first): faster than a str.
PARSER = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8")
# Every element is an HtmlElement: looked up in C, not by lxml.html's per-tag Python lookup
# (which runs each time an element is touched from Python; we use no form-specific classes).
PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(element=HtmlElement))


def parse_tree(text: str, url: str) -> HtmlElement:
    """Give the lxml tree of a page's text; raise ExtractionError when nothing parses."""
    cleaned = xml_safe_utf8(XML_DECLARATION_RE.sub("", text, count=1))
    if not cleaned.strip():
        raise ExtractionError(url, "the page is empty")
    try:
        tree = document_fromstring(cleaned, parser=PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(url, f"the HTML cannot be parsed ({error})") from error
    if tree is None:
        raise ExtractionError(url, "the HTML cannot be parsed")
    return tree


def xml_safe_utf8(text: str) -> bytes:
    """Give a page's text as UTF-8 bytes without the characters XML refuses.

    Checked on the bytes (C-speed deletes and searches), the regex runs only on the rare
    page that holds such characters: on every page it cost more than lxml's parse.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return NOT_XML_CHARS_RE.sub("", text).encode("utf-8")
    if len(data.translate(None, CONTROL_BYTES)) == len(data) and not any(n in data for n in NON_CHARACTERS):
        return data
    return NOT_XML_CHARS_RE.sub("", text).encode("utf-8")


class MarkedElement(NamedTuple):
    """An element that has an id or a class, with both lower-cased in one string.

    An immutable named record like a frozen dataclass, but made several times faster:
    every page makes one per element with a class or id."""

    element: HtmlElement
    marker: str


def marked_elements(tree: HtmlElement) -> tuple[MarkedElement, ...]:
    """Give every element with an id or class, in page order (one pass shared by all readers)."""
    return tuple(MarkedElement(e, marker_text(e)) for e in MARKED_XPATH(tree))


def matching_marked(marked: tuple[MarkedElement, ...], pattern: re.Pattern, group: int = 0) -> list[MarkedElement]:
    """Give the marked elements whose marker the pattern matches, in page order.

    The markers are searched as one text (one regex pass in C instead of one call per
    element); blank lines keep a match from running into the next marker. `group` is the
    pattern's group that lies inside a marker (not the boundary before it).
    """
    markers = [m.marker.replace("\n", " ") for m in marked]
    text = "\n\n".join(markers)
    starts = list(accumulate((len(marker) + 2 for marker in markers), initial=0))
    found, last = [], -1
    for match in pattern.finditer(text):
        index = bisect_right(starts, match.start(group)) - 1
        if index != last:
            found.append(marked[index])
            last = index
    return found


def class_tokens(element: HtmlElement) -> frozenset[str]:
    """Give the lower-cased class tokens of an element."""
    return frozenset(element.get("class", "").lower().split())


def marker_text(element: HtmlElement) -> str:
    """Give the id and class of an element as one lower-cased string to match names in."""
    return f"{element.get('id', '')} {element.get('class', '')}".lower()


def tag_of(element) -> str:
    """Give the tag name of a node ("" for comments and processing instructions)."""
    return element.tag if isinstance(element.tag, str) else ""


def clean_space(text: str) -> str:
    """Give a text with runs of spaces collapsed and ends stripped."""
    return SPACE_RE.sub(" ", text).strip()


def _walk_text(element: HtmlElement, parts: list[str], skip) -> None:
    """Append the visible text of an element to parts, with newlines at block edges."""
    tag = tag_of(element)
    if tag in INVISIBLE_TAGS or (skip is not None and skip(element)):
        parts.append(element.tail or "")
        return
    block = tag in BLOCK_TAGS
    parts.append("\n" if block else "")
    parts.append(element.text or "")
    for child in element:
        _walk_text(child, parts, skip)
    parts.append("\n" if block else "")
    parts.append(element.tail or "")


def text_lines(element: HtmlElement, skip=None) -> list[str]:
    """Give the non-empty visible text lines of an element (blocks and <br> split lines).

    `skip` is an optional predicate for sub-elements whose text is left out.
    """
    parts: list[str] = [element.text or ""]
    for child in element:  # the element itself is never skipped, only what is inside it
        _walk_text(child, parts, skip)
    lines = (clean_space(line) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def visible_text(element: HtmlElement, skip=None) -> str:
    """Give the visible text of an element on one line."""
    return " ".join(text_lines(element, skip))


def is_inside(element: HtmlElement, ancestors) -> bool:
    """Tell whether an element is one of, or inside one of, the given elements."""
    node = element
    while node is not None:
        if node in ancestors:
            return True
        node = node.getparent()
    return False
