"""`archiver export-warc --wacz`: the exported WARC packaged as WACZ 1.1.1, the format replay tools
(ReplayWeb.page, pywb, Browsertrix) open directly.

A WACZ is a ZIP: `archive/data.warc.gz` (stored, so that replay can seek into it), a CDXJ index
`indexes/index.cdx` made by cdxj-indexer (the indexer pywb uses), `pages/pages.jsonl` listing the
captures that gave articles, and `datapackage.json` naming every file with its SHA-256 and size,
itself hashed in `datapackage-digest.json`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver import __version__
from archiver.errors import WarcError
from archiver.extract.timeutil import now_iso

WACZ_VERSION = "1.1.1"
WARC_PATH = "archive/data.warc.gz"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
# Records replay looks up; the metadata records that name article rows would shadow their captures.
INDEXED = "response,revisit,resource"


@dataclass(frozen=True)
class Page:
    """A capture that gave an article, as a WACZ page list names it: URL, WARC-Date and title."""

    url: str
    date: str
    title: str


def write_wacz(warc: Path, pages: Iterable[Page], output: Path, title: str) -> None:
    """Package the exported WARC file `warc` and its pages as the WACZ file `output`."""
    entries = {INDEX_PATH: cdxj_index(warc), PAGES_PATH: pages_jsonl(pages)}
    try:
        with zipfile.ZipFile(output, "w") as wacz:
            wacz.write(warc, WARC_PATH, compress_type=zipfile.ZIP_STORED)
            for path, data in entries.items():
                wacz.writestr(path, data, compress_type=zipfile.ZIP_DEFLATED)
            package = datapackage(resources(warc, entries), title)
            wacz.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
            wacz.writestr("datapackage-digest.json", package_digest(package), compress_type=zipfile.ZIP_DEFLATED)
    except OSError as exc:
        raise WarcError(f"cannot write {output}: {exc.strerror}", "check the --wacz path") from exc


def cdxj_index(warc: Path) -> bytes:
    """Give the sorted CDXJ index of the WARC's captures, naming the file as the WACZ holds it."""
    from cdxj_indexer import CDXJIndexer  # loaded only when packaging: it brings surt and tldextract

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "index.cdx"
        indexer = CDXJIndexer(str(out), [str(warc)], sort=True, filename=Path(WARC_PATH).name, records=INDEXED)
        indexer.process_all()
        return out.read_bytes()


def pages_jsonl(pages: Iterable[Page]) -> bytes:
    """Give the page list: a header line, then one line per page (URL, ISO time, title)."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"}]
    for number, page in enumerate(pages, 1):
        lines.append({"id": f"page-{number}", "url": page.url, "ts": page.date, "title": page.title})
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def resources(warc: Path, entries: dict[str, bytes]) -> list[dict]:
    """Give the datapackage's resource list: each file's name, path, SHA-256 and size."""
    listed = [resource(WARC_PATH, *file_hash(warc))]
    listed += [
        resource(path, "sha256:" + hashlib.sha256(data).hexdigest(), len(data)) for path, data in entries.items()
    ]
    return listed


def resource(path: str, digest: str, size: int) -> dict:
    """Give one resource entry of a datapackage."""
    return {"name": Path(path).name.lower(), "path": path, "hash": digest, "bytes": size}


def file_hash(path: Path) -> tuple[str, int]:
    """Give a file's SHA-256 (as sha256:HEX) and size, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def datapackage(listed: list[dict], title: str) -> str:
    """Give datapackage.json: the Frictionless data-package profile with WACZ's fields."""
    package = {
        "profile": "data-package",
        "resources": listed,
        "title": title,
        "created": now_iso()[:19] + "Z",
        "wacz_version": WACZ_VERSION,
        "software": f"news-archiver {__version__}",
    }
    return json.dumps(package, indent=2)


def package_digest(package: str) -> str:
    """Give datapackage-digest.json: the hash of datapackage.json as written."""
    digest = "sha256:" + hashlib.sha256(package.encode("utf-8")).hexdigest()
    return json.dumps({"path": "datapackage.json", "hash": digest}, indent=2)
