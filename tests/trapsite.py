"""A small hostile news site for crawler tests: every discovery channel, trap and fault."""

from __future__ import annotations

import functools
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WORDS = (
    "council budget river harbour school winter market railway museum hospital election festival "
    "bridge library weather farmers students workers tourism energy water housing transport"
).split()


@functools.cache
def gzip_bomb() -> bytes:
    """Give 50 MB of spaces in an HTML page, gzipped once (compressing it on each request took seconds under load)."""
    return gzip.compress(b"<html><body>" + b" " * 50_000_000 + b"</body></html>")


def paragraphs(seed: int, count: int = 6) -> list[str]:
    """Give deterministic article paragraphs of plain prose."""
    out = []
    for i in range(count):
        words = [WORDS[(seed * 7 + i * 3 + j) % len(WORDS)] for j in range(28)]
        out.append(f"Paragraph {i + 1} of story {seed}: the " + " ".join(words) + " were discussed at length.")
    return out


def article_html(n: int, title: str, extra: str = "", canonical: str | None = None) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(n)) + extra
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!doctype html><html><head><title>{title}</title>{link}"
        f'<meta property="og:type" content="article"></head><body><article><h1>{title}</h1>'
        f'<p class="byline">By Test Writer</p><time datetime="2026-01-{n:02d}">Jan {n}</time>{body}</article>'
        f'<a href="https://offsite.example.net/x">elsewhere</a></body></html>'
    )


ARTICLES = {f"/news/story-{n}/": n for n in range(1, 7)}
ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    '<entry><title>5</title><link href="/news/story-5/"/></entry></feed>'
)
SITEMAP_INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<sitemap><loc>{base}/nested-index.xml</loc></sitemap></sitemapindex>"
)
NESTED_INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<sitemap><loc>{base}/news-sitemap.xml.gz</loc></sitemap></sitemapindex>"
)
NEWS_SITEMAP = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
    "<url><loc>{base}/news/story-4/?utm_source=sitemap</loc><news:news><news:title>4</news:title>"
    "</news:news></url><url><loc>{base}/legacy/</loc></url><url><loc>{base}/broken/</loc></url></urlset>"
)


def homepage() -> str:
    links = [
        '<a href="/news/story-1/">one</a>',
        '<a href="/news/story-1/?utm_campaign=x&fbclid=abc#comments">one again</a>',
        '<a href="/go/story-2">two (redirect)</a>',
        '<a href="/news/story-3/?ref=home">three</a>',
        '<a href="/calendar/2026/01/">calendar</a>',
        '<a href="/list?page=1">list</a>',
        '<a href="/loop-a">loop</a>',
        '<a href="/slow/">slow</a>',
        '<a href="/error-500/">500</a>',
        '<a href="/busy/">503</a>',
        '<a href="/huge/">huge</a>',
        '<a href="/bomb/">bomb</a>',
        '<a href="/binary/">binary</a>',
        '<a href="/empty/">empty</a>',
        '<a href="/private/secret/">private</a>',
        '<a href="https://offsite.example.net/">off-site</a>',
        '<a href="/news/story-6/">six</a>',
        '<a href="/old-address/">moved (meta refresh)</a>',
    ]
    return (
        "<!doctype html><html><head><title>Trap Times</title>"
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>'
        + " ".join(links)
        + "</body></html>"
    )


class TrapSite:
    """State shared by the handler: the base URL, a request log and per-path hit counts."""

    def __init__(self):
        self.base = ""
        self.requests: list[tuple[str, str, dict]] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


def make_handler(site: TrapSite):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status: int, body: bytes, ctype="text/html; charset=utf-8", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            site.requests.append(("GET", self.path, dict(self.headers)))
            parts = urlsplit(self.path)
            count = site.hit(parts.path)
            route(self, site, parts.path, parse_qs(parts.query), count)

    return Handler


def route(h, site: TrapSite, path: str, query: dict, count: int) -> None:
    base = site.base
    if path == "/robots.txt":
        return h.send(
            200, f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n".encode(), "text/plain"
        )
    if path == "/sitemap_index.xml":
        return h.send(200, SITEMAP_INDEX.format(base=base).encode(), "application/xml")
    if path == "/nested-index.xml":
        return h.send(200, NESTED_INDEX.format(base=base).encode(), "application/xml")
    if path == "/news-sitemap.xml.gz":
        return h.send(200, gzip.compress(NEWS_SITEMAP.format(base=base).encode()), "application/x-gzip")
    if path == "/atom.xml":
        return h.send(200, ATOM.encode(), "application/atom+xml")
    if path == "/":
        return h.send(200, homepage().encode())
    if path in ARTICLES:
        n = ARTICLES[path]
        canonical = f"{base}/news/story-3/" if n == 3 else None
        return h.send(200, article_html(n, f"Story number {n}", canonical=canonical).encode())
    return route_traps(h, site, path, query, count)


def route_traps(h, site: TrapSite, path: str, query: dict, count: int) -> None:
    if path == "/old-address/":
        return h.send(
            200,
            b'<html><head><META HTTP-EQUIV="REFRESH" CONTENT="0; URL=/moved-here/"></head>'
            b"<body>This page has moved.</body></html>",
        )
    if path == "/moved-here/":
        return h.send(200, article_html(13, "Moved story").encode())
    if path == "/go/story-2":
        return h.send(301, b"", headers=[("Location", "/news/story-2/")])
    if path.startswith("/calendar/"):
        parts = [p for p in path.split("/") if p]
        year, month = int(parts[1]), int(parts[2])
        nxt = f"/calendar/{year + month // 12}/{month % 12 + 1:02d}/"
        return h.send(200, f'<html><body><h1>Calendar</h1><a href="{nxt}">next month</a></body></html>'.encode())
    if path == "/list":
        page = int(query.get("page", ["1"])[0])
        links = f'<a href="/list?page={page + 1}">next</a> <a href="/list?page={page + 1}&sort=new">sorted</a>'
        return h.send(200, f"<html><body><h1>List</h1>{links}</body></html>".encode())
    if path in ("/loop-a", "/loop-b"):
        return h.send(302, b"", headers=[("Location", "/loop-b" if path == "/loop-a" else "/loop-a")])
    if path == "/slow/":
        time.sleep(4)
        return h.send(200, article_html(9, "Too slow").encode())
    if path == "/error-500/":
        return h.send(500, b"<html><body>Internal error</body></html>")
    if path == "/busy/":
        if count == 1:
            return h.send(503, b"busy", headers=[("Retry-After", "1")])
        return h.send(200, article_html(10, "Busy at first").encode())
    if path == "/huge/":
        return h.send(200, b"<html><body>" + b"<p>filler text</p>" * 200_000 + b"</body></html>")
    if path == "/bomb/":
        return h.send(200, gzip_bomb(), headers=[("Content-Encoding", "gzip")])
    if path == "/binary/":
        return h.send(200, bytes(range(256)) * 64)
    if path == "/empty/":
        return h.send(200, b"")
    if path == "/legacy/":
        text = article_html(
            11,
            "Caf\u00e9 cr\u00e8me at the Mus\u00e9e",
            extra="<p>A na\u00efve d\u00e9j\u00e0 vu over caf\u00e9 and cr\u00e8me br\u00fbl\u00e9e at the mus\u00e9e, \u00e0 bient\u00f4t, said the ma\u00eetre d'h\u00f4tel of the old brasserie.</p>",
        )
        return h.send(200, text.encode("windows-1252"), ctype="text/html")
    if path == "/broken/":
        html = article_html(12, "Broken markup story").replace("</p>", "").replace("</article>", "<div><span>")
        return h.send(200, html.encode())
    return h.send(404, b"<html><body>Not found</body></html>")


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print clients hanging up (crawlers time out on purpose)."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class TrapServer:
    """A running trap site on 127.0.0.1."""

    def __init__(self):
        self.site = TrapSite()
        self.httpd = QuietServer(("127.0.0.1", 0), make_handler(self.site))
        self.site.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = self.site.base + "/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> TrapServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
