"""Exports as a user clicks them in headless Chromium: a filtered table page's action, the search page's
spreadsheet-safe checkbox, the article page's Download link; each equals `archiver export`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .helpers import run_cli, served
from .test_exports import FORMULAS, build_export_archive

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    return build_export_archive(tmp_path_factory.mktemp("export-browser") / "archive.db")


@pytest.fixture(scope="module")
def site(archive_db):
    with served(archive_db) as server:
        yield server.base


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    yield context.new_page()
    context.close()


def cli_bytes(db: Path, tmp_path: Path, *args: str) -> bytes:
    """Give the bytes `archiver export ARGS` writes to a file."""
    out = tmp_path / "cli.out"
    result = run_cli("export", *args, "--db", str(db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def download(page, click) -> bytes:
    """Give the bytes of the download that `click()` starts."""
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def test_the_filtered_table_pages_export_action_downloads_only_the_rows_shown(page, site, archive_db, tmp_path):
    page.goto(site + "/archive/articles?published__date=2026-01-23")
    assert "1 row" in page.locator("h3").first.inner_text()
    page.click("details.actions-menu-links summary")
    data = download(page, lambda: page.get_by_text("Export these articles as CSV (archiver export").click())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r["url"] for r in rows] == ["https://daily.example/politics/vote"]
    assert data == cli_bytes(archive_db, tmp_path, "articles", "--since", "2026-01-23", "--until", "2026-01-23")


def test_the_author_facet_is_carried_into_the_export(page, site, archive_db, tmp_path):
    page.goto(site + "/archive/articles?_facet_array=authors")
    page.locator(".facet-info a", has_text="Bo Reporter").first.click()
    page.wait_for_url("**authors__arraycontains=**")
    page.click("details.actions-menu-links summary")
    data = download(page, lambda: page.get_by_text("Export these articles as CSV (archiver export").click())
    assert data == cli_bytes(archive_db, tmp_path, "articles", "--author", "Bo Reporter") and data.count(b"\r\n") == 3


def test_the_search_pages_spreadsheet_safe_checkbox(page, site, archive_db, tmp_path):
    page.goto(site + "/archive/-/search?q=plain+OR+SUM+OR+HYPERLINK+OR+TAB&commenter=Eve")
    page.check("form:has(button.download-comments) input.excel-safe")
    data = download(page, lambda: page.click("button.download-comments"))
    assert data == cli_bytes(
        archive_db,
        tmp_path,
        "comments",
        "--author",
        "Eve",
        "--search",
        "plain OR SUM OR HYPERLINK OR TAB",
        "--excel-safe",
    )
    texts = [r["text"] for r in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))]
    assert texts and all(not t.startswith(("=", "+", "-", "@", "\t")) for t in texts)
    assert "'" + FORMULAS[0] in texts


def test_the_article_pages_download_link_gives_the_article_as_json(page, site, archive_db, tmp_path):
    page.goto(site + "/archive/-/article/1")
    data = download(page, lambda: page.click("a.download-article"))
    assert data == cli_bytes(archive_db, tmp_path, "article", "1")
    comments = download(page, lambda: page.click("a.download-comments"))
    assert comments == cli_bytes(archive_db, tmp_path, "comments", "--article", "1")
