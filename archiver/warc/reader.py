"""WARC files read record by record, forward only, surviving damage.

Gzipped WARCs are split into their gzip members by hand (one record per member, as the
standard recommends), so that a member that will not decompress, or a file cut short,
costs that one record: the reader resynchronises on the next gzip header. Plain WARCs
resynchronise on the next `WARC/1.x` line. Each record is held in memory alone, up to
`max_record` bytes; larger ones are skipped without being held.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archiver.errors import WarcError

CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b\x08"
MAX_RECORD = 64 * 1024 * 1024
MAX_LINE = 64 * 1024


@dataclass(frozen=True)
class WarcMember:
    """One record as found in a file: where it starts, its bytes as stored, and uncompressed."""

    offset: int
    raw: bytes
    data: bytes
    gzipped: bool


@dataclass(frozen=True)
class Damage:
    """A stretch of a file that gave no record: where it starts and why it was skipped."""

    offset: int
    reason: str


@dataclass(frozen=True)
class RecordHead:
    """The WARC header fields the importer and exporter work with."""

    version: str
    type: str
    uri: str
    date: str
    record_id: str
    concurrent_to: str


def read_members(path: Path, max_record: int = MAX_RECORD) -> Iterator[WarcMember | Damage]:
    """Give the records of a WARC file (gzipped or not) in file order, and the damage met."""
    try:
        f = path.open("rb")
    except OSError as exc:
        raise WarcError(f"cannot read {path}: {exc.strerror}", "check the path") from exc
    with f:
        head = f.read(2)
        f.seek(0)
        if head == GZIP_MAGIC[:2]:
            yield from gzip_members(ChunkStream(f), max_record)
        else:
            yield from plain_records(f, max_record)


class ChunkStream:
    """A file read forward in chunks, knowing the file offset of its unread bytes."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.buf = b""
        self.offset = 0

    def fill(self) -> bool:
        """Read one more chunk into the buffer; False at the end of the file."""
        chunk = self.f.read(CHUNK)
        self.buf += chunk
        return bool(chunk)

    def take(self) -> bytes:
        """Give and consume the whole buffer."""
        data, self.buf = self.buf, b""
        self.offset += len(data)
        return data

    def give_back(self, data: bytes) -> None:
        """Put consumed bytes back in front of the buffer."""
        self.buf = data + self.buf
        self.offset -= len(data)

    def skip_to_magic(self, start: int) -> None:
        """Drop bytes up to the next gzip header at or after buffer index `start` (or to the end)."""
        while True:
            found = self.buf.find(GZIP_MAGIC, start)
            if found >= 0:
                self.buf = self.buf[found:]
                self.offset += found
                return
            keep = min(len(self.buf), len(GZIP_MAGIC) - 1)
            self.offset += len(self.buf) - keep
            self.buf = self.buf[len(self.buf) - keep :]
            start = 0
            if not self.fill():
                self.offset += len(self.buf)
                self.buf = b""
                return


def gzip_members(stream: ChunkStream, max_record: int) -> Iterator[WarcMember | Damage]:
    """Give each gzip member of the stream as a record, or the damage where one is unreadable."""
    while stream.buf or stream.fill():
        while len(stream.buf) < len(GZIP_MAGIC) and stream.fill():
            pass
        start = stream.offset
        if not stream.buf.startswith(GZIP_MAGIC):
            stream.skip_to_magic(1)
            yield Damage(start, "bytes that are not a gzip member")
            continue
        yield one_member(stream, max_record)


def one_member(stream: ChunkStream, max_record: int) -> WarcMember | Damage:
    """Decompress the member at the front of the stream; Damage when corrupt, cut short or too large."""
    start = stream.offset
    inflater = zlib.decompressobj(31)
    raw, out, size = [], [], 0
    while not inflater.eof:
        if not stream.buf and not stream.fill():
            return Damage(start, "truncated record (file ends inside it)")
        chunk = stream.take()
        try:
            data = inflater.decompress(chunk)
        except zlib.error as exc:
            stream.give_back(chunk)
            stream.skip_to_magic(1)
            return Damage(start, f"corrupt gzip data ({exc})")
        used = len(chunk) - len(inflater.unused_data)
        stream.give_back(inflater.unused_data)
        size += len(data)
        if size <= max_record:
            raw.append(chunk[:used])
            out.append(data)
    if size > max_record:
        return Damage(start, f"record over {max_record} bytes")
    return WarcMember(start, b"".join(raw), b"".join(out), True)


def plain_records(f: BinaryIO, max_record: int) -> Iterator[WarcMember | Damage]:
    """Give each record of an uncompressed WARC file, or the damage where one is unreadable."""
    while True:
        offset = f.tell()
        line = f.readline(MAX_LINE)
        if not line:
            return
        if not line.strip():
            continue
        if not line.startswith(b"WARC/"):
            resync_plain(f)
            yield Damage(offset, "bytes that are not a WARC record")
            continue
        result = plain_record(f, offset, line, max_record)
        yield result
        if isinstance(result, Damage) and result.reason.startswith("truncated"):
            return


def plain_record(f: BinaryIO, offset: int, first: bytes, max_record: int) -> WarcMember | Damage:
    """Read the rest of one uncompressed record whose first line was `first`."""
    head = [first]
    while head[-1].strip():
        head.append(f.readline(MAX_LINE))
        if not head[-1]:
            return Damage(offset, "truncated record (file ends inside it)")
    length = content_length(b"".join(head))
    if length is None:
        resync_plain(f)
        return Damage(offset, "record without a valid Content-Length")
    if length > max_record:
        f.seek(length, 1)
        return Damage(offset, f"record over {max_record} bytes")
    block = f.read(length)
    if len(block) < length:
        return Damage(offset, "truncated record (file ends inside it)")
    data = b"".join(head) + block + b"\r\n\r\n"
    return WarcMember(offset, data, data, False)


def resync_plain(f: BinaryIO) -> None:
    """Move to the start of the next line that begins a WARC record (or to the end)."""
    while True:
        position = f.tell()
        line = f.readline(MAX_LINE)
        if not line or line.startswith((b"WARC/1.", b"WARC/0.")):
            f.seek(position)
            return


def content_length(head: bytes) -> int | None:
    """Give the Content-Length of a WARC header block, or None when it has none that is valid."""
    for line in head.split(b"\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def parse_head(member: WarcMember) -> RecordHead:
    """Give the WARC header of a record; WarcError when it is not a readable WARC record."""
    data = member.data
    end = data.find(b"\r\n\r\n")
    length = content_length(data[:end]) if end > 0 else None
    if length is None or len(data) - end - 4 < length:
        raise WarcError(f"record at {member.offset} is cut short or has no Content-Length")
    try:
        record = next(iter(ArchiveIterator(BytesIO(data), no_record_parse=True)))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, StopIteration, ValueError, EOFError) as exc:
        raise WarcError(f"record at {member.offset} is not a WARC record: {exc}") from exc
    get = record.rec_headers.get_header
    return RecordHead(
        record.rec_headers.protocol,
        record.rec_type or "",
        get("WARC-Target-URI") or "",
        get("WARC-Date") or "",
        get("WARC-Record-ID") or "",
        get("WARC-Concurrent-To") or "",
    )


def member_at(path: Path, offset: int, length: int) -> WarcMember:
    """Give the gzipped record stored at `offset` in one of the archive's own WARC files."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            raw = f.read(length)
        return WarcMember(offset, raw, zlib.decompress(raw, 31), True)
    except (OSError, zlib.error) as exc:
        raise WarcError(f"cannot read the record at {path}:{offset}: {exc}", "check the warcs/ folder") from exc


def parse_record(member: WarcMember):
    """Give the warcio record (WARC and HTTP headers parsed) of a member; WarcError when unreadable."""
    try:
        return next(iter(ArchiveIterator(BytesIO(member.data))))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, StopIteration, ValueError, EOFError) as exc:
        raise WarcError(f"record at {member.offset} is not readable: {exc}") from exc
