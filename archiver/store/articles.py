"""Store extracted articles: versions, authors, tags, comments and footers."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from urllib.parse import urlsplit

from archiver.extract.model import Comment, Extraction, Footer
from archiver.store.records import ArticleOutcome
from archiver.store.search_index import adding_rows, index_new_rows


def content_hash(*parts: object) -> str:
    """Give the sha256 hex digest of the JSON of `parts`."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def article_hash(ex: Extraction) -> str:
    """Give the hash of what makes a new version: title, authors, published date and body."""
    return content_hash(ex.title, list(ex.authors), ex.published, ex.body)


def save_footer(conn: sqlite3.Connection, url: str, footer: Footer, now: str) -> int | None:
    """Give the footers row id for this site and content, adding a version when it is new."""
    if footer.is_empty:
        return None
    site = urlsplit(url).hostname or ""
    digest = content_hash(footer.org, footer.address, footer.copyright, footer.text)
    row = conn.execute("SELECT id FROM footers WHERE site = ? AND content_hash = ?", (site, digest)).fetchone()
    if row:
        conn.execute("UPDATE footers SET last_seen = ? WHERE id = ?", (now, row[0]))
        return row[0]
    cur = conn.execute(
        "INSERT INTO footers (site, org, address, copyright, text, content_hash, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (site, footer.org, footer.address, footer.copyright, footer.text, digest, now, now),
    )
    return cur.lastrowid


def _names_to_ids(conn: sqlite3.Connection, table: str, names: tuple[str, ...]) -> list[int]:
    """Give the ids of `names` in `table` (authors or tags), in order, adding the new ones."""
    unique = [n for n in dict.fromkeys(names) if n]
    if not unique:
        return []
    conn.executemany(f"INSERT OR IGNORE INTO {table} (name) VALUES (?)", [(n,) for n in unique])
    marks = ", ".join("?" * len(unique))
    ids = dict(conn.execute(f"SELECT name, id FROM {table} WHERE name IN ({marks})", unique).fetchall())
    return [ids[n] for n in unique]


def replace_people_and_tags(conn: sqlite3.Connection, article_id: int, ex: Extraction, new: bool = False) -> None:
    """Point the article at exactly the authors and tags of `ex` (a `new` article has none yet)."""
    if not new:
        conn.execute("DELETE FROM article_authors WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)",
        [
            (article_id, author_id, position)
            for position, author_id in enumerate(_names_to_ids(conn, "authors", ex.authors))
        ],
    )
    conn.executemany(
        "INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)",
        [(article_id, tag_id) for tag_id in _names_to_ids(conn, "tags", ex.tags)],
    )


ARTICLE_FIELDS = (
    "canonical_url",
    "title",
    "authors",
    "published",
    "modified",
    "language",
    "description",
    "site_name",
    "tags",
    "body",
    "body_length",
    "footer_id",
    "content_hash",
    "extractor",
    "comments_status",
    "comments_widget",
    "comments_note",
)
# Comments that live in a widget the crawl did not capture are not gone from the page: a plain
# recrawl must not mark the comments of an earlier rendered capture removed.
UNCAPTURED_STATES = ("widget", "not_captured")


def article_values(ex: Extraction, footer_id: int | None, digest: str) -> tuple:
    """Give the values of ARTICLE_FIELDS for an extraction whose article_hash is `digest`."""
    return (
        ex.canonical_url,
        ex.title,
        json.dumps(list(ex.authors), ensure_ascii=False),
        ex.published,
        ex.modified,
        ex.language,
        ex.description,
        ex.site_name,
        json.dumps(list(ex.tags), ensure_ascii=False),
        ex.body,
        len(ex.body),
        footer_id,
        digest,
        ex.extractor,
        ex.comments_status.state,
        ex.comments_status.widget,
        ex.comments_status.note,
    )


def insert_version(
    conn: sqlite3.Connection,
    article_id: int,
    version: int,
    capture_id: int | None,
    ex: Extraction,
    digest: str,
    now: str,
) -> None:
    """Add one article_versions row."""
    conn.execute(
        "INSERT INTO article_versions (article_id, version, capture_id, captured_at, title, authors, published,"
        " modified, body, content_hash, extractor, comments_status, comments_widget)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            version,
            capture_id,
            now,
            ex.title,
            json.dumps(list(ex.authors), ensure_ascii=False),
            ex.published,
            ex.modified,
            ex.body,
            digest,
            ex.extractor,
            ex.comments_status.state,
            ex.comments_status.widget,
        ),
    )


def insert_article(conn, source_id: int, url: str, ex: Extraction, footer_id, digest: str, now: str) -> int:
    """Add a new articles row, counting the comments it is about to get, and give its id."""
    columns = ", ".join(("source_id", "url") + ARTICLE_FIELDS + ("first_seen", "last_seen", "comment_count"))
    marks = ", ".join("?" * (len(ARTICLE_FIELDS) + 5))
    adding_rows(conn, "articles")
    cur = conn.execute(
        f"INSERT INTO articles ({columns}) VALUES ({marks})",
        (source_id, url) + article_values(ex, footer_id, digest) + (now, now, len(ex.comments)),
    )
    return cur.lastrowid


def update_article(conn, article_id: int, ex: Extraction, footer_id, digest: str, now: str, new_version: bool) -> None:
    """Set the article's current fields from `ex`; count a version when the content changed.

    An unchanged article keeps its title and body untouched, so full-text search is not re-indexed."""
    pairs = [
        (name, value)
        for name, value in zip(ARTICLE_FIELDS, article_values(ex, footer_id, digest))
        if new_version or name not in ("title", "body")
    ]
    assignments = ", ".join(f"{name} = ?" for name, _ in pairs)
    bump = ", versions = versions + 1" if new_version else ""
    values = dict(pairs)
    stored = conn.execute("SELECT language, published FROM articles WHERE id = ?", (article_id,)).fetchone()
    if stored and stored[0] != values["language"]:
        # The triggers take the old tokens out of the index, the comments' too (filter_tokens.py).
        index_new_rows(conn)
    elif new_version or (stored and stored[1] != values["published"]):
        index_new_rows(conn, "articles")  # the update trigger takes the old text out of the index
    conn.execute(
        f"UPDATE articles SET {assignments}, last_seen = ?{bump} WHERE id = ?",
        tuple(value for _, value in pairs) + (now, article_id),
    )


def save_article(
    conn: sqlite3.Connection, source_id: int, capture_id: int | None, url: str, ex: Extraction, now: str
) -> ArticleOutcome:
    """Store one extracted article at canonical `url`; give what changed."""
    footer_id = save_footer(conn, url, ex.footer, now)
    digest = article_hash(ex)  # once: it hashes the whole body
    row = conn.execute("SELECT id, content_hash, versions FROM articles WHERE url = ?", (url,)).fetchone()
    if row is None:
        article_id = insert_article(conn, source_id, url, ex, footer_id, digest, now)
        insert_version(conn, article_id, 1, capture_id, ex, digest, now)
        status = "new"
    else:
        article_id, old_hash, versions = row
        status = "unchanged" if old_hash == digest else "changed"
        update_article(conn, article_id, ex, footer_id, digest, now, new_version=status == "changed")
        if status == "changed":
            insert_version(conn, article_id, versions + 1, capture_id, ex, digest, now)
    replace_people_and_tags(conn, article_id, ex, new=status == "new")
    if status == "new":
        new, removed = insert_comments(conn, article_id, ex.comments, ex.extractor, now), 0
    elif not ex.comments and ex.comments_status.state in UNCAPTURED_STATES:
        new, removed = 0, 0
    else:
        new, removed = sync_comments(conn, article_id, ex.comments, ex.extractor, now)
    if capture_id is not None:
        conn.execute("UPDATE captures SET article_id = ? WHERE id = ?", (article_id, capture_id))
    return ArticleOutcome(article_id, status, new, removed)


def unique_keys(comments: tuple[Comment, ...]) -> list[tuple[str, Comment]]:
    """Give each comment a key unique within its page (repeated keys get a ~N suffix)."""
    seen: dict[str, int] = {}
    keyed = []
    for comment in comments:
        count = seen.get(comment.id, 0)
        seen[comment.id] = count + 1
        keyed.append((comment.id if count == 0 else f"{comment.id}~{count + 1}", comment))
    return keyed


COMMENT_FIELDS = ("parent_key", "position", "author", "published", "text")


def comment_row(article_id: int, key: str, c: Comment, extractor: str, now: str) -> tuple:
    return (article_id, key, c.parent, c.position, c.author, c.published, c.text, now, now, extractor)


INSERT_COMMENT = (
    f"INSERT INTO comments (article_id, key, {', '.join(COMMENT_FIELDS)}, first_seen, last_seen,"
    " extractor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_comments(
    conn: sqlite3.Connection, article_id: int, comments: tuple[Comment, ...], extractor: str, now: str
) -> int:
    """Add the comments of an article that had none stored; give how many."""
    adding_rows(conn, "comments")
    conn.executemany(
        INSERT_COMMENT, [comment_row(article_id, key, c, extractor, now) for key, c in unique_keys(comments)]
    )
    return len(comments)


def sync_comments(
    conn: sqlite3.Connection, article_id: int, comments: tuple[Comment, ...], extractor: str, now: str
) -> tuple[int, int]:
    """Match the page's comments to stored ones by key; give (new, removed) counts."""
    stored = {
        row[0]: row[1:]
        for row in conn.execute(
            f"SELECT key, removed_at, {', '.join(COMMENT_FIELDS)} FROM comments WHERE article_id = ?", (article_id,)
        )
    }
    new = 0
    for key, c in unique_keys(comments):
        values = (c.parent, c.position, c.author, c.published, c.text)
        if key not in stored:
            adding_rows(conn, "comments")
            conn.execute(INSERT_COMMENT, comment_row(article_id, key, c, extractor, now))
            new += 1
            continue
        seen_again(conn, article_id, key, values if tuple(stored.pop(key)[1:]) != values else None, now, extractor)
    vanished = [key for key, row in stored.items() if row[0] is None]
    conn.executemany(
        "UPDATE comments SET removed_at = ? WHERE article_id = ? AND key = ?",
        [(now, article_id, key) for key in vanished],
    )
    if comments or vanished:
        update_comment_count(conn, article_id)
    return new, len(vanished)


def seen_again(conn, article_id: int, key: str, changed: tuple | None, now: str, extractor: str) -> None:
    """Mark a stored comment as seen now; rewrite its fields only when they changed (FTS follows)."""
    sets = ", ".join(f"{name} = ?" for name in COMMENT_FIELDS) + ", " if changed else ""
    if changed:
        index_new_rows(conn, "comments")  # the update trigger takes the old text out of the index
    conn.execute(
        f"UPDATE comments SET {sets}last_seen = ?, extractor = ?, removed_at = NULL WHERE article_id = ? AND key = ?",
        (changed or ()) + (now, extractor, article_id, key),
    )


def update_comment_count(conn: sqlite3.Connection, article_id: int) -> None:
    """Set the article's count of comments still shown."""
    conn.execute(
        "UPDATE articles SET comment_count = (SELECT count(*) FROM comments WHERE article_id = ?"
        " AND removed_at IS NULL) WHERE id = ?",
        (article_id, article_id),
    )
