"""Schema of the archive and its migrations, numbered by PRAGMA user_version."""

from __future__ import annotations

import sqlite_utils

from archiver.store import filter_tokens as tokens

SCHEMA_V1 = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    config TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE crawls (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    discovered INTEGER NOT NULL DEFAULT 0,
    fetched INTEGER NOT NULL DEFAULT 0,
    not_modified INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_changed INTEGER NOT NULL DEFAULT 0,
    articles_unchanged INTEGER NOT NULL DEFAULT 0,
    comments_new INTEGER NOT NULL DEFAULT 0,
    comments_removed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    skipped_reasons TEXT,
    message TEXT,
    config TEXT,
    pid INTEGER
);
CREATE TABLE footers (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    org TEXT,
    address TEXT,
    copyright TEXT,
    text TEXT,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    UNIQUE (site, content_hash)
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    url TEXT NOT NULL UNIQUE,
    canonical_url TEXT,
    title TEXT,
    authors TEXT,
    published TEXT,
    modified TEXT,
    language TEXT,
    description TEXT,
    site_name TEXT,
    tags TEXT,
    body TEXT,
    body_length INTEGER,
    comment_count INTEGER NOT NULL DEFAULT 0,
    footer_id INTEGER REFERENCES footers(id),
    versions INTEGER NOT NULL DEFAULT 1,
    content_hash TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    extractor TEXT
);
CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    source_id INTEGER REFERENCES sources(id),
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    fetched_at TEXT NOT NULL,
    content_type TEXT,
    length INTEGER,
    sha256 TEXT,
    etag TEXT,
    last_modified TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    decision TEXT NOT NULL,
    reason TEXT,
    article_id INTEGER REFERENCES articles(id),
    extractor TEXT
);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    captured_at TEXT NOT NULL,
    title TEXT,
    authors TEXT,
    published TEXT,
    modified TEXT,
    body TEXT,
    content_hash TEXT NOT NULL,
    extractor TEXT,
    UNIQUE (article_id, version)
);
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    author_id INTEGER NOT NULL REFERENCES authors(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    key TEXT NOT NULL,
    parent_key TEXT,
    position INTEGER NOT NULL,
    author TEXT,
    published TEXT,
    text TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    removed_at TEXT,
    extractor TEXT,
    UNIQUE (article_id, key)
);
CREATE TABLE links (
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (capture_id, url, kind)
);
CREATE TABLE schedules (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id),
    cron TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE TABLE locks (
    name TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    acquired_at TEXT NOT NULL
);
CREATE INDEX idx_articles_source ON articles(source_id);
CREATE INDEX idx_articles_published ON articles(published);
CREATE INDEX idx_articles_language ON articles(language);
CREATE INDEX idx_captures_url ON captures(url);
CREATE INDEX idx_captures_crawl ON captures(crawl_id);
CREATE INDEX idx_captures_article ON captures(article_id);
CREATE INDEX idx_versions_article ON article_versions(article_id);
CREATE INDEX idx_comments_article ON comments(article_id, position);
CREATE INDEX idx_article_authors_author ON article_authors(author_id);
CREATE INDEX idx_article_tags_tag ON article_tags(tag_id);
CREATE INDEX idx_crawls_source ON crawls(source_id, started_at);
"""


def _schema_v1(db: sqlite_utils.Database) -> None:
    db.executescript(SCHEMA_V1)
    db["articles"].enable_fts(["title", "body"], create_triggers=True, tokenize="porter")
    db["comments"].enable_fts(["text"], create_triggers=True, tokenize="porter")


# Each entry brings the archive from version N to N+1; append, never edit.
MIGRATIONS = (_schema_v1,)
LATEST = len(MIGRATIONS)


def _ui_indexes(db: sqlite_utils.Database) -> None:
    # Indexes behind the archive UI (archiver/datasette): per-source charts and completeness,
    # the home page's recent crawls, and the month facet of published dates.
    db.executescript("""
        CREATE INDEX IF NOT EXISTS idx_articles_source_published ON articles(source_id, published);
        CREATE INDEX IF NOT EXISTS idx_articles_month ON articles(substr(published, 1, 7));
        CREATE INDEX IF NOT EXISTS idx_crawls_started ON crawls(started_at);
        CREATE INDEX IF NOT EXISTS idx_comments_parent ON comments(article_id, parent_key);
    """)


MIGRATIONS = MIGRATIONS + (_ui_indexes,)
LATEST = len(MIGRATIONS)


def _frontier(db: sqlite_utils.Database) -> None:
    # The durable frontier: every URL a crawl has queued, and whether it is done, so that a
    # crawl killed at any moment resumes where it stopped (written in the same transactions as
    # the captures). Rows of a finished crawl are deleted.
    db.executescript("""
        CREATE TABLE frontier (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            depth INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (crawl_id, url)
        ) WITHOUT ROWID;
    """)


MIGRATIONS = MIGRATIONS + (_frontier,)
LATEST = len(MIGRATIONS)


def _schedule_slots(db: sqlite_utils.Database) -> None:
    # The scheduler (archiver/schedule): the cron time a source last ran or was skipped for, so
    # that missed times after downtime make one run; the time each scheduled crawl stood for; and
    # the index behind per-run field completeness (archiver/store/health.py).
    db.executescript("""
        ALTER TABLE schedules ADD COLUMN last_slot TEXT;
        ALTER TABLE crawls ADD COLUMN scheduled_for TEXT;
        CREATE INDEX IF NOT EXISTS idx_versions_capture ON article_versions(capture_id);
    """)


MIGRATIONS = MIGRATIONS + (_schedule_slots,)
LATEST = len(MIGRATIONS)


def _source_language_index(db: sqlite_utils.Database) -> None:
    # Browsing by source and language together (the archive search page's facets) without a scan.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_source_language ON articles(source_id, language)")


MIGRATIONS = MIGRATIONS + (_source_language_index,)
LATEST = len(MIGRATIONS)


def _redis_runs(db: sqlite_utils.Database) -> None:
    # Distributed crawls (archiver/distributed): the crawl row of each Redis run, and the URLs of
    # the run whose result the ingester stored, written in the same transaction as the captures,
    # so that a result handed over twice (an ingester killed before it removed a committed one, a
    # page fetched again after a lease ran out) is stored once.
    db.executescript("""
        CREATE TABLE redis_runs (
            run TEXT PRIMARY KEY,
            crawl_id INTEGER NOT NULL REFERENCES crawls(id)
        );
        CREATE TABLE redis_results (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            url TEXT NOT NULL,
            PRIMARY KEY (crawl_id, url)
        ) WITHOUT ROWID;
    """)


MIGRATIONS = MIGRATIONS + (_redis_runs,)
LATEST = len(MIGRATIONS)


def _cheaper_writes(db: sqlite_utils.Database) -> None:
    # Recrawls touch every article and comment they see (last_seen); the FTS triggers fired on any
    # UPDATE and re-indexed whole bodies. They now fire only when indexed text changes. The links
    # table loses its URL primary key, an index on long URLs that cost more than the row itself
    # (links are de-duplicated per capture before they are written).
    db.executescript("""
        DROP TRIGGER IF EXISTS articles_au;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES('delete', old.rowid, old.title, old.body);
          INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
        END;
        DROP TRIGGER IF EXISTS comments_au;
        CREATE TRIGGER comments_au AFTER UPDATE OF text ON comments BEGIN
          INSERT INTO comments_fts (comments_fts, rowid, text) VALUES('delete', old.rowid, old.text);
          INSERT INTO comments_fts (rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TABLE links_v2 (
            capture_id INTEGER NOT NULL REFERENCES captures(id),
            url TEXT NOT NULL,
            kind TEXT NOT NULL
        );
        INSERT INTO links_v2 (capture_id, url, kind) SELECT capture_id, url, kind FROM links;
        DROP TABLE links;
        ALTER TABLE links_v2 RENAME TO links;
        CREATE INDEX idx_links_capture ON links(capture_id);
    """)


MIGRATIONS = MIGRATIONS + (_cheaper_writes,)
LATEST = len(MIGRATIONS)


def _fts_inserts_per_transaction(db: sqlite_utils.Database) -> None:
    # New articles and comments are indexed for full-text search together just before their
    # transaction commits (archiver/store/search_index.py), no longer row by row from a trigger:
    # FTS5 wrote each of them out as an index segment of its own. Updates and deletes keep theirs.
    db.executescript("""
        DROP TRIGGER IF EXISTS articles_ai;
        DROP TRIGGER IF EXISTS comments_ai;
    """)


MIGRATIONS = MIGRATIONS + (_fts_inserts_per_transaction,)
LATEST = len(MIGRATIONS)


def _comment_threads(db: sqlite_utils.Database) -> None:  # and the indexes of the researchers' views
    # Comments article by article, each thread in page order (replies under their parents), for the
    # table pages: Datasette sorts a table by one column, and a reply added by a later crawl has a
    # larger id than the comments around it. The index on (article_id, position) serves the order.
    db.execute("""
        CREATE VIEW IF NOT EXISTS comment_threads AS
        SELECT c.article_id, a.title AS article_title, c.position, c.id, c.key, c.parent_key, c.author,
               c.published, c.text, c.first_seen, c.last_seen, c.removed_at
        FROM comments c JOIN articles a ON a.id = c.article_id
        ORDER BY c.article_id, c.position
    """)
    # Attention over time counts comments per day, and sources side by side the removed ones.
    db.execute("CREATE INDEX IF NOT EXISTS idx_comments_published ON comments(published)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_comments_removed ON comments(article_id) WHERE removed_at IS NOT NULL")


MIGRATIONS = MIGRATIONS + (_comment_threads,)


def _comments_status(db: sqlite_utils.Database) -> None:
    # Where an article's comments are (archiver/extract/widgets.py): in the HTML, none, closed, loaded
    # by a JavaScript widget (named) and whether it was captured by rendering, per article and per
    # version; and one row per page rendered in a browser (archiver/crawl/render.py), with where
    # the rendered DOM is kept and what the browser fetched and was refused.
    db.executescript("""
        ALTER TABLE articles ADD COLUMN comments_status TEXT;
        ALTER TABLE articles ADD COLUMN comments_widget TEXT;
        ALTER TABLE articles ADD COLUMN comments_note TEXT;
        ALTER TABLE article_versions ADD COLUMN comments_status TEXT;
        ALTER TABLE article_versions ADD COLUMN comments_widget TEXT;
        CREATE INDEX IF NOT EXISTS idx_articles_source_comments_status ON articles(source_id, comments_status);
        CREATE TABLE renders (
            id INTEGER PRIMARY KEY,
            capture_id INTEGER NOT NULL REFERENCES captures(id),
            rendered_at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT,
            seconds REAL,
            responses INTEGER NOT NULL DEFAULT 0,
            blocked INTEGER NOT NULL DEFAULT 0,
            clicks INTEGER NOT NULL DEFAULT 0,
            frames INTEGER NOT NULL DEFAULT 0,
            warc_file TEXT,
            warc_offset INTEGER,
            warc_length INTEGER
        );
        CREATE INDEX idx_renders_capture ON renders(capture_id);
    """)


MIGRATIONS = MIGRATIONS + (_comments_status,)
LATEST = len(MIGRATIONS)


def _search_filter_indexes(db: sqlite_utils.Database) -> None:
    # Search filters that pick few rows (a byline, a commenter) are read from their index first, and
    # only their rows are looked up in the full-text index: walking a common word's matches until a
    # thousand are by one author read most of a million articles. The byline index holds the article
    # id itself (the table's rowid is not it); it replaces the index on author_id alone.
    db.executescript("""
        CREATE INDEX IF NOT EXISTS idx_article_authors_author_article ON article_authors(author_id, article_id);
        DROP INDEX IF EXISTS idx_article_authors_author;
        CREATE INDEX IF NOT EXISTS idx_comments_author ON comments(author);
    """)
    # What the search window reads of each match (its filters and facets), in rows a few dozen to a page:
    # looking each match up in the tables themselves read a page of article body per match.
    db.executescript("""
        CREATE INDEX IF NOT EXISTS idx_articles_search_window ON articles(id, source_id, language, published, authors);
        CREATE INDEX IF NOT EXISTS idx_comments_search_window ON comments(id, article_id, published, author);
    """)


MIGRATIONS = MIGRATIONS + (_search_filter_indexes,)
LATEST = len(MIGRATIONS)


def _filter_tokens(db: sqlite_utils.Database) -> None:
    # The search filters (language, source, month) become words of the full-text index, in a `filters`
    # column (archiver/store/filter_tokens.py): a filtered search lets FTS5 intersect them with its words
    # instead of looking up thousands of matches that the filter then refuses. The indexes read their
    # text and tokens from views; the triggers take the old text and tokens out when either changes.
    article_new, article_old = tokens.article_sql("new"), tokens.article_sql("old")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("title", "body", "language", "source_id", "published"))
    db.executescript(f"""
        DROP TRIGGER IF EXISTS articles_ai;
        DROP TRIGGER IF EXISTS articles_ad;
        DROP TRIGGER IF EXISTS articles_au;
        DROP TRIGGER IF EXISTS comments_ai;
        DROP TRIGGER IF EXISTS comments_ad;
        DROP TRIGGER IF EXISTS comments_au;
        DROP TABLE IF EXISTS articles_fts;
        DROP TABLE IF EXISTS comments_fts;
        CREATE VIEW articles_fts_content AS
          SELECT a.id, a.title, a.body, {tokens.article_sql("a")} AS filters FROM articles a;
        CREATE VIEW comments_fts_content AS
          SELECT c.id, c.text, {tokens.comment_sql("c", "a")} AS filters
          FROM comments c LEFT JOIN articles a ON a.id = c.article_id;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
          title, body, filters, content='articles_fts_content', content_rowid='id', tokenize='porter');
        CREATE VIRTUAL TABLE comments_fts USING fts5(
          text, filters, content='comments_fts_content', content_rowid='id', tokenize='porter');
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, body, filters)
            VALUES ('delete', old.id, old.title, old.body, {article_old});
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, body, language, source_id, published ON articles
        WHEN {changed} BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, body, filters)
            VALUES ('delete', old.id, old.title, old.body, {article_old});
          INSERT INTO articles_fts (rowid, title, body, filters) VALUES (new.id, new.title, new.body, {article_new});
        END;
        CREATE TRIGGER articles_comments_au AFTER UPDATE OF language, source_id ON articles
        WHEN old.language IS NOT new.language OR old.source_id IS NOT new.source_id BEGIN
          INSERT INTO comments_fts (comments_fts, rowid, text, filters)
            SELECT 'delete', c.id, c.text, {tokens.comment_sql("c", "old")} FROM comments c WHERE c.article_id = old.id;
          INSERT INTO comments_fts (rowid, text, filters)
            SELECT c.id, c.text, {tokens.comment_sql("c", "new")} FROM comments c WHERE c.article_id = new.id;
        END;
        CREATE TRIGGER comments_ad AFTER DELETE ON comments BEGIN
          INSERT INTO comments_fts (comments_fts, rowid, text, filters)
            VALUES ('delete', old.id, old.text, {tokens.comment_sql("old")});
        END;
        CREATE TRIGGER comments_au AFTER UPDATE OF text, published, article_id ON comments
        WHEN old.text IS NOT new.text OR old.published IS NOT new.published OR old.article_id IS NOT new.article_id
        BEGIN
          INSERT INTO comments_fts (comments_fts, rowid, text, filters)
            VALUES ('delete', old.id, old.text, {tokens.comment_sql("old")});
          INSERT INTO comments_fts (rowid, text, filters) VALUES (new.id, new.text, {tokens.comment_sql("new")});
        END;
    """)


MIGRATIONS = MIGRATIONS + (_filter_tokens,)
LATEST = len(MIGRATIONS)
