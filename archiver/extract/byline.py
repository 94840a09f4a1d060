"""Who and when of a comment: its author and date parts, and bylines that write both on one line.

A part is recognised by what it is, not by one site's class names: schema.org
microdata and RDFa properties, <time> and <cite>, vcard `fn`, and the words of
its class and id (split at `-`, `_` and camelCase, so `commentAuthor`,
`comment-author` and `c_author` all name an author). A byline such as
"Posted by: Jane Doe, 27 Sep 2011 | 15:22" or "Jane Doe | Di, 21. April 2020 - 16:40"
is split where the date begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from archiver.extract.dates import looks_relative, to_iso
from archiver.extract.dom import clean_space, tag_of

CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
PART_SPLIT_RE = re.compile(r"[-_\s]+")
AUTHOR_WORDS = frozenset(
    "author fn username commenter nickname nick name user poster autor auteur autore byline vcard".split()
)
DATE_WORDS = frozenset(
    "date time datetime timestamp published posted meta metadata commentmetadata submitted datum fecha ago".split()
)
# Words of a block that holds what the commenter wrote (Drupal's field--name-comment-body names a field, not a person).
TEXT_WORDS = frozenset("body content message commenttext bodytext".split())
AUTHOR_PROPS = frozenset(["author", "creator"])
DATE_PROPS = frozenset(["datecreated", "datepublished", "commenttime", "datemodified", "uploaddate"])
TEXT_PROPS = frozenset(["text", "commenttext", "articlebody", "description"])
# Lead-ins and trailers that templates put around a commenter's name, in the common languages.
AUTHOR_LEAD_RE = re.compile(
    r"^(comment(ed)? by|posted by|written by|reply by|answer by|geschrieben von|kommentar von|antwort von|von"
    r"|soumis par|publié par|par|by|por|oleh|door|di|da|de|dari)\s*:?\s+",
    re.IGNORECASE,
)
AUTHOR_TRAIL_RE = re.compile(
    r"(\s+(says|said|wrote|writes|replied|commented|sagt|schrieb|schreibt|meint|dijo|escribió|disse|escreveu"
    r"|a écrit|dit|zegt|schreef|scrive|ha scritto|berkata|menulis|on|am|le|el|em|op|il|於|于))?\s*[:,]?\s*$",
    re.IGNORECASE,
)
# Link labels next to a commenter's avatar or name that are no name.
UI_WORDS_RE = re.compile(
    r"^(profile|view profile|avatar|reply|permalink|link|report|share|profil|antworten|répondre|responder|rispondi)$",
    re.IGNORECASE,
)
STRONG_SEPARATORS = (" | ", " — ", " – ", " @ ", " - ", " · ", " • ")
WEAK_SEPARATORS = (", ", " on ", " am ", " le ", " el ", " em ", " op ", " il ")
DIGIT_RE = re.compile(r"\d")
MAX_AUTHOR_CHARS = 80
MAX_BYLINE_CHARS = 160


@dataclass(frozen=True)
class Byline:
    """A commenter's name and the date as shown, read from one line (either may be None)."""

    author: str | None
    date: str | None
    line: str = ""


def class_parts(token: str) -> list[str]:
    """Give the lower-cased words of a class token ("commentsList-item" gives comments, list, item)."""
    return [part.lower() for part in PART_SPLIT_RE.split(CAMEL_RE.sub("-", token)) if part]


def marker_words(element: HtmlElement) -> frozenset[str]:
    """Give the words of an element's class and id."""
    tokens = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return frozenset(part for token in tokens for part in class_parts(token))


def property_names(element: HtmlElement) -> frozenset[str]:
    """Give the lower-cased microdata itemprop and RDFa property names of an element, without prefixes."""
    values = f"{element.get('itemprop') or ''} {element.get('property') or ''}".split()
    return frozenset(value.rsplit(":", 1)[-1].lower() for value in values)


def is_author_part(element: HtmlElement) -> bool:
    """Tell whether an element shows a commenter's name."""
    if property_names(element) & AUTHOR_PROPS or tag_of(element) == "cite":
        return True
    words = marker_words(element)
    return bool(words & AUTHOR_WORDS) and not words & TEXT_WORDS


def is_date_part(element: HtmlElement) -> bool:
    """Tell whether an element shows a comment's date."""
    if property_names(element) & DATE_PROPS or tag_of(element) in ("time", "abbr"):
        return True
    words = marker_words(element)
    return bool(words & DATE_WORDS) and not words & TEXT_WORDS


def is_text_part(element: HtmlElement) -> bool:
    """Tell whether an element is declared as the text of a comment (itemprop/RDFa text)."""
    return bool(property_names(element) & TEXT_PROPS)


def clean_author(text: str) -> str | None:
    """Give a commenter's name without "Posted by:" lead-ins and "says:" trailers, or None if it is none."""
    name = AUTHOR_TRAIL_RE.sub("", AUTHOR_LEAD_RE.sub("", clean_space(text))).strip(" :|-—–,")
    if not name or len(name) > MAX_AUTHOR_CHARS or to_iso(name) or looks_relative(name) or UI_WORDS_RE.match(name):
        return None
    return name


def split_point(line: str) -> int | None:
    """Give where the date begins in a byline: after the last separator before its first digit."""
    digit = DIGIT_RE.search(line)
    if digit is None:
        return None
    head = line[: digit.start()]
    for separators in (STRONG_SEPARATORS, WEAK_SEPARATORS):
        ends = [head.rfind(sep) + len(sep) for sep in separators if head.rfind(sep) > 0]
        if ends:
            return max(ends)
    # no separator: the name ends at the last space before the date ("Isaac 16 minutes ago")
    return len(head) if head.endswith(" ") and head.strip() else None


def split_byline(line: str) -> Byline:
    """Give the name and the date shown in a byline ("Comment by Jane — 17.07, 2011 @ 13:04")."""
    line = clean_space(line)
    if not line or len(line) > MAX_BYLINE_CHARS:
        return Byline(None, None)
    point = split_point(line)
    if point is None:
        return Byline(clean_author(line), None)
    return Byline(clean_author(line[:point]), line[point:].strip(" ,|-—–") or None)


def is_dateish(text: str) -> bool:
    """Tell whether a short text reads as a date (absolute or relative to now)."""
    return bool(text) and len(text) <= MAX_BYLINE_CHARS and (bool(to_iso(text)) or looks_relative(text))
