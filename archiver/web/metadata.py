"""Datasette metadata of an archive: titles, descriptions, facets and sort orders."""

from __future__ import annotations

from archiver import __version__
from archiver.store.canned import HIDDEN_TABLES, QUERIES

TABLES = {
    "articles": {
        "description": "One row per article (canonical URL): its current title, authors, dates, language and body.",
        "sort_desc": "published",
        # No byline facet by default: Datasette 0.65's array facet de-duplicates whole rows, bodies included,
        # minutes over a million articles (`_facet_array=authors` still asks for it; the search page has one).
        "facets": ["source_id", "language", {"date": "published"}, "comments_status"],
        "label_column": "title",
        "fts_table": "articles_fts",
        "fts_pk": "id",
        "searchmode": "escaped",
        "columns": {
            "url": "Where the article lives on the crawled site, in canonical form",
            "canonical_url": "The page's declared rel=canonical, wherever it points",
            "authors": "Bylines (JSON array); never a commenter",
            "published": "Publication date, ISO 8601",
            "body": "Article text only: paragraphs separated by blank lines",
            "versions": "How many distinct contents were captured",
            "first_seen": "When a crawl first archived it",
            "last_seen": "When a crawl last saw it",
            "comments_status": "Where its reader comments are: present, none, closed, widget (a JavaScript "
            "widget loads them, not captured), rendered (captured in the browser) or not_captured",
            "comments_widget": "The comment widget that loads them (Disqus, Coral, OpenWeb, ... or in-house)",
        },
    },
    "comments": {
        "description": "One row per reader comment, threaded by parent_key; removed_at is set when it vanished. "
        "Sorted by article; comment_threads lists them in thread order, as does each article page.",
        "sort": "article_id",
        "facets": ["article_id", "author"],
        "label_column": "text",
        "fts_table": "comments_fts",
        "fts_pk": "id",
        "searchmode": "escaped",
        "columns": {
            "key": "Stable id of the comment (the page's own id when it has one)",
            "parent_key": "Key of the comment it replies to",
            "position": "Order on the page, from 0",
            "removed_at": "When a recrawl no longer found it",
        },
    },
    "comment_threads": {
        "description": "Reader comments article by article, each thread in page order (replies under their "
        "parents), with the article's title.",
        "facets": ["author"],
    },
    "article_versions": {
        "description": "Each distinct content of an article, with the capture it came from.",
        "sort_desc": "captured_at",
    },
    "captures": {
        "description": "Every fetch or skipped URL, the decision taken and why, and where the raw WARC record is kept.",
        "sort_desc": "id",
        "facets": ["decision", "status", "reason"],
    },
    "crawls": {
        "description": "The crawl ledger: one row per run with its status and counts.",
        "sort_desc": "started_at",
        "facets": ["source_id", "status"],
    },
    "footers": {"description": "Publisher footers per site, one row per distinct content.", "label_column": "org"},
    "sources": {"description": "The sites being archived.", "label_column": "name"},
    "authors": {"description": "Bylines of articles.", "label_column": "name"},
    "tags": {"description": "Tags and keywords of articles.", "label_column": "name"},
    "links": {"description": "Off-site links, images, embeds and canonicals seen in captures (never fetched)."},
}


def archive_metadata(database: str) -> dict:
    """Give the Datasette metadata for an archive served under the name `database`."""
    return {
        "title": "News Archiver",
        "description": "Articles, reader comments and publisher footers archived by News Archiver "
        f"{__version__}. Search articles and comments, filter by source, date and language, "
        "export CSV.",
        "databases": {
            database: {"tables": {**TABLES, **{t: {"hidden": True} for t in HIDDEN_TABLES}}, "queries": QUERIES}
        },
    }
