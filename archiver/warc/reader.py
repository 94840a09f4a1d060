"""WARC and ARC files read record by record, forward only, surviving damage.

Gzipped WARCs are split into their gzip members by hand (one record per member, as the
standard recommends), so that a member that will not decompress, or a file cut short,
costs that one record: the reader resynchronises on the next gzip header. Plain WARCs
resynchronise on the next `WARC/1.x` line. A WARC gzipped as one stream (all records in one
member) is read as a plain WARC through a decompressing stream, and ARC files through warcio's
ARC-to-WARC conversion. Each record is held in memory alone, up to `max_record` bytes; larger
ones are skipped without being held. A record the file ends inside is kept as far as it goes,
marked `WARC-Truncated` (as warcio and replay tools read such records too).
"""

from __future__ import annotations

import gzip
import re
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
SNIFF = 64 * 1024
TRUNCATED = "truncated record (file ends inside it)"
ARC_START = re.compile(rb"\A\s*(filedesc://|\S+ [0-9a-fA-F.:]+ \d{14} \S* \d+\s*\n)")
# Headers that no longer hold for a record kept cut short.
CUT_HEADERS = (b"content-length:", b"warc-block-digest:", b"warc-payload-digest:", b"warc-truncated:")
READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, EOFError, OSError, zlib.error)


@dataclass(frozen=True)
class WarcMember:
    """One record as found in a file: where it starts, its bytes as stored, and uncompressed."""

    offset: int
    raw: bytes
    data: bytes
    gzipped: bool
    truncated: bool = False


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
    """Give the records of a WARC or ARC file (gzipped or not) in file order, and the damage met."""
    try:
        f = path.open("rb")
    except OSError as exc:
        raise WarcError(f"cannot read {path}: {exc.strerror}", "check the path") from exc
    with f:
        kind = file_kind(f, max_record)
        f.seek(0)
        if kind == "arc":
            yield from arc_records(f, max_record)
        elif kind == "gzip-stream":
            yield from gzip_stream_records(f, max_record)
        elif kind == "gzip":
            yield from gzip_members(ChunkStream(f), max_record)
        else:
            yield from plain_records(f, max_record)


def file_kind(f: BinaryIO, max_record: int) -> str:
    """Give how a file is to be read: arc, gzip (a member per record), gzip-stream or plain."""
    head = f.read(2)
    f.seek(0)
    if head != GZIP_MAGIC[:2]:
        return "arc" if ARC_START.match(f.read(SNIFF)) else "plain"
    start, member_ended = first_member_start(f, max_record)
    if ARC_START.match(start):
        return "arc"
    end = record_end(start)
    if end is None:
        return "gzip"
    # More than one record in the first member: the file was gzipped as one stream.
    return "gzip-stream" if start[end:].strip() and (member_ended or len(start) > end + 4) else "gzip"


def first_member_start(f: BinaryIO, max_record: int) -> tuple[bytes, bool]:
    """Give the start of the first gzip member uncompressed (past its first record, where it fits
    in `max_record`), and whether the member ended there."""
    inflater, out, need = zlib.decompressobj(31), b"", SNIFF
    while not inflater.eof and len(out) < need:
        chunk = f.read(CHUNK)
        if not chunk:
            break
        try:
            out += inflater.decompress(chunk)
        except zlib.error:
            break
        end = record_end(out)
        need = min(end + 16, max_record) if end is not None else SNIFF
    return out, inflater.eof


def record_end(data: bytes) -> int | None:
    """Give where the first record of uncompressed WARC data ends (before its closing CRLFs)."""
    data = crlf_head(data)
    end = data.find(b"\r\n\r\n")
    length = content_length(data[:end]) if end > 0 and data.startswith(b"WARC/") else None
    return None if length is None else end + 4 + length


def arc_records(f: BinaryIO, max_record: int) -> Iterator[WarcMember | Damage]:
    """Give the records of an ARC file converted to WARC records by warcio, and the damage met
    (warcio cannot resynchronise inside an ARC file, so damage ends it)."""
    reader = ArchiveIterator(f, arc2warc=True, no_record_parse=True)
    records = iter(reader)
    while True:
        try:
            record = next(records)
            # The block first: warcio finds an ARC record's offset by reading the record to its end.
            block = record.raw_stream.read(max_record + 1)
            yield arc_member(reader.get_record_offset(), record, block, max_record)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            yield Damage(reader.get_record_offset() or 0, f"unreadable ARC record ({type(exc).__name__})")
            return


def arc_member(offset: int, record, block: bytes, max_record: int) -> WarcMember | Damage:
    """Give an ARC record, converted by warcio, as WARC bytes: its header block and its content
    (`block`, read up to one byte past `max_record`)."""
    if len(block) > max_record:
        return Damage(offset, f"record over {max_record // (1024 * 1024)} MB")
    headers = record.rec_headers
    headers.replace_header("Content-Length", str(len(block)))
    data = headers.to_bytes() + block + b"\r\n\r\n"
    return WarcMember(offset, data, data, False)


def gzip_stream_records(f: BinaryIO, max_record: int) -> Iterator[WarcMember | Damage]:
    """Give the records of a WARC gzipped as one stream, read as a plain WARC while decompressing
    (offsets are in the uncompressed stream); damage to the stream ends the file."""
    stream = gzip.GzipFile(fileobj=f)
    try:
        yield from plain_records(stream, max_record)
    except (OSError, EOFError, zlib.error) as exc:
        yield Damage(f.tell(), f"corrupt gzip data ({type(exc).__name__})")


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
        yield from split_member(one_member(stream, max_record), max_record)


def split_member(member: WarcMember | Damage, max_record: int) -> Iterator[WarcMember | Damage]:
    """Give a gzip member's record, or each of its records where one member holds several (a
    writer that gzipped a run of records together); they take the member's offset."""
    if isinstance(member, Damage):
        yield member
        return
    member = with_crlf_head(member)
    end = record_end(member.data)
    if end is None or not member.data[end:].strip():
        yield member
        return
    for part in plain_records(BytesIO(member.data), max_record):
        if isinstance(part, WarcMember):
            yield WarcMember(member.offset, part.raw, part.data, False, part.truncated)
        else:
            yield Damage(member.offset, part.reason)


def with_crlf_head(member: WarcMember) -> WarcMember:
    """Give a record whose header block ends lines with a bare LF (some old writers) with CRLFs,
    as the rest of the archive (and the WARC standard) has them; other records as they are."""
    fixed = crlf_head(member.data)
    return member if fixed is member.data else WarcMember(member.offset, fixed, fixed, False, member.truncated)


def crlf_head(data: bytes) -> bytes:
    """Give uncompressed record data with its header lines ended by CRLF (the same bytes if they were)."""
    lf, crlf = data.find(b"\n\n"), data.find(b"\r\n\r\n")
    if lf < 0 or (0 <= crlf < lf) or not data.startswith(b"WARC/"):
        return data
    head = b"\r\n".join(line.rstrip(b"\r") for line in data[:lf].split(b"\n"))
    return head + b"\r\n\r\n" + data[lf + 2 :]


def one_member(stream: ChunkStream, max_record: int) -> WarcMember | Damage:
    """Decompress the member at the front of the stream; Damage when corrupt, cut short or too large."""
    start = stream.offset
    inflater = zlib.decompressobj(31)
    raw, out, size = [], [], 0
    while not inflater.eof:
        if not stream.buf and not stream.fill():
            return cut_short(start, b"".join(out)) if size <= max_record else Damage(start, TRUNCATED)
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
        return Damage(start, f"record over {max_record // (1024 * 1024)} MB")
    data = b"".join(out)
    fixed = crlf_head(data)
    end = record_end(fixed)
    if end is not None and len(fixed) < end:
        return cut_short(start, fixed)  # the writer's Content-Length overstates what it wrote
    if fixed is not data:
        return WarcMember(start, fixed, fixed, False)
    return WarcMember(start, b"".join(raw), data, True)


def cut_short(offset: int, data: bytes) -> WarcMember | Damage:
    """Give a record the file ends inside as far as it goes, marked WARC-Truncated, its length
    corrected and its digests (which no longer hold) dropped; Damage when its header is incomplete."""
    data = crlf_head(data)
    end = data.find(b"\r\n\r\n")
    if end < 0 or not data.startswith(b"WARC/"):
        return Damage(offset, TRUNCATED)
    block = data[end + 4 :]
    lines = [line for line in data[:end].split(b"\r\n") if not line.lower().startswith(CUT_HEADERS)]
    lines += [b"Content-Length: %d" % len(block), b"WARC-Truncated: unspecified"]
    fixed = b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"
    return WarcMember(offset, fixed, fixed, False, truncated=True)


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
        yield with_crlf_head(result) if isinstance(result, WarcMember) else result
        if isinstance(result, Damage) and result.reason == TRUNCATED or getattr(result, "truncated", False):
            return


def plain_record(f: BinaryIO, offset: int, first: bytes, max_record: int) -> WarcMember | Damage:
    """Read the rest of one uncompressed record whose first line was `first`."""
    head = [first]
    while head[-1].strip():
        head.append(f.readline(MAX_LINE))
        if not head[-1]:
            return Damage(offset, TRUNCATED)
    length = content_length(b"".join(head))
    if length is None:
        resync_plain(f)
        return Damage(offset, "record without a valid Content-Length")
    if length > max_record:
        f.seek(length, 1)
        return Damage(offset, f"record over {max_record // (1024 * 1024)} MB")
    block = f.read(length)
    if len(block) < length:
        return cut_short(offset, b"".join(head) + block)
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
