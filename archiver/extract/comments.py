"""Reader comments of a page: id, parent, author, date and text of each, in page order."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from archiver.extract.byline import (
    Byline,
    is_author_part,
    is_date_part,
    is_text_part,
    marker_words,
    split_byline,
)  # fmt: skip
from archiver.extract.comment_items import FORM_AREA_RE, SIDE_AREA_RE, CommentItems, find_comment_items
from archiver.extract.comment_threads import fragment_refs, level_parents
from archiver.extract.dates import DateContext, shown_date_iso, to_iso
from archiver.extract.dom import MarkedElements, clean_space, marker_text, tag_of, text_lines
from archiver.extract.model import Comment
from archiver.extract.structured import StructuredData, names_of

# Words naming the block of a comment's text, most specific first.
TEXT_PART_WORDS = ("commenttext", "content", "text", "message", "cooked", "body", "entry")
# Parts of a comment block that are not what the reader wrote.
CHROME_RE = re.compile(
    r"(^|[-_ ])(reply|reply-link|comment-reply-link|comment-meta|commentmetadata|comment-actions|actions"
    r"|edit-link|share|vote|votes|likes?|dislikes?|upvotes?|downvotes?|avatar|permalink|reply-to-tab|post-menu-area"
    r"|rating|ratings|score|points|karma|report|flag|counter|toolbar|tools|links|badge)([-_ ]|$)"
)
NESTING_RE = re.compile(
    r"(^|[-_ ])(indented|children|replies|comment-replies|sub-?comments|comment-children|answers|thread-replies)([-_ ]|$)"
)
# Buttons and counters shown as the first or last line of a comment, in the common languages.
ACTION_LINE_RE = re.compile(
    r"^(reply|report|flag|like|share|edit|delete|permalink|responder|responda|balas|antworten|melden|répondre"
    r"|signaler|rispondi|segnala|ответить|пожаловаться|odpowiedz|yanıtla|beantwoorden|reageer|\d+"
    r"|(rating|score|votes?|likes?|points?):? ?[-+]?\d+( votes?| points?)?|[-+]?\d+ (likes?|votes?|points?|replies|reply))$",
    re.IGNORECASE,
)
REPLY_TO_ATTRIBUTES = ("data-parent-id", "data-parent", "data-reply-to", "data-in-reply-to", "data-parent-comment")
# Buttons and menus are short: a block named "reply" that holds more text is a wrapper of the comment.
MAX_CHROME_CHARS = 120
# A byline is among the first or last lines of a comment, never inside what the reader wrote.
BYLINE_LINES = 4
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
NOTICE_RE = re.compile(
    r"^\d*\s*(replies|reply|comments?|responses?)$|^(comments are closed|no comments( yet)?|leave a (reply|comment))\b",
    re.IGNORECASE,
)
# A reply form nested in a comment block is never part of what the commenter wrote.
FORM_TAGS = frozenset(["form", "label", "input", "textarea", "select", "button"])
# How many wrappers above a comment's element its permalink may point at.
PERMALINK_WRAPPERS = 3


class ItemReader:
    """Reads the parts of the comment elements of one page (the set of items is fixed)."""

    def __init__(self, found: CommentItems, reference: datetime | None = None, language: str | None = None):
        self.items = found.items
        self.item_set = set(found.items)
        self.reference = reference
        self.dates = DateContext.for_page(reference, language)
        self._kept: frozenset | None = None

    def own_parts(self, item: HtmlElement) -> Iterator[HtmlElement]:
        """Yield the descendants of an item that are not inside a nested comment."""
        stack = list(reversed(item))
        while stack:
            element = stack.pop()
            if element in self.item_set or not isinstance(element.tag, str) or element.tag == "form":
                continue
            yield element
            stack.extend(reversed(element))

    def skip_in_text(self, element: HtmlElement) -> bool:
        """Tell whether an element's text is left out of a comment's text."""
        if element in self.item_set or tag_of(element) in FORM_TAGS:
            return True
        marker = marker_text(element)
        if FORM_AREA_RE.search(marker) or SIDE_AREA_RE.search(marker):
            return True
        return bool(CHROME_RE.search(marker)) and len(element.text_content()) <= MAX_CHROME_CHARS

    def own_lines(self, item: HtmlElement) -> list[str]:
        """Give the text lines of an item without its nested comments and forms."""
        return text_lines(item, lambda e: e in self.item_set or tag_of(e) in FORM_TAGS)

    def author(self, item: HtmlElement) -> str | None:
        """Give the commenter's name shown in a comment, or None when none is shown."""
        candidates = [e for e in self.own_parts(item) if is_author_part(e)]
        while candidates:
            first = candidates[0]
            # the deepest part inside the first one is the most specific (b.fn in .comment-author)
            inner = [e for e in candidates if first in e.iterancestors()]
            name = (author_name(inner[-1]) if inner else None) or author_name(first)
            if name:
                return name
            candidates = [e for e in candidates[1:] if e not in inner]
        return self.byline(item).author

    def published(self, item: HtmlElement) -> str | None:
        """Give the ISO date of a comment, or None when none can be read.

        Dates shown relative to now ("2 hours ago") are resolved against the time the
        page was fetched (the HTTP Date header), and left out when that is unknown.
        """
        for element in self.own_parts(item):
            if is_date_part(element):
                found = self.date_of(element)
                if found:
                    return found
        shown = self.byline(item).date
        return shown_date_iso(shown, self.dates) if shown else None

    def date_of(self, element: HtmlElement) -> str | None:
        """Give the ISO date a date part declares (datetime, content, title) or shows."""
        for node in (element, *element.iterdescendants()):
            for attribute in ("datetime", "content", "title"):
                if to_iso(node.get(attribute)):
                    return to_iso(node.get(attribute))
        shown = clean_space(element.text_content())
        found = shown_date_iso(shown, self.dates)
        if found is None and split_byline(shown).date:
            found = shown_date_iso(split_byline(shown).date, self.dates)
        return found

    def byline(self, item: HtmlElement) -> Byline:
        """Give the name and date of a line that shows both ("Posted by: Jane, 27 Sep 2011 | 15:22")."""
        lines = self.own_lines(item)
        for line in lines[:BYLINE_LINES] + lines[-BYLINE_LINES:]:
            found = split_byline(line)
            if found.date and shown_date_iso(found.date, self.dates):
                return Byline(found.author, found.date, line)
        return Byline(None, None)

    def text(self, item: HtmlElement) -> str:
        """Give the text a commenter wrote, paragraphs separated by blank lines."""
        part = self.text_part(item)
        if part is not None:
            return "\n\n".join(without_actions(text_lines(part, self.skip_in_text)))

        def skip(e: HtmlElement) -> bool:
            return self.skip_in_text(e) or tag_of(e) in HEADING_TAGS or (is_byline_part(e) and not quoted(e, item))

        byline = self.byline(item).line
        lines = [line for line in text_lines(item, skip) if line != byline]
        return "\n\n".join(without_actions(lines))

    def text_part(self, item: HtmlElement) -> HtmlElement | None:
        """Give the element holding a comment's text (itemprop=text or a text class, without the byline)."""
        parts = list(self.own_parts(item))
        for element in parts:
            if is_text_part(element):
                return element
        words = [(element, marker_words(element)) for element in parts]
        for name in TEXT_PART_WORDS:
            for element, found in words:
                if name in found and not self.holds_byline(element):
                    return element
        return None

    def holds_byline(self, element: HtmlElement) -> bool:
        """Tell whether an element holds the comment's author or date part (so it is not the text)."""
        return any(
            is_byline_part(e) for e in element.iterdescendants() if isinstance(e.tag, str) and not quoted(e, element)
        )

    def kept(self, items: list[HtmlElement]) -> frozenset:
        """Give the items read as comments (cached per list: parents must be among them)."""
        if self._kept is None or len(self._kept) != len(items):
            self._kept = frozenset(items)
        return self._kept

    def own_id(self, item: HtmlElement) -> str | None:
        """Give the comment id the markup itself carries, if any.

        The comment's own permalink comes first: the element read as the comment can be an inner
        block (WordPress's div-comment-N) or its wrapper (li#comment-N) depending on whether the
        comment has replies, and a reply added or removed between two crawls must not change its key
        (the comment would count as removed and added again)."""
        permalink = self.permalink_id(item)
        if permalink:
            return permalink
        if item.get("id"):
            return item.get("id")
        previous = item.getprevious()
        if previous is not None and tag_of(previous) == "a" and previous.get("id") and not len(previous):
            return previous.get("id")  # Drupal puts <a id="comment-N"></a> before the comment
        for attribute in ("data-comment-id", "data-id", "data-post-id"):
            if item.get(attribute):
                return item.get(attribute)
        return None

    def permalink_id(self, item: HtmlElement) -> str | None:
        """Give the id that a link inside the comment points at when it is the comment's own element or
        one of its close wrappers (a permalink such as href="...#comment-12")."""
        ids = {e.get("id") for e in [item, *list(item.iterancestors())[:PERMALINK_WRAPPERS]] if e.get("id")}
        for link in item.iter("a"):
            target = (link.get("href") or "").rpartition("#")[2]
            if target in ids:
                return target
        return None

    def parent_item(self, item: HtmlElement) -> HtmlElement | None:
        """Give the comment element that an item replies to, from nesting, or None."""
        for ancestor in item.iterancestors():
            if ancestor in self.item_set:
                return ancestor
            if NESTING_RE.search(marker_text(ancestor)):
                previous = self.item_before(ancestor)
                if previous is not None:
                    return previous
        return None

    def item_before(self, block: HtmlElement) -> HtmlElement | None:
        """Give the comment just before a replies block at its level (Drupal's .indented)."""
        for sibling in block.itersiblings(preceding=True):
            if sibling in self.item_set:
                return sibling
            inner = [e for e in sibling.iterdescendants() if e in self.item_set]
            if inner:
                return inner[0]
        return None

    def reply_to_ref(self, item: HtmlElement) -> str | None:
        """Give the id that reply-to markup of an item points at, if any."""
        for attribute in REPLY_TO_ATTRIBUTES:
            if item.get(attribute):
                return item.get(attribute)
        for element in self.own_parts(item):
            if tag_of(element) == "a" and "reply-to" in marker_text(element) + " " + element.get("rel", ""):
                href = element.get("href", "")
                if "#" in href:
                    return href.split("#", 1)[1]
        return None


def without_actions(lines: list[str]) -> list[str]:
    """Give a comment's lines without the buttons and counters shown before or after the text."""
    start, end = 0, len(lines)
    while start < end and ACTION_LINE_RE.match(lines[start]):
        start += 1
    while end > start and ACTION_LINE_RE.match(lines[end - 1]):
        end -= 1
    return lines[start:end]


def is_byline_part(element: HtmlElement) -> bool:
    """Tell whether an element shows a commenter's name or a comment's date."""
    return is_author_part(element) or is_date_part(element)


def quoted(element: HtmlElement, within: HtmlElement) -> bool:
    """Tell whether an element sits in a quotation inside a comment (a quoted post's "X said:" is text)."""
    for ancestor in element.iterancestors():
        if ancestor is within:
            return False
        if tag_of(ancestor) in ("blockquote", "q"):
            return True
    return False


def author_name(element: HtmlElement) -> str | None:
    """Give the name in an author part (its itemprop=name if any), without lead-ins, trailers or a date."""
    names = element.xpath(".//*[@itemprop='name']")
    node = names[0] if names else element
    lines = text_lines(node, is_date_part) if tag_of(node) != "img" else [node.get("alt", "")]
    return split_byline(lines[0]).author if lines else None


def hashed_id(author: str | None, published: str | None, text: str) -> str:
    """Give a stable id for a comment without one: a hash of author, date and text."""
    digest = hashlib.sha1(f"{author or ''}\n{published or ''}\n{text}".encode()).hexdigest()
    return f"c-{digest[:16]}"


def unique(ident: str, seen: set[str]) -> str:
    """Give an id not used yet on the page (repeats get a numbered suffix)."""
    candidate, number = ident, 2
    while candidate in seen:
        candidate, number = f"{ident}-{number}", number + 1
    seen.add(candidate)
    return candidate


def html_comments(found: CommentItems, reference: datetime | None, language: str | None = None) -> tuple[Comment, ...]:
    """Give the comments read from the comment elements, with parents resolved."""
    reader = ItemReader(found, reference, language)
    drafts, ids, seen = [], {}, set()
    for item in found.items:
        author, published, text = reader.author(item), reader.published(item), reader.text(item)
        if not text or NOTICE_RE.match(text) or not (author or published or reader.text_part(item) is not None):
            continue  # a block showing neither who, when nor a text part is a count or a notice
        ident = unique(reader.own_id(item) or hashed_id(author, published, text), seen)
        ids[item] = ident
        drafts.append((item, author, published, text))
    items = [draft[0] for draft in drafts]
    parents = resolve_parents(reader, items)
    return tuple(
        Comment(ids[item], ids[parents[position]] if parents[position] is not None else None,
                author, published, text, position)
        for position, (item, author, published, text) in enumerate(drafts)
    )  # fmt: skip


def resolve_parents(reader: ItemReader, items: list[HtmlElement]) -> list[HtmlElement | None]:
    """Give the parent element of each comment: nesting first, then reply-to markup, then shown levels."""
    anchors = {reader.own_id(item): index for index, item in enumerate(items) if reader.own_id(item)}
    by_level = level_parents(items)
    parents = []
    for index, item in enumerate(items):
        parent = reader.parent_item(item)
        if parent is None or parent not in reader.kept(items):
            parent = referenced_item(reader, items, anchors, index)
        if parent is None and by_level[index] is not None:
            parent = items[by_level[index]]
        parents.append(parent)
    return parents


def referenced_item(reader: ItemReader, items: list[HtmlElement], anchors: dict, index: int) -> HtmlElement | None:
    """Give the earlier comment that an item's reply-to attribute, link or form points at, or None."""
    item = items[index]
    refs = [reader.reply_to_ref(item) or ""] + fragment_refs(item, reader.item_set)
    for ref in refs:
        target = anchors.get(ref, anchors.get(ref.removeprefix("comment-"), None))
        if target is not None and target < index:
            return items[target]
    return None


def jsonld_comment_nodes(obj: dict, parent: str | None) -> Iterator[tuple[dict, str | None]]:
    """Yield the JSON-LD Comment objects under an object with the id of their parent comment."""
    values = obj.get("comment", [])
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, dict):
            yield value, parent
            ident = value.get("@id") or value.get("url")
            yield from jsonld_comment_nodes(value, ident if isinstance(ident, str) else None)


def jsonld_comment(node: dict, parent: str | None, position: int) -> Comment | None:
    """Give one Comment from a JSON-LD Comment object, or None when it has no text."""
    text = node.get("text") or node.get("description") or ""
    if not isinstance(text, str) or not text.strip():
        return None
    authors = names_of(node.get("author"))
    published = to_iso(node.get("dateCreated")) or to_iso(node.get("datePublished"))
    ident = node.get("@id") or node.get("url") or hashed_id(authors[0] if authors else None, published, text)
    return Comment(str(ident), parent, authors[0] if authors else None, published, text.strip(), position)


def jsonld_comments(structured: StructuredData) -> tuple[Comment, ...]:
    """Give the comments declared in JSON-LD (Comment objects under a page object)."""
    roots = [obj for obj in structured.objects if "comment" in obj and not obj.get("@type") == "Comment"]
    nodes = [pair for root in roots[:1] for pair in jsonld_comment_nodes(root, None)]
    comments = []
    for node, parent in nodes:
        comment = jsonld_comment(node, parent, len(comments))
        if comment is not None:
            comments.append(comment)
    return tuple(comments)


@dataclass(frozen=True)
class PageComments:
    """The reader comments of a page and the elements and sections they were read from."""

    comments: tuple[Comment, ...]
    found: CommentItems


def extract_comments(
    tree: HtmlElement, marked: MarkedElements, structured: StructuredData, fetched: datetime | None = None
) -> PageComments:
    """Give the reader comments of a page with the elements they were read from.

    The comments shown in the HTML come first; JSON-LD is used when the HTML shows none.
    `fetched` is when the page was fetched: what "2 hours ago" is counted from.
    """
    found = find_comment_items(tree, marked, structured.typed("omment"))
    comments = html_comments(found, fetched, tree.get("lang") or tree.get("xml:lang"))
    return PageComments(comments or jsonld_comments(structured), found)
