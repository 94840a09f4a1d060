"""The command line: help everywhere, README coverage, one-line errors with exit code 2."""

import click
import pytest

from archiver.cli import main

from .helpers import ROOT, run_cli


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


def test_every_command_and_option_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for path, command in all_commands(main):
        assert command.help, f"{' '.join(path)} has no help"
        assert f"archiver {' '.join(path)}" in readme, f"README does not mention archiver {' '.join(path)}"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"--{param.name} of {' '.join(path)} has no help"


def test_version_through_the_entry_point():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("archiver ")


@pytest.mark.parametrize(
    "args, words",
    [
        (("crawl", "notaurl://"), "not a site URL"),
        (("crawl", "nosuchsource"), "unknown source"),
        (("export", "bananas"), "unknown export table"),
        (("export", "articles", "--since", "last tuesday"), "not a date"),
        (("extract", "does-not-exist.html"), "no such file"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, words):
    db = tmp_path / "archive.db"
    extra = ("--db", str(db)) if args[0] in ("crawl", "export") else ()
    result = run_cli(*args, *extra, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_an_archive_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my precious notes")
    result = run_cli("export", "articles", "--db", str(notes))
    assert result.returncode == 2
    assert "not an archive" in result.stderr
    assert notes.read_text() == "my precious notes"


def test_crawling_into_a_file_that_is_not_an_archive_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my precious notes")
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(notes))
    assert result.returncode == 2 and "not an archive" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert notes.read_text() == "my precious notes"


def test_export_with_a_manifest_that_lets_anyone_check_the_file(crawled_archive, tmp_path):
    import hashlib
    import json

    out = tmp_path / "petro.csv"
    result = run_cli(
        "export", "articles", "--db", str(crawled_archive), "--search", "Petro", "-o", str(out), "--manifest"
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "petro.csv.manifest.json").read_text())
    body = out.read_bytes()
    assert manifest["sha256"] == hashlib.sha256(body).hexdigest()
    import csv
    import io

    assert manifest["rows"] == len(list(csv.DictReader(io.StringIO(body.decode())))) >= 1
    assert manifest["filters"]["search"] == "Petro" and manifest["crawl_ids"]


def test_an_archive_with_a_newer_schema_is_a_one_line_error(tmp_path):
    import sqlite3

    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=999")
    conn.close()
    result = run_cli("export", "articles", "--db", str(db))
    assert result.returncode == 2 and "newer than this archiver knows" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
