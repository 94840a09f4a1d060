"""Machine-readable discovery: robots.txt, sitemaps (plain, gzipped, news), RSS and Atom feeds."""

from __future__ import annotations

import gzip
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from archiver.demo.article_page import description
from archiver.demo.layout import Context
from archiver.demo.listings import author_listing, section_listing, tag_listing
from archiver.demo.model import Article, Page
from archiver.demo.people import PUBLISHER, SITE_NAME, SITE_TAGLINE

XML = "application/xml; charset=utf-8"
LAUNCH = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def x(text: str) -> str:
    """Give text escaped for XML content and attribute values."""
    return escape(text, {'"': "&quot;"})


def xml_page(text: str, modified: datetime, content_type: str = XML) -> Page:
    """Give an XML document as a Page, with its declaration."""
    return Page(('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8"), content_type, modified)


def newest_change(ctx: Context) -> datetime:
    """Give the latest publication or edit of any article."""
    return max(a.updated for a in ctx.catalog.articles)


def render_robots(ctx: Context) -> Page:
    """Give robots.txt: the search page is off limits; where the sitemaps are."""
    text = (
        "User-agent: *\nDisallow: /search\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {ctx.url('/sitemap_index.xml')}\nSitemap: {ctx.url('/news-sitemap.xml')}\n"
    )
    return Page(text.encode("utf-8"), "text/plain; charset=utf-8", LAUNCH)


def render_sitemap_index(ctx: Context) -> Page:
    """Give the sitemap index, pointing to the articles sitemap and the gzipped sections sitemap."""
    lastmod = newest_change(ctx).isoformat()
    entries = "".join(
        f"<sitemap><loc>{x(ctx.url(path))}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        for path in ("/sitemap-articles.xml", "/sitemap-sections.xml.gz")
    )
    return xml_page(f"<sitemapindex {SITEMAP_NS}>\n{entries}</sitemapindex>\n", newest_change(ctx))


def url_entry(ctx: Context, path: str, lastmod: datetime, extra: str = "") -> str:
    """Give one <url> element of a sitemap."""
    return f"<url><loc>{x(ctx.url(path))}</loc><lastmod>{lastmod.isoformat()}</lastmod>{extra}</url>\n"


def render_articles_sitemap(ctx: Context) -> Page:
    """Give the sitemap of every article with its last change."""
    entries = "".join(url_entry(ctx, a.url_path, a.updated) for a in ctx.catalog.articles)
    return xml_page(f"<urlset {SITEMAP_NS}>\n{entries}</urlset>\n", newest_change(ctx))


def listing_paths(ctx: Context) -> list[tuple[str, datetime]]:
    """Give every listing page (sections, tags, authors, all their pages) with its newest article."""
    listings = [section_listing(ctx, s.slug) for s in ctx.catalog.sections]
    listings += [tag_listing(ctx, t.slug) for t in ctx.catalog.tags]
    listings += [author_listing(ctx, a.slug) for a in ctx.catalog.authors]
    return [
        (listing.path(n), max((a.published for a in listing.page(n)), default=LAUNCH))
        for listing in listings
        for n in range(1, listing.page_count + 1)
    ]


def render_sections_sitemap(ctx: Context) -> Page:
    """Give the gzipped sitemap of the homepage and all listing pages."""
    entries = [url_entry(ctx, "/", newest_change(ctx))]
    entries += [url_entry(ctx, path, lastmod) for path, lastmod in listing_paths(ctx)]
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + f"<urlset {SITEMAP_NS}>\n{''.join(entries)}</urlset>\n"
    # mtime=0 keeps the gzip bytes, hence the ETag, the same on every run.
    body = gzip.compress(text.encode("utf-8"), mtime=0)
    return Page(body, "application/gzip", newest_change(ctx))


def news_entry(ctx: Context, article: Article) -> str:
    """Give the news:news part of an article's entry in the news sitemap."""
    return (
        f"<news:news><news:publication><news:name>{x(SITE_NAME)}</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{article.published.isoformat()}</news:publication_date>"
        f"<news:title>{x(article.title)}</news:title></news:news>"
    )


def render_news_sitemap(ctx: Context) -> Page:
    """Give the Google News sitemap; a small paper lists every article, not only the last two days."""
    entries = "".join(url_entry(ctx, a.url_path, a.updated, news_entry(ctx, a)) for a in ctx.catalog.articles)
    return xml_page(f"<urlset {SITEMAP_NS} {NEWS_NS}>\n{entries}</urlset>\n", newest_change(ctx))


def entry_id(article: Article) -> str:
    """Give the permanent feed id of an article (a tag: URI, which nobody mistakes for a link)."""
    return f"tag:meridian-courier.example,2026:post-{article.post_id}"


def rss_item(ctx: Context, article: Article) -> str:
    """Give one RSS <item>."""
    url = x(ctx.url(article.url_path))
    authors = "".join(f"<dc:creator>{x(n)}</dc:creator>" for n in article.authors)
    categories = "".join(f"<category>{x(t)}</category>" for t in article.tags)
    return (
        f"<item><title>{x(article.title)}</title><link>{url}</link>"
        f'<guid isPermaLink="false">{entry_id(article)}</guid>'
        f"<pubDate>{format_datetime(article.published)}</pubDate>{authors}{categories}"
        f"<description>{x(description(article))}</description>"
        f"<comments>{url}#comments</comments></item>\n"
    )


def render_rss(ctx: Context) -> Page:
    """Give the RSS 2.0 feed of every article, newest first."""
    items = "".join(rss_item(ctx, a) for a in ctx.catalog.articles)
    text = (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel><title>{x(SITE_NAME)}</title><link>{x(ctx.url('/'))}</link>"
        f'<atom:link href="{x(ctx.url("/feed/"))}" rel="self" type="application/rss+xml"/>'
        f"<description>{x(SITE_TAGLINE)}</description><language>en-GB</language>"
        f"<lastBuildDate>{format_datetime(newest_change(ctx))}</lastBuildDate>\n{items}</channel></rss>\n"
    )
    return xml_page(text, newest_change(ctx), "application/rss+xml; charset=utf-8")


def atom_entry(ctx: Context, article: Article) -> str:
    """Give one Atom <entry>."""
    authors = "".join(f"<author><name>{x(n)}</name></author>" for n in article.authors)
    return (
        f"<entry><title>{x(article.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{x(ctx.url(article.url_path))}"/>'
        f"<id>{entry_id(article)}</id><published>{article.published.isoformat()}</published>"
        f"<updated>{article.updated.isoformat()}</updated>{authors}"
        f"<summary>{x(description(article))}</summary></entry>\n"
    )


def render_atom(ctx: Context) -> Page:
    """Give the Atom feed of every article, newest first."""
    entries = "".join(atom_entry(ctx, a) for a in ctx.catalog.articles)
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">\n'
        f"<title>{x(SITE_NAME)}</title><subtitle>{x(SITE_TAGLINE)}</subtitle>"
        f'<link rel="alternate" type="text/html" href="{x(ctx.url("/"))}"/>'
        f'<link rel="self" type="application/atom+xml" href="{x(ctx.url("/atom.xml"))}"/>'
        f"<id>{x(ctx.url('/'))}</id><updated>{newest_change(ctx).isoformat()}</updated>"
        f"<rights>{x(PUBLISHER)}</rights>\n{entries}</feed>\n"
    )
    return xml_page(text, newest_change(ctx), "application/atom+xml; charset=utf-8")
