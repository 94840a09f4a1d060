"""The revisit policy: recheck new articles often and old ones rarely, by age.

`revisit = {new_days = 2, new_every = "1h", old_every = "7d"}` in a source means: an article
first seen less than `new_days` days ago is fetched again at most every `new_every`, an older
one at most every `old_every`. Pages that are not known articles (homepages, sections, feeds)
are always fetched. `RevisitMiddleware` drops article requests that are not due with
IgnoreRequest("revisit policy: ..."), which the spider records as a skip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured

from archiver.config import RevisitPolicy
from archiver.crawl.middlewares import READER_CACHE_MB
from archiver.extract.timeutil import utc_now
from archiver.store import Archive
from archiver.store.seen import ArticleSeen, article_seen

NOT_DUE_NEW = "revisit policy: new article not due"
NOT_DUE_OLD = "revisit policy: old article not due"


def not_due_reason(seen: ArticleSeen | None, now: datetime, policy: RevisitPolicy) -> str | None:
    """Give why the article seen as `seen` should not be fetched at `now`; None when it is due
    (or is not a known article)."""
    if seen is None:
        return None
    first, last = datetime.fromisoformat(seen.first_seen), datetime.fromisoformat(seen.last_seen)
    young = now - first < timedelta(days=policy.new_days)
    every = policy.new_every if young else policy.old_every
    if now - last >= every:
        return None
    return NOT_DUE_NEW if young else NOT_DUE_OLD


class RevisitMiddleware:
    """Drop requests for known articles that the source's revisit policy says are not due yet."""

    def __init__(self, db_path: Path, policy: RevisitPolicy, clock: Callable[[], datetime] = utc_now):
        self.db_path = db_path
        self.policy = policy
        self.clock = clock
        self._archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler):
        data = crawler.settings.getdict("ARCHIVER_REVISIT")
        if not data:
            raise NotConfigured  # no revisit policy: quietly off (a message would be logged as a warning)
        return cls(Path(crawler.settings.get("ARCHIVER_DB")), RevisitPolicy.from_dict(data, "ARCHIVER_REVISIT"))

    def process_request(self, request):
        # Start pages (depth 0) are always fetched: they are how new articles are found.
        if request.meta.get("kind") != "page" or not request.meta.get("page_depth"):
            return None
        if self._archive is None and self.db_path.exists():
            self._archive = Archive(self.db_path)
            self._archive.limit_cache(READER_CACHE_MB)
        seen = article_seen(self._archive.conn, request.url) if self._archive else None
        reason = not_due_reason(seen, self.clock(), self.policy)
        if reason:
            raise IgnoreRequest(reason)
        return None

    def close_spider(self) -> None:
        if self._archive is not None:
            self._archive.close()
