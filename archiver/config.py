"""The sources config (archiver.toml): load and validate it, give crawl targets, edit it in place.

The file is the source of truth for sources and their cron schedules. A mistake is reported as
one ConfigError naming the key (`sources.courier.delay: ...`) and what is wrong with it.
Edits (`sources add`, `sources remove`, `schedule set`) change only the lines of one source, so
comments and layout elsewhere survive, and every edit is checked by parsing the result back.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from croniter import croniter

from archiver.errors import ConfigError
from archiver.extract.urls import Scope, check_start_url, host_of

NAME = re.compile(r"^[A-Za-z0-9_-]+$")
TOP_LEVEL_KEYS = ("sources",)
LIST_KEYS = (
    "start_urls",
    "sitemaps",
    "feeds",
    "hosts",
    "include",
    "exclude",
    "article_urls",
    "not_article_urls",
    "widget_hosts",
)
SOURCE_KEYS = ("url",) + LIST_KEYS + ("concurrency", "delay", "max_pages", "revisit", "schedule", "enabled", "render")
HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")


DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
POLICY_KEYS = ("new_days", "new_every", "old_every")


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
    def from_dict(cls, data: object, key: str = "revisit") -> RevisitPolicy:
        """Give the policy of a `revisit` table; ConfigError naming the key at fault."""
        if not isinstance(data, dict):
            raise ConfigError(f'{key}: must be a table like {{new_days = 2, new_every = "1h", old_every = "7d"}}')
        unknown = sorted(set(data) - set(POLICY_KEYS))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}: unknown key", f"known: {', '.join(POLICY_KEYS)}")
        days = data.get("new_days", 2)
        if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
            raise ConfigError(f"{key}.new_days: {days!r} is not a number of days >= 0")
        return cls(
            days,
            parse_duration(data.get("new_every", "1h"), f"{key}.new_every"),
            parse_duration(data.get("old_every", "7d"), f"{key}.old_every"),
        )


CRON_HELP = 'e.g. "0 * * * *" (hourly), "30 6 * * *" (daily at 06:30 UTC) or "@daily"'


def check_cron(expression: object, key: str = "schedule") -> str:
    """Give the cron expression unchanged when croniter accepts it; ConfigError naming `key` otherwise."""
    if not isinstance(expression, str) or not expression.strip():
        raise ConfigError(f"{key}: must be a cron expression string", CRON_HELP)
    expression = expression.strip()
    if not croniter.is_valid(expression):
        raise ConfigError(f"{key}: {expression!r} is not a valid cron expression", CRON_HELP)
    return expression


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
    # Render articles whose comments a widget loads (crawl/render.py); the browser may reach the
    # source's hosts and these widget hosts only.
    render: bool = False
    widget_hosts: tuple[str, ...] = ()
    # URL regexes that make a page an article, or not one, whatever else it shows (crawl/classify.py).
    article_urls: tuple[str, ...] = ()
    not_article_urls: tuple[str, ...] = ()
    config: dict = field(default_factory=dict, compare=False)
    # Scrapy settings of this source (concurrency, delay, revisit policy), under --set overrides.
    settings: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_url(cls, url: str, max_pages: int = 0) -> CrawlTarget:
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


@dataclass(frozen=True)
class SourceConfig:
    """One validated [sources.NAME] table."""

    name: str
    url: str
    start_urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # URL regexes that make a page an article, or not one, whatever else it shows
    article_urls: tuple[str, ...] = ()
    not_article_urls: tuple[str, ...] = ()
    concurrency: int | None = None
    delay: float | None = None
    max_pages: int = 0
    revisit: RevisitPolicy | None = None
    schedule: str | None = None
    enabled: bool = True
    render: bool = False
    widget_hosts: tuple[str, ...] = ()
    spec: tuple[tuple[str, object], ...] = ()

    def settings(self) -> dict:
        """Give the Scrapy settings this source asks for."""
        settings = {}
        if self.concurrency is not None:
            settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.concurrency
        if self.delay is not None:
            settings["DOWNLOAD_DELAY"] = self.delay
        if self.revisit is not None:
            settings["ARCHIVER_REVISIT"] = dict(self.spec).get("revisit")
        return settings

    def target(self, max_pages: int = 0) -> CrawlTarget:
        """Give the crawl target of this source (`max_pages` overrides the configured limit)."""
        return CrawlTarget(
            name=self.name,
            start_urls=(self.url,) + self.start_urls,
            sitemaps=self.sitemaps,
            feeds=self.feeds,
            hosts=self.hosts,
            include=self.include,
            exclude=self.exclude,
            max_pages=max_pages or self.max_pages,
            render=self.render,
            widget_hosts=self.widget_hosts,
            article_urls=self.article_urls,
            not_article_urls=self.not_article_urls,
            config=dict(self.spec),
            settings=self.settings(),
        )


# -- loading ---------------------------------------------------------------------------------


def looks_like_url(text: str) -> bool:
    """Tell whether TARGET was meant as a URL rather than a source name."""
    return "://" in text or text.startswith("www.") or "/" in text


def resolve_target(target: str, config: Path, max_pages: int = 0) -> CrawlTarget:
    """Give the crawl target for TARGET: a URL as is, a name from the sources config."""
    if looks_like_url(target):
        return CrawlTarget.from_url(target, max_pages)
    return find_source(load_config(config), target).target(max_pages)


def find_source(sources: dict[str, SourceConfig], name: str) -> SourceConfig:
    """Give the source named `name`; ConfigError listing the known names otherwise."""
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none configured"
        raise ConfigError(
            f"unknown source {name!r} (known: {known})",
            "give a homepage URL or add the source with `archiver sources add`",
        )
    return sources[name]


def load_config(config: Path) -> dict[str, SourceConfig]:
    """Give the validated sources of the config file by name (empty when the file does not exist)."""
    data = read_toml(config)
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(f"{config}: {unknown[0]}: unknown key", "sources go in [sources.NAME] tables")
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        raise ConfigError(f"{config}: sources: must be a table of [sources.NAME] tables")
    return {name: source_config(name, spec) for name, spec in sources.items()}


def read_toml(config: Path) -> dict:
    """Give the parsed TOML of `config`, {} when absent; ConfigError with the line when invalid."""
    if not config.exists():
        return {}
    try:
        return tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config} is not valid TOML: {exc}", "fix the file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {config}: {exc}", "check the --config path") from None


def source_config(name: str, spec: object) -> SourceConfig:
    """Give the validated source of one [sources.NAME] table; ConfigError naming the key at fault."""
    key = f"sources.{name}"
    if not NAME.match(name):
        raise ConfigError(f"{key}: a source name may only hold letters, digits, '-' and '_'")
    if not isinstance(spec, dict):
        raise ConfigError(f'{key}: must be a table with at least url = "https://..."')
    unknown = sorted(set(spec) - set(SOURCE_KEYS))
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}: unknown key", f"known: {', '.join(SOURCE_KEYS)}")
    if "url" not in spec:
        raise ConfigError(f"{key}.url is missing", "give the source's homepage URL")
    lists = {k: string_list(spec.get(k, []), f"{key}.{k}") for k in LIST_KEYS}
    return SourceConfig(
        name=name,
        url=url_value(spec["url"], f"{key}.url"),
        **{k: tuple(url_value(u, f"{key}.{k}") for u in lists[k]) for k in ("start_urls", "sitemaps", "feeds")},
        hosts=lists["hosts"],
        include=patterns(lists["include"], f"{key}.include"),
        exclude=patterns(lists["exclude"], f"{key}.exclude"),
        article_urls=patterns(lists["article_urls"], f"{key}.article_urls"),
        not_article_urls=patterns(lists["not_article_urls"], f"{key}.not_article_urls"),
        concurrency=optional_int(spec.get("concurrency"), f"{key}.concurrency", 1),
        delay=optional_number(spec.get("delay"), f"{key}.delay"),
        max_pages=optional_int(spec.get("max_pages"), f"{key}.max_pages", 0) or 0,
        revisit=RevisitPolicy.from_dict(spec["revisit"], f"{key}.revisit") if "revisit" in spec else None,
        schedule=check_cron(spec["schedule"], f"{key}.schedule") if "schedule" in spec else None,
        enabled=boolean(spec.get("enabled", True), f"{key}.enabled"),
        render=boolean(spec.get("render", False), f"{key}.render"),
        widget_hosts=tuple(h.strip().lower() for h in lists["widget_hosts"]),
        spec=tuple(sorted(spec.items())),
    )


def url_value(value: object, key: str) -> str:
    """Give an absolute http(s) URL; ConfigError naming `key` otherwise."""
    if not isinstance(value, str):
        raise ConfigError(f"{key}: {value!r} is not a URL string")
    try:
        return check_start_url(value)
    except ConfigError:
        raise ConfigError(f"{key}: {value!r} is not an absolute http:// or https:// URL") from None


def string_list(value: object, key: str) -> tuple[str, ...]:
    """Give a list of strings as a tuple; ConfigError naming `key` otherwise."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{key}: must be a list of strings, like ["..."]')
    return tuple(value)


def patterns(values: tuple[str, ...], key: str) -> tuple[str, ...]:
    """Give the URL regexes unchanged when they compile; ConfigError naming `key` otherwise."""
    for value in values:
        try:
            re.compile(value)
        except re.error as exc:
            raise ConfigError(f"{key}: {value!r} is not a valid regular expression ({exc})") from None
    return values


def optional_int(value: object, key: str, minimum: int) -> int | None:
    """Give an integer >= `minimum`, or None when absent; ConfigError naming `key` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{key}: {value!r} is not a whole number >= {minimum}")
    return value


def optional_number(value: object, key: str) -> float | None:
    """Give a number of seconds >= 0, or None when absent; ConfigError naming `key` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{key}: {value!r} is not a number of seconds >= 0")
    return float(value)


def boolean(value: object, key: str) -> bool:
    """Give a TOML boolean; ConfigError naming `key` otherwise."""
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: {value!r} is not true or false")
    return value


def revisit_option(text: str) -> dict:
    """Give the revisit table written on the command line as "new_days=2,new_every=1h,old_every=7d"."""
    table = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(
                f"--revisit: {pair!r} is not KEY=VALUE", 'e.g. --revisit "new_days=2,new_every=1h,old_every=7d"'
            )
        table[key.strip()] = number(value) if key.strip() == "new_days" and is_number(value) else value.strip()
    return table


def number(text: str) -> int | float:
    """Give a number written on the command line, whole when it is."""
    value = float(text)
    return int(value) if value.is_integer() else value


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spec_from_options(url: str, **options) -> dict:
    """Give the [sources.NAME] table for `sources add` options (unset options left out)."""
    spec: dict = {"url": url}
    spec.update({k: list(v) for k, v in options.items() if k in LIST_KEYS and v})
    spec.update(
        {k: v for k, v in options.items() if k in ("concurrency", "delay", "max_pages", "schedule") and v is not None}
    )
    if options.get("revisit"):
        spec["revisit"] = revisit_option(options["revisit"])
    if options.get("enabled") is False:
        spec["enabled"] = False
    return spec


def show_lines(source: SourceConfig) -> list[str]:
    """Give the lines of `sources show`: every key as configured, then the Scrapy settings it makes."""
    spec = dict(source.spec)
    lines = [f"[sources.{source.name}]"] + [f"{k} = {toml_value(spec[k])}" for k in SOURCE_KEYS if k in spec]
    lines += [f"# Scrapy setting {k} = {v}" for k, v in sorted(source.settings().items())]
    return lines


# -- editing ---------------------------------------------------------------------------------


def toml_value(value: object) -> str:
    """Give `value` (string, number, boolean, list or table of those) written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise ConfigError(f"cannot write {value!r} as TOML")


def source_block(name: str, spec: dict) -> str:
    """Give the [sources.NAME] table for `spec`, keys in the documented order."""
    lines = [f"[sources.{name}]"]
    lines += [f"{k} = {toml_value(spec[k])}" for k in SOURCE_KEYS if k in spec]
    return "\n".join(lines) + "\n"


def add_source(config: Path, name: str, spec: dict) -> SourceConfig:
    """Append the source `name` to the config file (created if absent) and give it validated."""
    source = source_config(name, spec)
    if name in load_config(config):
        raise ConfigError(
            f"source {name!r} already exists in {config}",
            "remove it first with `archiver sources remove` or edit the file",
        )
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    separator = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    write_checked(config, text + separator + source_block(name, spec), name, source)
    return source


def remove_source(config: Path, name: str) -> None:
    """Remove the [sources.NAME] table (and its sub-tables) from the config file."""
    find_source(load_config(config), name)
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = block_span(lines, name)
    write_checked(config, "".join(lines[:start] + lines[end:]).rstrip("\n") + "\n", name, None)


def set_schedule(config: Path, name: str, cron: str) -> SourceConfig:
    """Write `schedule = "CRON"` into the source's table and give the source as it now reads."""
    cron = check_cron(cron, f"sources.{name}.schedule")
    source = find_source(load_config(config), name)
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = block_span(lines, name)
    keys = [i for i in range(start + 1, end) if re.match(r"^\s*schedule\s*=", lines[i])]
    new_line = f"schedule = {toml_value(cron)}\n"
    if keys:
        lines[keys[0]] = new_line
    else:
        lines.insert(own_keys_end(lines, start, end), new_line)
    spec = dict(source.spec) | {"schedule": cron}
    return write_checked(config, "".join(lines), name, source_config(name, spec))


def block_span(lines: list[str], name: str) -> tuple[int, int]:
    """Give the line range of [sources.NAME] with its sub-tables; ConfigError when it is not written so."""
    headers = [(i, table_path(m.group(1))) for i, line in enumerate(lines) if (m := HEADER.match(line))]
    mine = [i for i, path in headers if path[:2] == ["sources", name]]
    if not mine or table_path_at(headers, mine[0]) != ["sources", name]:
        raise ConfigError(f"source {name!r} is not written as a [sources.{name}] table", "edit the config file by hand")
    after = [i for i, path in headers if i > mine[0] and path[:2] != ["sources", name]]
    return mine[0], after[0] if after else len(lines)


def table_path(header: str) -> list[str]:
    """Give the dotted path of a table header, quotes removed."""
    return [part.strip().strip('"').strip("'") for part in header.split(".")]


def table_path_at(headers: list[tuple[int, list[str]]], index: int) -> list[str]:
    """Give the path of the header on line `index`."""
    return next(path for i, path in headers if i == index)


def own_keys_end(lines: list[str], start: int, end: int) -> int:
    """Give the line after the last key of the table itself (before any sub-table or blank tail)."""
    stop = next((i for i in range(start + 1, end) if HEADER.match(lines[i])), end)
    while stop > start + 1 and not lines[stop - 1].strip():
        stop -= 1
    return stop


def write_checked(config: Path, text: str, name: str, expected: SourceConfig | None) -> SourceConfig | None:
    """Write the edited config after checking that it parses to what the edit meant."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"editing {config} would break it ({exc})", "edit the file by hand") from None
    now = data.get("sources", {}).get(name)
    got = source_config(name, now) if now is not None else None
    others = {k: v for k, v in data.get("sources", {}).items() if k != name}
    if got != expected or others != {k: v for k, v in read_toml(config).get("sources", {}).items() if k != name}:
        raise ConfigError(f"cannot edit source {name!r} in {config} automatically", "edit the file by hand")
    tmp = config.with_name(config.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(config)
    return got
