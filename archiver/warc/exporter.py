"""`archiver export-warc`: the archive's raw captures as one WARC 1.1 file.

Request and response records are copied byte for byte from the archive's own WARC files
(only a WARC/1.0 version line is rewritten, for records imported from older crawlers).
A 304 is written as a revisit record (profile server-not-modified) pointing at the
previous 200 capture of its URL; each capture that gave an article is followed by a
metadata record, concurrent to it, naming the article row.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import StoreError, WarcError
from archiver.store import Archive
from archiver.store.exports import ExportFilter, check_date
from archiver.store.warcs import KeptCapture
from archiver.warc.reader import Damage, RecordHead, WarcMember, member_at, parse_head, parse_record, read_members

NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


@dataclass
class ExportReport:
    """What an export wrote: records by type, and captures whose raw record could not be found."""

    responses: int = 0
    revisits: int = 0
    requests: int = 0
    metadata: int = 0
    missing: int = 0

    @property
    def captures(self) -> int:
        return self.responses + self.revisits


@dataclass(frozen=True)
class Seen:
    """A record read from a kept WARC file, with its parsed header."""

    member: WarcMember
    head: RecordHead


def export_warc(
    db: Path,
    output: Path,
    warc_dir: Path | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> ExportReport:
    """Write the kept captures under the filter to `output` (gzipped WARC 1.1); give the counts."""
    where = ExportFilter(source, check_date(since, "--since"), check_date(until, "--until"))
    folder = warc_dir or db.parent / "warcs"
    with Archive(db, readonly=True) as archive:
        files = archive.kept_files(where)
        try:
            out = output.open("wb")
        except OSError as exc:
            raise WarcError(f"cannot write {output}: {exc.strerror}", "check the -o path") from exc
        with out:
            exporter = Exporter(archive, folder, out)
            exporter.write_warcinfo(output.name, db, where)
            for file in files:
                exporter.export_file(file, archive.kept_captures(file, where))
    return exporter.report


class Exporter:
    """Write captures of the archive's WARC files into one output WARC."""

    def __init__(self, archive: Archive, folder: Path, out: BinaryIO):
        self.archive = archive
        self.folder = folder
        self.out = out
        self.writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        self.report = ExportReport()

    def write_warcinfo(self, name: str, db: Path, where: ExportFilter) -> None:
        """Write the warcinfo record that opens the file."""
        info = {
            "software": f"news-archiver {__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": CONFORMS_TO,
            "isPartOf": db.stem,
            "description": f"raw captures of the archive {db.name}"
            + "".join(f", {k} {v}" for k, v in vars(where).items() if v),
        }
        self.writer.write_record(self.writer.create_warcinfo_record(name, info))

    def export_file(self, file: str, captures: Iterable[KeptCapture]) -> None:
        """Copy the wanted captures of one kept WARC file, with their request records."""
        wanted = {c.warc_offset: c for c in captures}
        previous: Seen | None = None
        last_id = None
        try:
            for seen in self.records(self.folder / file):
                capture = wanted.pop(seen.member.offset, None)
                if capture is not None:
                    if previous and previous.head.type == "request" and previous.head.uri == seen.head.uri:
                        self.copy(previous.member, "request")
                    self.write_capture(capture, seen)
                    last_id = seen.head.record_id
                elif seen.head.type == "request" and last_id and seen.head.concurrent_to == last_id:
                    self.copy(seen.member, "request")
                previous = seen
        except StoreError:
            pass  # a missing file: its captures are counted as missing below
        self.report.missing += len(wanted)

    def records(self, path: Path):
        """Give the readable records of a kept WARC file with their headers."""
        for member in read_members(path):
            if isinstance(member, Damage):
                continue
            try:
                yield Seen(member, parse_head(member))
            except StoreError:
                continue

    def write_capture(self, capture: KeptCapture, seen: Seen) -> None:
        """Write one capture (a 304 as a revisit) and its metadata record."""
        record_id = self.write_revisit(capture, seen) if capture.status == 304 else None
        if record_id is None:
            self.copy(seen.member, "response")
            record_id = seen.head.record_id
        if capture.article_id is not None:
            self.write_metadata(capture, seen.head, record_id)

    def copy(self, member: WarcMember, kind: str) -> None:
        """Copy one record as WARC 1.1, byte for byte apart from an older version line."""
        if member.gzipped and member.data.startswith(b"WARC/1.1\r\n"):
            self.out.write(member.raw)
        else:
            data = b"WARC/1.1" + member.data[member.data.index(b"\r\n") :]
            self.out.write(gzip.compress(data, compresslevel=6, mtime=0))
        if kind == "request":
            self.report.requests += 1
        else:
            self.report.responses += 1

    def write_revisit(self, capture: KeptCapture, seen: Seen) -> str | None:
        """Write a 304 as a revisit of the URL's previous 200 capture; give its id (None: no such capture)."""
        before = self.archive.previous_response(capture.final_url, capture.id)
        if before is None:
            return None
        try:
            ref = parse_head(member_at(self.folder / before.warc_file, before.warc_offset, before.warc_length))
            http = parse_record(seen.member).http_headers
        except StoreError:
            return None
        headers = {
            "WARC-Date": seen.head.date,
            "WARC-Profile": NOT_MODIFIED,
            "WARC-Refers-To": ref.record_id,
            "WARC-Refers-To-Target-URI": ref.uri,
            "WARC-Refers-To-Date": ref.date,
        }
        record = self.writer.create_warc_record(seen.head.uri, "revisit", http_headers=http, warc_headers_dict=headers)
        self.writer.write_record(record)
        self.report.revisits += 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def write_metadata(self, capture: KeptCapture, head: RecordHead, record_id: str) -> None:
        """Write the metadata record that links a capture to its article row."""
        fields = (
            f"capture-id: {capture.id}\r\ndecision: {capture.decision}\r\n"
            f"article-id: {capture.article_id}\r\narticle-url: {capture.article_url}\r\n"
        ).encode()
        record = self.writer.create_warc_record(
            head.uri,
            "metadata",
            payload=BytesIO(fields),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": head.date, "WARC-Concurrent-To": record_id},
        )
        self.writer.write_record(record)
        self.report.metadata += 1
