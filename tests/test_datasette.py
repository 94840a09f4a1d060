"""The archive in Datasette over real HTTP: home, search, facets, article, source, capture, CSV, safety."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest

from archiver.extract.model import Comment, Extraction, Footer
from archiver.store import Archive, CaptureRow
from archiver.web.views import DATASETTE_OVERRIDES

from .helpers import InProcess, fetch, in_process, run_cli, served

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
T0, T1 = "2026-03-01T10:00:00+00:00", "2026-03-02T10:00:00+00:00"
BODY_V1 = "The harbour tram line reopens after repairs.\n\nCommuters welcomed the quiet carriages."
BODY_V2 = BODY_V1 + "\n\nThe council later confirmed a second line for the autumn."


def comments(with_hostile: bool = True, with_second: bool = True) -> tuple[Comment, ...]:
    """Give a thread: a top comment, a reply, a reply to the reply, and (optionally) a hostile one."""
    found = [
        Comment("c1", None, "Ada", "2026-03-01T11:00:00", "Marvellous trams, said nobody ever.", 0),
        Comment("c2", "c1", "Ben", "2026-03-01T12:00:00", "I disagree about the trams.", 1),
        Comment("c3", "c2", "Cy", "2026-03-01T13:00:00", "Reply to the reply.", 2),
    ]
    if with_hostile:
        found.append(Comment("c4", None, "Eve", "2026-03-01T14:00:00", HOSTILE + " javascript:alert(1)", 3))
    if with_second:
        found.append(Comment("c5", None, "Dan", "2026-03-01T15:00:00", "A comment that will vanish.", 4))
    return tuple(found)


def extraction(url: str, title: str, body: str, lang: str, authors, published: str, thread=()) -> Extraction:
    """Give an extraction as the crawler would store it."""
    return Extraction(
        url=url,
        title=title,
        authors=tuple(authors),
        published=published,
        language=lang,
        body=body,
        comments=thread,
        extractor="archiver test",
        footer=Footer(org="Daily Press Ltd", copyright="© 2026"),
    )


def save(archive: Archive, source_id: int, crawl: int, ex: Extraction, now: str) -> None:
    """Store one capture and its article in one transaction."""
    with archive.batch():
        capture = archive.add_capture(
            crawl, source_id, CaptureRow(ex.url, now, "article", status=200, sha256="ab" * 32)
        )
        archive.save_article(source_id, capture, ex.url, ex, now)


def build_archive(path: Path) -> Path:
    """Give a small archive: two sources, an edited article with a thread, a German article, hostile text."""
    with Archive(path) as archive:
        daily = archive.ensure_source("daily", "https://daily.example/", {}, T0).id
        weekly = archive.ensure_source("weekly", "https://weekly.example/", {}, T0).id
        crawl = archive.start_crawl(daily, T0)
        tram = extraction(
            "https://daily.example/tram",
            "Harbour tram reopens",
            BODY_V1,
            "en",
            ["Ann Writer"],
            "2026-02-27",
            comments(),
        )
        save(archive, daily, crawl, tram, T0)
        save(
            archive,
            daily,
            crawl,
            extraction(
                "https://daily.example/evil", "Evil " + HOSTILE, "Body " + HOSTILE, "en", ["Mallory"], "2026-02-28"
            ),
            T0,
        )
        save(
            archive,
            weekly,
            archive.start_crawl(weekly, T0),
            extraction(
                "https://weekly.example/strassenbahn",
                "Die Strassenbahn fährt wieder",
                "Die trams fahren wieder durch den Hafen.",
                "de",
                ["Jo Autor"],
                "2026-01-15",
            ),
            T0,
        )
        second = archive.start_crawl(daily, T1)
        save(
            archive,
            daily,
            second,
            extraction(tram.url, tram.title, BODY_V2, "en", ["Ann Writer"], "2026-02-27", comments(with_second=False)),
            T1,
        )
    return path


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("ds") / "archive.db")


@pytest.fixture(scope="module")
def site(small_archive):
    """The small archive's pages, asked in process: these tests read what pages say (the served
    pages over real HTTP and in Chromium are tests/test_serve.py, test_browser_archive.py and others)."""
    with in_process(small_archive) as base:
        yield base + "/archive"


def get(url: str) -> tuple[int, str]:
    """Give the status and text of a GET (over HTTP, or in process for an in-process base URL)."""
    status, body = fetch(url)
    return status, body.decode("utf-8")


def search(site: str, **args) -> str:
    status, text = get(f"{site}/-/search?" + urllib.parse.urlencode(args))
    assert status == 200
    return text


def test_home_lists_sources_crawls_and_search_box(site):
    status, text = get(site.rsplit("/", 1)[0] + "/")
    assert status == 200
    assert 'href="/archive/-/source/1"><bdi>daily</bdi></a>' in text
    assert "<td>2</td>" in text  # daily's article count
    assert 'action="/archive/-/search"' in text
    assert "Daily Press Ltd" in text
    assert "running" in text  # crawl status of the recent crawls


def test_search_finds_article_and_comment_highlighted(site):
    text = search(site, q="trams")
    assert "hit-article" in text and "hit-comment" in text
    assert "Marvellous <mark>trams</mark>" in text
    assert "<mark>tram</mark>" in text  # porter stemming: trams finds the article's tram


def test_facet_narrows_results(site):
    everything = search(site, q="trams")
    german = search(site, q="trams", language="de")
    assert "Strassenbahn" in everything and "Strassenbahn" in german
    assert "Harbour tram" in everything and "Harbour tram" not in german
    assert 'class="selected"' in german
    by_source = search(site, q="trams", source="weekly")
    assert "Strassenbahn" in by_source and "Marvellous" not in by_source


def test_facet_and_filter_links_lead_to_the_narrowed_and_widened_searches(site):
    everything = search(site, q="trams")
    month = re.search(r'<div class="facet facet-month">.*?<a href="([^"]+)">(\d{4}-\d{2})</a>', everything, re.S)
    assert month, "a month facet with a link"
    status, narrowed = get(site.rsplit("/", 1)[0] + html.unescape(month[1]))
    assert status == 200 and f"since = <bdi>{month[2]}-01</bdi>" in narrowed
    german = search(site, q="trams", language="de")
    unset = re.search(r'<span class="filter">language = <bdi>de</bdi> <a href="([^"]+)"', german)
    assert unset and "language" not in html.unescape(unset[1]) and "q=trams" in unset[1]
    status, widened = get(site.rsplit("/", 1)[0] + html.unescape(unset[1]))
    assert status == 200 and "Harbour tram" in widened


def test_search_survives_bad_fts_syntax(site):
    assert "Harbour" in search(site, q='"harbour')


def test_article_page_thread_versions_and_capture(site):
    status, text = get(f"{site}/-/article/1")
    assert status == 200
    assert 'data-depth="0"' in text and 'data-depth="1"' in text and 'data-depth="2"' in text
    assert "removed" in text and "A comment that will vanish." in text
    assert "Changes from version 1 to 2" in text
    assert '<div class="add">+ The council later confirmed a second line for the autumn.</div>' in text
    assert "<p>Commuters welcomed the quiet carriages.</p>" in text
    status, capture = get(f"{site}/-/capture/1")
    assert status == 200 and "ab" * 32 in capture


def test_source_page_ledger_completeness_chart(site):
    status, text = get(f"{site}/-/source/1")
    assert status == 200
    assert "<svg" in text and "<circle" in text
    assert "archive-ledger" in text and "archive-completeness" in text
    assert "100%" in text  # every daily article has a date


EXPORT_CASES = [
    (table, args)
    for table in ("articles", "comments", "versions", "captures", "crawls")
    for args in (
        {},
        {"source": "daily"},
        {"search": "trams"},
        {"since": "2026-02-28"},
        {"source": "weekly", "until": "2026-02-01"},
    )
    if "search" not in args or table in ("articles", "comments")
]


@pytest.mark.parametrize("table, args", EXPORT_CASES)
def test_csv_equals_archiver_export(site, small_archive, tmp_path, table, args):
    out = tmp_path / "out.csv"
    flags = [x for k, v in args.items() for x in (f"--{k}", v)]
    result = run_cli("export", table, "--db", str(small_archive), "-o", str(out), *flags)
    assert result.returncode == 0, result.stderr
    assert fetch(f"{site}/-/export/{table}.csv?" + urllib.parse.urlencode(args)) == (200, out.read_bytes())


def test_search_page_links_its_csv(site):
    text = search(site, q="trams", source="daily")
    assert html.escape("/archive/-/export/articles.csv?source=daily&search=trams") in text


@pytest.mark.parametrize(
    "path",
    ["/-/search?q=pwned", "/-/search?q=evil", "/-/article/1", "/-/article/2", "/-/search", "/articles", "/comments"],
)
def test_hostile_text_is_escaped(site, path):
    status, text = get(site + path)
    assert status == 200
    assert "<script>window.__pwned" not in text
    assert '<img src=x onerror="window' not in text


def test_served_read_only(site):
    status, text = get(site + ".json?sql=" + urllib.parse.quote("DELETE FROM articles"))
    assert status != 200 or "error" in text
    status, text = get(site + "/articles.json?_shape=array&_col=id")
    assert status == 200 and text.count('"id"') == 3


def test_public_mode_refuses_arbitrary_sql(small_archive):
    with served(small_archive, "--public") as server:
        status, _ = get(server.base + "/archive.json?sql=select+1")
        assert status == 403
        assert get(server.base + "/archive/-/search?q=trams")[0] == 200


def test_demo_archive_pages(served_archive):
    for path in (
        "/",
        "/archive/-/search?q=the",
        "/archive/-/article/1",
        "/archive/-/source/1",
        "/archive/-/export/articles.csv",
    ):
        assert get(served_archive + path)[0] == 200, path


def test_source_page_flags_a_run_that_stopped_yielding_articles(tmp_path):
    from archiver.store import CrawlCounts

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        source = archive.ensure_source("fading", "https://fading.example/", {}, T0).id
        for day in range(1, 6):
            crawl = archive.start_crawl(source, f"2026-03-0{day}T10:00:00+00:00")
            new = 0 if day == 5 else 20
            for n in range(new):
                save(
                    archive,
                    source,
                    crawl,
                    extraction(
                        f"https://fading.example/{day}/{n}",
                        f"Story {day} {n}",
                        "Words. " * 120,
                        "en",
                        ["Ann"],
                        "2026-03-01",
                    ),
                    f"2026-03-0{day}T10:00:00+00:00",
                )
            archive.finish_crawl(
                crawl,
                "finished",
                CrawlCounts(discovered=40, fetched=40, articles_new=new),
                f"2026-03-0{day}T10:05:00+00:00",
            )
    with served(db) as server:
        status, text = get(f"{server.base}/archive/-/source/{source}")
    assert status == 200
    cells = [cell.split("</td>")[0] for cell in text.split('<td class="archive-health">')[1:]]
    assert cells[0] == "<strong>no articles, no new articles</strong>"  # the newest run
    assert cells[1:] == ["ok"] * 4


def test_a_filtered_table_page_exports_the_same_rows_as_archiver_export(site, small_archive, tmp_path):
    status, text = get(f"{site}/articles?source_id=1&_search=trams&published__gte=2026-02-01")
    assert status == 200
    href = html.unescape(text.split('href="/archive/-/export/articles.csv?', 1)[1].split('"', 1)[0])
    assert dict(urllib.parse.parse_qsl(href)) == {"search": "trams", "since": "2026-02-01", "source": "daily"}
    status, served = get(f"{site}/-/export/articles.csv?{href}")
    out = tmp_path / "out.csv"
    result = run_cli(
        "export",
        "articles",
        "--db",
        str(small_archive),
        "--source",
        "daily",
        "--search",
        "trams",
        "--since",
        "2026-02-01",
        "-o",
        str(out),
    )
    assert status == 200 and result.returncode == 0
    assert served == out.read_bytes().decode("utf-8") and "Harbour tram" in served


def table_cells(page: bytes) -> list[str]:
    """Give the markup of each body cell of a Datasette table page, in page order."""
    tree = lxml.html.fromstring(page)
    cells = tree.xpath("//table[contains(@class, 'rows-and-columns')]/tbody/tr/td")
    return [lxml.html.tostring(td, encoding=str, with_tail=False) for td in cells]


@pytest.mark.parametrize("table", ["articles", "comments"])
def test_table_pages_show_the_cells_datasettes_own_template_shows(small_archive, table):
    # Our _table.html writes the rows in one Python call; the cells must be Datasette's, hostile text escaped.
    ours, theirs = InProcess(small_archive), InProcess(small_archive)
    try:
        theirs.app.jinja_env.loader.loaders[0].searchpath.remove(str(DATASETTE_OVERRIDES))
        status, page = ours.get(f"/archive/{table}")
        assert status == 200
        cells = table_cells(page)
        assert cells and cells == table_cells(theirs.get(f"/archive/{table}")[1])
        assert all(cell.count("<td") == 1 for cell in cells)
    finally:
        ours.close()
        theirs.close()
    if table == "comments":
        assert any("&lt;script&gt;window.__pwned" in cell for cell in cells)
