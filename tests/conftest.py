"""Shared fixtures: the demo site over real HTTP, a crawled archive, a served archive (helpers: tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CHROMIUM_ARGS, require, run_cli, served


@pytest.fixture(scope="session")
def demo_site():
    """The bundled demo news site, served over real HTTP on 127.0.0.1 for the whole session."""
    from archiver.demo import serve_demo

    with serve_demo() as server:
        yield server


@pytest.fixture(scope="session")
def crawled_archive(demo_site, tmp_path_factory) -> Path:
    """An archive made by `archiver crawl` of the demo site (shared by read-only tests)."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    result = run_cli("crawl", demo_site.url, "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def served_archive(crawled_archive):
    """A running `archiver serve` over the crawled demo archive; gives its base URL."""
    with served(crawled_archive) as server:
        yield server.base


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download), for one test module."""
    chromium = require("/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
