"""Boxes around an article that are never its body: players, fact-check and share boxes, related links."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from archiver.extract.dom import MarkedElements, marker_text, matching_marked, tag_of

NOISE_RE = re.compile(
    r"(^|[\s_-])(share|sharing|share-?bar|social-?share|related|fact-?check(er)?|audio-?player|podcast-?player"
    r"|newsletter|subscribe|also-?read|more-?stories|outbrain|taboola)([\s_-]|$)"
)
# The words of NOISE_RE without its boundaries, to find candidates fast (a regex of plain words runs
# several times faster than one that checks what comes before each).
NOISE_WORD_RE = re.compile(
    r"shar|related|fact-?check|audio-?player|podcast-?player|newsletter|subscribe|also-?read|more-?stories"
    r"|outbrain|taboola"
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
CARD_LINKED_SHARE = 0.8
# Labels of the widgets around an article, in the languages the archive reads.
UI_LABEL_RE = re.compile(
    r"^\W*(listen to (this|the) (article|story)|listen( now)?$|audio version|text[- ]to[- ]speech|play audio"
    r"|fact[- ]?check(er|ed)?$|verify the accuracy|rate this (article|story)|was this (article )?helpful"
    r"|share (this|on)\b|share$|(sign up|subscribe) (for|to) (our|the) newsletter|newsletter$"
    r"|artikel (anhören|vorlesen)|vorlesen$|écouter (l'article|cet article)|escuchar (el|este) artículo"
    r"|ascolta (l'articolo|questo articolo)|ouvir (o|este) artigo|luister naar (dit|het) artikel|dengarkan artikel)",
    re.IGNORECASE,
)
TIME_CODE_LINE_RE = re.compile(r"^\d{1,2}:\d\d(:\d\d)?$")
MAX_LABEL_CHARS = 60
# The telltale words of a widget's label, as written on pages (looked up as plain substrings: one pass
# in C each, where a case-blind regex over the page would cost more than it saves).
WIDGET_WORDS = (
    "Listen to",
    "listen to",
    "LISTEN",
    "Listen now",
    "Audio version",
    "audio version",
    "to-speech",
    "to speech",
    "Fact C",
    "Fact-C",
    "fact-check",
    "fact check",
    "FACT C",
    "Verify the",
    "verify the",
    "Rate this",
    "Was this",
    "anhören",
    "vorlesen",
    "Vorlesen",
    "couter l",
    "Escuchar",
    "Ascolta",
    "Ouvir",
    "Luister",
    "Dengarkan",
)
MAX_WIDGET_CHARS = 300
MAX_WIDGET_PARAGRAPHS = 2
NEVER_NOISE_TAGS = frozenset(["html", "body", "main", "article", "h1"])
# A box holding most of the page's text is the page, whatever its class says.
MAX_SHARE_OF_PAGE = 0.3


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


def is_link_card(element: HtmlElement) -> bool:
    """Tell whether an element is a card of links: two or more, making most of its text."""
    links = element.findall(".//a")
    if len(links) < 2:
        return False
    linked = sum(len(a.text_content().strip()) for a in links)
    return linked >= CARD_LINKED_SHARE * len(element.text_content().strip())


def paragraph_cards(tree: HtmlElement) -> list[HtmlElement]:
    """Give the cards of links with an image inside paragraphs: a person's or a topic's hover card
    (picture, name, their latest stories), hidden until the mouse is on a name in the sentence,
    whose text would otherwise run into the paragraph's. The innermost box around the image that
    is a card, so that the name in the sentence stays."""
    cards = []
    for image in tree.iter("img"):
        card = next((box for box in boxes_in_paragraph(image) if is_link_card(box)), None)
        cards += [card] if card is not None else []
    return list(dict.fromkeys(cards))


def boxes_in_paragraph(element: HtmlElement) -> list[HtmlElement]:
    """Give the ancestors of an element below the <p> it is in, innermost first (none when it is in no <p>)."""
    boxes = []
    for ancestor in element.iterancestors():
        if ancestor.tag == "p":
            return boxes
        if ancestor.tag in NEVER_NOISE_TAGS:
            return []
        boxes.append(ancestor)
    return []


def link_lines(tree: HtmlElement) -> list[HtmlElement]:
    """Give the in-article paragraphs that only point readers to other stories."""
    return [
        p
        for p in tree.iter("p", "li", "h3", "h4")
        if starts_with_label(p) and p.find(".//a") is not None and is_link_line(p)
    ]


def starts_with_label(element: HtmlElement) -> bool:
    """Tell whether an element's first words are a link label ("Related:", "Read more"), read cheaply."""
    text = element.text
    if not text or text.isspace():
        text = "".join(islice(element.itertext(), 3))
    return bool(LINK_LABEL_RE.match(text.lstrip()))


def is_ui_label(element: HtmlElement) -> bool:
    """Tell whether an element's own text is a widget's label ("Listen to the article", "Fact Checker", "0:00")
    or its aria-label names a player, a share bar or a rating (aria labels mostly say the same words)."""
    text = (element.text or "").strip()
    if text and len(text) <= MAX_LABEL_CHARS and (UI_LABEL_RE.match(text) or TIME_CODE_LINE_RE.match(text)):
        return True
    aria = element.get("aria-label") or ""
    return bool(aria) and bool(UI_LABEL_RE.match(aria.strip()))


def has_start_time(text: str) -> bool:
    """Tell whether a text shows a player's "0:00" on its own (not inside "10:00" or "10:00:00")."""
    start = text.find("0:00")
    while start >= 0:
        before, after = text[start - 1 : start] if start else "", text[start + 4 : start + 5]
        if not (before.isdigit() or before == ":" or after.isdigit() or after == ":"):
            return True
        start = text.find("0:00", start + 1)
    return False


def widget_box(label: HtmlElement) -> HtmlElement:
    """Give the widest box around a widget label that still holds only a widget's few words."""
    box = label
    for ancestor in label.iterancestors():
        if tag_of(ancestor) in NEVER_NOISE_TAGS or len(ancestor.text_content()) > MAX_WIDGET_CHARS:
            break
        if len(ancestor.findall(".//p")) > MAX_WIDGET_PARAGRAPHS:
            break
        box = ancestor
    return box


def labelled_widgets(tree: HtmlElement, page_text: str) -> list[HtmlElement]:
    """Give the boxes of players, text-to-speech bars, fact-check, rating, share and newsletter boxes
    found by their wording (labels, time codes, aria labels), whatever their class names.

    The page's text is searched once for the telltale words first: most pages have none,
    and then no element is looked at."""
    if not any(word in page_text for word in WIDGET_WORDS) and not has_start_time(page_text):
        return []
    return [widget_box(e) for e in tree.iter() if isinstance(e.tag, str) and is_ui_label(e)]


def noise_elements(tree: HtmlElement, marked: MarkedElements) -> list[HtmlElement]:
    """Give the outermost widget boxes of a page that can be dropped before body extraction."""
    candidates = [
        e
        for e in matching_marked(marked, NOISE_WORD_RE)
        if tag_of(e) not in NEVER_NOISE_TAGS and NOISE_RE.search(marker_text(e))
    ]
    candidates += player_elements(tree) + link_lines(tree) + paragraph_cards(tree)
    body = tree.find("body")
    page_text = (body if body is not None else tree).text_content()
    candidates += labelled_widgets(tree, page_text)
    chosen = set(candidates)
    outer = [e for e in candidates if not any(a in chosen for a in e.iterancestors())]
    page_chars = len(page_text)
    return [e for e in outer if small_enough(e, page_chars)]
