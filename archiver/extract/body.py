"""The article body: trafilatura on a tree already rid of comments, footers and widgets."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from archiver.extract.dom import clean_space, text_lines

TOKEN_RE = re.compile(r"\w+")
# Less text than this in the other chunks is a teaser or caption, not the rest of the article.
MIN_CHUNK_CHARS = 300
# Elements trafilatura removes anyway (scripts, media, menus, asides, forms' parts: its MANUALLY_CLEANED
# but <form>, <figure> and <math>, which it may keep or salvage): taking them out once, in C, before it
# copies the tree makes its copies and its many XPath passes cheaper (navigation menus are big).
UNREAD_TAGS = (
    "head", "script", "style", "noscript", "svg", "template", "iframe", "object", "embed", "canvas", "map",
    "select", "button", "input", "textarea", "link", "meta", "nav", "aside", "menu", "audio", "video", "picture",
    "footer", "fieldset", "label", "time", "dialog", "datalist", "option", "source", "track",
)  # fmt: skip
# Code, the head, menus and asides: never the body (trafilatura deletes them too). Once the readers of
# JSON-LD, widgets, metadata and footers are done, every later walk over the tree (noise boxes, the
# page's text, trafilatura) is cheaper without them.
NEVER_BODY_TAGS = ("head", "script", "style", "noscript", "template", "svg", "nav", "aside", "menu")
# Less text than this from trafilatura's own extractor is checked against its fallbacks: four
# times what it calls too short an extraction (MIN_EXTRACTED_SIZE) leaves room for a partial one.
MIN_ALONE_CHARS = 1000
# A short paragraph at either end of the body with a sentence that tells the reader to sign up,
# subscribe, click or share is the site's promotion around the article (newsletter, print
# subscription, share prompt). Only as a sentence's first words: an article saying that people
# subscribe to something is not asking anything.
CALL_TO_ACTION_RE = re.compile(
    r"(^|[.!?:]\s+)(sign up|subscribe|click here|share (it|this)( story| article)? with)\b", re.IGNORECASE
)
MAX_CALL_CHARS = 300
EDGE_PARAGRAPHS = 3
# Dates are ours to read (metadata.py): given any date parameters, trafilatura no longer works out
# its default ones (the local time zone's date, 1 ms a page) for a date search it does not run.
NO_DATE_SEARCH = {"extensive_search": False}
# Posts quoted from social networks in the article: part of what the article says, but
# trafilatura drops most of them as link-dense boxes.
EMBED_CLASSES = frozenset(["twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed", "mastodon-embed"])
# trafilatura logs every page it finds too short; that is our decision to report, not its.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def detach(elements: Iterable[HtmlElement]) -> None:
    """Remove elements from their tree, keeping the text that follows each one."""
    for element in elements:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()


def strip_never_body(tree: HtmlElement) -> None:
    """Remove code, the head, menus and asides from a tree (in C), keeping the text that follows them."""
    etree.strip_elements(tree, *NEVER_BODY_TAGS, with_tail=False)


def trafilatura_text(tree: HtmlElement, url: str) -> str:
    """Give trafilatura's precision-minded text of a tree (it works on its own copy, so the tree can be read twice).

    Its own extractor runs first, alone; its fallbacks (readability, then justext) only when
    that found little text. They are what trafilatura turns to for short or missing text, and
    on a page it read well they cost a third of its time to confirm its choice.
    """
    text = trafilatura_pass(tree, url, fast=True)
    return text if len(text) >= MIN_ALONE_CHARS else trafilatura_pass(tree, url, fast=False)


def trafilatura_pass(tree: HtmlElement, url: str, fast: bool) -> str:
    """Give the text of one trafilatura extraction of a tree, with or without its fallback extractors."""
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=True,
        include_comments=False,
        with_metadata=False,
        include_tables=True,
        date_extraction_params=NO_DATE_SEARCH,
    )
    return document.text if document is not None and document.text else ""


def words(text: str) -> str:
    """Give the lower-cased words of a text joined by single spaces, for comparisons."""
    return " ".join(TOKEN_RE.findall(text.lower()))


def keep_paragraph(paragraph: str, title_words: str, comment_words: set[str]) -> bool:
    """Tell whether a paragraph belongs to the body (not the title again, not a comment)."""
    found = words(paragraph)
    return bool(found) and found != title_words and found not in comment_words


def chunk_signature(element: HtmlElement) -> tuple[str, str]:
    """Give the tag and class of an element: what the chunks of one article body share."""
    return element.tag, element.get("class", "").strip()


def iter_after(tree: HtmlElement, first: HtmlElement, tag: str):
    """Yield the elements with a tag that come after an element in page order."""
    seen = False
    for element in tree.iter(tag):
        if seen:
            yield element
        seen = seen or element is first


def continued_chunks(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """Give the paragraphs of body chunks the extraction missed, in page order.

    Some layouts cut one article into several containers of the same tag and class
    (between ads or pull quotes); trafilatura keeps only the first. The paragraphs
    of the other containers with the signature of the extracted ones are returned.
    """
    found = {words(p) for p in paragraphs}
    sources = [p.getparent() for p in tree.iter("p") if words(p.text_content()) in found]
    sources = [e for e in sources if e is not None]
    signatures = {chunk_signature(e) for e in sources if e.get("class")}
    if len(signatures) != 1:
        return []
    signature, missing = signatures.pop(), []
    first = next(e for e in sources if chunk_signature(e) == signature)
    # only what follows the first chunk continues the article; same-class blocks before it
    # are leads, quotes or teasers
    for element in iter_after(tree, first, signature[0]):
        if chunk_signature(element) == signature and element not in sources:
            texts = [clean_space(p.text_content()) for p in element.iterchildren("p")]
            missing.extend(t for t in texts if t and words(t) not in found)
    return missing if sum(map(len, missing)) >= MIN_CHUNK_CHARS else []


def is_embedded_post(element: HtmlElement) -> bool:
    """Tell whether an element is a quoted social-network post (blockquote.twitter-tweet and the like)."""
    return element.tag == "blockquote" and bool(EMBED_CLASSES & set(element.get("class", "").split()))


def embedded_posts(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """Give the paragraphs with the quoted posts the extraction dropped put back where the page shows them.

    A post is put back only after an extracted paragraph and inside that paragraph's
    box: posts elsewhere (a sidebar feed) are not the article's.
    """
    if not any(is_embedded_post(quote) for quote in tree.iter("blockquote")):
        return paragraphs  # most pages quote no post: no need to walk their paragraphs
    found = {words(p): i for i, p in enumerate(paragraphs)}
    after: dict[int, list[str]] = {}
    anchor, box = None, None
    for element in tree.iter("p", "blockquote", "h2", "h3", "li"):
        if is_embedded_post(element):
            lines = text_lines(element)
            if anchor is not None and box in element.iterancestors() and words(" ".join(lines)) not in found:
                after.setdefault(anchor, []).extend(line for line in lines if words(line) not in found)
        elif element.tag != "blockquote" and words(element.text_content()) in found:
            anchor, box = found[words(element.text_content())], element.getparent()
    merged = []
    for index, paragraph in enumerate(paragraphs):
        merged.append(paragraph)
        merged.extend(after.get(index, []))
    return merged


def extract_body(tree: HtmlElement, url: str, title: str | None, comment_texts: Iterable[str]) -> str:
    """Give the article body as paragraphs separated by blank lines."""
    etree.strip_elements(tree, *UNREAD_TAGS, with_tail=False)
    text = trafilatura_text(tree, url)
    title_words = words(title or "")
    comment_words = {words(text) for text in comment_texts}
    paragraphs = [clean_space(line) for line in text.split("\n")]
    paragraphs += continued_chunks(tree, paragraphs)
    paragraphs = embedded_posts(tree, paragraphs)
    kept = [p for p in paragraphs if keep_paragraph(p, title_words, comment_words)]
    return "\n\n".join(without_calls_to_action(kept))


def is_call_to_action(paragraph: str) -> bool:
    """Tell whether a paragraph is a short promotion asking the reader to act (not a list item:
    steps of a how-to say "sign up" too)."""
    if len(paragraph) > MAX_CALL_CHARS or paragraph.startswith(("-", "*", "•")):
        return False
    return bool(CALL_TO_ACTION_RE.search(paragraph))


def without_calls_to_action(paragraphs: list[str]) -> list[str]:
    """Give the paragraphs without the calls to action among the first and last few.

    Only at the ends, where sites put them, and only in a body long enough to have ends of
    its own: in the middle such words are the article's."""
    count = len(paragraphs)
    if count <= 2 * EDGE_PARAGRAPHS:
        return paragraphs
    edge = lambda index: index < EDGE_PARAGRAPHS or index >= count - EDGE_PARAGRAPHS  # noqa: E731
    return [p for i, p in enumerate(paragraphs) if not (edge(i) and is_call_to_action(p))]
