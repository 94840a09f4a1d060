"""Researchers' views on the demo archive (both editions crawled, the demo site still running): attention over
time with its CSV and manifest, sources side by side, links between rows, articles and captures, the capture
shown as archived, tables and canned queries; in Datasette over HTTP and in headless Chromium at 1280 and 390
pixels. Also the CLI's hints, 304s counted as unchanged, and a named source adopting a site's articles.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import urllib.parse
from pathlib import Path

import pytest

from .helpers import ROOT, run_cli, served
from .test_datasette import get

pytestmark = pytest.mark.xdist_group("research")
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (1280, 390)
# The demo site publishes nothing on these days (between 30 January and 2 February 2026).
EMPTY_DAYS = ("2026-01-31", "2026-02-01")


@pytest.fixture(scope="module")
def courier():
    """The demo site on its own server for this module (its editions are switched here)."""
    from archiver.demo import serve_demo

    with serve_demo() as server:
        yield server


@pytest.fixture(scope="module")
def demo_db(courier, tmp_path_factory) -> Path:
    """An archive of both editions of the demo site, crawled by `archiver crawl` as `archiver demo` does."""
    db = tmp_path_factory.mktemp("research") / "archive.db"
    first = run_cli("crawl", courier.url, "--db", str(db))
    assert first.returncode == 0, first.stderr
    courier.set_edition(2)
    second = run_cli("crawl", courier.url, "--db", str(db))
    assert second.returncode == 0, second.stderr
    courier.second_summary = second.stdout
    return db


@pytest.fixture(scope="module")
def base(demo_db):
    with served(demo_db) as server:
        yield server.base


def query(db: Path, sql: str, params=()) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def attention_url(base: str, pairs: list[tuple[str, str]], kind: str = "") -> str:
    return f"{base}/archive/-/attention{kind}?" + urllib.parse.urlencode(pairs)


# --- over HTTP -------------------------------------------------------------------------------------------


def test_a_recrawl_counts_304s_of_archived_articles_as_unchanged(demo_db, courier):
    # Edition 2 leaves all but a few articles byte for byte the same: the site answers 304 for them.
    unchanged = int(re.search(r"(\d+) unchanged", courier.second_summary).group(1))
    assert unchanged >= 30, courier.second_summary


def test_attention_csv_has_every_day_with_zeros_and_shares(base, demo_db):
    status, text = get(attention_url(base, [("kind", "articles")], ".csv"))
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    days = [r["period_start"] for r in rows]
    assert days == sorted(days) and len(days) == len(set(days))
    first, last = query(demo_db, "SELECT min(substr(published,1,10)), max(substr(published,1,10)) FROM articles")[0]
    assert days[0] == first and days[-1] == last
    from datetime import date

    assert len(days) == (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    by_day = {r["period_start"]: r for r in rows}
    for day in EMPTY_DAYS:
        assert by_day[day]["matches"] == "0" and by_day[day]["total"] == "0"
    # No query: every article matches, so each day with articles has a share of 1.
    assert all(float(r["share"]) == 1.0 for r in rows if r["total"] != "0")
    assert sum(int(r["matches"]) for r in rows) == query(demo_db, "SELECT count(*) FROM articles")[0][0]


def test_attention_of_a_query_counts_matches_per_week(base, demo_db):
    status, text = get(attention_url(base, [("q", "minister"), ("kind", "articles"), ("interval", "week")], ".csv"))
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = query(demo_db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'minister'")[0][0]
    assert sum(int(r["matches"]) for r in rows) == expected > 0
    from datetime import date

    assert all(date.fromisoformat(r["period_start"]).weekday() == 0 for r in rows)
    assert any(0 < float(r["share"]) < 1 for r in rows)


def test_attention_manifest_describes_the_csv(base):
    pairs = [("q", "minister"), ("q", "council"), ("kind", "both")]
    _, text = get(attention_url(base, pairs, ".csv"))
    status, body = get(attention_url(base, pairs, ".manifest.json"))
    assert status == 200
    manifest = json.loads(body)
    assert manifest["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert manifest["rows"] == len(text.splitlines()) - 1
    assert manifest["request"]["queries"] == ["minister", "council"]
    assert manifest["crawl_ids"] == [1, 2]
    assert len(manifest["series"]) == 2


@pytest.mark.parametrize(
    "args",
    [[("kind", "everything")], [("interval", "month")], [("since", "last year")], [("q", '"')], [("source", "nope")]],
)
def test_attention_refuses_bad_values_in_one_line(base, args):
    status, text = get(attention_url(base, args))
    assert status == 400 and "message-error" in text
    status, text = get(attention_url(base, args, ".csv"))
    assert status == 400 and text.startswith("Error: ") and len(text.splitlines()) == 1


def test_sources_side_by_side_counts_changes_removals_and_gaps(base):
    status, text = get(base + "/archive/-/sources")
    assert status == 200
    row = re.search(r"<tbody>(.*?)</tbody>", text, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    plain = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    assert plain[0] == "38" and plain[1] == "222"  # articles (2 with widget comments, not captured), comments
    assert plain[3] == "1" and plain[4] == "1"  # one edited article, one removed comment
    assert plain[6] == "2"  # two empty days between the first and the last article
    assert "2 days from 2026-01-31" in plain[7]


def test_capture_raw_view_fetches_nothing_and_runs_nothing(base, demo_db):
    capture_id = query(demo_db, "SELECT id FROM captures WHERE decision = 'article' LIMIT 1")[0][0]
    with urllib.request.urlopen(f"{base}/archive/-/capture/{capture_id}/raw", timeout=30) as response:
        csp = response.headers["Content-Security-Policy"]
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"<html" in response.read().lower()
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    status, text = get(f"{base}/archive/-/capture/{capture_id}/view")
    assert status == 200
    assert re.search(r'<iframe[^>]* sandbox=""', text)
    assert get(f"{base}/archive/-/capture/999999/view")[0] == 404


def test_internal_tables_are_hidden_and_canned_queries_listed(base):
    _, text = get(base + "/archive")
    for table in ("frontier", "locks", "redis_runs", "redis_results"):
        assert f'href="/archive/{table}"' not in text
    for name in ("most_commented_articles", "removed_comments", "edited_articles", "new_articles_per_source_per_day"):
        assert f'href="/archive/{name}"' in text


def test_canned_queries_answer_research_questions(base, demo_db):
    _, removed = get(base + "/archive/removed_comments.json?_shape=array")
    assert len(json.loads(removed)) == 1
    _, edited = get(base + "/archive/edited_articles.json?_shape=array")
    edited = json.loads(edited)
    assert len(edited) == 1 and edited[0]["versions"] == 2
    _, per_day = get(base + "/archive/new_articles_per_source_per_day.json?_shape=array")
    assert sum(r["new_articles"] for r in json.loads(per_day)) == 38


def test_search_separates_article_authors_from_commenters(base, demo_db):
    _, text = get(base + "/archive/-/search?q=the")
    commenters = set(r[0] for r in query(demo_db, "SELECT DISTINCT author FROM comments WHERE author IS NOT NULL"))
    bylines = set(r[0] for r in query(demo_db, "SELECT name FROM authors"))
    author_facet = re.search(r'class="facet facet-author">(.*?)</div>', text, re.S).group(1)
    commenter_facet = re.search(r'class="facet facet-commenter">(.*?)</div>', text, re.S).group(1)
    facet_names = lambda html: set(re.findall(r">([^<>]+)</a> \(\d+\)", html))  # noqa: E731
    assert facet_names(author_facet) and facet_names(author_facet) <= bylines
    assert facet_names(commenter_facet) and facet_names(commenter_facet) <= commenters
    _, text = get(base + "/archive/-/search?q=Leamington")
    words = re.sub(r"<[^>]+>", "", text)  # names are isolated in <bdi> for bidirectional text
    assert "COMMENT comment" not in words and "Patricia Gomez commented on" in words


# --- in Chromium -----------------------------------------------------------------------------------------


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.width = request.param
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"research-{name}-{page.width}.png"), full_page=True)


def fits(page) -> None:
    """Assert the page needs no sideways scrolling and logged no error."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert page.errors == []


def visible_chart(page, scope: str = ".archive-figure"):
    """Give the drawing of the chart that shows at this width (the other is hidden)."""
    wide, narrow = page.locator(f"{scope} svg.chart-wide"), page.locator(f"{scope} svg.chart-narrow")
    assert wide.is_visible() != narrow.is_visible()
    return wide if wide.is_visible() else narrow


@pytest.mark.browser
def test_attention_chart_from_a_search_shows_zero_days(page, base):
    page.goto(base + "/archive/-/search?q=minister")
    page.click("a.search-attention")
    page.wait_for_selector(".archive-figure")
    assert page.input_value("input[name=q] >> nth=0") == "minister"
    chart = visible_chart(page)
    assert chart.get_attribute("role") == "img"
    assert "per day" in chart.locator(":scope > title").text_content()
    marks = chart.locator("circle title").all_text_contents()
    assert "“minister” in all sources: 2026-01-31 0" in marks and "“minister” in all sources: 2026-02-01 0" in marks
    assert chart.locator("text.x-tick").count() >= 3 and chart.locator("text.axis-name").count() == 2
    box = chart.bounding_box()
    assert box["width"] <= page.width and box["height"] > 150
    page.click(".attention-data summary")
    zero_row = page.locator(".attention-table tr", has_text="2026-01-31")
    assert zero_row.locator("td").first.get_attribute("data-matches") == "0"
    fits(page)
    shot(page, "attention")


@pytest.mark.browser
def test_two_queries_side_by_side_and_their_csv(page, base):
    page.goto(attention_url(base, [("q", "minister"), ("q", "council"), ("interval", "week"), ("measure", "share")]))
    legend = page.locator(".chart-legend li")
    assert legend.count() == 2 and "“council” in all sources" in legend.nth(1).inner_text()
    assert visible_chart(page).locator("g.series").count() == 2
    assert "%" in visible_chart(page).locator("text").first.text_content()
    with page.expect_download() as info:
        page.click("a.attention-csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert {r["query"] for r in rows} == {"minister", "council"}
    fits(page)
    shot(page, "compare-queries")


@pytest.mark.browser
def test_source_chart_keeps_empty_days_and_page_fits(page, base):
    page.goto(base + "/archive/-/source/1")
    chart = visible_chart(page)
    marks = chart.locator("circle title").all_text_contents()
    assert "articles: 2026-01-31 0" in marks and "articles: 2026-02-01 0" in marks
    assert marks.index("articles: 2026-02-01 0") + 1 == marks.index("articles: 2026-02-02 1")
    fits(page)
    shot(page, "source")
    page.click("a.source-attention")
    page.wait_for_selector(".archive-figure")
    fits(page)


@pytest.mark.browser
def test_sources_side_by_side_page(page, base):
    page.goto(base + "/archive/-/sources")
    assert page.locator(".archive-source-table td.empty-days").first.inner_text() == "2"
    page.click("a.compare-sources")
    page.wait_for_selector(".archive-figure")
    assert page.locator(".chart-legend li").count() == 1
    fits(page)
    shot(page, "sources")


@pytest.mark.browser
def test_table_row_article_capture_and_original_link_each_other(page, base, demo_db, courier):
    page.goto(base + "/archive/articles")
    bodies = page.locator("td.col-body")
    assert bodies.count() > 0 and all(len(t) < 300 for t in bodies.all_inner_texts())
    title = page.locator("td.col-title a.article-page").first
    expected = title.inner_text()
    title.click()
    assert page.locator("h1.article-title").inner_text() == expected
    article_url = page.url
    page.click("a.article-row")
    assert re.search(r"/archive/articles/\d+$", page.url)
    page.click("a.article-page")
    assert page.url == article_url
    original = page.locator(".archive-meta a").first.get_attribute("href")
    assert original.startswith(courier.url)
    assert urllib.request.urlopen(original, timeout=10).status == 200  # the demo site is still up
    page.click("a.capture-view")
    assert "archived on" in page.locator("h1").inner_text()
    frame = page.locator("iframe.archived-page")
    assert frame.get_attribute("sandbox") == ""
    assert page.frame_locator("iframe.archived-page").locator("h1").first.inner_text() == expected
    # The archived page's own style sheet is refused by the framed response's CSP: nothing is fetched.
    page.errors[:] = [e for e in page.errors if "Content Security Policy" not in e]
    fits(page)
    shot(page, "capture-view")


@pytest.mark.browser
def test_comments_table_leads_to_the_thread_and_back(page, base, demo_db):
    page.goto(base + "/archive/comments")
    rows = page.locator("td.col-article_id a.article-row")
    ids = [int(rows.nth(i).get_attribute("href").rsplit("/", 1)[1]) for i in range(rows.count())]
    assert len(ids) > 1 and ids == sorted(ids)  # comments come article by article
    link = page.locator("td.col-article_id a.article-page").first
    href = link.get_attribute("href")
    link.click()
    assert page.url == base + href
    assert page.locator("#" + href.split("#")[1]).is_visible()
    page.click("a.article-comments-table")
    page.wait_for_selector("td.col-position")
    positions = [int(t) for t in page.locator("td.col-position").all_inner_texts()]
    assert positions == sorted(positions)
    fits(page)


@pytest.mark.browser
def test_edited_article_shows_its_diff_and_a_removed_comment(page, base):
    page.goto(base + "/archive/edited_articles")
    page.click("td.col-article_id a.article-page")
    assert page.locator(".archive-diff .add").count() >= 1
    page.goto(base + "/archive/removed_comments")
    page.click("td.col-article_id a.article-page")
    assert page.locator(".archive-comment.removed").count() == 1
    fits(page)
    shot(page, "removed-comment")


def test_comment_threads_lists_a_later_reply_under_its_parent(base, demo_db):
    from archiver.demo.editions import NEW_COMMENT_TEXT  # the reply that edition 2 adds

    (article_id, reply_id) = query(demo_db, "SELECT article_id, id FROM comments WHERE text = ?", (NEW_COMMENT_TEXT,))[
        0
    ]
    _, body = get(f"{base}/archive/comment_threads.json?_shape=array&_size=max")
    rows = json.loads(body)
    ids = [r["article_id"] for r in rows]
    assert ids == sorted(ids) and len(rows) == query(demo_db, "SELECT count(*) FROM comments")[0][0]
    thread = [r for r in rows if r["article_id"] == article_id]
    assert [r["position"] for r in thread] == sorted(r["position"] for r in thread)
    reply = next(i for i, r in enumerate(thread) if r["id"] == reply_id)
    assert 0 < reply < len(thread) - 1  # in the middle of the thread, not at its end
    assert thread[reply]["parent_key"] in {r["key"] for r in thread[:reply]}
    # In the comments table the same reply, added by the second crawl, has the largest id of its article.
    assert max(r["id"] for r in thread) == thread[reply]["id"]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/archive/-/search?q=minister", "/archive/-/article/1", "/archive/-/capture/2"])
def test_archive_pages_fit_the_window_without_errors(page, base, path):
    page.goto(base + path)
    page.wait_for_load_state("load")
    fits(page)


def test_chart_svg_is_well_formed_with_axes_title_and_description():
    from datetime import date
    from xml.etree import ElementTree

    from archiver.web import charts

    chart = charts.daily_chart(
        [{"day": "2026-01-01", "n": 3}, {"day": "2026-01-05", "n": 7}, {"day": "not a date", "n": 1}],
        "day",
        "n",
        "Articles per day",
        "articles",
    )
    assert chart.periods == charts.every_day(date(2026, 1, 1), date(2026, 1, 5))
    assert chart.series[0].values == (3, 0, 0, 0, 7)
    for layout in (charts.WIDE, charts.NARROW):
        svg = ElementTree.fromstring(str(charts.draw(chart, layout, "t")))
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.find(f"{ns}title").text == "Articles per day"
        assert "3 of 5 days without any" in svg.find(f"{ns}desc").text
        y_labels = [
            t.text
            for t in svg.iter(f"{ns}text")
            if t.get("text-anchor") == "end" and "x-tick" not in (t.get("class") or "")
        ]
        assert y_labels[:2] == ["0", "2"] and y_labels[-1] == "8"  # round steps from zero past the top value
        assert len(list(svg.iter(f"{ns}circle"))) == 5
