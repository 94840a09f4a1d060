"""Crawl targets from the command line: a homepage URL, or a source named in archiver.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ConfigError
from .target import CrawlTarget


def looks_like_url(text: str) -> bool:
    """Tell whether TARGET was meant as a URL rather than a source name."""
    return "://" in text or text.startswith("www.") or "/" in text


def resolve_target(target: str, config: Path, max_pages: int = 0) -> CrawlTarget:
    """Give the crawl target for TARGET: a URL as is, a name from the sources config."""
    if looks_like_url(target):
        return CrawlTarget.from_url(target, max_pages)
    sources = load_sources(config)
    if target not in sources:
        known = ", ".join(sorted(sources)) or "none configured"
        raise ConfigError(f"unknown source {target!r} (known: {known})", "give a homepage URL or add the source")
    return sources[target]


def load_sources(config: Path) -> dict[str, CrawlTarget]:
    """Give the sources of the config file by name (empty when the file does not exist)."""
    if not config.exists():
        return {}
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config} is not valid TOML: {exc}", "fix the file") from None
    return {name: source_target(name, spec) for name, spec in data.get("sources", {}).items()}


def source_target(name: str, spec: dict) -> CrawlTarget:
    """Give the crawl target of one [sources.NAME] table."""
    if not isinstance(spec, dict) or "url" not in spec:
        raise ConfigError(f"sources.{name}.url is missing", "give the source's homepage URL")
    base = CrawlTarget.from_url(spec["url"], int(spec.get("max_pages", 0)))
    return CrawlTarget(
        name=name, start_urls=base.start_urls + tuple(spec.get("start_urls", ())),
        sitemaps=tuple(spec.get("sitemaps", ())), feeds=tuple(spec.get("feeds", ())),
        hosts=tuple(spec.get("hosts", ())), include=tuple(spec.get("include", ())),
        exclude=tuple(spec.get("exclude", ())), max_pages=base.max_pages, config=dict(spec),
    )
