"""s, the storage rate alone: the bench site's pages stored through the crawl's own storage code.

Before anything is counted, every page of the site (homepage, sitemap, index pages, articles) is
fetched once from the bench's nginx (its real headers and body) and analysed as the crawl's
workers would (archiver.crawl.analysis, one analysis per distinct body: the articles repeat the
corpus pages). Then only the storage is timed, as the crawl's pipeline (ArchivePipeline.store)
does it for each item: the WARC request and response records (recorder.write_exchange), the
frontier entries the page led to, the capture and article rows through Recorder (which also index
the article for search), and a commit with the run's counts every ARCHIVER_BATCH_SIZE pages. Each
round stores all the pages into a fresh archive, as a first crawl does, then the next round begins.

Run as `python -m benchmarks.storage URLFILE WORKDIR`: it prints its running count of stored pages
after each page, for the bench's turns (benchmarks/slices.py), until it is killed.
"""

from __future__ import annotations

import http.client
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archiver.crawl.analysis import PageAnalysis, analyze_page
from archiver.crawl.items import CaptureItem
from archiver.crawl.recorder import Recorder, write_exchange
from archiver.crawl.settings import ARCHIVER_SETTINGS
from archiver.extract.timeutil import now_iso
from archiver.extract.urls import Scope, canonical
from archiver.store import Archive
from archiver.store.frontier import FrontierEntry
from archiver.store.warcfiles import WarcWriter

# What Scrapy sends with every request of a crawl (its defaults, our User-Agent).
REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "User-Agent": "news-archiver/bench (research news archiver)",
    "Accept-Encoding": "gzip, deflate, br, zstd",
}
BATCH_SIZE = ARCHIVER_SETTINGS["ARCHIVER_BATCH_SIZE"][0]
GZIP_LEVEL = ARCHIVER_SETTINGS["ARCHIVER_WARC_GZIP_LEVEL"][0]


@dataclass(frozen=True)
class Fetched:
    """One page as the crawl would hand it to the pipeline: response, decision and analysis."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    decision: str
    reason: str | None
    analysis: PageAnalysis | None
    article_url: str | None
    discovered: tuple[FrontierEntry, ...]

    def item(self) -> CaptureItem:
        """Give a fresh CaptureItem (the recorder may change it; its body's digest is not cached)."""
        return CaptureItem(
            url=self.url,
            final_url=self.url,
            status=self.status,
            fetched_at=now_iso(),
            headers=self.headers,
            body=self.body,
            request_headers=REQUEST_HEADERS,
            decision=self.decision,
            reason=self.reason,
            analysis=self.analysis,
            article_url=self.article_url,
            offsite=list(self.analysis.offsite) if self.analysis else [],
            discovered=list(self.discovered),
        )


def site_urls(base: str, article_urls: list[str]) -> list[str]:
    """Give the bench site's pages in the order a crawl meets them: homepage, sitemap, index pages
    (100 articles each, benchmarks/site.py), articles."""
    lists = [f"{base}list/{k}.html" for k in range((len(article_urls) + 99) // 100)]
    return [base, f"{base}sitemap.xml", *lists, *article_urls]


def fetch_all(urls: list[str]) -> list[tuple[str, int, dict[str, str], bytes]]:
    """Give (url, status, headers, body) of each URL, over one keep-alive connection."""
    parts = urlsplit(urls[0])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    found = []
    for url in urls:
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        conn.request("GET", "/" + path, headers={k: v for k, v in REQUEST_HEADERS.items() if k != "Accept-Encoding"})
        response = conn.getresponse()
        found.append((url, response.status, dict(response.getheaders()), response.read()))
    conn.close()
    return found


def sitemap_page(url: str, status: int, headers: dict, body: bytes, article_urls: list[str]) -> Fetched:
    """Give the sitemap as the crawl stores it: a discovery capture leading to every article."""
    entries = tuple(FrontierEntry(u, "page", 1) for u in article_urls)
    return Fetched(url, status, headers, body, "sitemap", None, None, None, entries)


def analysed_page(url: str, status: int, headers: dict, body: bytes, scope: Scope, cache: dict) -> Fetched:
    """Give an HTML page as the crawl's workers and spider make it (one analysis per distinct body)."""
    analysis = cache.get(body)
    if analysis is None:
        analysis = cache[body] = analyze_page(body, url, headers, scope)
    declared = analysis.extraction.canonical_url
    article_url = canonical(declared if declared and scope.on_site(declared) else url)
    entries = tuple(FrontierEntry(u, "page", 1) for u in analysis.follow if scope.allows(u))
    decision = analysis.decision
    return Fetched(url, status, headers, body, decision.kind, decision.reason, analysis, article_url, entries)


def prepare(urls: list[str], article_urls: list[str]) -> list[Fetched]:
    """Fetch and analyse every page (not timed)."""
    scope = Scope.for_urls([urls[0]])
    cache: dict[bytes, PageAnalysis] = {}
    pages = []
    for url, status, headers, body in fetch_all(urls):
        if url.endswith("sitemap.xml"):
            pages.append(sitemap_page(url, status, headers, body, article_urls))
        else:
            pages.append(analysed_page(url, status, headers, body, scope, cache))
    return pages


class StorageRun:
    """One first crawl's storage into a fresh archive: the pipeline's writes, without Scrapy."""

    def __init__(self, folder: Path, base: str):
        folder.mkdir(parents=True)
        self.archive = Archive(folder / "archive.db")
        now = now_iso()
        source = self.archive.ensure_source(urlsplit(base).netloc, base, {}, now)
        self.crawl_id, _ = self.archive.resume_or_start(source.id, now, {})
        self.recorder = Recorder(self.archive, source.id, self.crawl_id)
        self.warc = WarcWriter(folder / "warcs", f"crawl-{self.crawl_id:06d}.warc.gz", GZIP_LEVEL)
        self.pending = 0

    def store(self, page: Fetched) -> None:
        """Store one page as ArchivePipeline.store does: WARC records, frontier, rows, batch commit."""
        item = page.item()
        self.archive.begin()
        location = write_exchange(self.warc, item)
        self.archive.queue(self.crawl_id, item.discovered)
        self.recorder.store(item, location)
        self.archive.done(self.crawl_id, item.url)
        self.pending += 1
        if self.pending >= BATCH_SIZE:
            self.flush("running", None)

    def flush(self, status: str, finished_at: str | None) -> None:
        self.warc.flush()
        self.archive.commit()
        self.archive.finish_crawl(self.crawl_id, status, self.recorder.counts, finished_at)
        self.pending = 0

    def finish(self) -> None:
        """End the run as the pipeline does when the spider closes."""
        self.flush("finished", now_iso())
        self.archive.clear_frontier(self.crawl_id)
        self.warc.close()
        self.archive.close()


def store_forever(pages: list[Fetched], base: str, work: Path) -> None:
    """Store all the pages into a fresh archive, round after round, printing the count after each."""
    done, round_ = 0, 0
    while True:
        run = StorageRun(work / f"round-{round_:03d}", base)
        for page in pages:
            run.store(page)
            done += 1
            print(done, flush=True)
        run.finish()
        round_ += 1


def main(argv: list[str]) -> int:
    article_urls = Path(argv[0]).read_text().split()
    work = Path(argv[1])
    base = article_urls[0].split("/news/", 1)[0] + "/"
    pages = prepare(site_urls(base, article_urls), article_urls)
    store_forever(pages, base, work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
