"""Health of a source's runs: counts and field completeness per crawl, and flags for sharp drops.

`source_health(conn, source)` gives one `RunHealth` per crawl of a source, newest first, each
compared with the median of the finished runs before it. Flags:

* "no articles": the run met no article at all (new, changed, unchanged, 304 or left alone by
  the revisit policy) where earlier runs did: a redesign or a block;
* "no new articles": none new where earlier runs usually found 3 or more;
* "bodies collapsed": the stored bodies are less than half as long as usual, or far fewer
  reach 500 characters;
* "dates missing" / "authors missing": the share of stored articles with a published date / an
  author fell to less than half of what it usually is;
* "errors up": most fetches failed where they usually did not.

Completeness is measured over the articles the run stored (new or changed versions).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from statistics import median

LONG_BODY = 500
BASELINE_RUNS = 10
MIN_SAMPLE = 3


@dataclass(frozen=True)
class RunStats:
    """What one crawl of a source did, and how complete the articles it stored are."""

    crawl_id: int
    source: str
    started_at: str
    finished_at: str | None
    status: str
    discovered: int = 0
    fetched: int = 0
    not_modified: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    revisit_skipped: int = 0
    errors: int = 0
    stored: int = 0
    with_date: int = 0
    with_author: int = 0
    long_bodies: int = 0
    mean_body: float | None = None
    message: str | None = None

    @property
    def archived(self) -> int:
        """Articles stored by the run (new or changed versions)."""
        return self.articles_new + self.articles_changed

    @property
    def articles_met(self) -> int:
        """Known or new articles the run met, fetched or not."""
        return self.archived + self.articles_unchanged + self.not_modified + self.revisit_skipped

    def share(self, count: int) -> float | None:
        """Give count / stored, or None when the run stored too few articles to tell."""
        return count / self.stored if self.stored >= MIN_SAMPLE else None

    @property
    def error_share(self) -> float:
        return self.errors / (self.fetched + self.errors) if self.fetched + self.errors else 0.0


@dataclass(frozen=True)
class RunHealth:
    """One run with its completeness and its flags; `to_row()` gives a dict for templates."""

    run: RunStats
    date_share: float | None
    author_share: float | None
    long_share: float | None
    flags: tuple[str, ...]

    def to_row(self) -> dict:
        """Give the run as a flat dict: counts, completeness shares and a comma-separated flags string."""
        row = asdict(self.run)
        row.update(
            archived=self.run.archived,
            date_share=self.date_share,
            author_share=self.author_share,
            long_share=self.long_share,
            flags=", ".join(self.flags),
        )
        return row


def middle(values: list[float]) -> float | None:
    """Give the median of the values, or None when there are none."""
    return median(values) if values else None


def shares(run: RunStats) -> tuple[float | None, float | None, float | None]:
    """Give the run's shares of stored articles with a date, with an author, with a long body."""
    return run.share(run.with_date), run.share(run.with_author), run.share(run.long_bodies)


def dropped(value: float | None, usual: float | None, floor: float = 0.3) -> bool:
    """Tell whether `value` fell below half of a `usual` level that was at least `floor`."""
    return value is not None and usual is not None and usual >= floor and value < usual / 2


def run_flags(run: RunStats, previous: list[RunStats]) -> tuple[str, ...]:
    """Give the health flags of `run` against the median of the finished runs in `previous`."""
    if run.status != "finished":
        return ()
    base = [p for p in previous if p.status == "finished"][:BASELINE_RUNS]
    if not base:
        return ()
    sampled = [p for p in base if p.stored >= MIN_SAMPLE]
    usual = [middle([s[i] for s in map(shares, sampled)]) for i in range(3)]
    date, author, long_ = shares(run)
    checks = (
        ("no articles", run.articles_met == 0 and middle([p.articles_met for p in base]) > 0),
        # Three runs at least, so that a source's first full harvest is not taken as usual.
        ("no new articles", run.articles_new == 0 and len(base) >= 3 and middle([p.articles_new for p in base]) >= 3),
        (
            "bodies collapsed",
            dropped(run.mean_body if run.stored >= MIN_SAMPLE else None, middle([p.mean_body for p in sampled]), 1)
            or dropped(long_, usual[2]),
        ),
        ("dates missing", dropped(date, usual[0])),
        ("authors missing", dropped(author, usual[1])),
        ("errors up", run.error_share >= 0.5 and middle([p.error_share for p in base]) < 0.25),
    )
    return tuple(name for name, hit in checks if hit)


def assess(runs: list[RunStats]) -> list[RunHealth]:
    """Give the health of each run (newest first), each judged against the runs before it."""
    return [RunHealth(run, *shares(run), run_flags(run, runs[i + 1 :])) for i, run in enumerate(runs)]


# Captures first (CROSS JOIN keeps that order): the planner may judge the index on versions' capture_id
# useless (an archive whose versions have no capture) and read every version body once per run.
STATS_SQL = """
SELECT c.id, s.name, c.started_at, c.finished_at, c.status, c.discovered, c.fetched, c.not_modified,
       c.articles_new, c.articles_changed, c.articles_unchanged, c.errors, c.message, c.skipped_reasons,
       (SELECT count(*) FROM captures p CROSS JOIN article_versions v ON v.capture_id = p.id WHERE p.crawl_id = c.id),
       (SELECT count(*) FROM captures p CROSS JOIN article_versions v ON v.capture_id = p.id
         WHERE p.crawl_id = c.id AND coalesce(v.published, '') != ''),
       (SELECT count(*) FROM captures p CROSS JOIN article_versions v ON v.capture_id = p.id
         WHERE p.crawl_id = c.id AND coalesce(v.authors, '[]') NOT IN ('', '[]')),
       (SELECT count(*) FROM captures p CROSS JOIN article_versions v ON v.capture_id = p.id
         WHERE p.crawl_id = c.id AND length(v.body) >= :long),
       (SELECT avg(length(coalesce(v.body, ''))) FROM captures p CROSS JOIN article_versions v ON v.capture_id = p.id
         WHERE p.crawl_id = c.id)
FROM crawls c JOIN sources s ON s.id = c.source_id
WHERE s.name = :source
ORDER BY c.id DESC LIMIT :limit
"""


def revisit_skips(skipped_reasons: str | None) -> int:
    """Give how many URLs the revisit policy left alone, from a crawls.skipped_reasons blob."""
    reasons = json.loads(skipped_reasons or "{}")
    return sum(n for reason, n in reasons.items() if "revisit policy" in reason)


def run_stats(conn: sqlite3.Connection, source: str, limit: int) -> list[RunStats]:
    """Give the stats of the newest `limit` crawls of a source, newest first."""
    rows = conn.execute(STATS_SQL, {"source": source, "limit": limit, "long": LONG_BODY}).fetchall()
    return [
        RunStats(
            *row[:11],
            revisit_skipped=revisit_skips(row[13]),
            errors=row[11],
            message=row[12],
            stored=row[14],
            with_date=row[15],
            with_author=row[16],
            long_bodies=row[17],
            mean_body=row[18],
        )
        for row in rows
    ]


def source_health(conn: sqlite3.Connection, source: str, limit: int = 30) -> list[RunHealth]:
    """Give the health of the newest `limit` runs of the source named `source`, newest first
    (runs the scheduler skipped included, with no flags)."""
    runs = run_stats(conn, source, limit + BASELINE_RUNS)
    return assess(runs)[:limit]


@dataclass(frozen=True)
class CommentsCoverage:
    """How a source's archived articles stand on reader comments: articles per comments status
    (archiver/extract/widgets.py) and, of those whose widget was not captured, per widget."""

    source: str
    by_state: dict[str, int]
    uncaptured_widgets: dict[str, int]

    @property
    def uncaptured(self) -> int:
        """Articles whose comments exist elsewhere (a widget, a declared count) but are not archived."""
        return self.by_state.get("widget", 0) + self.by_state.get("not_captured", 0)

    def lines(self) -> list[str]:
        """Give the figures as sentences, e.g. "412 articles with widget-loaded comments not captured"."""
        widgets = ", ".join(f"{name} {n}" for name, n in sorted(self.uncaptured_widgets.items(), key=lambda p: -p[1]))
        texts = (
            ("present", "with comments in their HTML"),
            ("rendered", "with widget-loaded comments captured by rendering"),
            ("widget", f"with widget-loaded comments not captured ({widgets})"),
            ("not_captured", "with comments the page declares but that are not captured"),
            ("closed", "with comments closed"),
            ("none", "with no comments"),
        )
        return [f"{self.by_state[state]} articles {text}" for state, text in texts if self.by_state.get(state)]


COVERAGE_SQL = """
SELECT coalesce(a.comments_status, 'unknown'), a.comments_widget, count(*) FROM articles a
JOIN sources s ON s.id = a.source_id WHERE s.name = ? GROUP BY 1, 2
"""


def comments_coverage(conn: sqlite3.Connection, source: str) -> CommentsCoverage:
    """Give the comments coverage of the source named `source` over its archived articles."""
    by_state: dict[str, int] = {}
    widgets: dict[str, int] = {}
    for state, widget, count in conn.execute(COVERAGE_SQL, (source,)):
        by_state[state] = by_state.get(state, 0) + count
        if state == "widget":
            widgets[widget or "unknown"] = widgets.get(widget or "unknown", 0) + count
    return CommentsCoverage(source, by_state, widgets)
