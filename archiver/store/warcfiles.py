"""Raw captures as WARC 1.1 records (warcio): written during crawls, read back for re-extraction."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import brotli
from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import StoreError, WarcError

try:
    from compression import zstd  # Python 3.14+
except ImportError:
    from backports import zstd

# Scrapy hands us bodies already decoded, so these would no longer describe them.
DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
# The decoded size a body may reach by default (a small record can expand to gigabytes); imports
# pass the crawl's DOWNLOAD_MAXSIZE, so that an imported capture is held to the crawl's cap.
MAX_DECODED = 10 * 1024 * 1024
INFLATE_CHUNK = 1 << 16


@dataclass(frozen=True)
class WarcLocation:
    """Where one record lives: file name (relative to the WARC folder), offset and length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class CaptureResponse:
    """A response read back from a WARC file: URL, status, headers and body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def http_headers(status: int, headers: Mapping[str, str], body: bytes) -> StatusAndHeaders:
    """Give the response status line and headers as kept in the WARC record."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    kept = [(k, v) for k, v in headers.items() if k.lower() not in DROPPED_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    return StatusAndHeaders(f"{status} {phrase}", kept, protocol="HTTP/1.1")


def sha256_label(digest: bytes) -> str:
    """Give a SHA-256 digest as a WARC record's header does: sha256:BASE32 (warcio's encoding)."""
    return "sha256:" + base64.b32encode(digest).decode("ascii")


def gzip_member(data: bytes, level: int) -> bytes:
    """Give `data` as one gzip member (a WARC record's usual framing) at compression `level`.

    Levels 0-3 use ISA-L (isal), about four times faster than zlib's level 1 with a better ratio
    and the same gzip format; higher levels use zlib."""
    if level <= isal_zlib.ISAL_BEST_COMPRESSION:
        compressor = isal_zlib.compressobj(level, isal_zlib.DEFLATED, zlib.MAX_WBITS + 16)
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


class Sha256RecordWriter(WARCWriter):
    """warcio's record writer, with SHA-256 digests for the records it hashes itself (requests,
    warcinfo), like the ones of responses (WarcWriter.digests)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")


class WarcWriter:
    """Append request and response records of one crawl to a gzipped WARC file, one gzip
    member per record. warcio always compresses at level 9, the costliest step of a crawl;
    `level` (ARCHIVER_WARC_GZIP_LEVEL) trades file size for speed."""

    def __init__(self, folder: Path, name: str, level: int = 6):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.name = name
        self.level = level
        self._file = (folder / name).open("ab")
        self._writer = Sha256RecordWriter(BytesIO(), gzip=False, warc_version="WARC/1.1")
        if self._file.tell() == 0:
            info = {"software": f"news-archiver {__version__}", "format": "WARC File Format 1.1"}
            self._write(self._writer.create_warcinfo_record(name, info))

    def _write(self, record) -> WarcLocation:
        plain = BytesIO()
        self._writer._write_warc_record(plain, record)
        return self.copy_record(gzip_member(plain.getvalue(), self.level))

    def write_exchange(
        self,
        url: str,
        request_headers: Mapping[str, str],
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        fetched_at: str,
        body_sha256: bytes,
    ) -> WarcLocation:
        """Write the request and response records; give where the response record lives.

        `body_sha256`, the body's SHA-256 (the capture's sha256 too), is the payload digest."""
        date = {"WARC-Date": fetched_at.replace("+00:00", "Z")}
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        req_head = StatusAndHeaders(f"GET /{path} HTTP/1.1", list(request_headers.items()), is_http_request=True)
        request = self._writer.create_warc_record(url, "request", http_headers=req_head, warc_headers_dict=dict(date))
        head = http_headers(status, headers, body)
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=head,
            warc_headers_dict={**date, **self.digests(head, body, body_sha256)},
        )
        self._write(request)
        return self._write(response)

    def write_conversion(self, url: str, body: bytes, content_type: str, fetched_at: str) -> WarcLocation:
        """Write a conversion record: content derived from the capture of `url` (the DOM of the page
        rendered in a browser); give where it lives."""
        digest = sha256_label(hashlib.sha256(body).digest())
        record = self._writer.create_warc_record(
            url,
            "conversion",
            payload=BytesIO(body),
            length=len(body),
            warc_content_type=content_type,
            warc_headers_dict={
                "WARC-Date": fetched_at.replace("+00:00", "Z"),
                "WARC-Payload-Digest": digest,
                "WARC-Block-Digest": digest,
            },
        )
        return self._write(record)

    def digests(self, head: StatusAndHeaders, body: bytes, body_sha256: bytes) -> dict[str, str]:
        """Give the response record's payload digest (the body's SHA-256, as given) and block digest
        (hashed in one call; warcio would hash the body again in 16 kB pieces, twice). SHA-256, as
        Browsertrix writes them, so that the capture's sha256 is the payload digest."""
        head.compute_headers_buffer(self._writer.header_filter)
        block = hashlib.sha256(head.headers_buff)
        block.update(body)
        return {"WARC-Payload-Digest": sha256_label(body_sha256), "WARC-Block-Digest": sha256_label(block.digest())}

    def copy_record(self, member: bytes) -> WarcLocation:
        """Append one record given as a complete gzip member, byte for byte; give where it lives."""
        offset = self._file.tell()
        self._file.write(member)
        return WarcLocation(self.name, offset, len(member))

    def flush(self) -> None:
        """Push buffered records to the file."""
        self._file.flush()

    def close(self) -> None:
        """Close the WARC file."""
        self._file.close()


class PayloadError(WarcError):
    """A capture's HTTP payload cannot be decoded: over the size cap, or an unknown or corrupt encoding."""

    def __init__(self, reason: str, where: str):
        super().__init__(f"{where}: {reason}")
        self.reason = reason


def confined(folder: Path, name: str) -> Path:
    """Give the path of WARC file `name` inside `folder`; StoreError when it points anywhere else.

    The name comes from archive.db, which may be someone else's: `../../etc/passwd`, an absolute path
    or a symlink leading out of the folder must never be opened."""
    root = folder.resolve()
    path = (root / name).resolve()
    if not name or not path.is_relative_to(root) or path == root:
        raise StoreError(f"capture file {name!r} is not inside the warcs folder; not read", "check captures.warc_file")
    return path


def read_capture(folder: Path, location: WarcLocation, limit: int = MAX_DECODED, cut: bool = False) -> CaptureResponse:
    """Give the response, revisit or resource kept at `location` (a file inside `folder`), its body
    decoded (chunked transfer, gzip, deflate, brotli, zstd) up to `limit` bytes; StoreError when it
    cannot be read, PayloadError when its body cannot be decoded within the limit (or, with `cut`,
    the body cut at the limit: for showing)."""
    path = confined(folder, location.file)
    where = f"{location.file}:{location.offset}"
    try:
        with path.open("rb") as f:
            f.seek(location.offset)
            record = next(iter(ArchiveIterator(f)))
            if not is_kept_capture(record):
                raise ValueError("no capture record starts there")
            return capture_of(record, limit, where, cut)
    except (OSError, StopIteration, ValueError, EOFError, ArchiveLoadFailed, StatusAndHeadersParserException) as exc:
        # The reason names the error only: its text may quote the bytes read, from whatever file that is.
        raise StoreError(f"cannot read capture at {where}: {type(exc).__name__}", "check the warcs/ folder") from exc


# The records a capture's location may point at (warcs/ holds only WARC files the archive wrote).
KEPT_TYPES = ("response", "revisit", "resource", "conversion")


def is_kept_capture(record) -> bool:
    """Tell whether warcio's record is a WARC capture record with its URI. A location that is off (a
    damaged archive) lands inside some other bytes, which warcio may read as an ARC header line or
    an empty WARC record rather than refuse: about 8 % of offsets 1-39 bytes past a record's start,
    measured on a crawl's own files."""
    return (
        record.format == "warc"
        and record.rec_type in KEPT_TYPES
        and bool(record.rec_headers.get_header("WARC-Target-URI"))
    )


def capture_of(record, cap: int, where: str, cut: bool = False) -> CaptureResponse:
    """Give a warcio record as a capture; a resource record is a 200 of its own Content-Type."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    # Never more than the cap read: a record can expand to gigabytes inside its gzip member.
    raw = check_size(record.raw_stream.read(cap + 1), cap, where, cut)
    if record.rec_type == "resource":
        kind = record.rec_headers.get_header("Content-Type") or ""
        return CaptureResponse(uri, 200, {"Content-Type": kind}, check_size(raw, cap, where, cut))
    http = record.http_headers  # None for a revisit record without HTTP headers
    if http is None:
        return CaptureResponse(uri, 0, {}, check_size(raw, cap, where, cut))
    code = http.get_statuscode() or ""
    status = int(code) if code.isdigit() else 0
    if "chunked" in (http.get_header("Transfer-Encoding") or "").lower():
        # warcio's reader keeps the bytes as they are where they turn out not to be chunked
        raw = ChunkedDataReader(BytesIO(raw)).read()
    body = decoded(raw, http.get_header("Content-Encoding") or "", cap, where, cut)
    return CaptureResponse(uri, status, dict(http.headers), body)


def check_size(body: bytes, cap: int, where: str, cut: bool = False) -> bytes:
    """Give `body`; cut at the cap with `cut`, else PayloadError when it is over the cap."""
    if len(body) > cap and cut:
        return body[:cap]
    if len(body) > cap:
        raise PayloadError(f"body expands to more than {cap:,} bytes (the decompressed-size cap)", where)
    return body


def decoded(body: bytes, encodings: str, cap: int, where: str, cut: bool = False) -> bytes:
    """Give a body with its Content-Encoding(s) undone, last applied first, within `cap` bytes."""
    for name in reversed([e.strip().lower() for e in encodings.split(",") if e.strip()]):
        if name in ("identity", "none", "utf-8", "binary"):
            continue
        decoder = DECODERS.get(name)
        if decoder is None:
            raise PayloadError(f"unsupported content encoding {name[:20]!r}", where)
        body = decode_one(decoder, name, body, cap, where, cut)
    return check_size(body, cap, where, cut)


def decode_one(decoder, name: str, body: bytes, cap: int, where: str, cut: bool = False) -> bytes:
    """Give one encoding undone; the body as it is where it was never encoded (a server mislabelling)."""
    if not body:
        return body
    try:
        return check_size(decoder(body, cap), cap, where, cut)
    except (zlib.error, brotli.error, zstd.ZstdError, EOFError) as exc:
        if not looks_encoded(name, body):
            return body
        raise PayloadError(f"corrupt {name} content encoding", where) from exc


def looks_encoded(name: str, body: bytes) -> bool:
    """Tell whether a body that failed to decode was really encoded (else it was sent as it is)."""
    if name in ("gzip", "x-gzip"):
        return body.startswith(b"\x1f\x8b")
    if name == "zstd":
        return body.startswith(b"\x28\xb5\x2f\xfd")
    return body.lstrip()[:1] not in (b"<", b"{", b"[")


def inflate(body: bytes, cap: int, wbits: int) -> bytes:
    """Give zlib-family data inflated, at most cap + 1 bytes (enough to tell it is over the cap)."""
    return zlib.decompressobj(wbits).decompress(body, cap + 1)


def gunzip(body: bytes, cap: int) -> bytes:
    """Give gzip (or zlib-wrapped) data inflated, up to cap + 1 bytes."""
    return inflate(body, cap, zlib.MAX_WBITS | 32)


def undeflate(body: bytes, cap: int) -> bytes:
    """Give deflate data inflated: zlib-wrapped as the standard says, or raw as some servers send it."""
    try:
        return inflate(body, cap, zlib.MAX_WBITS)
    except zlib.error:
        return inflate(body, cap, -zlib.MAX_WBITS)


def unbrotli(body: bytes, cap: int) -> bytes:
    """Give brotli data decompressed, stopping once past the cap (its output is bounded per call)."""
    decoder, parts, size, pos = brotli.Decompressor(), [], 0, 0
    while size <= cap and not decoder.is_finished():
        if decoder.can_accept_more_data():
            if pos >= len(body):
                break
            chunk, pos = body[pos : pos + INFLATE_CHUNK], pos + INFLATE_CHUNK
        else:
            chunk = b""
        piece = decoder.process(chunk, output_buffer_limit=cap + 1 - size)
        if not piece and not chunk:
            break  # no progress: the data ends inside the stream
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def unzstd(body: bytes, cap: int) -> bytes:
    """Give zstd data decompressed, up to cap + 1 bytes."""
    return zstd.ZstdDecompressor().decompress(body, cap + 1)


DECODERS = {"gzip": gunzip, "x-gzip": gunzip, "deflate": undeflate, "br": unbrotli, "zstd": unzstd}
