"""URL canonical form and crawl scope (courlan and w3lib do the work)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import courlan
from w3lib.url import canonicalize_url

from archiver.errors import ConfigError

WEB_SCHEMES = ("http", "https")
# A host (and port) of plain characters, then the end or a path, query or fragment.
PLAIN_NETLOC_RE = re.compile(r"[A-Za-z0-9.-]+(:[0-9]*)?(?=[/?#]|$)")
# The netloc of an http(s) URL, where urlsplit would end it; tab and newlines (which urlsplit takes
# out before splitting) are left to urlsplit.
HTTP_NETLOC_RE = re.compile(r"https?://([^/?#\t\r\n]*)(?=[/?#]|\Z)")


# Canonical forms kept per process: a site's navigation links come back on every page, while most
# other URLs (a sitemap's, a listing's) come once. Bounded, so that a crawl of 100,000 pages does
# not keep 100,000 URLs in each of its processes (about 400 bytes an entry).
CANONICAL_CACHE = 8192


@lru_cache(maxsize=CANONICAL_CACHE)
def canonical(url: str) -> str:
    """Give the canonical form of `url`: tracking parameters, fragment and default port dropped."""
    try:
        return canonicalize_url(courlan.normalize_url(url), keep_fragments=False)
    except (ValueError, TypeError):
        return url


def absolute(base: str, href: str | None) -> str | None:
    """Give `href` resolved against `base`, or None when it is not a web link."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("http://", "https://")) and " " not in href:
        return href  # already absolute: most links of a news page, and urljoin is costly
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return url if urlsplit(url).scheme in WEB_SCHEMES else None


class LinkResolver:
    """Resolve the many links of one page against its base URL.

    A news page has hundreds of links, mostly absolute or root-relative ("/path"); those are
    joined by concatenation, and urljoin (costly) is left for the rest: relative paths, dot
    segments, empty queries or fragments, back slashes and other schemes."""

    def __init__(self, base: str):
        self.base = base
        parts = urlsplit(base)
        web = parts.scheme in WEB_SCHEMES and bool(parts.netloc)
        self.origin = f"{parts.scheme}://{parts.netloc}" if web else None
        self.scheme = parts.scheme if web else None

    def resolve(self, href: str) -> str | None:
        """Give `href` (one token, no white space) as an absolute http(s) URL, or None."""
        if href.startswith(("http://", "https://")):
            return href
        # urljoin would drop dot segments and an empty query or fragment ("/a?", "/a#").
        if (
            self.origin is not None
            and "/." not in href
            and "\\" not in href
            and "?#" not in href
            and not href.endswith(("?", "#"))
        ):
            if href[:1] == "/" and href[1:2] != "/":
                return self.origin + href
            if href[:2] == "//" and PLAIN_NETLOC_RE.match(href, 2):
                return f"{self.scheme}:{href}"
        return absolute(self.base, href)


def host_of(url: str) -> str:
    """Give the lower-case host of `url` without a leading www.

    Asked of every link of every page: the netloc of an http(s) URL is cut out by one regex, where
    urlsplit would end it, and only its host is looked up (a site has a few hundred hosts, not a cache's
    worth of URLs); anything else goes to urlsplit. A URL whose netloc does not parse ("http://[x/")
    has no host: it is on no site."""
    plain = HTTP_NETLOC_RE.match(url)
    if plain:
        return host_of_netloc(plain[1])
    try:
        return host_of_netloc(urlsplit(url).netloc)
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def host_of_netloc(netloc: str) -> str:
    """Give the lower-case host of a netloc ("user@Host:port") without a leading www."""
    try:
        host = (urlsplit("//" + netloc).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def check_start_url(url: str) -> str:
    """Give `url` canonical when it is an absolute http(s) URL; ConfigError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in WEB_SCHEMES or not parts.hostname:
        raise ConfigError(f"not a site URL: {url!r}", "give an absolute http:// or https:// URL or a source name")
    return canonical(url.strip())


@dataclass(frozen=True)
class Scope:
    """Which URLs belong to a source: its hosts and optional include/exclude patterns."""

    hosts: frozenset[str]
    include: tuple[re.Pattern, ...] = ()
    exclude: tuple[re.Pattern, ...] = ()

    @classmethod
    def for_urls(cls, urls, include=(), exclude=(), hosts=()) -> Scope:
        """Give the scope of the hosts of `urls` (plus `hosts`) with patterns compiled."""
        all_hosts = frozenset(host_of(u) for u in urls) | frozenset(h.lower().removeprefix("www.") for h in hosts)
        return cls(all_hosts, tuple(re.compile(p) for p in include), tuple(re.compile(p) for p in exclude))

    def on_site(self, url: str) -> bool:
        """Tell whether `url` is on one of the source's own hosts."""
        return host_of(url) in self.hosts

    def allows(self, url: str) -> bool:
        """Tell whether `url` is on site and passes the include and exclude patterns."""
        if not self.on_site(url):
            return False
        if any(p.search(url) for p in self.exclude):
            return False
        return not self.include or any(p.search(url) for p in self.include)
