"""WARC in and out: export-warc is valid WARC 1.1, import-warc reads other crawlers' WARCs and damaged
files, and an export imported into an empty archive gives the same articles, comments, footers and versions."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from archiver.demo import DemoSite, serve_demo

from .helpers import ARCHIVER, require, run_cli, run_cli_with_a_worker_hung

WARCIO = str(Path(ARCHIVER).with_name("warcio"))
SAME = {
    "articles": "SELECT a.url, s.name, a.title, a.authors, a.published, a.body, a.first_seen, a.last_seen,"
    " a.versions, a.comment_count FROM articles a JOIN sources s ON s.id = a.source_id",
    "comments": "SELECT a.url, c.key, c.parent_key, c.author, c.text, c.position, c.first_seen, c.last_seen,"
    " c.removed_at FROM comments c JOIN articles a ON a.id = c.article_id",
    "versions": "SELECT a.url, v.version, v.captured_at, v.title, v.body FROM article_versions v"
    " JOIN articles a ON a.id = v.article_id",
    "footers": "SELECT site, org, address, copyright, text, first_seen, last_seen FROM footers",
}


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(sql).fetchall(), key=repr)


def warc_index(path: Path) -> list[dict]:
    fields = "warc-type,warc-target-uri,warc-profile,warc-concurrent-to,warc-refers-to,content-type,offset,length"
    out = subprocess.run([WARCIO, "index", "-f", fields, str(path)], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory) -> Path:
    """An archive of two crawls of the demo site, the second after edition 2 (304s, versions, new comments)."""
    db = tmp_path_factory.mktemp("editions") / "archive.db"
    with serve_demo() as site:
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
        site.set_edition(2)
        assert run_cli("crawl", site.url, "--db", str(db)).returncode == 0
    return db


@pytest.fixture(scope="module")
def exported(two_editions) -> Path:
    out = two_editions.parent / "export.warc.gz"
    result = run_cli("export-warc", "--db", str(two_editions), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "exported" in result.stdout
    return out


def test_export_is_valid_warc_1_1_with_revisits_for_304s_and_article_metadata(exported):
    check = subprocess.run([WARCIO, "check", str(exported)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert exported.open("rb").read(2) == b"\x1f\x8b"
    records = warc_index(exported)
    types = [r["warc-type"] for r in records]
    assert types[0] == "warcinfo" and {"request", "response", "revisit", "metadata"} <= set(types)
    revisits = [r for r in records if r["warc-type"] == "revisit"]
    # 304s go out as identical-payload-digest revisits of the previous 200, which replay tools can show.
    assert all(
        r["warc-profile"].endswith("/revisit/identical-payload-digest") and r["warc-refers-to"] for r in revisits
    )
    metadata = [r for r in records if r["warc-type"] == "metadata"]
    assert metadata and all(
        r["warc-concurrent-to"] and r["content-type"] == "application/warc-fields" for r in metadata
    )


def test_an_export_imported_into_an_empty_archive_gives_the_same_articles(two_editions, exported, tmp_path):
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(exported), "--db", str(db), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "records/s" in result.stdout and "damaged" not in result.stderr
    for table, sql in SAME.items():
        assert rows(db, sql) == rows(two_editions, sql), table
    assert rows(db, "SELECT count(*) FROM articles WHERE versions = 2") >= [(1,)]
    # Imports keep their raw records too: re-extraction and a second export work on them.
    again = run_cli("reextract", "--db", str(db))
    assert again.returncode == 0 and "0 changed" in again.stdout and "0 failed" in again.stdout, again.stdout
    second = tmp_path / "second.warc.gz"
    assert run_cli("export-warc", "--db", str(db), "-o", str(second)).returncode == 0
    assert subprocess.run([WARCIO, "check", str(second)], capture_output=True).returncode == 0


def test_an_import_kills_a_hung_worker_counts_its_page_and_imports_the_others(two_editions, exported, tmp_path):
    db = tmp_path / "archive.db"
    result, hung = run_cli_with_a_worker_hung(
        "import-warc", str(exported), "--db", str(db), "--workers", "2", "--max-page-time", "2"
    )
    assert result.returncode == 0, result.stderr
    assert "warning: 1 pages could not be analysed" in result.stderr, result.stderr
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "extraction took over 2 s" in failed[0]
    assert "Traceback" not in result.stderr
    assert not Path(f"/proc/{hung}").exists()  # killed by the command, not left behind
    errors = rows(db, "SELECT url, reason FROM captures WHERE decision = 'error' AND reason NOT LIKE 'HTTP %'")
    assert len(errors) == 1 and errors[0][1] == "extraction took over 2 s"
    # Every capture is kept, as by an import without a hung page; every article is there but
    # (perhaps) the one whose page hung.
    clean = tmp_path / "clean.db"
    assert run_cli("import-warc", str(exported), "--db", str(clean), "--workers", "2").returncode == 0
    assert rows(db, "SELECT count(*) FROM captures") == rows(clean, "SELECT count(*) FROM captures")
    archived = {url for (url,) in rows(db, "SELECT url FROM articles")}
    assert {url for (url,) in rows(clean, "SELECT url FROM articles")} - archived <= {errors[0][0]}


def test_a_wget_warc_of_the_demo_site_imports_with_all_its_articles(demo_site, tmp_path):
    wget = require("wget")
    crawl = subprocess.run(
        [
            wget,
            "--recursive",
            "--level=inf",
            "--no-verbose",
            "--delete-after",
            "--no-directories",
            "--warc-file=site",
            "--no-warc-keep-log",
            "--tries=1",
            "--timeout=10",
            demo_site.url,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crawl.returncode == 0, crawl.stderr[-500:]
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(tmp_path / "site.warc.gz"), "--db", str(db), "--source", "courier")
    assert result.returncode == 0, result.stderr
    expected = {demo_site.url.rstrip("/") + a.url_path for a in DemoSite().articles}
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == expected
    assert rows(db, "SELECT DISTINCT s.name FROM articles a JOIN sources s ON s.id = a.source_id") == [("courier",)]
    assert rows(db, "SELECT count(*) FROM comments") > [(100,)]
    assert list((tmp_path / "warcs").glob("import-*.warc.gz"))


def damaged_copy(exported: Path, tmp_path: Path, kind: str) -> Path:
    data = bytearray(exported.read_bytes())
    if kind == "truncated":
        # Cut inside the record that holds the file's two-thirds point: a cut at a record boundary
        # would leave a valid, shorter WARC.
        spans = ((int(r["offset"]), int(r["length"])) for r in warc_index(exported))
        offset, length = next(span for span in spans if sum(span) > len(data) * 2 // 3)
        data = data[: offset + length // 2]
    else:
        middle = len(data) // 2
        data[middle : middle + 400] = b"\x00garbage!" * 40 + b"\x00" * 40
    path = tmp_path / f"{kind}.warc.gz"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("kind", ["truncated", "corrupt"])
def test_a_damaged_warc_gives_counted_skips_a_warning_and_exit_0(exported, tmp_path, kind):
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(damaged_copy(exported, tmp_path, kind)), "--db", str(db))
    assert result.returncode == 0, result.stderr
    # A record cut short is kept as far as it goes where warcio can read its start (a response cut
    # inside its body), else skipped and counted as truncated (a cut inside the gzip member of its
    # headers, or a record of no capture); corrupt bytes are skipped. Either way: named and counted.
    warnings = ("warning: 1 damaged records (cut short", "1 x truncated record") if kind == "truncated" else ()
    assert "damaged records" in result.stderr
    assert any(w in result.stderr for w in warnings) if warnings else "warning: skipped" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(db, "SELECT count(*) FROM articles") > [(10,)]


def test_bad_input_is_a_one_line_error_with_exit_2(exported, tmp_path):
    missing = run_cli("import-warc", str(tmp_path / "nope.warc.gz"), "--db", str(tmp_path / "a.db"))
    assert missing.returncode == 2 and "no such WARC file" in missing.stderr
    bad_date = run_cli(
        "export-warc",
        "--db",
        str(exported.parent / "archive.db"),
        "--since",
        "yesterday",
        "-o",
        str(tmp_path / "x.warc.gz"),
    )
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    no_source = run_cli(
        "export-warc",
        "--db",
        str(exported.parent / "archive.db"),
        "--source",
        "nope",
        "-o",
        str(tmp_path / "x.warc.gz"),
    )
    assert no_source.returncode == 2 and "no source named" in no_source.stderr


def test_export_filters_by_date(exported, tmp_path):
    out = tmp_path / "none.warc.gz"
    result = run_cli(
        "export-warc", "--db", str(exported.parent / "archive.db"), "--until", "2000-01-01", "-o", str(out)
    )
    assert result.returncode == 0 and "exported 0 captures" in result.stdout
    assert [r["warc-type"] for r in warc_index(out)] == ["warcinfo"]
