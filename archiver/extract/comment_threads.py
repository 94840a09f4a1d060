"""Which comment a reply answers when the markup does not nest replies inside their parent.

Flat lists still say it in other ways: a link or form pointing at an earlier
comment's anchor ("Antwort auf #1", "in reply to"), a depth-N or level-N class
(WordPress themes whose nesting is broken), a class word such as "indented" on
replies, or an inline left margin. Each is read here as a level or a reference;
the parent is the nearest earlier comment one level up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml.html import HtmlElement

from archiver.extract.byline import marker_words
from archiver.extract.dom import tag_of

DEPTH_RE = re.compile(r"(?:^|[-_])(?:depth|level|lvl|indent|nest|nesting)[-_]?(\d{1,2})$")
MARGIN_RE = re.compile(r"(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)(px|em|rem|%)?", re.IGNORECASE)
# Class words that mark a reply in a flat list (zeit's comment--indented, "is-child", "nested").
REPLY_WORDS = frozenset(["indented", "nested", "child", "subcomment", "antwort"])
DEPTH_ATTRIBUTES = ("aria-level", "data-depth", "data-level", "data-indent", "indent")
# Wrappers around one comment (li.depth-2 > div.comment-box) that may carry its level.
MAX_WRAPPERS = 3


def fragment_of(value: str | None) -> str | None:
    """Give the #fragment of a link or form target, or None."""
    if not value or "#" not in value:
        return None
    return value.split("#", 1)[1] or None


def own_elements(item: HtmlElement, items: set) -> list[HtmlElement]:
    """Give the elements of an item outside the comments nested in it (forms included)."""
    found, stack = [], list(item)
    while stack:
        element = stack.pop()
        if element in items or not isinstance(element.tag, str):
            continue
        found.append(element)
        stack.extend(element)
    return found


def fragment_refs(item: HtmlElement, items: set) -> list[str]:
    """Give the anchors that links and forms inside an item point at."""
    refs = []
    for element in own_elements(item, items):
        target = element.get("href") if tag_of(element) == "a" else element.get("action")
        fragment = fragment_of(target)
        if fragment:
            refs.append(fragment)
    return refs


def wrappers(item: HtmlElement, items: set) -> list[HtmlElement]:
    """Give an item and the ancestors around it up to its list (li.depth-2 > div.comment-box)."""
    chain = [item]
    for ancestor in item.iterancestors():
        if ancestor in items or tag_of(ancestor) in ("ol", "ul", "body") or len(chain) > MAX_WRAPPERS:
            break
        chain.append(ancestor)
    return chain


def depth_class(element: HtmlElement) -> int | None:
    """Give the N of a depth-N / level-N class or of a depth attribute (aria-level, data-depth, indent), or None."""
    for attribute in DEPTH_ATTRIBUTES:
        value = (element.get(attribute) or "").strip()
        if value.isdigit():
            return int(value)
    for token in (element.get("class") or "").lower().split():
        match = DEPTH_RE.search(token)
        if match:
            return int(match.group(1))
    return None


def left_margin(element: HtmlElement) -> float | None:
    """Give an inline left margin or padding (in px, em counted as 16 px), or None."""
    match = MARGIN_RE.search(element.get("style") or "")
    if not match:
        return None
    unit = (match.group(2) or "px").lower()
    return float(match.group(1)) * (16 if unit in ("em", "rem") else 1)


def first_value(chain: list[HtmlElement], reader) -> float | None:
    """Give the first level a reader finds on an item or its wrappers."""
    for element in chain:
        value = reader(element)
        if value is not None:
            return value
    return None


def shown_levels(items: Sequence[HtmlElement]) -> list[float | None]:
    """Give how deep each item is shown: depth classes, else left margins, else reply words (None: unknown).

    One kind is used for the whole list, the first that any item carries.
    """
    item_set = set(items)
    chains = [wrappers(item, item_set) for item in items]
    depths = [first_value(chain, depth_class) for chain in chains]
    if any(value is not None for value in depths):
        return depths
    margins = [first_value(chain, left_margin) for chain in chains]
    if any(value is not None for value in margins):
        return [value or 0.0 for value in margins]
    return [1.0 if marker_words(chain[0]) & REPLY_WORDS else 0.0 for chain in chains]


def level_parents(items: Sequence[HtmlElement]) -> list[int | None]:
    """Give for each item the index of the nearest earlier item one level up, from shown levels."""
    levels = shown_levels(items)
    known = [level for level in levels if level is not None]
    parents: list[int | None] = []
    for index, level in enumerate(levels):
        if level is None or level <= min(known):
            parents.append(None)
            continue
        earlier = (j for j in range(index - 1, -1, -1) if levels[j] is not None and levels[j] < level)
        parents.append(next(earlier, None))
    return parents
