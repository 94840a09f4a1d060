"""Filter tokens: the search filters (language, source, month published) as words of the full-text index.

A search with a filter walked the newest matches of its words one by one, looking each up in the
articles table, until the window was full: for a filter that keeps 4 % of the rows (a month of two
years), 12,500 matches of each kind and 40 ms a search. Each indexed row now also holds a `filters`
column of made-up words (`xfl` + the language in hex, `xfs` + the source id, `xfm` + year and month),
and a filtered search adds them to its full-text query: FTS5 intersects the word lists itself and
hands over only the rows that can pass. The filters' own SQL conditions stay, so the tokens only
need to keep every row that may pass (a language cut to 32 characters, a date written otherwise
than YYYY-MM, which gets `xfmx`, are let through and decided by SQL).

The SQL expressions below are the one definition of a row's tokens: the FTS tables' content views,
the indexing of new rows and the triggers that take old tokens out all use them, so that what is
taken out is exactly what was put in.
"""

from __future__ import annotations

import re

LANGUAGE, SOURCE, MONTH, OTHER_MONTH = "xfl", "xfs", "xfm", "xfmx"
LANGUAGE_CHARS = 32
# A date range over more months than this is not narrowed by tokens: it keeps most rows anyway.
MAX_MONTHS = 36


def language_source_sql(a: str) -> str:
    """Give the SQL of the language and source tokens of the article row `a` ('' for neither)."""
    return (
        f"(CASE WHEN {a}.language IS NULL THEN '' ELSE '{LANGUAGE}' || hex(substr({a}.language, 1, {LANGUAGE_CHARS}))"
        f" END || ' ' || CASE WHEN {a}.source_id IS NULL THEN '' ELSE '{SOURCE}' || {a}.source_id END)"
    )


def month_sql(published: str) -> str:
    """Give the SQL of the month token of the date `published` ('' when there is no date)."""
    return (
        f"(CASE WHEN {published} IS NULL THEN '' WHEN {published} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'"
        f" THEN '{MONTH}' || substr({published}, 1, 4) || substr({published}, 6, 2) ELSE '{OTHER_MONTH}' END)"
    )


def article_sql(a: str) -> str:
    """Give the SQL of the filter tokens of the article row `a`."""
    return f"{language_source_sql(a)} || ' ' || {month_sql(f'{a}.published')}"


def comment_sql(c: str, a: str | None = None) -> str:
    """Give the SQL of the filter tokens of the comment row `c`: its article's language and source (the
    row `a`, or looked up by `c.article_id`) and its own month."""
    if a is not None:
        article = language_source_sql(a)
    else:
        article = f"coalesce((SELECT {language_source_sql('fa')} FROM articles fa WHERE fa.id = {c}.article_id), '')"
    return f"{article} || ' ' || {month_sql(f'{c}.published')}"


def language_token(language: str) -> str:
    """Give the token of articles in `language` (as article_sql writes it)."""
    return LANGUAGE + language[:LANGUAGE_CHARS].encode("utf-8").hex()


def month(value: str, last: bool) -> tuple[int, int] | None:
    """Give (year, month) of a date filter value (YYYY, YYYY-MM or longer): its first month, or its last
    when `last`; None for another form."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?", value)
    if not found:
        return None
    year, number = int(found[1]), int(found[2]) if found[2] else (12 if last else 1)
    return (year, number) if 1 <= number <= 12 else None


def month_tokens(since: str, until: str) -> list[str]:
    """Give the tokens of the months from `since` to `until` (and of dates of other forms); [] when the
    range is open, unreadable or longer than MAX_MONTHS."""
    first, last = month(since, False) if since else None, month(until, True) if until else None
    if not first or not last:
        return []
    start, end = first[0] * 12 + first[1] - 1, last[0] * 12 + last[1] - 1
    if not 0 <= end - start < MAX_MONTHS:
        return []
    return [f"{MONTH}{m // 12:04d}{m % 12 + 1:02d}" for m in range(start, end + 1)] + [OTHER_MONTH]


def narrowing(language: str, source_id: int | None, since: str, until: str) -> str:
    """Give the FTS5 expression on the `filters` column that rows passing these filters all match
    ("" when the filters narrow nothing)."""
    parts = []
    if language:
        parts.append(f"filters : {language_token(language)}")
    if source_id is not None:
        parts.append(f"filters : {SOURCE}{source_id}")
    months = month_tokens(since, until)
    if months:
        parts.append(f"filters : ({' OR '.join(months)})")
    return " AND ".join(parts)


def narrowed(q: str, narrow: str) -> str:
    """Give the full-text query `q` narrowed by the filter tokens `narrow`."""
    return f"({q}) AND {narrow}" if q and narrow else q
