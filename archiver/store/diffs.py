"""Field-level differences between two versions of an article."""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass

from archiver.errors import StoreError

DIFF_FIELDS = ("title", "authors", "published", "body")


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: old and new values and a unified diff of their lines."""

    field: str
    old: str | None
    new: str | None
    diff: str


@dataclass(frozen=True)
class VersionDiff:
    """The fields that differ between two versions of one article."""

    article_id: int
    old_version: int
    new_version: int
    fields: tuple[FieldDiff, ...]


def _version(conn: sqlite3.Connection, article_id: int, version: int) -> dict:
    cursor = conn.execute(
        "SELECT title, authors, published, body FROM article_versions WHERE article_id = ? AND version = ?",
        (article_id, version),
    )
    row = cursor.fetchone()
    if row is None:
        raise StoreError(f"article {article_id} has no version {version}", "see the article_versions table")
    values = dict(zip(DIFF_FIELDS, row))
    values["authors"] = "; ".join(json.loads(values["authors"] or "[]"))
    return values


def field_diff(name: str, old: str | None, new: str | None) -> FieldDiff:
    """Give the diff of one field, paragraph by paragraph for the body."""
    split = (lambda text: (text or "").split("\n\n")) if name == "body" else (lambda text: [text or ""])
    lines = difflib.unified_diff(split(old), split(new), fromfile="old", tofile="new", lineterm="", n=1)
    return FieldDiff(name, old, new, "\n".join(lines))


def version_diff(conn: sqlite3.Connection, article_id: int, old: int, new: int) -> VersionDiff:
    """Give the field-level diff of title, authors, published date and body between two versions."""
    before, after = _version(conn, article_id, old), _version(conn, article_id, new)
    changed = tuple(field_diff(f, before[f], after[f]) for f in DIFF_FIELDS if before[f] != after[f])
    return VersionDiff(article_id, old, new, changed)
