"""Export manifests (archiver/manifest.py): query, filters, crawls, versions, rows and sha256."""

from __future__ import annotations

import csv
import hashlib
import json

from archiver.export.manifest import write_manifest
from archiver.store.exports import ExportFilter

from .helpers import run_cli
from .test_datasette import build_archive


def test_manifest_describes_an_export(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    out = tmp_path / "articles.csv"
    assert run_cli("export", "articles", "--db", str(db), "--source", "daily", "-o", str(out)).returncode == 0
    rows = len(list(csv.DictReader(out.open(encoding="utf-8", newline=""))))
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    path = tmp_path / "articles.csv.manifest.json"
    written = write_manifest(
        path, "articles", ExportFilter(source="daily"), rows, digest, db, now="2026-03-03T00:00:00+00:00"
    )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest == written
    assert manifest["rows"] == 2 and manifest["sha256"] == digest
    assert manifest["filters"] == {"source": "daily"}
    assert manifest["query"]["params"] == {"source": "daily"} and "FROM articles" in manifest["query"]["sql"]
    assert manifest["crawl_ids"] == [1, 3]
    assert manifest["extractors"] == ["archiver test"]
    assert manifest["software"]["news-archiver"] and manifest["archive"]["schema_version"] >= 2
    assert manifest["created_at"] == "2026-03-03T00:00:00+00:00"


def test_manifest_accepts_dict_filters_and_crawls_list_what_their_captures_were_extracted_with(tmp_path):
    db = build_archive(tmp_path / "archive.db")
    manifest = write_manifest(tmp_path / "m.json", "crawls", {"source": None, "since": "2026-01-01"}, 3, "0" * 64, db)
    assert manifest["filters"] == {"since": "2026-01-01"} and manifest["extractors"] == ["archiver test"]
    assert manifest["crawl_ids"] == [1, 2, 3]
