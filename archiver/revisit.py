"""The revisit policy: recheck new articles often and old ones rarely, by age.

`revisit = {new_days = 2, new_every = "1h", old_every = "7d"}` in a source means: an article
first seen less than `new_days` days ago is fetched again at most every `new_every`, an older
one at most every `old_every`. Pages that are not known articles (homepages, sections, feeds)
are always fetched. `RevisitMiddleware` drops article requests that are not due with
IgnoreRequest("revisit policy: ..."), which the spider records as a skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from scrapy.exceptions import IgnoreRequest, NotConfigured

from .errors import ConfigError
from .store import Archive
from .store.seen import ArticleSeen, article_seen

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
POLICY_KEYS = ("new_days", "new_every", "old_every")
NOT_DUE_NEW = "revisit policy: new article not due"
NOT_DUE_OLD = "revisit policy: old article not due"


def parse_duration(text: object, key: str) -> timedelta:
    """Give the duration written as "90s", "15m", "1h", "7d" or "2w"; ConfigError naming `key` otherwise."""
    match = DURATION.match(text) if isinstance(text, str) else None
    if not match:
        raise ConfigError(f"{key}: {text!r} is not a duration", 'write it as "30m", "1h", "7d" or "2w"')
    return timedelta(seconds=float(match.group(1)) * UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True)
class RevisitPolicy:
    """How often known articles are fetched again: young ones every `new_every`, old ones every `old_every`."""

    new_days: float
    new_every: timedelta
    old_every: timedelta

    @classmethod
    def from_dict(cls, data: object, key: str = "revisit") -> "RevisitPolicy":
        """Give the policy of a `revisit` table; ConfigError naming the key at fault."""
        if not isinstance(data, dict):
            raise ConfigError(f"{key}: must be a table like {{new_days = 2, new_every = \"1h\", old_every = \"7d\"}}")
        unknown = sorted(set(data) - set(POLICY_KEYS))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}: unknown key", f"known: {', '.join(POLICY_KEYS)}")
        days = data.get("new_days", 2)
        if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
            raise ConfigError(f"{key}.new_days: {days!r} is not a number of days >= 0")
        return cls(days, parse_duration(data.get("new_every", "1h"), f"{key}.new_every"),
                   parse_duration(data.get("old_every", "7d"), f"{key}.old_every"))


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


def utc_now() -> datetime:
    """Give the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


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
        seen = article_seen(self._archive.conn, request.url) if self._archive else None
        reason = not_due_reason(seen, self.clock(), self.policy)
        if reason:
            raise IgnoreRequest(reason)
        return None

    def close_spider(self) -> None:
        if self._archive is not None:
            self._archive.close()
