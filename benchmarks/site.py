"""A large static news site for benchmarks, built from the corpus pages and served by nginx."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import ConfigError
from benchmarks.eval import load_corpus

HEAD_RE = re.compile(rb"<head[^>]*>", re.IGNORECASE)
LINKS_PER_LIST = 100
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root}/site;
        index index.html;
        etag on;
    }}
}}
"""


@dataclass(frozen=True)
class BenchSite:
    """A built site: its folder, base URL and the URLs of its article pages."""

    root: Path
    base: str
    article_urls: tuple[str, ...]


def free_port() -> int:
    """Give a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_base(html: bytes, url: str) -> bytes:
    """Give the page with <base href=its original URL>, so its own links point off-site as they did."""
    tag = f'<base href="{url}">'.encode()
    match = HEAD_RE.search(html)
    return html[: match.end()] + tag + html[match.end() :] if match else tag + html


def write_templates(corpus: Path, folder: Path) -> list[Path]:
    """Write each corpus page once (with its <base>) and give their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for page in load_corpus(corpus):
        path = folder / f"{page.page_id}.html"
        path.write_bytes(with_base(page.html, page.url))
        paths.append(path)
    return paths


def listing(links: list[str], title: str) -> bytes:
    """Give a plain index page linking to `links`."""
    items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    return f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1><ul>{items}</ul></body></html>".encode()


def build_site(corpus: Path, root: Path, pages: int, port: int) -> BenchSite:
    """Build `pages` article pages (hard links to the corpus pages), index pages and a sitemap."""
    if root.exists():
        shutil.rmtree(root)
    site = root / "site"
    templates = write_templates(corpus, root / "templates")
    if not templates:
        raise ConfigError(f"no pages in {corpus}", "give the corpus folder with html/ and ground-truth.json")
    paths = [f"/news/{n // 1000:03d}/{n:06d}/" for n in range(pages)]
    for n, path in enumerate(paths):
        target = site / path.strip("/")
        target.mkdir(parents=True)
        os.link(templates[n % len(templates)], target / "index.html")
    lists = [paths[i : i + LINKS_PER_LIST] for i in range(0, pages, LINKS_PER_LIST)]
    for k, links in enumerate(lists):
        (site / "list").mkdir(exist_ok=True)
        (site / "list" / f"{k}.html").write_bytes(listing(links, f"Archive page {k}"))
    (site / "index.html").write_bytes(listing([f"/list/{k}.html" for k in range(len(lists))], "Bench news"))
    base = f"http://127.0.0.1:{port}"
    (site / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
    entries = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    (site / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    return BenchSite(root, base + "/", tuple(base + p for p in paths))


class Nginx:
    """nginx (Debian's) serving a bench site on 127.0.0.1, started and stopped by the bench."""

    def __init__(self, root: Path, port: int):
        self.root = root.resolve()
        self.port = port
        (self.root / "tmp").mkdir(exist_ok=True)
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, port=port))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise ConfigError("nginx is not installed", "apt-get install nginx")
        self.proc = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(self.root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise ConfigError("nginx did not start", f"see {self.root}/nginx-error.log")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGQUIT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
