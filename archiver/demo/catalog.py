"""The paper's content for one edition: every article with its comments, built from the briefs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from archiver.demo import prose, seed
from archiver.demo.briefs import BRIEFS, CULTURE, Brief
from archiver.demo.model import Article, Author, Comment, Footer, Section, Tag
from archiver.demo.people import AUTHORS, SECTIONS

UTC = UTC
# When each edition was "published": every date in an edition is at or before it.
SNAPSHOTS = {1: datetime(2026, 1, 31, 23, 0, tzinfo=UTC), 2: datetime(2026, 2, 2, 12, 0, tzinfo=UTC)}
FIRST_POST_ID = 4101
FIRST_COMMENT_ID = 10001


def slugify(text: str) -> str:
    """Give the WordPress-like slug of a title: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def parse_time(value: str) -> datetime:
    """Give the aware datetime of an ISO 8601 string with an offset."""
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class RecentComment:
    """A line of the "Recent comments" sidebar widget."""

    author: str
    article_title: str
    url_path: str
    excerpt: str


@dataclass(frozen=True)
class Catalog:
    """All content of one edition: articles newest first, the footer, the sidebar's comments."""

    edition: int
    articles: tuple[Article, ...]
    footer: Footer
    snapshot: datetime
    recent_comments: tuple[RecentComment, ...]
    sections: tuple[Section, ...] = SECTIONS
    authors: tuple[Author, ...] = AUTHORS

    def section(self, slug: str) -> Section | None:
        """Give the section with this slug, or None when there is none."""
        return next((s for s in self.sections if s.slug == slug), None)

    def author(self, slug: str) -> Author | None:
        """Give the staff writer with this slug, or None when there is none."""
        return next((a for a in self.authors if a.slug == slug), None)

    def author_named(self, name: str) -> Author:
        """Give the staff writer with this display name."""
        return next(a for a in self.authors if a.name == name)

    @cached_property
    def tags(self) -> tuple[Tag, ...]:
        """Give every tag used by an article, in alphabetical order."""
        names = sorted({t for a in self.articles for t in a.tags})
        return tuple(Tag(slugify(n), n) for n in names)

    def tag(self, slug: str) -> Tag | None:
        """Give the tag with this slug, or None when no article carries it."""
        return next((t for t in self.tags if t.slug == slug), None)


def comment_times(rng, published: datetime, count: int) -> list[datetime]:
    """Give `count` increasing comment times, starting a little after publication."""
    times, at = [], published + timedelta(minutes=rng.randint(15, 90))
    for _ in range(count):
        times.append(at)
        at += timedelta(minutes=rng.randint(20, 240))
    return times


def thread_shape(rng, threads: int) -> list[int | None]:
    """Give the parent index (into the list itself) of each comment, None for a top-level one."""
    parents: list[int | None] = []
    for _ in range(threads):
        top = len(parents)
        parents.append(None)
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            parents.append(top)
        if len(parents) - top > 1 and rng.random() < 0.3:
            parents.append(len(parents) - 1)  # a reply to the last reply: depth 3
    return parents


def generated_comments(
    brief: Brief, slug: str, published: datetime, first_id: int, threads: int
) -> tuple[Comment, ...]:
    """Give the reader comments of a generated article, all dated before edition 1's snapshot."""
    rng = prose.seeded(slug + "#comments")
    parents = thread_shape(rng, threads)
    times = comment_times(rng, published, len(parents))
    writer, comments = prose.CommentWriter.for_article(rng, brief.topic), []
    for index, (parent, at) in enumerate(zip(parents, times)):
        if at > SNAPSHOTS[1] - timedelta(hours=1):
            break
        text = writer.comment() if parent is None else writer.reply()
        parent_id = None if parent is None else first_id + parent
        comments.append(Comment(first_id + index, parent_id, writer.name(), at, text))
    return tuple(comments)


# Articles that edition 2 changes, and the one with closed comments, always have comments.
NEEDS_COMMENTS = {
    "canada-and-mexico-sign-agreement-on-seasonal-farm-workers",
    "budget-airline-skylark-reports-record-passenger-numbers",
}
CLOSED_COMMENTS = slugify(CULTURE[0].title)


def thread_count(slug: str, order: int) -> int:
    """Give how many comment threads an article gets: every fifth article has none."""
    if slug in NEEDS_COMMENTS or slug == CLOSED_COMMENTS:
        return 3
    if order % 5 == 3:
        return 0
    return prose.seeded(slug + "#threads").randint(1, 5)


def article_from_brief(brief: Brief, post_id: int, order: int, first_id: int) -> Article:
    """Give the generated article of a brief, its comments numbered from `first_id`."""
    slug = slugify(brief.title)
    published = parse_time(brief.published)
    names = tuple(a.name for slug_ in brief.authors for a in AUTHORS if a.slug == slug_)
    comments = generated_comments(brief, slug, published, first_id, thread_count(slug, order))
    return Article(
        post_id,
        slug,
        brief.title,
        brief.section,
        names,
        published,
        prose.paragraphs(brief, slug, published),
        brief.tags,
        comments,
        comments_closed=slug == CLOSED_COMMENTS,
        image_caption=caption(brief),
    )


def caption(brief: Brief) -> str:
    """Give the caption of an article's lead picture."""
    return f"{brief.place[:1].upper()}{brief.place[1:]}, where much of the story unfolded. Photograph: Courier staff"


def seed_comments(first_id: int) -> tuple[Comment, ...]:
    """Give the seed article's twenty comments in page order, each reply after its parent."""
    comments = []
    for thread in seed.THREADS:
        top = Comment(
            first_id + len(comments),
            None,
            thread.comment.author,
            parse_time(thread.comment.published),
            thread.comment.text,
        )
        reply = Comment(top.id + 1, top.id, thread.reply.author, parse_time(thread.reply.published), thread.reply.text)
        comments += [top, reply]
    return tuple(comments)


def seed_article(post_id: int, first_id: int) -> Article:
    """Give the seed article exactly as the seed page has it."""
    return Article(
        post_id,
        seed.SLUG,
        seed.TITLE,
        seed.SECTION,
        seed.AUTHORS,
        parse_time(seed.PUBLISHED),
        seed.PARAGRAPHS,
        seed.TAGS,
        seed_comments(first_id),
        image_caption="The White House in Washington, where the two presidents are due to meet. Photograph: Courier staff",
    )


def edition_one_articles() -> tuple[Article, ...]:
    """Give edition 1's articles newest first; post and comment ids follow publication order."""
    items: list[Brief | None] = sorted([*BRIEFS, None], key=lambda b: b.published if b else seed.PUBLISHED)
    articles, next_comment = [], FIRST_COMMENT_ID
    for order, item in enumerate(items):
        post_id = FIRST_POST_ID + 3 * order  # WordPress ids skip numbers: drafts and images take some
        if item is None:
            article = seed_article(post_id, next_comment)
        else:
            article = article_from_brief(item, post_id, order, next_comment)
        articles.append(article)
        next_comment += len(article.comments) + 2
    return tuple(sorted(articles, key=lambda a: a.published, reverse=True))


def recent_comments(articles: tuple[Article, ...], count: int = 5) -> tuple[RecentComment, ...]:
    """Give the newest comments of the site, for the sidebar widget."""
    pairs = sorted(((c, a) for a in articles for c in a.comments), key=lambda p: p[0].published, reverse=True)
    return tuple(
        RecentComment(c.author, a.title, f"{a.url_path}#{c.anchor}", excerpt(c.text)) for c, a in pairs[:count]
    )


def excerpt(text: str, words: int = 10) -> str:
    """Give the first words of a text, with an ellipsis when it was cut."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
