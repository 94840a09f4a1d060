"""A Datasette table page's filters and facets as export filters: each one translated, or named as refused.

The table page's export action and Datasette's own `table.csv` link both go to the archive's export with
these filters, so a download holds the rows the page shows (in the one export layout) or is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from datasette.utils import escape_fts

# Datasette table -> export table.
EXPORT_NAMES = {
    "articles": "articles",
    "comments": "comments",
    "article_versions": "versions",
    "captures": "captures",
    "crawls": "crawls",
}
# Per table: column -> the export filter meaning "equals" (source_id is looked up to a name).
EQUALS = {
    "articles": {"source_id": "source", "language": "language", "id": "article"},
    "comments": {"article_id": "article", "author": "author"},
    "article_versions": {"article_id": "article"},
    "captures": {
        "source_id": "source",
        "article_id": "article",
        "status": "status",
        "decision": "decision",
        "reason": "reason",
    },
    "crawls": {"source_id": "source", "status": "status"},
}
# Per table: JSON array column -> the export filter meaning "the array holds".
ARRAYS = {"articles": {"authors": "author"}}
# Per table: date column -> the stem of its export date filters ("" is the table's own since/until).
DATES = {
    "articles": {"published": "", "first_seen": "first-seen-"},
    "comments": {"published": "", "first_seen": "first-seen-"},
    "article_versions": {"captured_at": "", "published": "published-"},
    "captures": {"fetched_at": ""},
    "crawls": {"started_at": ""},
}
FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# Arguments that change how a page looks (order, size, columns, facets shown), never which rows it holds.
PRESENTATION = {
    "_sort",
    "_sort_desc",
    "_size",
    "_next",
    "_facet",
    "_facet_array",
    "_facet_date",
    "_facet_size",
    "_col",
    "_nocol",
    "_labels",
    "_nolabels",
    "_nofacet",
    "_nocount",
    "_nosuggest",
    "_trace",
    "_shape",
    "_json",
    "_stream",
    "_dl",
    "_extra",
    "_searchmode",
}


@dataclass(frozen=True)
class TableExport:
    """The export matching a table page: its table, filters by export name, and the page arguments refused."""

    table: str
    filters: dict = field(default_factory=dict)
    refused: tuple[str, ...] = ()
    source_id: str | None = None


def is_date(value: str) -> bool:
    """Tell whether `value` is a bare ISO date (YYYY-MM-DD), the only kind a date filter takes."""
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and value.replace("-", "").isdigit()


def date_filters(stem: str, op: str, value: str) -> dict | None:
    """Give the export date filters equal to a Datasette date comparison, or None when none is exact."""
    since, until = f"{stem}since", f"{stem}until"
    if not is_date(value):
        return None
    # `col >= D` and our since are the same string comparison; __date and our since+until both
    # compare the date as written. A `<=` on a timestamp excludes that day, unlike our until: refused.
    return {"gte": {since: value}, "date": {since: value, until: value}}.get(op)


def column_filter(table: str, name: str, value: str) -> dict | None:
    """Give the export filters equal to one Datasette column filter (`col`, `col__op`), or None."""
    column, _, op = name.partition("__")
    op = op or "exact"
    if op == "exact" and column in EQUALS[table]:
        return {EQUALS[table][column]: value}
    if op == "arraycontains" and column in ARRAYS.get(table, {}):
        return {ARRAYS[table][column]: value}
    if column in DATES[table]:
        return date_filters(DATES[table][column], op, value)
    return None


def search_filter(args: dict) -> str:
    """Give the export search equal to the page's `_search` (Datasette escapes it unless _searchmode=raw)."""
    text = args["_search"]
    if args.get("_searchmode") == "raw":
        return text
    words = text.split()
    # Plain words mean the same quoted or not: keep them as typed, so the link reads as the user wrote it.
    if words and all(re.fullmatch(r"\w+", w) and w not in FTS_OPERATORS for w in words):
        return " ".join(words)
    return escape_fts(text)


def table_export(table: str, args: dict) -> TableExport:
    """Give the export of a table page with arguments `args` (one value per name)."""
    filters, refused = {}, []
    for name, value in args.items():
        if name in PRESENTATION:
            continue
        found = {"search": search_filter(args)} if name == "_search" else column_filter(table, name, value)
        if found is None or any(filters.get(k, v) != v for k, v in found.items()):
            refused.append(name)
        else:
            filters.update(found)
    source_id = filters.pop("source", None)
    return TableExport(EXPORT_NAMES[table], filters, tuple(refused), source_id)
