"""Find the elements that hold one reader comment each, for the common markup families.

Families are recognised by general markers, never by site: schema.org Comment
microdata, the class names of WordPress, Drupal, Blogger and Discourse-like
threads (`comment`, `topic-post`, ...), and, inside a container named as
comments, repeated sibling blocks of the same shape with author/date/text parts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from archiver.extract.byline import is_author_part, is_date_part, marker_words, split_byline
from archiver.extract.dates import shown_date_iso
from archiver.extract.dom import (
    MarkedElements,
    class_tokens,
    marker_text,
    matching_marked,
    tag_of,
    text_lines,
    visible_text,
)

ITEM_CLASSES = frozenset(["comment", "comment-item", "comment-entry", "topic-post", "js-comment", "comment-wrap"])
NOT_ITEM_CLASSES = frozenset(["pingback", "trackback", "recentcomments", "widget"])
# Class names of one comment in many languages and naming schemes: "comment", "c-comment",
# "comment-item", "comments__list-item", "commentItem", "kommentar-entry", ...
COMMENT_WORDS = frozenset(
    "comment comments kommentar kommentare komentar komentarz comentario comentarios commentaire commentaires"
    " reactie reacties yorum cmt".split()
)
SINGULAR_WORDS = frozenset("comment kommentar komentar komentarz comentario commentaire reactie yorum cmt".split())
ITEM_LAST_PARTS = frozenset(["item", "entry", "answer", "response"])
ITEM_AFFIXES = frozenset(["c", "js", "single", "box", "block", "card", "node", "post", "unit", "wrap", "li", "view"])
# Where reader comments never are: recent/most-commented widgets and the reply form (always),
# sidebars and widgets (unless the area also holds the article's <h1>: then it is the layout).
FORM_AREA_RE = re.compile(
    r"recent[-_]?comments|recentcomments|most[-_]?comment|\brespond\b|comment-?form|reply-?form|comment-respond"
)
SIDE_AREA_RE = re.compile(r"(^|\s)(widget|widget[-_]\S*|\S*sidebar\S*|secondary|aside)(\s|$)")
CONTAINER_PARTS = frozenset(["discussion", "responses", "reactions", "replies", *COMMENT_WORDS])
NOT_CONTAINER_PARTS = frozenset(
    ["open", "closed", "status", "count", "link", "form", "respond", "widget", "number", "most", "recent", "popular"]
)
AUTHOR_RE = re.compile(r"(^|[-_ ])(author|fn|username|user-?name|commenter|nickname|name|user|poster)([-_ ]|$)")
DATE_RE = re.compile(
    r"(^|[-_ ])(date|time|datetime|timestamp|published|posted|meta|metadata|commentmetadata|submitted)([-_ ]|$)"
)
# A pingback shows "Pingback:" or only an excerpt of the linking post between ellipses: "[…] text […]".
PING_TEXT_RE = re.compile(
    r"^\s*((pingback|trackback)\s*:|.{0,200}\[(…|\.\.\.)\][^\[]{0,400}\[(…|\.\.\.)\]\s*$)", re.IGNORECASE | re.DOTALL
)
MIN_REPEATS = 2
# Class words of an answer printed inside the comment it answers.
ANSWER_WORDS = frozenset(["reply", "answer", "response", "antwort", "respuesta", "réponse", "risposta", "resposta"])
MAX_LIFT = 4
MAX_LIFT_EXTRA_CHARS = 400
CONTAINER_HINT_RE = re.compile(r"omment|discussion|response|reaction|replies|koment|comentar|reactie|yorum|cmt")
ITEM_HINT_RE = re.compile(r"omment|topic-post|koment|comentar|reactie|yorum|cmt")
MICRODATA_XPATH = etree.XPath("//*[contains(@itemtype, 'omment')]")
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
PART_SPLIT_RE = re.compile(r"[-_]+")
# A teaser or pingback is mostly link text; a comment is mostly the reader's own words.
MAX_LINKED_SHARE = 0.6


@dataclass(frozen=True)
class CommentItems:
    """The comment elements in page order and the containers that hold them."""

    items: tuple[HtmlElement, ...]
    containers: tuple[HtmlElement, ...]


@dataclass(frozen=True)
class PageLayout:
    """The elements around the article's <h1>: areas named "sidebar" there are the layout, not a sidebar."""

    around_title: frozenset = field(default_factory=frozenset)

    @classmethod
    def of(cls, tree: HtmlElement) -> PageLayout:
        """Give the layout of a page from the ancestors of its first <h1>."""
        title = next(tree.iter("h1"), None)
        return cls(frozenset(title.iterancestors()) if title is not None else frozenset())


def in_excluded_area(element: HtmlElement, layout: PageLayout = PageLayout()) -> bool:
    """Tell whether an element sits in a widget, sidebar, form or reply-form area."""
    node, in_section = element, False
    while node is not None and tag_of(node) not in ("body", "html"):
        marker = marker_text(node)
        if tag_of(node) in ("form", "textarea") or FORM_AREA_RE.search(marker):
            return True
        # a comments section inside a column or a "widget" (Blogger's main post is one) is the page's own
        in_section = in_section or (node is not element and is_container(node))
        if (
            (tag_of(node) == "aside" or SIDE_AREA_RE.search(marker))
            and node not in layout.around_title
            and not in_section
        ):
            return True
        node = node.getparent()
    return False


def is_comment_microdata(element: HtmlElement) -> bool:
    """Tell whether an element is a schema.org Comment (or UserComments) item in microdata."""
    itemtype = element.get("itemtype", "").rstrip("/").lower()
    return itemtype.endswith(("/comment", "/usercomments"))


def class_parts(token: str) -> list[str]:
    """Give the lower-cased words of a class token ("commentsList-item" gives comments, list, item)."""
    return [part.lower() for part in PART_SPLIT_RE.split(CAMEL_RE.sub("-", token)) if part]


def is_item_token(token: str) -> bool:
    """Tell whether one class token names a single comment in any common naming scheme."""
    parts = class_parts(token)
    if not parts or not COMMENT_WORDS & set(parts):
        return False
    if parts[-1] in ITEM_LAST_PARTS:
        return True
    return set(parts) <= SINGULAR_WORDS | ITEM_AFFIXES and bool(SINGULAR_WORDS & set(parts))


def is_class_item(element: HtmlElement) -> bool:
    """Tell whether an element's classes name it as one comment (not a ping or widget)."""
    tokens = class_tokens(element)
    if tokens & NOT_ITEM_CLASSES:
        return False
    return bool(tokens & ITEM_CLASSES) or any(map(is_item_token, element.get("class", "").split()))


def is_forum_opening_post(element: HtmlElement) -> bool:
    """Tell whether a thread post is the opening post (the article, not a reply)."""
    itemtype = element.get("itemtype", "").lower()
    return "discussionforumposting" in itemtype or element.get("data-post-number") == "1"


def is_container(element: HtmlElement) -> bool:
    """Tell whether an element's id or class names it as a comments section."""
    if tag_of(element) in ("html", "body", "form"):
        return False
    for token in marker_text(element).split():
        parts = set(class_parts(token))
        if parts & CONTAINER_PARTS and not parts & NOT_CONTAINER_PARTS:
            return True
    return False


def linked_share(element: HtmlElement) -> float:
    """Give the share of an element's text that is link text."""
    total = len(visible_text(element))
    linked = sum(len(visible_text(a)) for a in element.iter("a"))
    return linked / total if total else 1.0


def keep_item(element: HtmlElement, layout: PageLayout = PageLayout()) -> bool:
    """Tell whether a candidate is a real reader comment: own words, no ping, no widget, no teaser."""
    if in_excluded_area(element, layout) or any(class_tokens(e) & NOT_ITEM_CLASSES for e in upto_list(element)):
        return False
    text = visible_text(element)
    return bool(text) and not PING_TEXT_RE.match(text) and linked_share(element) <= MAX_LINKED_SHARE


def upto_list(element: HtmlElement) -> list[HtmlElement]:
    """Give an element and its ancestors up to the nearest list (a comment's wrappers: li.pingback > div)."""
    chain = [element]
    for ancestor in element.iterancestors():
        if tag_of(ancestor) in ("ol", "ul", "body"):
            break
        chain.append(ancestor)
    return chain


def hollow(element: HtmlElement, candidates: set) -> bool:
    """Tell whether an element shows no text of its own outside the candidate comments in it."""
    return not visible_text(element, lambda e: e in candidates)


def drop_wrappers(found: list[HtmlElement]) -> list[HtmlElement]:
    """Give the candidates with wrappers merged: one comment marked twice (li.comment-item > div.comment)
    counts once (the outer element), and a hollow element holding several comments is their list, not one."""
    chosen = set(found)
    inner_of: dict[HtmlElement, list[HtmlElement]] = defaultdict(list)
    for element in found:
        outer = next((a for a in element.iterancestors() if a in chosen), None)
        if outer is not None:
            inner_of[outer].append(element)
    dropped = set()
    for outer, inner in inner_of.items():
        # blocks shaped like the outer one are its replies, the others its own parts
        parts = [e for e in inner if block_signature(e) != block_signature(outer)]
        if parts and hollow(outer, chosen):
            dropped.update(parts if len(parts) == 1 else [outer])
    return [element for element in found if element not in dropped]


def marked_items(
    tree: HtmlElement, marked: MarkedElements, layout: PageLayout, microdata: list[HtmlElement] | None = None
) -> list[HtmlElement]:
    """Give the elements marked as comments by microdata or class names, in page order."""
    microdata = MICRODATA_XPATH(tree) if microdata is None else microdata
    hinted = matching_marked(marked, ITEM_HINT_RE)
    if microdata:  # both kinds, in page order
        candidates = set(microdata) | set(hinted)
        hinted = [e for e in tree.iter() if e in candidates]
    found = [
        element
        for element in hinted
        if is_comment_microdata(element)
        or ((is_class_item(element) or is_id_item(element)) and not is_forum_opening_post(element))
    ]
    found = lifted(drop_wrappers(found))
    return [element for element in found if keep_item(element, layout)]


def is_id_item(element: HtmlElement) -> bool:
    """Tell whether an element's id is a numbered comment anchor (comment-9257, div-comment-12) and it shows text."""
    parts = class_parts(element.get("id") or "")
    return (
        len(parts) >= 2
        and parts[-1].isdigit()
        and bool(SINGULAR_WORDS & set(parts[:-1]))
        and bool((element.text_content() or "").strip())
    )


def has_author_part(element: HtmlElement) -> bool:
    """Tell whether a block shows a name part (an author, user or cite element)."""
    return any(isinstance(e.tag, str) and is_author_part(e) for e in element.iterdescendants())


def lift(element: HtmlElement, seeds: set) -> HtmlElement:
    """Give the nearest wrapper of a comment's text that also shows its author and holds no other comment.

    Some markups put the anchor or class on the message only, with the author in a sibling block.
    """
    node, own = element.getparent(), len(element.text_content())
    for _ in range(MAX_LIFT):
        if node is None or tag_of(node) in ("ol", "ul", "body", "html", "article", "main") or node in seeds:
            break
        if len(node.text_content()) > own + MAX_LIFT_EXTRA_CHARS:
            break  # more than a name, a date and buttons around the message: a page area, not its comment
        if any(e in seeds for e in node.iterdescendants() if e is not element):
            break
        if has_author_part(node):
            return node
        node = node.getparent()
    return element


def lifted(found: list[HtmlElement]) -> list[HtmlElement]:
    """Give the comment elements with those that show no author widened to their wrapper."""
    seeds = set(found)
    return [element if has_author_part(element) else lift(element, seeds) for element in found]


def outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Give the elements that are not inside another of the elements."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def containers_of(marked: MarkedElements) -> list[HtmlElement]:
    """Give the outermost comments sections of a page (with or without comments in them)."""
    return outermost([e for e in matching_marked(marked, CONTAINER_HINT_RE) if is_container(e)])


def block_signature(element: HtmlElement) -> tuple[str, str]:
    """Give the shape of a block: its tag and classes without numbered or state tokens."""
    tokens = sorted(t for t in class_tokens(element) if not re.search(r"\d|odd|even|alt|depth", t))
    return tag_of(element), " ".join(tokens)


def has_comment_parts(element: HtmlElement) -> bool:
    """Tell whether a block has an author or date part, as a comment block does."""
    for sub in element.iterdescendants():
        if isinstance(sub.tag, str) and (is_author_part(sub) or is_date_part(sub)):
            return True
    return False


def repeated_blocks(container: HtmlElement, layout: PageLayout) -> list[HtmlElement]:
    """Give the most repeated same-shape blocks with author/date parts inside a container."""
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in container.iterdescendants():
        if isinstance(element.tag, str) and tag_of(element) not in ("a", "span", "time", "p", "img", "br"):
            groups[block_signature(element)].append(element)
    best: list[HtmlElement] = []
    for members in groups.values():
        if len(members) >= MIN_REPEATS and len(members) > len(best) and all(map(has_comment_parts, members)):
            best = members
    return [element for element in best if keep_item(element, layout)]


def find_comment_items(
    tree: HtmlElement, marked: MarkedElements, microdata: list[HtmlElement] | None = None
) -> CommentItems:
    """Give the reader-comment elements of a page in page order, with their sections. `microdata` are
    the elements with a comment itemtype, when already found."""
    layout = PageLayout.of(tree)
    containers = containers_of(marked)
    items = marked_items(tree, marked, layout, microdata)
    if not items:
        items = [block for container in containers for block in repeated_blocks(container, layout)]
    return CommentItems(tuple(with_answers(items)), tuple(containers))


def with_answers(items: list[HtmlElement]) -> list[HtmlElement]:
    """Give the comments with the answers embedded in them added after each (in page order).

    Some platforms print the owner's answer inside the reader's comment block, in a part
    named as a reply that shows its own name and date: it is a reply of its own."""
    chosen, result = set(items), []
    for item in items:
        result.append(item)
        result.extend(answer for answer in item.iterdescendants() if is_embedded_answer(answer, chosen))
    return result


def is_embedded_answer(element: HtmlElement, items: set) -> bool:
    """Tell whether a part of a comment is an answer: named as a reply, holding no comment, with its own byline."""
    if not isinstance(element.tag, str) or element in items or not marker_words(element) & ANSWER_WORDS:
        return False
    if any(e in items for e in element.iterdescendants()):
        return False
    lines = text_lines(element)
    return len(lines) >= 2 and any(
        split_byline(line).date and shown_date_iso(split_byline(line).date) for line in lines[:1] + lines[-1:]
    )
