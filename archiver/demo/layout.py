"""The page frame every HTML page shares: head, masthead, sidebar and publisher footer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from archiver.demo.catalog import Catalog
from archiver.demo.model import Footer
from archiver.demo.people import SITE_NAME, SITE_TAGLINE

# Links in the sidebar to the search page, which robots.txt disallows: a polite crawler skips them.
TRENDING_SEARCHES = ("Petro", "housing bill", "floods", "lithium", "cup draw")


@dataclass(frozen=True)
class Context:
    """What a page is rendered from: the edition's content, the site's address, the footer shown."""

    catalog: Catalog
    base_url: str
    footer: Footer
    widget_url: str = ""  # the comment widget's server (demo/widget.py)

    def url(self, path: str) -> str:
        """Give the absolute URL of a site path."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class Head:
    """The page-specific part of <head>: title, canonical path and extra tags."""

    title: str
    path: str
    description: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)
    body_class: str = ""


def e(text: str) -> str:
    """Give text escaped for HTML content and attribute values."""
    return escape(text, quote=True)


def long_date(moment: datetime) -> str:
    """Give a date as readers see it, "January 23, 2026"."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def time_tag(moment: datetime, css: str = "", with_time: bool = False) -> str:
    """Give a <time> element with the ISO 8601 datetime and a human-readable text."""
    text = long_date(moment)
    if with_time:
        text += f" at {moment:%H:%M}"
    cls = f' class="{css}"' if css else ""
    return f'<time{cls} datetime="{moment.isoformat()}">{text}</time>'


def json_ld(data: dict) -> str:
    """Give a JSON-LD <script> element, safe to embed in HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def head(ctx: Context, page: Head) -> str:
    """Give the document's <head>."""
    title = f"{page.title} – {SITE_NAME}" if page.path != "/" else f"{SITE_NAME} – {SITE_TAGLINE}"
    description = f'<meta name="description" content="{e(page.description)}">\n' if page.description else ""
    return (
        '<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n{description}"
        f'<link rel="canonical" href="{e(ctx.url(page.path))}">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} » Feed" href="{ctx.url("/feed/")}">\n'
        f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} » Atom" href="{ctx.url("/atom.xml")}">\n'
        '<link rel="stylesheet" href="/static/style.css">\n'
        f'<meta property="og:site_name" content="{SITE_NAME}">\n'
        + "".join(f"{tag}\n" for tag in page.extra)
        + "</head>\n"
    )


def masthead(ctx: Context) -> str:
    """Give the site header: name, tagline, section navigation and the search form."""
    links = "".join(f'<li><a href="{s.url_path}">{e(s.name)}</a></li>' for s in ctx.catalog.sections)
    return (
        '<header id="masthead" class="site-header" role="banner">\n'
        f'<p class="site-title"><a href="/" rel="home">{SITE_NAME}</a></p>\n'
        f'<p class="site-description">{e(SITE_TAGLINE)}</p>\n'
        f'<nav class="main-navigation" aria-label="Sections"><ul>{links}</ul></nav>\n'
        '<form role="search" method="get" class="search-form" action="/search">'
        '<label>Search <input type="search" name="q" placeholder="Search the Courier"></label>'
        '<button type="submit">Search</button></form>\n</header>\n'
    )


def recent_comments_widget(ctx: Context) -> str:
    """Give the sidebar's "Recent comments" widget (links to comments on other pages)."""
    items = "".join(
        f'<li class="recentcomments"><span class="comment-author-link">{e(r.author)}</span> on '
        f'<a href="{r.url_path}">{e(r.article_title)}</a>'
        f' <span class="comment-excerpt">“{e(r.excerpt)}”</span></li>'
        for r in ctx.catalog.recent_comments
    )
    return (
        '<section id="recent-comments-2" class="widget widget_recent_comments">'
        f'<h2 class="widget-title">Recent Comments</h2><ul id="recentcomments">{items}</ul></section>\n'
    )


def newsletter_widget() -> str:
    """Give the newsletter sign-up box."""
    return (
        '<section class="widget widget_newsletter"><h2 class="widget-title">The Morning Brief</h2>'
        "<p>The day’s essential stories from our newsroom, in your inbox before 7am.</p>"
        '<form class="newsletter-form" action="/newsletter/subscribe" method="post">'
        '<label>Email address <input type="email" name="email" required></label>'
        '<button type="submit">Sign up</button></form>'
        '<p class="newsletter-small">You can unsubscribe at any time. See our privacy notice.</p></section>\n'
    )


def trending_widget() -> str:
    """Give the "Trending searches" widget, whose links lead to the robots-disallowed search page."""
    items = "".join(f'<li><a href="/search?q={e(q.replace(" ", "+"))}">{e(q)}</a></li>' for q in TRENDING_SEARCHES)
    return (
        '<section class="widget widget_trending"><h2 class="widget-title">Trending searches</h2>'
        f"<ul>{items}</ul></section>\n"
    )


def sidebar(ctx: Context) -> str:
    """Give the sidebar shown next to every page's main content."""
    return (
        '<aside id="secondary" class="widget-area" role="complementary">\n'
        + recent_comments_widget(ctx)
        + newsletter_widget()
        + trending_widget()
        + "</aside>\n"
    )


def site_footer(footer: Footer) -> str:
    """Give the publisher footer: mission, company, postal address and copyright line."""
    address = "<br>\n".join(e(line) for line in footer.address)
    return (
        '<footer id="colophon" class="site-footer" role="contentinfo">\n'
        f'<div class="footer-about"><p class="site-mission">{e(footer.mission)}</p></div>\n'
        '<div class="footer-company"><h3 class="footer-heading">Company</h3>\n'
        f'<p class="org">{e(footer.org)}</p>\n<address>\n{address}\n</address></div>\n'
        f'<p class="copyright">{e(footer.copyright)}</p>\n</footer>\n'
    )


def document(ctx: Context, page: Head, main: str) -> bytes:
    """Give a whole HTML page, UTF-8 encoded: head, masthead, main content, sidebar, footer."""
    body_class = f' class="{page.body_class}"' if page.body_class else ""
    html = (
        '<!DOCTYPE html>\n<html lang="en-GB">\n'
        + head(ctx, page)
        + f'<body{body_class}>\n<a class="skip-link" href="#main">Skip to content</a>\n'
        + masthead(ctx)
        + f'<div id="content" class="site-content">\n<main id="main" class="site-main">\n{main}</main>\n'
        + sidebar(ctx)
        + "</div>\n"
        + site_footer(ctx.footer)
        + "</body>\n</html>\n"
    )
    return html.encode("utf-8")
