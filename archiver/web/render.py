"""Turn archive rows into what the templates show: escaped highlights, paragraphs, threads, diffs, charts.

Archived text is hostile input: everything here escapes it, and only our own markup is marked safe.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from datasette.utils import to_css_class
from markupsafe import Markup, escape

from archiver.store.search import MARK_CLOSE, MARK_OPEN, json_list

MAX_DEPTH = 8
# Unicode's explicit direction controls (embeddings, overrides, isolates, marks): in a name they can
# reorder the text shown after it; they are kept in the archive and isolated (or dropped) on screen.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str | None) -> str:
    """Give `text` without direction controls, for places that cannot hold markup (a page's <title>)."""
    return BIDI_CONTROLS.sub("", text or "")


# Openers of an embedding or override (closed by PDF) and of an isolate (closed by PDI).
EMBEDDINGS, ISOLATES = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068"
PDF, PDI = "\u202c", "\u2069"


def closers(text: str) -> str:
    """Give the direction controls that close what `text` leaves open (an unpaired override or isolate)."""
    embedded = isolated = 0
    for char in BIDI_CONTROLS.findall(text):
        if char in EMBEDDINGS:
            embedded += 1
        elif char == PDF:
            embedded = max(0, embedded - 1)
        elif char in ISOLATES:
            isolated += 1
        elif char == PDI:
            isolated = max(0, isolated - 1)
    return PDF * embedded + PDI * isolated


# Pages show hundreds of names and titles: they are joined as strings of escaped text, since
# Markup.format (string.Formatter) cost more than the rest of a search page's markup.


def closed(value) -> Markup:
    """Give `value` escaped with its open direction controls closed (where a <bdi> would change the markup)."""
    text = str(escape(value if value is not None else ""))
    return Markup(text + closers(text))


def isolated(value, cls: str = "") -> Markup:
    """Give `value` (text, or our Markup) in a <bdi> with its open direction controls closed.

    <bdi> alone is not enough: Chromium lets an unclosed override inside it reorder what follows."""
    text = str(value if isinstance(value, Markup) else escape(value if value is not None else ""))
    attr = f' class="{escape(cls)}"' if cls else ""
    return Markup(f"<bdi{attr}>{text}{closers(text)}</bdi>")


def isolated_cell(value: str) -> Markup | None:
    """Give a table cell whose text has direction controls with each value isolated; None otherwise.

    A JSON array (the bylines) gets one <bdi> per item, so one name cannot reorder the next."""
    if not BIDI_CONTROLS.search(value):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        items = None
    if not isinstance(items, list):
        return isolated(value)
    return Markup("[{}]").format(Markup(", ").join(isolated(json.dumps(i, ensure_ascii=False)) for i in items))


def table_rows(rows) -> Markup:
    """Give the <tr> rows of a Datasette table page's cells, as its _table.html writes them.

    One join instead of Jinja's asynchronous steps for each of a page's 1,200 cells (50 rows of the
    articles table): a third of that page's time. Values are escaped as Jinja's autoescape does."""
    classes: dict[str, str] = {}
    out = []
    for row in rows:
        out.append("<tr>")
        for cell in row:
            column = cell["column"]
            if column not in classes:
                classes[column] = str(escape(to_css_class(column)))
            kind = escape(cell["value_type"])
            out.append(f'<td class="col-{classes[column]} type-{kind}">{escape(cell["value"])}</td>')
        out.append("</tr>")
    return Markup("".join(out))


def highlighted(text: str) -> Markup:
    """Give `text` escaped, with the search markers turned into <mark> elements."""
    safe = str(escape(text))
    return Markup(safe.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def safe_href(url: str | None) -> str | None:
    """Give `url` when it is an http(s) URL a link may point to; None for javascript:, data: and the like."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def paragraphs(body: str | None) -> list[str]:
    """Give the body's paragraphs (separated by blank lines in the archive)."""
    return [p.strip() for p in (body or "").split("\n\n") if p.strip()]


@dataclass(frozen=True)
class ThreadComment:
    """A comment placed in its thread: the row and its reply depth (0 for a top-level comment)."""

    row: dict
    depth: int

    @property
    def indent(self) -> int:
        """Give the indentation in em, capped so that deep threads stay readable."""
        return 2 * min(self.depth, MAX_DEPTH)


def thread(comments: list[dict]) -> list[ThreadComment]:
    """Give the comments in page order, each with its depth under the comment it replies to."""
    parent_of = {c["key"]: c["parent_key"] for c in comments}
    placed = []
    for c in comments:
        depth, seen, parent = 0, {c["key"]}, c["parent_key"]
        # Follow parents up; a loop or a missing parent ends the walk.
        while parent in parent_of and parent not in seen:
            depth += 1
            seen.add(parent)
            parent = parent_of[parent]
        placed.append(ThreadComment(c, depth))
    return placed


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: '+' added, '-' removed, ' ' kept; and its text."""

    op: str
    text: str


@dataclass(frozen=True)
class TextDiff:
    """The changes from one version of an article to the next."""

    old: int
    new: int
    lines: tuple[DiffLine, ...]


def version_text(version: dict) -> list[str]:
    """Give the lines compared between versions: title, authors, date, then the body's paragraphs."""
    head = [
        f"Title: {version.get('title') or ''}",
        f"Authors: {', '.join(json_list(version.get('authors')))}",
        f"Published: {version.get('published') or ''}",
    ]
    return head + paragraphs(version.get("body"))


def version_diffs(versions: list[dict]) -> list[TextDiff]:
    """Give the diff between each pair of consecutive versions (paragraph by paragraph, context trimmed)."""
    diffs = []
    for old, new in zip(versions, versions[1:]):
        lines = difflib.unified_diff(version_text(old), version_text(new), lineterm="", n=1)
        kept = [DiffLine(line[0], line[1:]) for line in lines if line[:1] in "+- " and line[:3] not in ("---", "+++")]
        diffs.append(TextDiff(old["version"], new["version"], tuple(kept)))
    return diffs


def bar_chart(points: list[dict], key: str, value: str, width: int = 720, height: int = 160) -> Markup:
    """Give an inline SVG bar chart of `points` (no script, no external asset); empty when no points."""
    if not points:
        return Markup("")
    top = max(p[value] for p in points) or 1
    step = width / len(points)
    bars = []
    for i, p in enumerate(points):
        h = max(1.0, (height - 20) * p[value] / top)
        bars.append(
            Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{}: {}</title></rect>').format(
                i * step, height - 20 - h, max(step - 1, 0.5), h, p[key], p[value]
            )
        )
    labels = Markup('<text x="0" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text>').format(
        height - 4, points[0][key], width, height - 4, points[-1][key]
    )
    peak = Markup('<text x="0" y="10">max {}</text>').format(top)
    return Markup(
        '<svg class="archive-chart" viewBox="0 0 {} {}" role="img" aria-label="articles per day">{}{}{}</svg>'
    ).format(width, height, Markup("").join(bars), labels, peak)
