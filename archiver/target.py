"""What one crawl is pointed at: a source's start URLs, discovery URLs and scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from .urls import Scope, check_start_url, host_of


@dataclass(frozen=True)
class CrawlTarget:
    """A source as the spider needs it: name, start pages, sitemaps, feeds and scope."""

    name: str
    start_urls: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_pages: int = 0
    config: dict = field(default_factory=dict, compare=False)
    # Scrapy settings of this source (concurrency, delay, revisit policy), under --set overrides.
    settings: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_url(cls, url: str, max_pages: int = 0) -> "CrawlTarget":
        """Give the target for a homepage URL: the source is named after its host."""
        url = check_start_url(url)
        return cls(name=host_of(url), start_urls=(url,), max_pages=max_pages, config={"url": url})

    @property
    def url(self) -> str:
        return self.start_urls[0]

    def scope(self) -> Scope:
        """Give the scope of this target: its hosts and URL patterns."""
        urls = self.start_urls + self.sitemaps + self.feeds
        return Scope.for_urls(urls, self.include, self.exclude, self.hosts)
