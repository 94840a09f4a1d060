"""One article as a unit: its metadata and body, every version, its comments as a tree, its captures (JSON).

The same document comes from `archiver export article ID|URL` and from the article page's Download link.
Its comments as CSV are the comments export filtered to the article (`article=ID`), one layout for both.
"""

from __future__ import annotations

import json
from pathlib import Path

from archiver import __version__
from archiver.store import Archive
from archiver.store.archive import open_readonly
from archiver.store.article_export import ArticleRows, article_rows, find_article

JSON_LISTS = ("authors", "tags")
# Internal keys that mean nothing outside this archive file.
INTERNAL = ("source_id", "footer_id")


def as_list(value: str | None) -> list:
    """Give a JSON array column as a list (a malformed value as a one-item list)."""
    try:
        found = json.loads(value) if value else []
    except ValueError:
        return [value]
    return found if isinstance(found, list) else [found]


def with_lists(row: dict) -> dict:
    """Give `row` with its JSON array columns (authors, tags) as lists and internal keys left out."""
    return {k: as_list(v) if k in JSON_LISTS else v for k, v in row.items() if k not in INTERNAL}


def comment_tree(comments: list[dict]) -> list[dict]:
    """Give the comments as a tree in page order: each with its `replies`; a reply to a missing parent at the top."""
    nodes = {c["key"]: {**rename(c), "replies": []} for c in comments}
    roots = []
    for c in comments:
        parent = nodes.get(c["parent_key"]) if c["parent_key"] != c["key"] else None
        (parent["replies"] if parent else roots).append(nodes[c["key"]])
    return roots


def rename(comment: dict) -> dict:
    """Give a comment with the names the comments export uses (id, parent)."""
    row = {"id": comment["key"], "parent": comment["parent_key"]}
    return row | {k: v for k, v in comment.items() if k not in ("key", "parent_key")}


def article_document(rows: ArticleRows) -> dict:
    """Give the JSON document of one article."""
    return {
        "article": with_lists(rows.article),
        "versions": [with_lists(v) for v in rows.versions],
        "comments": comment_tree(rows.comments),
        "captures": rows.captures,
        "counts": {"versions": len(rows.versions), "comments": len(rows.comments), "captures": len(rows.captures)},
        "software": {"news-archiver": __version__},
    }


def article_json(conn, ident: str) -> tuple[int, str]:
    """Give the article's id and its JSON document as text (the bytes both CLI and web write)."""
    article_id = find_article(conn, ident)
    document = article_document(article_rows(conn, article_id))
    return article_id, json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_article(db: Path | str, ident: str, served: bool = False) -> tuple[int, str]:
    """Give the id and JSON text of the article `ident` (id or URL) of the archive `db`."""
    if served:
        conn = open_readonly(db)
        try:
            return article_json(conn, ident)
        finally:
            conn.close()
    with Archive(db, readonly=True) as archive:
        return article_json(archive.conn, ident)
