"""The sources config: validation naming the key, settings for Scrapy, edits that keep the file, the
revisit policy, and the `archiver sources` commands."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver.config import RevisitPolicy, add_source, load_config, remove_source, resolve_target, set_schedule
from archiver.crawl.revisit import NOT_DUE_NEW, NOT_DUE_OLD, not_due_reason
from archiver.errors import ConfigError
from archiver.store.seen import ArticleSeen

from .helpers import run_cli

GOOD = """# the outlets we follow
[sources.courier]
url = "https://courier.example.org/"   # front page
sitemaps = ["https://courier.example.org/news-sitemap.xml"]
hosts = ["static.courier.example.org"]
include = ["/20\\\\d\\\\d/"]
concurrency = 2
delay = 1.5
max_pages = 500
revisit = {new_days = 2, new_every = "1h", old_every = "7d"}
schedule = "0 * * * *"

[sources.gazette]
url = "https://gazette.example.net/"
enabled = false
"""


def config_with(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "archiver.toml"
    path.write_text(text)
    return path


def test_a_full_source_loads_with_its_scrapy_settings(tmp_path):
    sources = load_config(config_with(tmp_path, GOOD))
    courier = sources["courier"]
    assert courier.schedule == "0 * * * *" and sources["gazette"].enabled is False
    assert courier.revisit == RevisitPolicy(2, timedelta(hours=1), timedelta(days=7))
    target = resolve_target("courier", tmp_path / "archiver.toml")
    assert target.max_pages == 500 and target.include == ("/20\\d\\d/",)
    assert target.settings == {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 1.5,
        "ARCHIVER_REVISIT": {"new_days": 2, "new_every": "1h", "old_every": "7d"},
    }
    assert resolve_target("courier", tmp_path / "archiver.toml", max_pages=3).max_pages == 3


@pytest.mark.parametrize(
    "body, words",
    [
        ('[sources.a]\nurl = "https://a.example/"\nconcurency = 2\n', "sources.a.concurency: unknown key"),
        ('[sources.a]\nhosts = ["a"]\n', "sources.a.url is missing"),
        ('[sources.a]\nurl = "ftp://a.example/"\n', "sources.a.url: 'ftp://a.example/' is not an absolute"),
        ('[sources.a]\nurl = "https://a.example/"\ndelay = -1\n', "sources.a.delay: -1 is not a number"),
        (
            '[sources.a]\nurl = "https://a.example/"\nconcurrency = 0\n',
            "sources.a.concurrency: 0 is not a whole number",
        ),
        ('[sources.a]\nurl = "https://a.example/"\nmax_pages = "10"\n', "sources.a.max_pages"),
        ('[sources.a]\nurl = "https://a.example/"\ninclude = "/news/"\n', "sources.a.include: must be a list"),
        ('[sources.a]\nurl = "https://a.example/"\nexclude = ["(unclosed"]\n', "sources.a.exclude: '(unclosed'"),
        ('[sources.a]\nurl = "https://a.example/"\nschedule = "hourly"\n', "sources.a.schedule: 'hourly' is not"),
        ('[sources.a]\nurl = "https://a.example/"\nenabled = "yes"\n', "sources.a.enabled: 'yes' is not true"),
        (
            '[sources.a]\nurl = "https://a.example/"\nrevisit = {new_every = "soon"}\n',
            "sources.a.revisit.new_every: 'soon' is not a duration",
        ),
        ('[sources.a]\nurl = "https://a.example/"\nrevisit = {every = "1h"}\n', "sources.a.revisit.every: unknown key"),
        ('[source.a]\nurl = "https://a.example/"\n', "source: unknown key"),
        ('[sources.a]\nurl = "https://a.example/"\n[sources.a\n', "is not valid TOML"),
    ],
)
def test_a_mistake_gives_one_line_naming_the_key(tmp_path, body, words):
    config = config_with(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert words in str(info.value)


def test_a_bad_config_gives_one_line_and_exit_2_from_every_command(tmp_path):
    config = config_with(tmp_path, '[sources.a]\nurl = "https://a.example/"\ndelay = "slow"\n')
    for args in (("sources", "list"), ("schedule", "list"), ("crawl", "a"), ("scheduler", "--once")):
        result = run_cli(
            *args, "--config", str(config), *(() if args[0] == "sources" else ("--db", str(tmp_path / "a.db")))
        )
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.strip() == "Error: sources.a.delay: 'slow' is not a number of seconds >= 0"


def test_edits_change_one_source_and_keep_comments(tmp_path):
    config = config_with(tmp_path, GOOD)
    set_schedule(config, "gazette", "30 6 * * *")
    set_schedule(config, "courier", "*/15 * * * *")
    add_source(config, "ledger", {"url": "https://ledger.example.com/", "exclude": ["/live/"], "delay": 2.0})
    with pytest.raises(ConfigError, match="already exists"):
        add_source(config, "ledger", {"url": "https://ledger.example.com/"})
    remove_source(config, "gazette")
    text = config.read_text()
    assert "# the outlets we follow" in text and "# front page" in text
    sources = load_config(config)
    assert list(sources) == ["courier", "ledger"]
    assert sources["courier"].schedule == "*/15 * * * *" and sources["courier"].delay == 1.5
    assert sources["ledger"].exclude == ("/live/",)
    with pytest.raises(ConfigError, match="unknown source 'gazette'"):
        remove_source(config, "gazette")


def test_sources_commands(tmp_path):
    args = ("--config", str(tmp_path / "archiver.toml"))
    added = run_cli(
        "sources",
        "add",
        "courier",
        "https://courier.example.org/",
        "--feed",
        "https://courier.example.org/feed/",
        "--concurrency",
        "2",
        "--revisit",
        "new_days=2,new_every=1h,old_every=7d",
        "--schedule",
        "0 * * * *",
        *args,
    )
    assert added.returncode == 0, added.stderr
    assert "added source courier" in added.stdout
    listed = run_cli("sources", "list", *args)
    assert "courier  https://courier.example.org/  schedule: 0 * * * *  enabled" in listed.stdout
    shown = run_cli("sources", "show", "courier", *args)
    assert 'feeds = ["https://courier.example.org/feed/"]' in shown.stdout
    assert "CONCURRENT_REQUESTS_PER_DOMAIN = 2" in shown.stdout
    bad = run_cli("sources", "add", "gazette", "https://g.example/", "--revisit", "new_every=later", *args)
    assert bad.returncode == 2 and "sources.gazette.revisit.new_every" in bad.stderr
    assert run_cli("sources", "remove", "courier", *args).returncode == 0
    assert run_cli("sources", "list", *args).stdout == ""


def test_revisit_policy_is_by_age():
    policy = RevisitPolicy(2, timedelta(hours=1), timedelta(days=7))
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)

    def seen(first_days: float, last_hours: float) -> ArticleSeen:
        return ArticleSeen(
            (now - timedelta(days=first_days)).isoformat(), (now - timedelta(hours=last_hours)).isoformat()
        )

    assert not_due_reason(None, now, policy) is None  # not a known article
    assert not_due_reason(seen(1, 0.5), now, policy) == NOT_DUE_NEW
    assert not_due_reason(seen(1, 1), now, policy) is None
    assert not_due_reason(seen(30, 24), now, policy) == NOT_DUE_OLD
    assert not_due_reason(seen(30, 24 * 7), now, policy) is None


def test_a_recrawl_leaves_articles_that_are_not_due(demo_site, tmp_path):
    config = config_with(
        tmp_path,
        f'[sources.demo]\nurl = "{demo_site.url}"\nrevisit = {{new_days = 2, new_every = "1h", old_every = "7d"}}\n',
    )
    db = tmp_path / "archive.db"
    for _ in range(2):
        result = run_cli("crawl", "demo", "--config", str(config), "--db", str(db))
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        skipped, errors, reasons = conn.execute(
            "SELECT skipped, errors, skipped_reasons FROM crawls ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert errors == 0
    # every article of the demo (35, and the 2 whose comments the widget loads) is new and not due
    assert '"revisit policy: new article not due": 37' in reasons
