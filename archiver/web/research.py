"""Datasette hooks for researchers: the attention and capture-view routes, the chart stylesheet, and table cells
that link every row to its article page and show long text as a snippet (the whole text is on the article page).
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup

from archiver.web import attention, capture_view
from archiver.web.plugin import serves_archive_file

SNIPPET = 200
# Columns whose text can run to pages; a table page shows their start, the article page the whole.
LONG_TEXT = {
    "articles": ("body", "description"),
    "comments": ("text",),
    "comment_threads": ("text",),
    "article_versions": ("body",),
}
WITH_ARTICLE = ("articles", "comments", "comment_threads", "article_versions", "captures")


@hookimpl
def register_routes(datasette):
    return attention.ROUTES + capture_view.ROUTES


@hookimpl
def extra_css_urls(template, database, table, columns, view_name, request, datasette):
    return ["/-/archiver-charts.css"]


def cell(row, column: str):
    """Give the value of `column` in a table page row, or None when the page does not show it."""
    try:
        value = row[column]
    except (IndexError, KeyError):
        return None
    return value.get("value") if isinstance(value, dict) else value


def article_href(database: str, article_id, anchor: str = "") -> str:
    """Give the URL of an article's page (with an anchor on it)."""
    return f"/{database}/-/article/{int(article_id)}" + (f"#{anchor}" if anchor else "")


def snippet(database: str, table: str, row, value: str) -> Markup:
    """Give the start of a long text with a link to where it is read whole."""
    target = article_of(table, row)
    link = Markup("")
    if target is not None:
        anchor = f"comment-{cell(row, 'id')}" if table in ("comments", "comment_threads") else ""
        link = Markup(' <a class="full-text" href="{}">full text ({:,} characters)</a>').format(
            article_href(database, target, anchor), len(value)
        )
    return Markup('<span class="snippet">{}…</span>{}').format(value[:SNIPPET].rstrip(), link)


def article_of(table: str, row) -> int | None:
    """Give the article id a row belongs to (None for tables without one)."""
    column = "id" if table == "articles" else "article_id"
    value = cell(row, column) if table in WITH_ARTICLE else None
    return int(value) if isinstance(value, int) else None


def article_link(database: str, table: str, row, value) -> Markup | None:
    """Give the link from a row to its article page, shown in the cell that names the article."""
    if table == "articles" and isinstance(value, int):
        return Markup('{} <a class="article-page" href="{}">read the article</a>').format(
            value, article_href(database, value)
        )
    if isinstance(value, dict) and isinstance(value.get("value"), int):
        anchor = f"comment-{cell(row, 'id')}" if table == "comments" else ""
        return Markup(
            '<a class="article-page" href="{}">{}</a> <a class="article-row" href="/{}/articles/{}">(row)</a>'
        ).format(
            article_href(database, value["value"], anchor),
            value.get("label") or value["value"],
            database,
            value["value"],
        )
    if isinstance(value, int):
        anchor = f"comment-{cell(row, 'id')}" if table == "comment_threads" else ""
        return Markup('<a class="article-page" href="{}">article {}</a>').format(
            article_href(database, value, anchor), value
        )
    return None


def capture_link(database: str, value) -> Markup | None:
    """Give the links from a capture id to its raw page and its rendered view."""
    if not isinstance(value, int):
        return None
    return Markup(
        '<a class="capture-page" href="/{db}/-/capture/{id}">capture {id}</a> · '
        '<a class="capture-view" href="/{db}/-/capture/{id}/view">as archived</a>'
    ).format(db=database, id=value)


ARTICLE_COLUMNS = {
    ("comment_threads", "article_id"),
    ("articles", "id"),
    ("comments", "article_id"),
    ("article_versions", "article_id"),
    ("captures", "article_id"),
}


def title_link(database: str, row, value) -> Markup | None:
    """Give an article's title as a link to its article page."""
    article_id = cell(row, "id")
    if not isinstance(article_id, int):
        return None
    return Markup('<a class="article-page" href="{}">{}</a>').format(
        article_href(database, article_id), value or "(no title)"
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not serves_archive_file(datasette, database):
        return None
    if table is None:  # a canned query: its article_id column leads to the article page
        return article_link(database, "", row, value) if column == "article_id" else None
    if column in LONG_TEXT.get(table, ()) and isinstance(value, str) and len(value) > SNIPPET + 40:
        return snippet(database, table, row, value)
    if (table, column) in ARTICLE_COLUMNS:
        return article_link(database, table, row, value)
    if (table, column) == ("articles", "title"):
        return title_link(database, row, value)
    if (table, column) == ("captures", "warc_file") and value:
        return Markup("{} ({})").format(value, capture_link(database, cell(row, "id")) or "")
    if (table, column) == ("article_versions", "capture_id"):
        return capture_link(database, value)
    return None
