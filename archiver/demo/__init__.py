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
"""

from .model import Article, Author, Comment, Footer, Response, Section, Tag
from .server import DemoServer, RequestRecord, serve_demo
from .site import DemoSite

__all__ = [
    "Article", "Author", "Comment", "DemoServer", "DemoSite", "Footer", "RequestRecord",
    "Response", "Section", "Tag", "serve_demo",
]
