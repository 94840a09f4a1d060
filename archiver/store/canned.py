"""SQL of the canned queries for common research questions (served by Datasette), and the internal tables hidden.

Datasette 0.65 metadata: each entry of QUERIES becomes a page at /DB/NAME listed on the database page,
and runs even when arbitrary SQL is turned off (`archiver serve --public`). An `article_id` column in their
results links to the article page (see research.render_cell).
"""

from __future__ import annotations

# Bookkeeping of crawls, never research data: listed beside articles they only confuse.
HIDDEN_TABLES = ("frontier", "locks", "redis_runs", "redis_results")

QUERIES = {
    "most_commented_articles": {
        "title": "Most-commented articles",
        "description": "Articles with the most reader comments still shown, and how many were removed.",
        "sql": """SELECT a.id AS article_id, a.title, s.name AS source, a.published, a.comment_count AS comments,
  (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.removed_at IS NOT NULL) AS removed_comments
FROM articles a JOIN sources s ON s.id = a.source_id
ORDER BY a.comment_count DESC, a.id DESC LIMIT 100""",
    },
    "removed_comments": {
        "title": "Comments removed after publication",
        "description": "Comments a later crawl no longer found on their article, newest removal first.",
        "sql": """SELECT c.article_id, a.title, s.name AS source, c.author, c.published, c.first_seen,
  c.removed_at, c.text
FROM comments c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id
WHERE c.removed_at IS NOT NULL ORDER BY c.removed_at DESC, c.id LIMIT 1000""",
    },
    "edited_articles": {
        "title": "Articles edited after publication",
        "description": "Articles whose content changed between crawls (more than one version); "
        "the article page shows each change as a diff.",
        "sql": """SELECT a.id AS article_id, a.title, s.name AS source, a.published, a.modified, a.versions,
  a.first_seen, a.last_seen
FROM articles a JOIN sources s ON s.id = a.source_id
WHERE a.versions > 1 ORDER BY a.last_seen DESC, a.id DESC LIMIT 1000""",
    },
    "new_articles_per_source_per_day": {
        "title": "New articles per source per day",
        "description": "How many articles each source published per day (by publication date; "
        "undated articles by the day they were first archived).",
        "sql": """SELECT substr(coalesce(a.published, a.first_seen), 1, 10) AS day, s.name AS source,
  count(*) AS new_articles
FROM articles a JOIN sources s ON s.id = a.source_id
GROUP BY day, source ORDER BY day DESC, source LIMIT 2000""",
    },
}
