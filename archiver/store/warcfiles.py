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

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import StoreError

# Scrapy hands us bodies already decoded, so these would no longer describe them.
DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class WarcLocation:
    """Where one record lives: file name (relative to the WARC folder), offset and length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class RawCapture:
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


# The most a capture may expand to when read back: the crawl's own size cap (DOWNLOAD_MAXSIZE in
# crawl/settings.py, which this layer may not import), so a record crafted to expand to gigabytes
# (a gzip bomb) costs no more memory than the largest page a crawl keeps.
MAX_CAPTURE_BYTES = 10 * 1024 * 1024


def confined(folder: Path, name: str) -> Path:
    """Give the path of WARC file `name` inside `folder`; StoreError when it points anywhere else.

    The name comes from archive.db, which may be someone else's: `../../etc/passwd`, an absolute path
    or a symlink leading out of the folder must never be opened."""
    root = folder.resolve()
    path = (root / name).resolve()
    if not name or not path.is_relative_to(root) or path == root:
        raise StoreError(f"capture file {name!r} is not inside the warcs folder; not read", "check captures.warc_file")
    return path


def read_capture(folder: Path, location: WarcLocation, limit: int = MAX_CAPTURE_BYTES, cut: bool = False) -> RawCapture:
    """Give the response kept at `location` (a file inside `folder`); StoreError when it cannot be read.

    A body expanding past `limit` bytes is refused, or cut at `limit` when `cut` is set (for showing)."""
    path = confined(folder, location.file)
    try:
        with path.open("rb") as f:
            f.seek(location.offset)
            record = next(iter(ArchiveIterator(f)))
            body = record.content_stream().read(limit + 1)
            http = record.http_headers  # None for a revisit record without HTTP headers
            status = int(http.get_statuscode() or 0) if http else 0
            headers = dict(http.headers) if http else {}
            url = record.rec_headers.get_header("WARC-Target-URI")
    except (OSError, StopIteration, ValueError, EOFError, ArchiveLoadFailed, StatusAndHeadersParserException) as exc:
        # The reason names the error only: its text may quote the bytes read, from whatever file that is.
        raise StoreError(
            f"cannot read capture at {location.file}:{location.offset}: {type(exc).__name__}", "check the warcs/ folder"
        ) from exc
    return RawCapture(url, status, headers, capped_body(body, limit, cut, location))


def capped_body(body: bytes, limit: int, cut: bool, location: WarcLocation) -> bytes:
    """Give `body` when within `limit`, cut to it when `cut`; StoreError otherwise."""
    if len(body) <= limit:
        return body
    if cut:
        return body[:limit]
    raise StoreError(
        f"capture at {location.file}:{location.offset} expands to more than {limit:,} bytes; not read",
        "the crawl's size cap (DOWNLOAD_MAXSIZE) keeps no larger page",
    )
