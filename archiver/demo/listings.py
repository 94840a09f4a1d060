"""Pages that list articles: homepage, sections, tags, authors, search; and the 404 page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archiver.demo.article_page import description
from archiver.demo.layout import Context, Head, document, e, time_tag
from archiver.demo.model import Article, NotFound, Page
from archiver.demo.people import SITE_NAME, SITE_TAGLINE

PER_PAGE = 8
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Listing:
    """A paginated list of articles under one heading, first page at `base_path`."""

    title: str
    base_path: str
    articles: tuple[Article, ...]
    intro: str = ""
    body_class: str = "archive"

    @property
    def page_count(self) -> int:
        """Give how many pages the listing has (at least one)."""
        return max(1, -(-len(self.articles) // PER_PAGE))

    def path(self, number: int) -> str:
        """Give the path of page `number` (1-based)."""
        return self.base_path if number == 1 else f"{self.base_path}page/{number}/"

    def page(self, number: int) -> tuple[Article, ...]:
        """Give the articles on page `number`."""
        if not 1 <= number <= self.page_count:
            raise NotFound(self.path(number))
        return self.articles[(number - 1) * PER_PAGE : number * PER_PAGE]


def byline_names(ctx: Context, article: Article) -> str:
    """Give the linked author names of an article summary."""
    return " and ".join(
        f'<a href="{ctx.catalog.author_named(n).url_path}" rel="author">{e(n)}</a>' for n in article.authors
    )


def summary(ctx: Context, article: Article, level: int = 2) -> str:
    """Give an article's teaser: headline link, byline, date and excerpt."""
    section = ctx.catalog.section(article.section)
    return (
        f'<article class="post-summary category-{section.slug}">'
        f'<h{level} class="entry-title"><a href="{article.url_path}" rel="bookmark">{e(article.title)}</a></h{level}>'
        f'<div class="entry-meta">By {byline_names(ctx, article)} · {time_tag(article.published)}</div>'
        f'<p class="entry-summary">{e(description(article))}</p></article>\n'
    )


def pagination(listing: Listing, number: int) -> str:
    """Give the pagination links of a listing page ("" for a single page)."""
    if listing.page_count == 1:
        return ""
    links = [
        f'<span aria-current="page" class="page-numbers current">{n}</span>'
        if n == number
        else f'<a class="page-numbers" href="{listing.path(n)}">{n}</a>'
        for n in range(1, listing.page_count + 1)
    ]
    if number > 1:
        links.insert(0, f'<a class="prev page-numbers" rel="prev" href="{listing.path(number - 1)}">« Newer</a>')
    if number < listing.page_count:
        links.append(f'<a class="next page-numbers" rel="next" href="{listing.path(number + 1)}">Older »</a>')
    return (
        '<nav class="navigation pagination" aria-label="Pages"><div class="nav-links">'
        + " ".join(links)
        + "</div></nav>\n"
    )


def newest(articles: tuple[Article, ...], fallback: datetime) -> datetime:
    """Give the latest publication among articles, or `fallback` when there are none."""
    return max((a.published for a in articles), default=fallback)


def render_listing(ctx: Context, listing: Listing, number: int) -> Page:
    """Give page `number` of a listing."""
    articles = listing.page(number)
    title = listing.title if number == 1 else f"{listing.title} – Page {number}"
    links = []
    if number < listing.page_count:
        links.append(f'<link rel="next" href="{ctx.url(listing.path(number + 1))}">')
    if number > 1:
        links.append(f'<link rel="prev" href="{ctx.url(listing.path(number - 1))}">')
    main = (
        f'<header class="page-header"><h1 class="page-title">{e(listing.title)}</h1>'
        + (f'<div class="archive-description"><p>{e(listing.intro)}</p></div>' if listing.intro else "")
        + "</header>\n"
        + "".join(summary(ctx, a) for a in articles)
        + pagination(listing, number)
    )
    head = Head(title, listing.path(number), listing.intro, tuple(links), listing.body_class)
    return Page(document(ctx, head, main), HTML, newest(articles, ctx.catalog.snapshot))


def section_listing(ctx: Context, slug: str) -> Listing:
    """Give the listing of a section's articles, newest first."""
    section = ctx.catalog.section(slug)
    if section is None:
        raise NotFound(f"/section/{slug}/")
    articles = tuple(a for a in ctx.catalog.articles if a.section == slug)
    return Listing(section.name, section.url_path, articles, section.description, f"archive category category-{slug}")


def tag_listing(ctx: Context, slug: str) -> Listing:
    """Give the listing of the articles carrying a tag."""
    tag = ctx.catalog.tag(slug)
    if tag is None:
        raise NotFound(f"/tag/{slug}/")
    articles = tuple(a for a in ctx.catalog.articles if tag.name in a.tags)
    return Listing(f"Tag: {tag.name}", tag.url_path, articles, body_class=f"archive tag tag-{slug}")


def author_listing(ctx: Context, slug: str) -> Listing:
    """Give the listing of a staff writer's articles, with their biography as introduction."""
    author = ctx.catalog.author(slug)
    if author is None:
        raise NotFound(f"/author/{slug}/")
    articles = tuple(a for a in ctx.catalog.articles if author.name in a.authors)
    return Listing(
        f"{author.name}, {author.role}", author.url_path, articles, author.bio, f"archive author author-{slug}"
    )


def section_block(ctx: Context, slug: str) -> str:
    """Give a homepage block: a section's three latest headlines and a link to the section."""
    section = ctx.catalog.section(slug)
    items = [a for a in ctx.catalog.articles if a.section == slug][:3]
    links = "".join(f'<li><a href="{a.url_path}">{e(a.title)}</a></li>' for a in items)
    return (
        f'<section class="home-section section-{slug}"><h2><a href="{section.url_path}">{e(section.name)}</a></h2>'
        f'<ul>{links}</ul><p class="more"><a href="{section.url_path}">More {e(section.name)} »</a></p></section>\n'
    )


def editors_pick(ctx: Context) -> str:
    """Give the "Editor's pick" promo, whose link carries tracking parameters (as real sites' do)."""
    pick = next(a for a in ctx.catalog.articles if a.comments and len(a.paragraphs) >= 12)
    return (
        '<aside class="editors-pick"><h2>Editor’s pick</h2>'
        f'<a href="{pick.url_path}?utm_source=homepage&amp;utm_medium=editors-pick">{e(pick.title)}</a></aside>\n'
    )


def render_home(ctx: Context) -> Page:
    """Give the homepage: the date, the latest articles, the editor's pick, a block per section."""
    latest = ctx.catalog.articles[:10]
    main = (
        f'<p class="today">{time_tag(ctx.catalog.snapshot)}</p>\n'
        '<section class="top-stories"><h1 class="screen-reader-text">Latest news</h1>\n'
        + "".join(summary(ctx, a, 2) for a in latest)
        + "</section>\n"
        + editors_pick(ctx)
        + "".join(section_block(ctx, s.slug) for s in ctx.catalog.sections)
    )
    head = Head(SITE_NAME, "/", SITE_TAGLINE, ('<meta property="og:type" content="website">',), "home blog")
    return Page(document(ctx, head, main), HTML, newest(latest, ctx.catalog.snapshot))


def render_search(ctx: Context, query: str) -> Page:
    """Give the search results page (robots.txt keeps crawlers away from it)."""
    needle = query.strip().lower()
    found = tuple(a for a in ctx.catalog.articles if needle and needle in (a.title + " " + a.body).lower())
    main = f'<header class="page-header"><h1 class="page-title">Search results for “{e(query)}”</h1></header>\n' + (
        "".join(summary(ctx, a) for a in found) or '<p class="no-results">Nothing matched your search.</p>\n'
    )
    head = Head(f"Search: {query}", "/search", "", ('<meta name="robots" content="noindex, follow">',), "search")
    return Page(document(ctx, head, main), HTML, ctx.catalog.snapshot)


def render_newsletter(ctx: Context) -> Page:
    """Give the newsletter sign-up page."""
    main = (
        '<header class="page-header"><h1 class="page-title">The Morning Brief</h1></header>\n'
        "<p>Our free newsletter brings you the day’s essential stories from the Courier newsroom "
        "every weekday morning, with a longer read at the weekend.</p>\n"
    )
    head = Head("Newsletter", "/newsletter/", "Sign up for the Morning Brief.", (), "page")
    return Page(document(ctx, head, main), HTML, ctx.catalog.snapshot.replace(month=1, day=1, hour=0, minute=0))


def render_not_found(ctx: Context, path: str) -> Page:
    """Give the 404 page."""
    main = (
        '<section class="error-404 not-found"><header class="page-header">'
        '<h1 class="page-title">Sorry, that page can’t be found.</h1></header>\n'
        f"<p>Nothing lives at <code>{e(path)}</code>. It may have moved, or the address may be mistyped. "
        'Try the <a href="/">homepage</a> or one of our sections.</p></section>\n'
    )
    head = Head("Page not found", path, "", ('<meta name="robots" content="noindex">',), "error404")
    return Page(
        document(ctx, head, main), HTML, ctx.catalog.snapshot.replace(month=1, day=1, hour=0, minute=0), status=404
    )
