"""Find the elements that hold one reader comment each, for the common markup families.

Families are recognised by general markers, never by site: schema.org Comment
microdata, the class names of WordPress, Drupal, Blogger and Discourse-like
threads (`comment`, `topic-post`, ...), and, inside a container named as
comments, repeated sibling blocks of the same shape with author/date/text parts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from archiver.extract.dom import MarkedElement, class_tokens, marker_text, tag_of, visible_text

ITEM_CLASSES = frozenset(["comment", "comment-item", "comment-entry", "topic-post", "js-comment", "comment-wrap"])
NOT_ITEM_CLASSES = frozenset(["pingback", "trackback", "recentcomments", "widget"])
# Where reader comments never are: sidebars and widgets ("recent comments"), the reply form.
EXCLUDED_AREA_RE = re.compile(
    r"widget|sidebar|recent[-_]?comments|recentcomments|\brespond\b|comment-?form|reply-?form|comment-respond"
)
CONTAINER_PARTS = frozenset(["comments", "comment", "discussion", "responses", "reactions", "replies"])
NOT_CONTAINER_PARTS = frozenset(["open", "closed", "status", "count", "link", "form", "respond", "widget", "number"])
AUTHOR_RE = re.compile(r"(^|[-_ ])(author|fn|username|user-?name|commenter|nickname|name|user|poster)([-_ ]|$)")
DATE_RE = re.compile(
    r"(^|[-_ ])(date|time|datetime|timestamp|published|posted|meta|metadata|commentmetadata|submitted)([-_ ]|$)"
)
PING_TEXT_RE = re.compile(r"^\s*(pingback|trackback)\s*:", re.IGNORECASE)
MIN_REPEATS = 2
CONTAINER_HINT_RE = re.compile(r"comment|discussion|response|reaction|replies")
ITEM_HINT_RE = re.compile(r"comment|topic-post")
MICRODATA_XPATH = etree.XPath("//*[contains(@itemtype, 'omment')]")


@dataclass(frozen=True)
class CommentItems:
    """The comment elements in page order and the containers that hold them."""

    items: tuple[HtmlElement, ...]
    containers: tuple[HtmlElement, ...]


def in_excluded_area(element: HtmlElement) -> bool:
    """Tell whether an element sits in a widget, sidebar, form or reply-form area."""
    node = element
    while node is not None and tag_of(node) not in ("body", "html"):
        if tag_of(node) in ("form", "textarea") or EXCLUDED_AREA_RE.search(marker_text(node)):
            return True
        node = node.getparent()
    return False


def is_comment_microdata(element: HtmlElement) -> bool:
    """Tell whether an element is a schema.org Comment item in microdata."""
    itemtype = element.get("itemtype", "")
    return itemtype.rstrip("/").lower().endswith("/comment")


def is_class_item(element: HtmlElement) -> bool:
    """Tell whether an element's classes name it as one comment (not a ping or widget)."""
    tokens = class_tokens(element)
    return bool(tokens & ITEM_CLASSES) and not tokens & NOT_ITEM_CLASSES


def is_forum_opening_post(element: HtmlElement) -> bool:
    """Tell whether a thread post is the opening post (the article, not a reply)."""
    itemtype = element.get("itemtype", "").lower()
    return "discussionforumposting" in itemtype or element.get("data-post-number") == "1"


def is_container(element: HtmlElement) -> bool:
    """Tell whether an element's id or class names it as a comments section."""
    if tag_of(element) in ("html", "body", "form"):
        return False
    for token in marker_text(element).split():
        parts = set(re.split(r"[-_]", token))
        if parts & CONTAINER_PARTS and not parts & NOT_CONTAINER_PARTS:
            return True
    return False


def keep_item(element: HtmlElement) -> bool:
    """Tell whether a candidate is a real reader comment: visible text, no ping, no widget."""
    if in_excluded_area(element) or class_tokens(element) & NOT_ITEM_CLASSES:
        return False
    text = visible_text(element)
    return bool(text) and not PING_TEXT_RE.match(text)


def marked_items(tree: HtmlElement, marked: tuple[MarkedElement, ...]) -> list[HtmlElement]:
    """Give the elements marked as comments by microdata or class names, in page order."""
    microdata = MICRODATA_XPATH(tree)
    hinted = [m.element for m in marked if ITEM_HINT_RE.search(m.marker)]
    if microdata:  # both kinds, in page order
        candidates = set(microdata) | set(hinted)
        hinted = [e for e in tree.iter() if e in candidates]
    found = []
    for element in hinted:
        if is_comment_microdata(element) or (is_class_item(element) and not is_forum_opening_post(element)):
            found.append(element)
    return [element for element in found if keep_item(element)]


def outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Give the elements that are not inside another of the elements."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def containers_of(marked: tuple[MarkedElement, ...]) -> list[HtmlElement]:
    """Give the outermost comments sections of a page (with or without comments in them)."""
    return outermost([m.element for m in marked if CONTAINER_HINT_RE.search(m.marker) and is_container(m.element)])


def block_signature(element: HtmlElement) -> tuple[str, str]:
    """Give the shape of a block: its tag and classes without numbered or state tokens."""
    tokens = sorted(t for t in class_tokens(element) if not re.search(r"\d|odd|even|alt|depth", t))
    return tag_of(element), " ".join(tokens)


def has_comment_parts(element: HtmlElement) -> bool:
    """Tell whether a block has an author or date part, as a comment block does."""
    for sub in element.iterdescendants():
        if tag_of(sub) == "time" or AUTHOR_RE.search(marker_text(sub)) or DATE_RE.search(marker_text(sub)):
            return True
    return False


def repeated_blocks(container: HtmlElement) -> list[HtmlElement]:
    """Give the most repeated same-shape blocks with author/date parts inside a container."""
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in container.iterdescendants():
        if isinstance(element.tag, str) and tag_of(element) not in ("a", "span", "time", "p", "img", "br"):
            groups[block_signature(element)].append(element)
    best: list[HtmlElement] = []
    for members in groups.values():
        if len(members) >= MIN_REPEATS and len(members) > len(best) and all(map(has_comment_parts, members)):
            best = members
    return [element for element in best if keep_item(element)]


def find_comment_items(tree: HtmlElement, marked: tuple[MarkedElement, ...]) -> CommentItems:
    """Give the reader-comment elements of a page in page order, with their sections."""
    containers = containers_of(marked)
    items = marked_items(tree, marked)
    if not items:
        items = [block for container in containers for block in repeated_blocks(container)]
    return CommentItems(tuple(items), tuple(containers))
