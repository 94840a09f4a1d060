"""Parse a page once with lxml and read text out of the tree the way a reader sees it."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

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


@dataclass(frozen=True)
class MarkedElements:
    """The elements of a page that have an id or a class, in page order, with their "id class"
    markers lower-cased and joined in one text (blank lines between markers, none inside one),
    and where each marker starts in it: one pass shared by all readers, searched in C."""

    elements: tuple[HtmlElement, ...]
    text: str
    starts: tuple[int, ...]


def marked_elements(tree: HtmlElement) -> MarkedElements:
    """Give every element with an id or class, in page order, with their markers joined."""
    elements = tuple(MARKED_XPATH(tree))
    markers = [f"{e.get('id', '')} {e.get('class', '')}" for e in elements]
    # one unusual separator while joining, so that newlines inside markers become spaces in one pass
    text = "\x01".join(markers).replace("\n", " ").replace("\x01", "\n\n")
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (a dotted capital I)
        markers = [marker.lower() for marker in markers]
        lowered = "\x01".join(markers).replace("\n", " ").replace("\x01", "\n\n")
    starts = tuple(accumulate((len(marker) + 2 for marker in markers), initial=0))
    return MarkedElements(elements, lowered, starts)


def matching_marked(marked: MarkedElements, pattern: re.Pattern, group: int = 0) -> list[HtmlElement]:
    """Give the marked elements whose marker the pattern matches, in page order.

    The markers are searched as one text (one regex pass in C instead of one call per
    element); blank lines keep a match from running into the next marker. `group` is the
    pattern's group that lies inside a marker (not the boundary before it).
    """
    found, last = [], -1
    for match in pattern.finditer(marked.text):
        index = bisect_right(marked.starts, match.start(group)) - 1
        if index != last:
            found.append(marked.elements[index])
            last = index
    return found


def matching_texts(texts: list[str], lower_pattern: re.Pattern) -> list[int]:
    """Give the indexes of the texts, in order, in which a pattern of lower-case words is found case-blind.

    The texts are lower-cased and searched as one (one pass in C each); a text whose lower case
    is longer than itself (a dotted capital I) makes them searched one by one."""
    joined = "\n".join(texts)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        return [i for i, text in enumerate(texts) if lower_pattern.search(text.lower())]
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    found = {bisect_right(starts, match.start()) - 1 for match in lower_pattern.finditer(lowered)}
    return sorted(found)


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
