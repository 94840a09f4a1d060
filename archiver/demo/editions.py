"""Editions: the site as first crawled (1) and after a day of news (2).

Edition 2 differs from edition 1 in exactly these ways, so that recrawl tests
know what to expect: one article's body is edited (a paragraph changed, the
modified date set), one article gets a new reader comment (a reply), one comment
is removed from another article, the publisher footer shows a new address, and
one new article is published. The sidebar's "Recent comments" widget keeps
edition 1's comments, so that it does not change every page of the site.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from archiver.demo.briefs import NEW_IN_EDITION_2, POLITICS
from archiver.demo.catalog import (
    FIRST_POST_ID,
    SNAPSHOTS,
    Catalog,
    article_from_brief,
    edition_one_articles,
    parse_time,
    recent_comments,
    slugify,
)
from archiver.demo.model import Article, Comment
from archiver.demo.people import FOOTERS
from archiver.demo.widget import widget_articles

EDITED_SLUG = slugify(POLITICS[2].title)
EDITED_PARAGRAPH = 2
EDITED_TEXT = (
    "Ministers agreed on Monday to a compromise on the planning clause, giving councils the "
    "right to appeal decisions on developments of more than 500 homes. Rebels said the "
    "concession was welcome but did not go far enough."
)
EDITED_AT = parse_time("2026-02-02T09:40:00+00:00")
COMMENTED_SLUG = "canada-and-mexico-sign-agreement-on-seasonal-farm-workers"
NEW_COMMENT_AUTHOR = "Patricia Gomez"
NEW_COMMENT_AT = parse_time("2026-02-01T18:22:00+00:00")
NEW_COMMENT_TEXT = (
    "I work on a farm near Leamington. The new rules were explained to us this week, and "
    "the housing standards are already making a difference."
)
UNCOMMENTED_SLUG = "budget-airline-skylark-reports-record-passenger-numbers"
NEW_SLUG = slugify(NEW_IN_EDITION_2.title)


@dataclass(frozen=True)
class EditionChanges:
    """What edition 2 changed, by slug and comment id, for tests and the recrawl checks."""

    edited: str
    commented: str
    new_comment_id: int
    uncommented: str
    removed_comment_id: int
    new_article: str


def edited(article: Article) -> Article:
    """Give the edited article: one paragraph rewritten and the modified date set."""
    paragraphs = list(article.paragraphs)
    paragraphs[EDITED_PARAGRAPH] = EDITED_TEXT
    return replace(article, paragraphs=tuple(paragraphs), modified=EDITED_AT)


def subtree_end(comments: tuple[Comment, ...], index: int) -> int:
    """Give the index just after the comment at `index` and all its descendants."""
    ids, end = {comments[index].id}, index + 1
    while end < len(comments) and comments[end].parent in ids:
        ids.add(comments[end].id)
        end += 1
    return end


def commented(article: Article, comment_id: int) -> Article:
    """Give the article with a new reply to its first comment, placed as the thread's last reply."""
    reply = Comment(comment_id, article.comments[0].id, NEW_COMMENT_AUTHOR, NEW_COMMENT_AT, NEW_COMMENT_TEXT)
    end = subtree_end(article.comments, 0)
    return replace(article, comments=(*article.comments[:end], reply, *article.comments[end:]))


def uncommented(article: Article) -> Article:
    """Give the article without its last comment (a comment with no replies)."""
    return replace(article, comments=article.comments[:-1])


def changes(base: tuple[Article, ...]) -> EditionChanges:
    """Give what edition 2 changes relative to edition 1's articles."""
    by_slug = {a.slug: a for a in base}
    last_id = max(c.id for a in base for c in a.comments)
    return EditionChanges(
        EDITED_SLUG,
        COMMENTED_SLUG,
        last_id + 1,
        UNCOMMENTED_SLUG,
        by_slug[UNCOMMENTED_SLUG].comments[-1].id,
        NEW_SLUG,
    )


def edition_two_articles(base: tuple[Article, ...]) -> tuple[Article, ...]:
    """Give edition 2's articles newest first, edition 1's with the changes applied."""
    plan = changes(base)
    rewrite = {
        plan.edited: edited,
        plan.commented: lambda a: commented(a, plan.new_comment_id),
        plan.uncommented: uncommented,
    }
    post_id = FIRST_POST_ID + 3 * len(base)
    new = article_from_brief(NEW_IN_EDITION_2, post_id, len(base), plan.new_comment_id + 1)
    return (new, *(rewrite.get(a.slug, lambda a: a)(a) for a in base))


def build_catalog(edition: int) -> Catalog:
    """Give the content of an edition (1 or 2); the sidebar always shows edition 1's comments."""
    if edition not in SNAPSHOTS:
        raise ValueError(f"the demo site has editions 1 and 2, not {edition!r}")
    base = edition_one_articles()
    articles = base if edition == 1 else edition_two_articles(base)
    articles = tuple(sorted(articles + widget_articles(), key=lambda a: a.published, reverse=True))
    return Catalog(edition, articles, FOOTERS[edition], SNAPSHOTS[edition], recent_comments(base))
