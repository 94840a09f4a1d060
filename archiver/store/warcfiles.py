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


def read_capture(folder: Path, location: WarcLocation) -> RawCapture:
    """Give the response kept at `location`; StoreError when it cannot be read."""
    path = folder / location.file
    try:
        with path.open("rb") as f:
            f.seek(location.offset)
            record = next(iter(ArchiveIterator(f)))
            body = record.content_stream().read()
            http = record.http_headers  # None for a revisit record without HTTP headers
            status = int(http.get_statuscode() or 0) if http else 0
            headers = dict(http.headers) if http else {}
            return RawCapture(record.rec_headers.get_header("WARC-Target-URI"), status, headers, body)
    except (OSError, StopIteration, ValueError, EOFError, ArchiveLoadFailed, StatusAndHeadersParserException) as exc:
        raise StoreError(f"cannot read capture at {path}:{location.offset}: {exc}", "check the warcs/ folder") from exc
