"""Export queries: the rows of `archiver export` and of the web's download links, built once.

Every filter is either turned into SQL or refused with a ConfigError naming it: an export never
differs silently from the filters it was given. Filter names are the same on the command line
(`--published-since`) and in URLs (`published-since=`).
"""

from __future__ import annotations

import calendar
import dataclasses
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date

from archiver.errors import ConfigError

COUNTS = (
    "discovered, fetched, not_modified, articles_new, articles_changed, articles_unchanged, "
    "comments_new, comments_removed, skipped, errors, skipped_reasons"
)
BYLINE = (
    "EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id"
    " WHERE aa.article_id = a.id AND au.name = :author)"
)
TAGGED = "EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND t.name = :tag)"
# The path of the article's URL (from its first slash after the host), compared with "/SECTION/".
URL_PATH = "substr(a.url, instr(a.url, '://') + 2 + instr(substr(a.url, instr(a.url, '://') + 3), '/'))"
SECTION = f"substr({URL_PATH}, 1, length(:section) + 2) = '/' || :section || '/'"
COMMENTED = "EXISTS (SELECT 1 FROM comments cc WHERE cc.article_id = a.id)"
CHANGED = (
    "EXISTS (SELECT 1 FROM article_versions vv WHERE vv.article_id = a.id AND vv.version > 1"
    " AND vv.captured_at >= :changed_since)"
)


@dataclass(frozen=True)
class DateColumn:
    """What a date filter compares: a column, inside `within` when the dates belong to related rows."""

    column: str
    within: str = "{cond}"


# An article is captured in a range when any of its captures was fetched in it.
ARTICLE_CAPTURED = DateColumn(
    "pp.fetched_at", "EXISTS (SELECT 1 FROM captures pp WHERE pp.article_id = a.id AND {cond})"
)


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its columns (the one layout), what its filters mean, its order."""

    select: str
    joins: str
    order: str
    date: str  # the column of --since/--until: the table's own date
    dates: dict[str, DateColumn]  # date filter stem (published, first_seen, captured) -> what it compares here
    fts: str | None = None
    author: str | None = None  # what --author means here (None: refused)
    articles: bool = True  # whether article filters (language, tag, section, ...) apply
    extractor: str = ""  # the column holding extractor versions
    extractor_join: str = ""  # what to join to reach that column
    equals: dict[str, str] = dataclasses.field(default_factory=dict)  # filters that mean "this column equals" here


EXPORTS = {
    "articles": ExportTable(
        "a.url, a.canonical_url, s.name AS source, a.title, a.authors, a.published, a.modified, a.language,"
        " a.description, a.site_name, a.tags, a.body, a.comment_count, a.first_seen, a.last_seen, a.versions,"
        " a.extractor, a.comments_status, a.comments_widget",
        "articles a JOIN sources s ON s.id = a.source_id",
        "a.id",
        "a.published",
        {
            "published": DateColumn("a.published"),
            "first_seen": DateColumn("a.first_seen"),
            "captured": ARTICLE_CAPTURED,
        },
        fts="articles_fts",
        author=BYLINE,
        extractor="a.extractor",
    ),
    "comments": ExportTable(
        "a.url AS article_url, c.key AS id, c.parent_key AS parent, c.author, c.published, c.text, c.position,"
        " c.first_seen, c.last_seen, c.removed_at, s.name AS source",
        "comments c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id",
        "c.id",
        "c.published",
        {"published": DateColumn("c.published"), "first_seen": DateColumn("c.first_seen")},
        fts="comments_fts",
        author="c.author = :author",
        extractor="c.extractor",
    ),
    "versions": ExportTable(
        "a.url AS article_url, v.version, v.captured_at, v.title, v.authors, v.published, v.modified, v.body,"
        " v.extractor, s.name AS source",
        "article_versions v JOIN articles a ON a.id = v.article_id JOIN sources s ON s.id = a.source_id",
        "v.id",
        "v.captured_at",
        {"published": DateColumn("v.published"), "captured": DateColumn("v.captured_at")},
        author=BYLINE,
        extractor="v.extractor",
    ),
    "captures": ExportTable(
        "p.url, p.final_url, p.status, p.fetched_at, p.sha256, p.content_type, p.length, p.decision, p.reason,"
        " p.etag, p.last_modified, p.warc_file, p.warc_offset, p.crawl_id, s.name AS source",
        "captures p LEFT JOIN sources s ON s.id = p.source_id LEFT JOIN articles a ON a.id = p.article_id",
        "p.id",
        "p.fetched_at",
        {"captured": DateColumn("p.fetched_at")},
        author=BYLINE,
        # Captures record no extractor of their own (yet): the version made from one, else its article, says.
        extractor="COALESCE(p.extractor, xv.extractor, a.extractor)",
        extractor_join="LEFT JOIN article_versions xv ON xv.capture_id = p.id",
        equals={"status": "p.status", "decision": "p.decision", "reason": "p.reason"},
    ),
    "crawls": ExportTable(
        f"k.id, s.name AS source, k.started_at, k.finished_at, k.status, {COUNTS}",
        "crawls k JOIN sources s ON s.id = k.source_id",
        "k.id",
        "k.started_at",
        {},
        articles=False,
        extractor="COALESCE(xp.extractor, xv.extractor, xa.extractor)",
        extractor_join="JOIN captures xp ON xp.crawl_id = k.id LEFT JOIN article_versions xv ON xv.capture_id = xp.id"
        " LEFT JOIN articles xa ON xa.id = xp.article_id",
        equals={"status": "k.status"},
    ),
}
EXPORT_TABLES = tuple(EXPORTS)
ARTICLE_FILTERS = ("language", "tag", "section", "article", "has_comments", "changed_since")


def check_date(value: str | None, option: str) -> str | None:
    """Give `value` when it is an ISO date (YYYY-MM-DD); ConfigError otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-01-31") from None


def clamp_day(value: str) -> str:
    """Give a YYYY-MM-DD whose day is past its month's end (the search's month facet ends on -31) as that end."""
    try:
        year, month, day = (int(p) for p in value.split("-"))
        return date(year, month, min(day, calendar.monthrange(year, month)[1])).isoformat()
    except ValueError:
        return value  # not a date at all: the export refuses it by name


FLAGS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def check_flag(value: str | bool | None, option: str) -> bool | None:
    """Give a yes/no filter value as a bool; ConfigError for anything else."""
    if value is None or isinstance(value, bool):
        return value
    if value.strip().lower() not in FLAGS:
        raise ConfigError(f"{option} {value!r} is not yes or no", f"use {option} yes or {option} no")
    return FLAGS[value.strip().lower()]


@dataclass(frozen=True)
class ExportFilter:
    """What to export: every filter an export knows (None: not given). Dates are inclusive ISO dates."""

    source: str | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None
    published_since: str | None = None
    published_until: str | None = None
    first_seen_since: str | None = None
    first_seen_until: str | None = None
    captured_since: str | None = None
    captured_until: str | None = None
    author: str | None = None
    language: str | None = None
    tag: str | None = None
    section: str | None = None
    article: str | None = None
    has_comments: bool | None = None
    changed_since: str | None = None
    status: str | None = None
    decision: str | None = None
    reason: str | None = None

    def given(self) -> dict:
        """Give the filters that are set, by their URL/CLI name (e.g. published-since)."""
        return {filter_name(k): v for k, v in self.__dict__.items() if v is not None}


FILTER_FIELDS = tuple(f.name for f in fields(ExportFilter))
DATE_FIELDS = ("since", "until", "changed_since") + tuple(f for f in FILTER_FIELDS if f.endswith(("_since", "_until")))


def filter_name(field: str) -> str:
    """Give the URL/CLI name of the ExportFilter field `field` (published_since -> published-since)."""
    return field.replace("_", "-")


FILTER_NAMES = tuple(filter_name(f) for f in FILTER_FIELDS)


def make_filter(values: dict, prefix: str = "") -> ExportFilter:
    """Give the ExportFilter of `values` (field or URL names, empty and None values left out), checked.

    An unknown name or a malformed value is a ConfigError naming the filter as the user wrote it
    (`prefix` is "--" on the command line).
    """
    found = {}
    for name, value in values.items():
        field = name.replace("-", "_")
        if field not in FILTER_FIELDS:
            raise ConfigError(f"unknown filter {prefix}{name}", f"known filters: {', '.join(FILTER_NAMES)}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        found[field] = check_value(field, value.strip() if isinstance(value, str) else value, prefix)
    return ExportFilter(**found)


def check_value(field: str, value, prefix: str):
    """Give one filter value checked for its kind (date, yes/no, text)."""
    option = prefix + filter_name(field)
    if field in DATE_FIELDS:
        return check_date(value, option)
    if field == "has_comments":
        return check_flag(value, option)
    return value


def check_table(table: str, where: ExportFilter, prefix: str = "") -> ExportTable:
    """Give the table's export definition; ConfigError for an unknown table or a filter that means nothing there."""
    if table not in EXPORTS:
        raise ConfigError(f"unknown export table {table!r}", f"choose one of {', '.join(EXPORT_TABLES)}")
    spec = EXPORTS[table]
    for field, value in where.__dict__.items():
        if value is not None and not applies(spec, field):
            tables = [t for t, s in EXPORTS.items() if applies(s, field)]
            raise ConfigError(
                f"filter {prefix}{filter_name(field)} does not apply to {table}",
                f"it applies to {', '.join(tables)}; drop it",
            )
    return spec


def applies(spec: ExportTable, field: str) -> bool:
    """Tell whether the filter `field` means something for the table `spec`."""
    if field in ("source", "since", "until"):
        return True
    if field == "search":
        return spec.fts is not None
    if field == "author":
        return spec.author is not None
    if field in ARTICLE_FILTERS:
        return spec.articles
    if field in ("status", "decision", "reason"):
        return field in spec.equals
    return field.rsplit("_", 1)[0] in spec.dates


@dataclass(frozen=True)
class ExportQuery:
    """An export as SQL and parameters."""

    sql: str
    params: dict


def date_clauses(date: DateColumn, stem: str, where: ExportFilter) -> list[str]:
    """Give the conditions of the date range `stem` (published, ...; "" for since/until), inclusive at both ends."""
    key = f"{stem}_" if stem else ""
    since, until = getattr(where, f"{key}since"), getattr(where, f"{key}until")
    conds = []
    if since:
        conds.append(f"{date.column} >= :{key}since")
    if until:
        # A timestamp on the last day is within the range: compare only as many characters as the date has.
        conds.append(f"substr({date.column}, 1, length(:{key}until)) <= :{key}until")
    return [date.within.format(cond=" AND ".join(conds))] if conds else []


def article_clauses(spec: ExportTable, where: ExportFilter) -> list[str]:
    """Give the conditions of the filters about articles (and the byline or commenter)."""
    found = []
    if where.author:
        found.append(spec.author)
    if where.language:
        found.append("a.language = :language")
    if where.tag:
        found.append(TAGGED)
    if where.section:
        found.append(SECTION)
    if where.article:
        found.append("a.id = :article" if where.article.isdigit() else "a.url = :article")
    if where.has_comments is not None:
        found.append(COMMENTED if where.has_comments else f"NOT {COMMENTED}")
    if where.changed_since:
        found.append(CHANGED)
    return found


def where_clauses(spec: ExportTable, where: ExportFilter) -> list[str]:
    """Give every condition of the export's filters on the table `spec`."""
    clauses = ["s.name = :source"] if where.source else []
    clauses += date_clauses(DateColumn(spec.date), "", where)
    for stem, column in spec.dates.items():
        clauses += date_clauses(column, stem, where)
    if where.search:
        alias = spec.order.split(".")[0]
        clauses.append(f"{alias}.rowid IN (SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH :search)")
    clauses += [f"{column} = :{name}" for name, column in spec.equals.items() if getattr(where, name) is not None]
    return clauses + article_clauses(spec, where)


def query_params(where: ExportFilter) -> dict:
    """Give the SQL parameters of the filters that are set."""
    found = {k: v for k, v in where.__dict__.items() if v is not None and k != "has_comments"}
    if where.article and where.article.isdigit():
        found["article"] = int(where.article)
    return found


def export_query(table: str, where: ExportFilter, prefix: str = "") -> ExportQuery:
    """Give the SQL of an export of `table` under `where`; ConfigError for an unknown table or filter."""
    spec = check_table(table, where, prefix)
    clauses = where_clauses(spec, where)
    cond = " WHERE " + " AND ".join(clauses) if clauses else ""
    return ExportQuery(f"SELECT {spec.select} FROM {spec.joins}{cond} ORDER BY {spec.order}", query_params(where))


def extractors_query(table: str, where: ExportFilter) -> ExportQuery:
    """Give the SQL of the distinct extractor versions behind an export's rows."""
    spec = check_table(table, where)
    clauses = where_clauses(spec, where) + [f"{spec.extractor} IS NOT NULL"]
    return ExportQuery(
        f"SELECT DISTINCT {spec.extractor} FROM {spec.joins} {spec.extractor_join} WHERE {' AND '.join(clauses)}"
        " ORDER BY 1",
        query_params(where),
    )


def export_columns(conn: sqlite3.Connection, query: ExportQuery) -> list[str]:
    """Give the column names of an export (its layout), read without running it."""
    return [d[0] for d in conn.execute(f"SELECT * FROM ({query.sql}) LIMIT 0", query.params).description]


def iter_export(conn: sqlite3.Connection, query: ExportQuery) -> Iterator[dict]:
    """Yield the export's rows as dicts, streaming from SQLite."""
    try:
        cursor = conn.execute(query.sql, query.params)
    except sqlite3.OperationalError as exc:
        raise ConfigError(f"cannot run this export: {exc}", "check the search syntax (SQLite FTS5)") from exc
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))


def source_names(conn: sqlite3.Connection) -> list[str]:
    """Give the names of the archive's sources, sorted."""
    return [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY name")]


def check_source(conn: sqlite3.Connection, source: str | None, prefix: str = "") -> None:
    """Raise ConfigError naming the known sources when `source` is not one of them."""
    if source is None:
        return
    known = source_names(conn)
    if source not in known:
        raise ConfigError(f"unknown source {source!r} ({prefix}source)", f"known sources: {', '.join(known) or 'none'}")


def export_extractors(conn: sqlite3.Connection, table: str, where: ExportFilter) -> list[str]:
    """Give the distinct extractor versions of the rows an export of `table` under `where` holds."""
    query = extractors_query(table, where)
    return [r[0] for r in conn.execute(query.sql, query.params)]
