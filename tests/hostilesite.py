"""A news site written by an attacker, for the viewer's tests: every field of its pages carries payloads.

Titles, bylines, bodies, comments, footers, URLs, JSON-LD and tags hold scripts, event handlers,
javascript: links, SVG, formula strings and direction controls, both as markup (which extraction
strips) and as visible text (which the archive keeps and the viewer must show as text). Some pages
are huge or deeply nested, one is a gzip bomb.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Each payload, when run, sets window.__pwned or opens a dialog; the browser tests watch for both.
PAYLOADS = (
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '<svg onload="window.__pwned=3;alert(3)"><script>window.__pwned=4</script></svg>',
    '"><script>window.__pwned=5</script><a href="',
    "javascript:window.__pwned=6;alert(6)",
    '<iframe src="javascript:alert(7)"></iframe><object data="javascript:alert(8)"></object>',
    "{{7*7}}{% raw %}${alert(9)}",
    '=HYPERLINK("http://127.0.0.1:9/x","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)*cmd|' /C calc'!A0",
    "@SUM(1+1)",
)
# Right-to-left override, embedding and isolate controls: shown raw, they reorder the text after them.
BIDI = "\u202eesreveR\u202c \u202bembed \u2067isolate"
TEXT = " ".join(PAYLOADS)
ESCAPED = html.escape(TEXT)
WORDS = "harbour council ferry budget museum winter".split()


def prose(seed: int, count: int = 5) -> str:
    """Give plain paragraphs, so that extraction sees a real article around the payloads."""
    return "".join(
        f"<p>Story {seed}, paragraph {i}: the " + " ".join(WORDS[(seed + i + j) % 6] for j in range(40)) + ".</p>"
        for i in range(count)
    )


def comments(seed: int) -> str:
    """Give a WordPress-style thread whose authors and texts are payloads (as markup and as text)."""
    items = []
    for n, author in enumerate([ESCAPED[:80], html.escape("Mallory " + BIDI), PAYLOADS[1], "Eve =1+1"]):
        items.append(
            f'<li id="comment-{seed}{n}" class="comment depth-1"><article id="div-comment-{seed}{n}" class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard"><cite class="fn">{author}</cite></div>'
            f'<div class="comment-metadata"><time datetime="2026-02-0{n + 1}T10:00:00">Feb {n + 1}</time></div></footer>'
            f'<div class="comment-content"><p>Comment {n} says {ESCAPED} and {PAYLOADS[n % 3]} '
            f"{html.escape(BIDI)} about the harbour ferry.</p></div></article></li>"
        )
    return f'<div id="comments" class="comments-area"><ol class="comment-list">{"".join(items)}</ol></div>'


def json_ld(seed: int) -> str:
    """Give JSON-LD whose headline, author and keywords are payloads (</script> escaped as JSON allows)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"Hostile {seed} {TEXT[:120]}",
        "author": [{"@type": "Person", "name": "Ann " + BIDI}, {"@type": "Person", "name": PAYLOADS[0]}],
        "keywords": [PAYLOADS[2], "=SUM(A1)", BIDI],
        "datePublished": f"2026-02-{seed:02d}T08:00:00Z",
        "url": PAYLOADS[4],
    }
    return '<script type="application/ld+json">' + json.dumps(data).replace("</", "<\\/") + "</script>"


def article(seed: int, extra: str = "") -> str:
    """Give an article page with payloads in every field."""
    title = f"Hostile {seed} {ESCAPED[:100]} {html.escape(BIDI)}"
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(title)}">'
        f'<meta name="author" content="{html.escape("Ann " + BIDI)}">'
        f'<meta name="keywords" content="{html.escape(PAYLOADS[0])}, =HYPERLINK(1), {html.escape(BIDI)}">'
        f'<meta name="description" content="{ESCAPED}">'
        f'<link rel="canonical" href="javascript:window.__pwned=10">{json_ld(seed)}</head><body>'
        f'<script>window.__pwned="raw"</script><article><h1>{title}</h1>'
        f'<p class="byline">By <a rel="author" href="javascript:alert(11)">{html.escape("Ann " + BIDI)}</a></p>'
        f'<time datetime="2026-02-{seed:02d}">Feb {seed}</time>{prose(seed)}'
        f"<p>The council heard {ESCAPED} at the harbour, {html.escape(BIDI)} said the ferry crew.</p>"
        f'<p>Raw markup: {PAYLOADS[1]} {PAYLOADS[2]} <a href="javascript:alert(12)">a link</a> '
        f'<a href="data:text/html,<script>alert(13)</script>">data</a></p>{extra}</article>'
        f"{comments(seed)}"
        f'<footer class="site-footer"><p>© 2026 {ESCAPED[:60]} Media Ltd, 1 {html.escape(BIDI)} Street</p></footer>'
        "</body></html>"
    )


def nested(depth: int) -> str:
    """Give markup nested `depth` elements deep."""
    return "<div>" * depth + "deep text of the harbour council" + "</div>" * depth


PAGES = {
    "/news/plain-1/": lambda: article(1),
    "/news/plain-2/": lambda: article(2),
    "/news/%3Cscript%3Ewindow.__pwned=20%3C/script%3E/": lambda: article(3),
    "/news/huge/": lambda: article(4, "<p>" + "harbour ferry council " * 150_000 + "</p>"),
    "/news/deep/": lambda: article(5, nested(5000)),
    "/news/many-marks/": lambda: article(6, "<p>" + "ferry " * 60_000 + "</p>"),
}


def homepage() -> str:
    """Give the home page linking every page, with payloads in its own markup too."""
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in [*PAGES, "/news/bomb/"])
    return (
        f"<!doctype html><html><head><title>{ESCAPED}</title></head><body><h1>The Hostile Herald</h1>"
        f'<ul>{links}</ul><a href="javascript:alert(30)">js</a></body></html>'
    )


class Handler(BaseHTTPRequestHandler):
    """Serves the hostile site."""

    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes, headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/":
            return self.send(200, homepage().encode())
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n")
        if path == "/news/bomb/":
            return self.send(200, self.server.bomb, headers=[("Content-Encoding", "gzip")])
        if path in PAGES:
            return self.send(200, PAGES[path]().encode())
        return self.send(404, b"<html><body>Not found</body></html>")


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print clients hanging up."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class HostileSite:
    """The hostile site running on 127.0.0.1."""

    def __init__(self):
        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        # 100 MB of zeros in 100 kB: a crawler must stop reading it at its size cap.
        self.httpd.bomb = gzip.compress(b"<html><body>" + bytes(100_000_000) + b"</body></html>", 9)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
