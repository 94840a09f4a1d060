"""Sources, crawl runs, captures and links: the crawl ledger."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields

from archiver.errors import StoreError
from archiver.extract.urls import host_of
from archiver.store.records import CaptureRow, CrawlCounts, CrawlRun, Source, Validators

COUNT_FIELDS = tuple(f.name for f in fields(CrawlCounts) if f.name != "skipped_reasons")
CAPTURE_FIELDS = tuple(f.name for f in fields(CaptureRow))
# dataclasses.asdict would deep-copy every value of every capture: the row is read field by field.
INSERT_CAPTURE = (
    f"INSERT INTO captures (crawl_id, source_id, {', '.join(CAPTURE_FIELDS)})"
    f" VALUES ({', '.join('?' * (len(CAPTURE_FIELDS) + 2))})"
)


def ensure_source(conn: sqlite3.Connection, name: str, url: str, config: dict | None, now: str) -> Source:
    """Give the sources row named `name`, creating it or updating its URL and config.

    A new name for a site already archived under its host name (a crawl of its homepage URL) adopts
    that source: the row is renamed, so the site's articles, captures and crawls stay in one source.
    """
    blob = json.dumps(config or {}, sort_keys=True)
    adopt_host_source(conn, name, url)
    conn.execute(
        "INSERT INTO sources (name, url, config, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(name) DO UPDATE SET url = excluded.url, config = excluded.config",
        (name, url, blob, now),
    )
    return get_source(conn, name)


def adopt_host_source(conn: sqlite3.Connection, name: str, url: str) -> None:
    """Rename the source named after the host of `url` to `name`, when `name` is new and that host's alone."""
    host = host_of(url)
    if not host or host == name or conn.execute("SELECT 1 FROM sources WHERE name = ?", (name,)).fetchone():
        return
    row = conn.execute("SELECT id, url FROM sources WHERE name = ?", (host,)).fetchone()
    if row is not None and host_of(row[1]) == host:
        conn.execute("UPDATE sources SET name = ? WHERE id = ?", (name, row[0]))


def get_source(conn: sqlite3.Connection, name: str) -> Source:
    """Give the sources row named `name`; StoreError when there is none."""
    row = conn.execute("SELECT id, name, url FROM sources WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise StoreError(f"no source named {name!r} in the archive", "see `archiver sources list`")
    return Source(*row)


def start_crawl(conn: sqlite3.Connection, source_id: int, now: str, config: dict | None, pid: int) -> int:
    """Add a crawls row with status 'running' and give its id."""
    cur = conn.execute(
        "INSERT INTO crawls (source_id, started_at, status, config, pid) VALUES (?, ?, 'running', ?, ?)",
        (source_id, now, json.dumps(config or {}, sort_keys=True, default=str), pid),
    )
    return cur.lastrowid


def finish_crawl(
    conn: sqlite3.Connection,
    crawl_id: int,
    status: str,
    counts: CrawlCounts,
    now: str | None,
    message: str | None = None,
) -> None:
    """Write the counts and status of a crawl run (finished when `now` is given)."""
    sets = ", ".join(f"{name} = ?" for name in COUNT_FIELDS)
    values = tuple(getattr(counts, name) for name in COUNT_FIELDS)
    conn.execute(
        f"UPDATE crawls SET {sets}, skipped_reasons = ?, status = ?, finished_at = ?, message = ? WHERE id = ?",
        values + (json.dumps(counts.skipped_reasons, sort_keys=True), status, now, message, crawl_id),
    )


def get_crawl(conn: sqlite3.Connection, crawl_id: int) -> CrawlRun:
    """Give one crawl run with its counts."""
    cols = ", ".join(f"c.{name}" for name in COUNT_FIELDS)
    row = conn.execute(
        f"SELECT c.id, c.source_id, s.name, c.started_at, c.finished_at, c.status, c.skipped_reasons, {cols}"
        " FROM crawls c JOIN sources s ON s.id = c.source_id WHERE c.id = ?",
        (crawl_id,),
    ).fetchone()
    counts = CrawlCounts(**dict(zip(COUNT_FIELDS, row[7:])), skipped_reasons=json.loads(row[6] or "{}"))
    return CrawlRun(*row[:6], counts=counts)


def add_capture(conn: sqlite3.Connection, crawl_id: int | None, source_id: int | None, capture: CaptureRow) -> int:
    """Add one captures row and give its id."""
    values = tuple(getattr(capture, name) for name in CAPTURE_FIELDS)
    return conn.execute(INSERT_CAPTURE, (crawl_id, source_id) + values).lastrowid


def add_links(conn: sqlite3.Connection, capture_id: int, links: list[tuple[str, str]]) -> None:
    """Record the off-site links, images, embeds and canonicals seen in one capture."""
    conn.executemany(
        "INSERT INTO links (capture_id, url, kind) VALUES (?, ?, ?)",
        [(capture_id, url, kind) for url, kind in dict.fromkeys(links)],
    )


def last_validators(conn: sqlite3.Connection, url: str) -> Validators:
    """Give the ETag, Last-Modified and time of the newest successful capture of `url`."""
    row = conn.execute(
        "SELECT etag, last_modified, fetched_at, article_id IS NOT NULL FROM captures WHERE url = ? AND status = 200"
        " ORDER BY id DESC LIMIT 1",
        (url,),
    ).fetchone()
    return Validators(row[0], row[1], row[2], bool(row[3])) if row else Validators()


def touch_article(conn: sqlite3.Connection, url: str, capture_id: int, now: str) -> int | None:
    """Move last_seen of the article last captured from `url` (a 304); give its id, or None."""
    row = conn.execute(
        "SELECT article_id FROM captures WHERE url = ? AND article_id IS NOT NULL ORDER BY id DESC LIMIT 1",
        (url,),
    ).fetchone()
    if row is None:
        return None
    conn.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (now, row[0]))
    conn.execute("UPDATE captures SET article_id = ? WHERE id = ?", (row[0], capture_id))
    return row[0]


def latest_article_captures(conn: sqlite3.Connection, source: str | None, after: int, limit: int) -> list[tuple]:
    """Give (capture id, source id, article url, fetched_at, warc file, offset, length, article id) of
    the newest kept capture of each article, for re-extraction: up to `limit` articles, by article
    id, after article `after` (so that a million articles are read a page at a time)."""
    sql = (
        "SELECT p.id, a.source_id, a.url, p.fetched_at, p.warc_file, p.warc_offset, p.warc_length, a.id"
        " FROM articles a JOIN sources s ON s.id = a.source_id"
        " JOIN captures p ON p.id = (SELECT max(id) FROM captures WHERE article_id = a.id"
        " AND warc_file IS NOT NULL AND status = 200)"
        " WHERE a.id > ?" + (" AND s.name = ?" if source else "") + " ORDER BY a.id LIMIT ?"
    )
    return conn.execute(sql, (after, source, limit) if source else (after, limit)).fetchall()


def article_count(conn: sqlite3.Connection, source: str | None) -> int:
    """Give the number of articles (of one source when given)."""
    if source:
        sql = "SELECT count(*) FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.name = ?"
        return conn.execute(sql, (source,)).fetchone()[0]
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
