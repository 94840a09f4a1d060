"""The bundled demo news site, "The Meridian Courier": what `make demo` crawls and the tests' fixture site.

    from archiver.demo import DemoSite, serve_demo

    site = DemoSite(edition=1)            # content model and renderer, no sockets
    site.articles                         # Article dataclasses, newest first
    site.render("/robots.txt")            # Response(status, headers, body)

    with serve_demo(edition=1) as server: # a real HTTP server on 127.0.0.1, in a thread
        server.url                        # "http://127.0.0.1:PORT/"
        server.set_edition(2)             # switch content live
        server.requests                   # every request received: (method, path, headers)

Everything is deterministic: the same edition gives the same bytes on every run.

Paths: `/` (homepage, links to the RSS `/feed/` and Atom `/atom.xml` feeds),
`/section/<slug>/` and `/section/<slug>/page/<n>/` (8 articles a page), `/tag/<slug>/`,
`/author/<slug>/`, articles at `/YYYY/MM/DD/<slug>/`, `/robots.txt` (disallows `/search`,
names `/sitemap_index.xml` and `/news-sitemap.xml`), `/sitemap_index.xml` (points to
`/sitemap-articles.xml` and the gzipped `/sitemap-sections.xml.gz`), `/search?q=`,
`/newsletter/`, `/static/style.css`, WordPress shortlinks `/?p=<post id>` (301). A path
missing its trailing slash gets a 301; anything else an HTML 404 page. Every response
has Content-Type, Content-Length, a strong ETag (hash of the body) and Last-Modified;
matching If-None-Match / If-Modified-Since get 304.

Model: `Article.published`, `.modified` and `Comment.published` are aware datetimes
(UTC); `Article.authors` and `.tags` are display names, `.section` is the section slug;
`Article.comments` are in page order, `Comment.parent` is the id replied to or None;
`Comment.anchor` is the HTML id ("comment-10199"). The seed article's expected content is
in `archiver.demo.seed`.

Editions (see `editions.py`): edition 2 edits one article's paragraph (and sets its
modified date), adds a reply to another, removes a comment from a third, publishes one
new article, and moves the publisher (new footer address). Like a site behind a page
cache, edition 2 serves every page whose content did not change byte for byte as in
edition 1, so only changed pages carry the new footer, a new ETag and a newer
Last-Modified. `DemoSite.changes` names what changed.

Comment widget (see `widget.py`): two articles (`Article.widget` "inline" and "iframe") hold
no comment in their HTML; a widget served by a second loopback server (`server.widgets`,
`server.widgets.url`, `server.widgets.paths`) loads their threads as JSON, three threads a
page behind "Load more comments", further replies behind "Show N more replies", inline or
inside an iframe. `Article.comments` is what the widget shows.
"""

from archiver.demo.model import Article, Author, Comment, Footer, Response, Section, Tag
from archiver.demo.server import DemoServer, RequestRecord, serve_demo
from archiver.demo.site import DemoSite

__all__ = [
    "Article",
    "Author",
    "Comment",
    "DemoServer",
    "DemoSite",
    "Footer",
    "RequestRecord",
    "Response",
    "Section",
    "Tag",
    "serve_demo",
]
