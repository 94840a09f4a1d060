"""import-warc on real WARC and ARC files written by other tools (wget, wpull, Heritrix, warcprox, Nutch,
node-warc, ClueWeb tooling): no traceback, exit 0, at least the captures warcio itself reads from each
file, every skip counted by reason, and an export of them that replay tools index."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import resource
import sqlite3
import subprocess
import zlib
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
from backports import zstd
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .helpers import ROOT, run_cli
from .replaytools import replay_bin

FOLDER = Path(os.environ.get("ARCHIVER_REAL_WARCS", ROOT.parent / "shared" / "warcs"))
REAL = sorted(p for p in FOLDER.glob("*") if ".warc" in p.name or ".arc" in p.name) if FOLDER.is_dir() else []
CAPTURE_TYPES = ("response", "revisit", "resource")
VALID_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
CAP_REASON = "body expands to more than 10,485,760 bytes (the decompressed-size cap)"
NOT_WEB = "capture of a non-http(s) URI (dns:, metadata:, urn:...)"


def real_files() -> list[Path]:
    """Give the real WARC/ARC files; skip without them (fail when ARCHIVER_REQUIRE_ALL is set)."""
    if REAL:
        return REAL
    message = f"no real WARC files in {FOLDER} (set ARCHIVER_REAL_WARCS)"
    if os.environ.get("ARCHIVER_REQUIRE_ALL"):
        pytest.fail(message + "; ARCHIVER_REQUIRE_ALL forbids skipping")
    pytest.skip(message)


def warcio_captures(path: Path) -> int:
    """Give how many response, revisit and resource records of http(s) URLs warcio reads from a file
    (up to where it gives up), ARC records converted as warcio does."""
    count = 0
    with path.open("rb") as f:
        try:
            for record in ArchiveIterator(f, arc2warc=True):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                count += record.rec_type in CAPTURE_TYPES and urlsplit(uri).scheme in ("http", "https")
        except Exception:  # warcio stops at damage; what it read so far is the bar
            pass
    return count


def stored_captures(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM captures").fetchone()[0]


def reason_counts(stderr: str, header: str) -> dict[str, int]:
    """Give the reasons and counts an import's summary lists under the warning starting with `header`."""
    block = re.search(rf"^warning: {header}.*\n((?:  \d+ x .+\n)*)", stderr, re.M)
    return {m[2]: int(m[1]) for m in re.finditer(r"^  (\d+) x (.+)$", block[1], re.M)} if block else {}


def skip_counts(stderr: str) -> dict[str, int]:
    """Give the skip reasons and counts an import's summary names."""
    return reason_counts(stderr, "skipped")


def bodiless_counts(stderr: str) -> dict[str, int]:
    """Give the reasons captures were kept without their body, with their counts."""
    return reason_counts(stderr, r"\d+ captures kept without their body")


def assert_clean_summary(result: subprocess.CompletedProcess) -> None:
    """An import that exits 0 without a traceback and names a reason for every record it skipped."""
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "records/s" in result.stdout
    total = re.search(r"warning: skipped (\d+) records", result.stderr)
    assert sum(skip_counts(result.stderr).values()) == (int(total[1]) if total else 0), result.stderr


@pytest.mark.parametrize("path", REAL or [None], ids=[p.name for p in REAL] or ["missing"])
def test_a_real_file_imports_with_at_least_the_captures_warcio_reads(path, tmp_path):
    path = path or real_files()[0]
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(path), "--db", str(db), "--workers", "1")
    assert_clean_summary(result)
    assert stored_captures(db) >= warcio_captures(path), result.stdout + result.stderr
    assert f"{stored_captures(db)} captures" in result.stdout


ARC = [p for p in REAL if ".arc" in p.name]


@pytest.mark.parametrize("path", ARC or [None], ids=[p.name for p in ARC] or ["missing"])
def test_an_arc_file_imports_with_the_status_and_body_of_each_response(path, tmp_path):
    # ARC records used to come in empty: warcio finds an ARC record's offset by reading it to its end.
    path = path or real_files()[0]
    read = []
    with path.open("rb") as f:
        for record in ArchiveIterator(f, arc2warc=True):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type == "response" and record.http_headers and urlsplit(uri).scheme in ("http", "https"):
                body = record.content_stream().read()
                read.append((uri, int(record.http_headers.get_statuscode()), hashlib.sha256(body).hexdigest()))
    assert read
    db = tmp_path / "archive.db"
    assert_clean_summary(run_cli("import-warc", str(path), "--db", str(db), "--workers", "1"))
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT url, status, sha256 FROM captures").fetchall()
    assert sorted(stored) == sorted(read)
    assert any(status == 200 for _, status, _ in stored)


def test_every_real_file_on_one_command_line_is_imported_and_exports_for_replay_tools(tmp_path):
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", *map(str, real_files()), "--db", str(db), "--workers", "2")
    assert_clean_summary(result)
    assert stored_captures(db) >= sum(map(warcio_captures, REAL))
    out = tmp_path / "export.warc.gz"
    result = run_cli("export-warc", "--db", str(db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    kinds: dict[str, int] = {}
    with out.open("rb") as f:
        for record in ArchiveIterator(f):
            kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
            # Invalid dates (ClueWeb's) were replaced on import: replay tools reject a collection over one.
            assert VALID_DATE.fullmatch(record.rec_headers.get_header("WARC-Date")), record.rec_headers
    said = dict((kind, int(n)) for n, kind in re.findall(r"(\d+) (response|revisit|resource|request)", result.stdout))
    assert kinds.get("revisit", 0) > 0 and kinds.get("resource", 0) > 0
    for kind in ("response", "revisit", "resource", "request"):
        assert said[kind] == kinds.get(kind, 0), (kind, result.stdout)
    indexer = subprocess.run([str(replay_bin() / "cdxj-indexer"), str(out)], capture_output=True, text=True)
    assert indexer.returncode == 0 and "Traceback" not in indexer.stderr, indexer.stderr[-2000:]
    assert len(indexer.stdout.splitlines()) >= kinds["response"] + kinds["revisit"]
    for step in (["init", "real"], ["add", "real", str(out)]):
        added = subprocess.run([str(replay_bin() / "wb-manager"), *step], cwd=tmp_path, capture_output=True, text=True)
        assert added.returncode == 0 and "Traceback" not in added.stderr, added.stderr[-2000:]
    assert (tmp_path / "collections" / "real" / "indexes" / "index.cdxj").stat().st_size > 0


def gzip_members(data: bytes) -> list[bytes]:
    """Give each gzip member of a file uncompressed (as far as it goes when cut short)."""
    members = []
    while data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(31)
        try:
            members.append(inflater.decompress(data))
        except zlib.error:
            break
        if not inflater.eof:
            break
        data = inflater.unused_data
    return members


def lf_heads(records: bytes) -> bytes:
    """Give uncompressed WARC data with the header blocks' CRLFs turned into bare LFs (old writers)."""
    out, rest = [], records
    while rest.startswith(b"WARC/"):
        end = rest.find(b"\r\n\r\n")
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", rest[:end])[1])
        out.append(rest[:end].replace(b"\r\n", b"\n") + b"\n\n" + rest[end + 4 : end + 4 + length] + b"\r\n\r\n")
        rest = rest[end + 4 + length :].lstrip(b"\r\n")
    return b"".join(out)


def test_warcs_gzipped_as_one_stream_in_runs_or_with_lf_headers_keep_every_record(tmp_path):
    variants, expected = [], 0
    # The smaller files: every kind of writer is among them, and the big ones cost analysis time only.
    for path in (p for p in real_files() if p.stat().st_size < 100_000):
        data = path.read_bytes()
        members = gzip_members(data) if data[:2] == b"\x1f\x8b" else [data]
        whole = b"".join(members)
        if not whole.startswith(b"WARC/") or "trunc" in path.name or "clipped" in path.name:
            continue  # ARC files; files cut short stay as they are
        base, made = tmp_path / path.name.split(".")[0], len(variants)
        variants.append(base.with_suffix(".stream.warc.gz"))
        variants[-1].write_bytes(gzip.compress(whole, mtime=0))
        if len(members) > 2:  # the first record alone, the others gzipped together
            variants.append(base.with_suffix(".runs.warc.gz"))
            variants[-1].write_bytes(gzip.compress(members[0], mtime=0) + gzip.compress(b"".join(members[1:])))
        if len(whole) < 20_000:
            variants.append(base.with_suffix(".lf.warc"))
            variants[-1].write_bytes(lf_heads(whole))
        expected += warcio_captures(path) * (len(variants) - made)
    assert variants
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", *map(str, variants), "--db", str(db), "--workers", "2")
    assert_clean_summary(result)
    assert set(skip_counts(result.stderr)) <= {NOT_WEB}, result.stderr  # nothing read as damage
    # Each variant keeps what warcio reads from the original file (warcio itself stops inside a run).
    assert expected > 0 and stored_captures(db) >= expected


def response_record(writer: WARCWriter, url: str, body: bytes, encoding: str) -> None:
    http = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body), http_headers=http)
    writer.write_record(record)


def zeros_packed(size: int, packer, step: str, end: str) -> bytes:
    """Give `size` zero bytes compressed 16 MB at a time by a streaming compressor."""
    block = bytes(1 << 24)
    return b"".join(getattr(packer, step)(block) for _ in range(size >> 24)) + getattr(packer, end)()


def test_bodies_expanding_past_the_cap_are_counted_skips_in_bounded_memory(tmp_path):
    page = b"<html><head><title>Small page</title></head><body><p>" + b"Words of a page. " * 50 + b"</p></body></html>"
    path = tmp_path / "bombs.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        gzipped = zeros_packed(1 << 26, zlib.compressobj(1, zlib.DEFLATED, 31), "compress", "flush")
        response_record(writer, "http://bomb.example/gzip", gzipped, "gzip")
        response_record(
            writer,
            "http://bomb.example/brotli",
            zeros_packed(1 << 30, brotli.Compressor(quality=1), "process", "finish"),
            "br",
        )
        response_record(
            writer,
            "http://bomb.example/zstd",
            zeros_packed(1 << 30, zstd.ZstdCompressor(level=1), "compress", "flush"),
            "zstd",
        )
        response_record(writer, "http://bomb.example/page", brotli.compress(page), "br")
    assert path.stat().st_size < 1 << 20
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(path), "--db", str(db), "--workers", "1")
    assert_clean_summary(result)
    # As a crawl records a response over its size cap: a capture row, skipped with the reason, no body.
    assert skip_counts(result.stderr) == {} and bodiless_counts(result.stderr) == {CAP_REASON: 3}
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT url, decision || ' ' || coalesce(reason, '') FROM captures"))
    assert rows.pop("http://bomb.example/page").startswith("page ")  # decoded and analysed
    assert rows == {f"http://bomb.example/{kind}": f"skipped {CAP_REASON}" for kind in ("gzip", "brotli", "zstd")}
    # The largest child process so far (this import included) stayed far below the 1 GB expanded.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 600 * 1024


def dated_response(writer: WARCWriter, url: str, date: str, headers: list[tuple[str, str]], body: bytes) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def test_invalid_warc_dates_are_replaced_with_a_warning_and_never_exported(tmp_path):
    page = b"<html><head><title>A page</title></head><body><p>Some words.</p></body></html>"
    path = tmp_path / "dates.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        dated_response(writer, "http://dates.example/a", "2015-03-02T10:00:00Z", [], page)
        http_date = [("Date", "Wed, 04 Mar 2015 08:30:00 GMT")]
        dated_response(writer, "http://dates.example/b", "2015-03-063T10:00:00-0700", http_date, page)
        dated_response(writer, "http://dates.example/c", "not a date", [], page)
        dated_response(writer, "http://dates.example/d", "2015-03-05T10:00:00-07:00", [], page)
        dated_response(
            writer, "http://dates.example/e", "2015-03-06T10:00:00Z", [("Content-Encoding", "compress")], page
        )
    db = tmp_path / "archive.db"
    result = run_cli("import-warc", str(path), "--db", str(db), "--workers", "1")
    assert_clean_summary(result)
    assert "2 records had an invalid WARC-Date" in result.stderr
    assert "1 from its HTTP Date header" in result.stderr and "1 from the record before it" in result.stderr
    assert bodiless_counts(result.stderr) == {"unsupported content encoding 'compress'": 1}
    with sqlite3.connect(db) as conn:
        times = dict(conn.execute("SELECT url, fetched_at FROM captures"))
    assert times == {
        "http://dates.example/a": "2015-03-02T10:00:00+00:00",
        "http://dates.example/b": "2015-03-04T08:30:00+00:00",
        "http://dates.example/c": "2015-03-04T08:30:00+00:00",
        "http://dates.example/d": "2015-03-05T17:00:00+00:00",
        "http://dates.example/e": "2015-03-06T10:00:00+00:00",
    }
    out = tmp_path / "export.warc.gz"
    assert run_cli("export-warc", "--db", str(db), "-o", str(out)).returncode == 0
    with out.open("rb") as f:
        exported = [r.rec_headers.get_header("WARC-Date") for r in ArchiveIterator(f)]
    assert len(exported) > 4 and all(VALID_DATE.fullmatch(d) for d in exported), exported
