"""Comments status of a page: present in its HTML, none, closed, or loaded by a JavaScript widget.

Many news sites load their reader comments after the page, from a widget (Disqus, Coral, OpenWeb,
Viafoura, Facebook, Hyvor Talk, Commento, giscus, utterances or one of their own), often inside
an iframe. The HTML then holds no comment at all, and without this status an archived zero would
read as "nobody commented". Detection is pure and general: the products are recognised by their
documented embed markup (container ids and classes, custom elements, data attributes) and the
hosts of their scripts and iframes; a site's own widget by an iframe or script whose URL speaks
of comments, a custom element named for comments, or an empty comments container carrying
loader configuration (data-* attributes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from archiver.extract.dom import MarkedElements, clean_space, marked_elements, matching_marked, matching_texts
from archiver.extract.structured import StructuredData, read_structured

PRESENT, NONE, CLOSED, WIDGET, RENDERED, NOT_CAPTURED = (
    "present",
    "none",
    "closed",
    "widget",
    "rendered",
    "not_captured",
)
IN_HOUSE = "in-house"


@dataclass(frozen=True)
class CommentsStatus:
    """Where a page's reader comments are and whether the archive has them.

    state: `present` (in the HTML, `count` of them), `none` (no sign of comments), `closed` (the
    page says so), `widget` (loaded by the JavaScript widget `widget`, not captured), `rendered`
    (loaded by `widget` and captured from the rendered page, `count` of them) or `not_captured`
    (the page declares `declared` comments that are not in its HTML and no widget is known).
    `evidence` names what was seen (markup, script or iframe URLs); `note` why a widget's
    comments were not captured, when a render was tried.
    """

    state: str = NONE
    count: int = 0
    widget: str | None = None
    declared: int | None = None
    evidence: tuple[str, ...] = ()
    note: str | None = None

    @property
    def label(self) -> str:
        """Give the status as a reader would say it, e.g. "loaded by a widget (Disqus), not captured"."""
        if self.state == PRESENT:
            return f"present ({self.count})"
        if self.state == WIDGET:
            return f"loaded by a widget ({self.widget}), not captured" + (f": {self.note}" if self.note else "")
        if self.state == RENDERED:
            return f"loaded by a widget ({self.widget}), captured by rendering ({self.count})"
        if self.state == NOT_CAPTURED:
            return f"not captured ({self.declared} declared by the page)"
        return self.state


@dataclass(frozen=True)
class WidgetProduct:
    """The embed signature of one comment widget product, as its documentation gives it."""

    name: str
    urls: tuple[str, ...] = ()  # regexes over "host/path" of script and iframe URLs
    ids: tuple[str, ...] = ()  # container element ids
    classes: tuple[str, ...] = ()  # container class tokens
    tags: tuple[str, ...] = ()  # custom elements
    attributes: tuple[str, ...] = ()  # attribute names that only this product's markup uses
    inline: tuple[str, ...] = ()  # words of the product's inline loader script


PRODUCTS = (
    WidgetProduct(
        "Disqus",
        urls=(r"(^|\.)disqus\.com/", r"(^|\.)disquscdn\.com/"),
        ids=("disqus_thread",),
        inline=("disqus_config", "disqus_shortname", ".disqus.com/embed.js"),
    ),
    WidgetProduct(
        "Coral",
        urls=(r"(^|\.)coralproject\.net/",),
        ids=("coral_thread", "coral_talk_stream", "coral-thread", "coral_talk_stream_iframe"),
        inline=("Coral.createStreamEmbed", "Coral.Talk.render", "coralproject"),
    ),
    WidgetProduct(
        "OpenWeb",
        urls=(r"(^|\.)spot\.im/", r"(^|\.)openweb\.com/", r"(^|\.)spotim\.market/", r"(^|\.)openwebcdn\.com/"),
        tags=("openweb-conversation",),
        attributes=("data-spotim-module", "data-spot-im-module-default-area", "data-openweb-module"),
        inline=("spotim", "SPOTIM"),
    ),
    WidgetProduct(
        "Viafoura",
        urls=(r"(^|\.)viafoura\.(net|com|co)/",),
        classes=("viafoura",),
        tags=("vf-conversations", "vf-comments", "vf-conversations-count", "vf-livecomments"),
    ),
    WidgetProduct(
        "Facebook",
        urls=(r"(^|\.)facebook\.com/plugins/comments", r"(^|\.)facebook\.com/v[\d.]+/plugins/comments"),
        classes=("fb-comments",),
    ),
    WidgetProduct(
        "Hyvor Talk",
        urls=(r"(^|\.)talk\.hyvor\.com/",),
        ids=("hyvor-talk-view",),
        tags=("hyvor-talk-comments", "hyvor-talk-comment-count"),
        inline=("HYVOR_TALK_WEBSITE", "HYVOR_TALK_CONFIG"),
    ),
    WidgetProduct(
        "Commento",
        urls=(r"(^|\.)commento\.io/", r"/js/commento\.js$", r"(^|\.)comentario\.app/"),
        ids=("commento",),
        tags=("comentario-comments",),
    ),
    WidgetProduct("giscus", urls=(r"(^|\.)giscus\.app/",), classes=("giscus",), tags=("giscus-widget",)),
    WidgetProduct("utterances", urls=(r"(^|\.)utteranc\.es/",), classes=("utterances",)),
)

# A URL or custom element of a site's own comment widget speaks of comments in some language.
# ("conversation" and "discussion" are left out: embeds of other publications use them in URLs.)
COMMENT_WORD_RE = re.compile(r"comment|kommentar|commentaire|comentario|commento|reactie|leserbrief", re.IGNORECASE)
# An id or class token that names the comments area as a whole (not its count or its links).
COMMENT_AREA_RE = re.compile(
    r"(comments?|comment-?section|comments?[-_]?(area|container|wrapper|block|root|app|widget|thread|embed|section)"
    r"|kommentare|commentaires|comentarios|discussion|conversation)",
    re.IGNORECASE,
)
# Text a page shows when commenting is closed, in the common languages.
CLOSED_RE = re.compile(
    r"\bcomments? (are|is|have been|has been) (now )?(closed|disabled|turned off)"
    r"|\bcomments? (are )?closed\b|\bcommenting (is|has been) (now )?(closed|disabled|turned off)"
    r"|\bclosed for comments\b|\bcomments for this (article|story|post|page) (are|have been) (closed|disabled)"
    r"|\bkommentare? (sind )?(geschlossen|deaktiviert)|\bkommentarfunktion (ist|wurde) (geschlossen|deaktiviert)"
    r"|\bcommentaires (sont )?(fermés|désactivés)|\bcomentarios (están )?cerrados|\bcommenti (sono )?chiusi"
    r"|\breacties (zijn )?gesloten",
    re.IGNORECASE,
)
# Text a widget shows until its comments have loaded.
LOADING_RE = re.compile(
    r"^(loading comments|comments (are )?loading|kommentare werden geladen|chargement des commentaires"
    r"|cargando comentarios|caricamento dei commenti|reacties worden geladen)\b",
    re.IGNORECASE,
)
# "12 comments", "Kommentare (12)": a count of comments shown in a heading or a button.
COUNT_TEXT_RE = re.compile(
    r"^(?:(\d[\d,.]*)\s+(?:reader\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|reactions)"
    r"|(?:comments?|kommentare|commentaires|comentarios|commenti|reacties)\s*\((\d[\d,.]*)\))$",
    re.IGNORECASE,
)
COUNT_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "button", "a")
# The reply form's parts (WordPress's comment-reply.js, a comment editor or form in an iframe) load
# no comments: the comments themselves are elsewhere.
NOT_A_LOADER_RE = re.compile(r"comment-reply(\.min)?\.js|comment[-_]?(form|editor)|reply[-_]?form", re.IGNORECASE)
FORM_CONTROLS = frozenset(["a", "span", "button", "li", "script", "textarea", "input", "form", "label", "select"])
CLOSED_MARKER_RE = re.compile(r"(^|[-_ .#])comments?[-_]?closed([-_ .#]|$)")
MAX_NOTICE_CHARS = 200
MAX_EVIDENCE = 4


@dataclass(frozen=True)
class PageSigns:
    """What of a page can tell about comment widgets: resolved script and iframe URLs, marked
    elements, custom elements and the text of inline scripts."""

    urls: tuple[str, ...]
    iframe_urls: tuple[str, ...]
    elements: tuple[HtmlElement, ...]
    inline: str
    tree: HtmlElement
    marked: MarkedElements

    @cached_property
    def url_paths(self) -> tuple[tuple[str, str], ...]:
        """Give each script and iframe URL with its "host/path" (what URL patterns are matched against)."""
        return tuple((u, host_path(u)) for u in self.urls)

    @cached_property
    def notices(self) -> tuple[str, ...]:
        """Give the short visible texts that may say comments are loading or closed (read only when
        a page with no comment and no known widget needs them)."""
        return notice_texts(self.tree)

    @cached_property
    def product_url_paths(self) -> tuple[tuple[str, str], ...]:
        """Give the script and iframe URLs (with their "host/path") that some product's pattern matches
        (most pages: none), so that each product's patterns only look at these."""
        return tuple((u, path) for u, path in self.url_paths if ANY_PRODUCT_URL_RE.search(path))

    @cached_property
    def product_elements(self) -> tuple[HtmlElement, ...]:
        """Give the elements that carry some product's id, class, tag or attribute (most pages: none)."""
        return tuple(e for e in self.elements if has_product_markup(e))

    @property
    def loading(self) -> tuple[str, ...]:
        """Give the texts a widget shows until its comments have loaded."""
        return tuple(t for t in self.notices if LOADING_RE.search(t))


URL_PATTERNS = {p.name: tuple(re.compile(u, re.IGNORECASE) for u in p.urls) for p in PRODUCTS}
ANY_PRODUCT_URL_RE = re.compile("|".join(f"(?:{u})" for p in PRODUCTS for u in p.urls), re.IGNORECASE)
PRODUCT_IDS = tuple(i for p in PRODUCTS for i in p.ids)
PRODUCT_CLASSES = tuple(c for p in PRODUCTS for c in p.classes)
PRODUCT_ATTRIBUTES = tuple(a for p in PRODUCTS for a in p.attributes)
# Parts of an id or class that may mark a comments area ("omment" finds Comments, kommentar, commentaire...).
AREA_STEMS = ("omment", "omentario", "iscussion", "onversation")
MEDIA_TAGS = frozenset("img script source video audio embed track input picture link a".split())
# Lower-case words: matched in lower-cased text (a case-blind regex over a page's text costs twice as much).
NOTICE_WORD_RE = re.compile(
    r"closed|disabled|turned off|geschlossen|deaktiviert|ferm|désactiv|cerrados|chiusi|gesloten"
    r"|loading|geladen|chargement|cargando|caricamento"
)
CLOSED_WORD_RE = re.compile("losed")
VISIBLE_TEXTS = etree.XPath("//text()[not(parent::script) and not(parent::style)]", smart_strings=False)


# An id or class of a product's container or of a comments area ("omment" finds Comments, kommentar,
# commentaire...), searched in the lower-cased "id class" markers of the page's elements. Plain words,
# no anchors: a regex of literals runs several times faster (a near-miss is only a candidate).
SIGN_MARKER_RE = re.compile("|".join(map(re.escape, [*AREA_STEMS, *PRODUCT_CLASSES, *PRODUCT_IDS])))
PRODUCT_ATTRIBUTE_SET = frozenset(PRODUCT_ATTRIBUTES)
PRODUCT_CLASS_SET = frozenset(PRODUCT_CLASSES)
PRODUCT_TAGS = frozenset(t for p in PRODUCTS for t in p.tags)


def sign_elements(tree: HtmlElement, marked: MarkedElements) -> tuple[HtmlElement, ...]:
    """Give the elements that can show a widget, in page order: custom elements (product ones
    included), iframes, elements with a product's id, class or attribute, elements marked as a
    comments area, and elements loading from a URL of their own (not images, media or scripts).
    Ids and classes are matched in the page's joined markers (in C); the walk only does cheap
    tests: a page has thousands of elements, of which these are a handful."""
    hinted = set(matching_marked(marked, SIGN_MARKER_RE))
    return tuple(e for e in tree.iter() if e in hinted or may_load_widget(e))


def may_load_widget(element: HtmlElement) -> bool:
    """Tell whether an element is a custom element or an iframe, loads from a URL of its own (not an
    image, media or script) or carries a product's attribute."""
    tag = element.tag
    if not isinstance(tag, str):
        return False
    if "-" in tag or tag == "iframe":
        return True
    attrib = element.attrib
    if not attrib:
        return False
    if tag not in MEDIA_TAGS and ("src" in attrib or "data-src" in attrib):
        return True
    return not PRODUCT_ATTRIBUTE_SET.isdisjoint(attrib.keys())


def page_signs(tree: HtmlElement, url: str, marked: MarkedElements) -> PageSigns:
    """Give the widget-relevant signs of a parsed page (the tree is only read)."""
    loaders = list(tree.iter("script", "iframe", "link"))  # one walk for the URLs and inline scripts
    urls = tuple(urljoin(url, v) for e in loaders for v in loaded_urls(e))
    iframes = tuple(urljoin(url, v) for e in loaders if e.tag == "iframe" for v in loaded_urls(e))
    inline = "\n".join(e.text or "" for e in loaders if e.tag == "script" and not e.get("src"))
    return PageSigns(urls, iframes, sign_elements(tree, marked), inline, tree, marked)


def loaded_urls(element: HtmlElement) -> list[str]:
    """Give the URLs a script or iframe loads (src, data-src) or a preload link names, stripped."""
    if element.tag == "link":
        names = ("href",) if element.get("rel") == "preload" else ()
    else:
        names = ("src", "data-src")
    values = (element.get(name) for name in names)
    return [v.strip() for v in values if v and v.strip()]


def notice_texts(tree: HtmlElement) -> tuple[str, ...]:
    """Give the short visible text nodes of the page that may be a notice about comments, space-normalised."""
    texts = [t for t in VISIBLE_TEXTS(tree) if len(t) <= 4 * MAX_NOTICE_CHARS]
    lines = (clean_space(texts[i]) for i in matching_texts(texts, NOTICE_WORD_RE))
    return tuple(line for line in lines if line and len(line) <= MAX_NOTICE_CHARS)


def host_path(url: str) -> str:
    """Give "host/path" of a URL (lower-cased host), what product URL patterns are matched against."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path or '/'}"


def product_evidence(product: WidgetProduct, signs: PageSigns) -> list[str]:
    """Give what on the page shows `product`'s widget (empty when nothing does)."""
    patterns = URL_PATTERNS[product.name]
    found = [f"script or iframe {u}" for u, path in signs.product_url_paths if any(p.search(path) for p in patterns)]
    for element in signs.product_elements:
        found += element_evidence(product, element)
    found += [f"inline script mentions {word}" for word in product.inline if word in signs.inline]
    return found


def has_product_markup(element: HtmlElement) -> bool:
    """Tell whether an element carries the id, a class, the tag or an attribute of some product."""
    if element.get("id") in PRODUCT_IDS or element.tag in PRODUCT_TAGS:
        return True
    if not PRODUCT_CLASS_SET.isdisjoint(element.get("class", "").split()):
        return True
    return not PRODUCT_ATTRIBUTE_SET.isdisjoint(element.attrib.keys())


def element_evidence(product: WidgetProduct, element: HtmlElement) -> list[str]:
    """Give the product's markup signs that one element carries."""
    found = []
    if element.get("id") in product.ids:
        found.append(f"#{element.get('id')}")
    classes = set(element.get("class", "").split())
    found += [f".{c}" for c in product.classes if c in classes]
    if element.tag in product.tags:
        found.append(f"<{element.tag}>")
    found += [f"[{a}]" for a in product.attributes if a in element.attrib]
    return found


def known_widget(signs: PageSigns) -> tuple[str, list[str]] | None:
    """Give the product with the most signs on the page and its evidence, or None."""
    best = max(((p.name, product_evidence(p, signs)) for p in PRODUCTS), key=lambda pair: len(pair[1]))
    return best if best[1] else None


def in_house_evidence(signs: PageSigns) -> list[str]:
    """Give the signs of a site's own comment widget: an iframe whose URL speaks of comments, a
    custom element named for comments, or an empty comments container configured for a loader."""
    found = [
        f"iframe {u}"
        for u in signs.iframe_urls
        if COMMENT_WORD_RE.search(host_path(u)) and not NOT_A_LOADER_RE.search(u)
    ]
    found += [f"<{e.tag}>" for e in signs.elements if "-" in e.tag and COMMENT_WORD_RE.search(e.tag)]
    found += [f"<{e.tag} src={u}>" for e, u in loader_sources(signs.elements) if COMMENT_WORD_RE.search(host_path(u))]
    found += [
        f"iframe {marker(e)}"
        for e in signs.elements
        if e.tag == "iframe" and COMMENT_WORD_RE.search(marker(e)) and not NOT_A_LOADER_RE.search(marker(e))
    ]
    found += [f'text "{t}"' for t in signs.loading]
    comment_scripts = [
        u
        for u in signs.urls
        if u not in signs.iframe_urls and COMMENT_WORD_RE.search(host_path(u)) and not NOT_A_LOADER_RE.search(u)
    ]
    for element in signs.elements:
        if is_empty_comment_area(element, bool(comment_scripts)):
            found.append(f"empty comments container {marker(element)}")
    return found + [f"script {u}" for u in comment_scripts] if found else []


def loader_sources(elements: tuple[HtmlElement, ...]) -> list[tuple[HtmlElement, str]]:
    """Give the elements that load content from a URL of their own (amp-list, custom elements) with it:
    every src or data-src but those of images, media, scripts, iframes and links."""
    skip = {"img", "script", "iframe", "a", "link", "source", "video", "audio", "embed", "track", "input", "picture"}
    return [
        (e, e.get("src") or e.get("data-src"))
        for e in elements
        if e.tag not in skip and (e.get("src") or e.get("data-src"))
    ]


def is_empty_comment_area(element: HtmlElement, comment_script: bool) -> bool:
    """Tell whether an element is a comments area with nothing in it that a loader is meant to fill:
    it carries data-* configuration, or the page loads a script whose URL speaks of comments."""
    tokens = [element.get("id", ""), *element.get("class", "").split()]
    if not any(COMMENT_AREA_RE.fullmatch(t) for t in tokens) or element.tag in FORM_CONTROLS:
        return False
    configured = any(name.startswith("data-") for name in element.attrib)
    if not (configured or comment_script):
        return False
    text = clean_space(" ".join(t for t in element.xpath(".//text()[not(ancestor::script)]")))
    if len(text) > 40 or CLOSED_RE.search(text):
        return False
    return not element.xpath(".//form|.//article|.//li|.//p")


def marker(element: HtmlElement) -> str:
    """Give an element's id and classes as #id.class1.class2 (lower-cased)."""
    classes = "".join(f".{c}" for c in element.get("class", "").split())
    return (f"#{element.get('id')}" if element.get("id") else "") + classes.lower()


def closed_notice(marked: MarkedElements, notices: tuple[str, ...]) -> str | None:
    """Give the page's own words saying that commenting is closed, or None."""
    for element in matching_marked(marked, CLOSED_WORD_RE):
        if CLOSED_MARKER_RE.search(marker(element)):
            return f"element {marker(element)}"
    lines = [t for t in notices if CLOSED_RE.search(t)]
    return f'text "{lines[0]}"' if lines else None


def declared_count(structured: StructuredData, tree: HtmlElement) -> int | None:
    """Give the number of comments the page declares (JSON-LD or microdata commentCount), or None."""
    values = [obj.get("commentCount") for obj in structured.objects if "commentCount" in obj]
    values += structured.declared("commentCount")
    for value in values:
        try:
            return int(str(value).strip())
        except ValueError:
            continue
    return shown_count(tree)


def shown_count(tree: HtmlElement) -> int | None:
    """Give the count of comments a heading or an in-page button shows ("12 Comments"), or None."""
    for element in tree.iter(*COUNT_TAGS):
        if element.tag == "a" and not element.get("href", "").startswith("#"):
            continue
        match = COUNT_TEXT_RE.match(clean_space(element.text_content()))
        if match:
            return int(re.sub(r"[,.]", "", match.group(1) or match.group(2)))
    return None


def comments_status(
    tree: HtmlElement,
    url: str,
    count: int,
    structured: StructuredData | None = None,
    marked: MarkedElements | None = None,
) -> CommentsStatus:
    """Give the comments status of a parsed page whose HTML gave `count` comments.

    `structured` is the page's structured data (for a declared commentCount), `marked` its
    elements with an id or class, when already read. Comments in the HTML
    win (a widget beside them is named); then a widget; then a closed notice; then a declared
    count that the HTML does not hold."""
    signs = page_signs(tree, url, marked_elements(tree) if marked is None else marked)
    known = known_widget(signs)
    declared = declared_count(read_structured(tree) if structured is None else structured, tree)
    if count:  # a known widget beside them is named (a site's own is not looked for)
        return CommentsStatus(
            PRESENT, count, known[0] if known else None, declared, tuple(known[1][:MAX_EVIDENCE]) if known else ()
        )
    widget, evidence = known if known else (IN_HOUSE, in_house_evidence(signs))
    shown = tuple(dict.fromkeys(evidence))[:MAX_EVIDENCE]
    if evidence:
        return CommentsStatus(WIDGET, 0, widget, declared, shown)
    notice = closed_notice(signs.marked, signs.notices)
    if notice:
        return CommentsStatus(CLOSED, 0, None, declared, (notice,))
    if declared:
        return CommentsStatus(NOT_CAPTURED, 0, None, declared, ("the page shows or declares a comment count",))
    return CommentsStatus(NONE, 0, None, declared)


def rendered_status(plain: CommentsStatus, rendered: CommentsStatus) -> CommentsStatus:
    """Give the status of a page whose widget was rendered: its comments captured from the rendered
    page (`rendered` found some), or still not captured with the reason."""
    if rendered.count:
        return CommentsStatus(RENDERED, rendered.count, plain.widget, plain.declared, plain.evidence)
    note = "the rendered page showed no comments"
    return CommentsStatus(plain.state, 0, plain.widget, plain.declared, plain.evidence, note)
