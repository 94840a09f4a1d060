"""The archive pages in headless Chromium: highlighted search, facets, thread and diff, CSV, hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import ROOT, run_cli, served
from .test_datasette import build_archive

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("browser") / "archive.db")


@pytest.fixture(scope="module")
def site(archive_db):
    with served(archive_db) as server:
        yield server.base


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def shot(page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/ (untracked)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_and_search_highlight_article_and_comment(page, site):
    page.goto(site + "/")
    shot(page, "home")
    page.fill("input[name=q]", "trams")
    page.click("input[type=submit]")
    page.wait_for_selector(".archive-hits")
    assert page.locator(".hit-article mark").count() >= 1
    assert page.locator(".hit-comment mark").first.inner_text().lower() == "trams"
    shot(page, "search")


def test_facet_narrows_results(page, site):
    page.goto(site + "/archive/-/search?q=trams")
    before = page.locator(".archive-hits li").count()
    page.click(".facet-language a:text('de')")
    page.wait_for_selector(".facet-language .selected")
    after = page.locator(".archive-hits li").count()
    assert 0 < after < before
    assert "Strassenbahn" in page.locator(".archive-hits").inner_text()
    shot(page, "search-facet")


def test_article_thread_indented_and_version_diff(page, site):
    page.goto(site + "/archive/-/article/1")
    x = {d: page.locator(f".archive-comment.depth-{d}").first.bounding_box()["x"] for d in (0, 1, 2)}
    assert x[0] < x[1] < x[2]
    assert page.locator(".archive-comment.removed").count() == 1
    assert "second line for the autumn" in page.locator(".archive-diff .add").first.inner_text()
    shot(page, "article")
    page.goto(site + "/archive/-/source/1")
    assert page.locator("svg.time-chart circle").count() >= 1
    shot(page, "source")


def test_hostile_comment_shows_as_text_and_runs_nothing(page, site):
    for path in (
        "/archive/-/article/1",
        "/archive/-/article/2",
        "/archive/-/search?q=pwned",
        "/archive/-/search?q=evil",
        "/archive/comments",
    ):
        page.goto(site + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.dialogs == [], path
    page.goto(site + "/archive/-/article/1")
    assert "<script>window.__pwned = 1</script>" in page.locator("#comment-4").inner_text()


def test_csv_download_equals_archiver_export(page, site, archive_db, tmp_path):
    page.goto(site + "/archive/-/search?q=trams&source=daily")
    with page.expect_download() as info:
        page.click("a.export-comments")
    downloaded = Path(info.value.path()).read_bytes()
    out = tmp_path / "comments.csv"
    result = run_cli(
        "export", "comments", "--db", str(archive_db), "--search", "trams", "--source", "daily", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert downloaded == out.read_bytes() and b"Marvellous trams" in downloaded
