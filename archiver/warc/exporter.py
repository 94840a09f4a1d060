"""`archiver export-warc`: the archive's raw captures as one WARC 1.1 file (and a WACZ package).

Request, response, revisit and resource records are copied byte for byte from the archive's
own WARC files (only an older version line, or a WARC-Date replay tools would reject, is
rewritten). A 304 is written as a revisit record of profile identical-payload-digest, carrying
the previous 200 capture's status line, headers and payload digest and naming it by
WARC-Refers-To(-Target-URI, -Date): replay tools (pywb, ReplayWeb.page) then show the page the
server said had not changed, where a server-not-modified revisit replays as an empty 304.
Without such a 200 (or its payload digest) the 304 goes out as a server-not-modified revisit.
Each capture that gave an article is followed by a metadata record, concurrent to it, naming
the article row.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.errors import StoreError, WarcError
from archiver.store import Archive
from archiver.store.exports import ExportFilter, check_date
from archiver.store.warcs import WarcCapture
from archiver.warc import dates
from archiver.warc.reader import Damage, RecordHead, WarcMember, member_at, parse_head, parse_record, read_members
from archiver.warc.wacz import Page, write_wacz

NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
COPIED_KINDS = ("response", "revisit", "resource", "request")
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


@dataclass
class ExportReport:
    """What an export wrote: records by type, the pages (captures that gave articles), and captures
    whose raw record could not be found."""

    responses: int = 0
    revisits: int = 0
    resources: int = 0
    requests: int = 0
    metadata: int = 0
    missing: int = 0
    redated: int = 0
    pages: list[Page] = field(default_factory=list)

    @property
    def captures(self) -> int:
        """Captures written: responses, revisits and resources."""
        return self.responses + self.revisits + self.resources

    def count(self, kind: str) -> None:
        """Count one copied record of a WARC-Type."""
        name = {"response": "responses", "revisit": "revisits", "resource": "resources", "request": "requests"}
        setattr(self, name[kind], getattr(self, name[kind]) + 1)


@dataclass(frozen=True)
class Seen:
    """A record read from a kept WARC file, with its parsed header."""

    member: WarcMember
    head: RecordHead


def export_warc(
    db: Path,
    output: Path | None,
    warc_dir: Path | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    wacz: Path | None = None,
) -> ExportReport:
    """Write the kept captures under the filter to `output` (gzipped WARC 1.1) and/or packaged as the
    WACZ file `wacz`; give the counts."""
    where = ExportFilter(source, check_date(since, "--since"), check_date(until, "--until"))
    folder = warc_dir or db.parent / "warcs"
    if output is None and wacz is None:
        raise WarcError("nothing to write", "give -o FILE.warc.gz, --wacz FILE.wacz or both")
    target = output or wacz.with_name(f".{wacz.name}.warc.gz")
    try:
        report = write_export(db, target, folder, where, output.name if output else "data.warc.gz")
        if wacz is not None:
            write_wacz(target, report.pages, wacz, f"News Archiver export of {db.name}")
    finally:
        if output is None:
            target.unlink(missing_ok=True)
    return report


def write_export(db: Path, output: Path, folder: Path, where: ExportFilter, name: str) -> ExportReport:
    """Write the WARC file of an export; give the counts."""
    with Archive(db, readonly=True) as archive:
        files = archive.kept_files(where)
        try:
            out = output.open("wb")
        except OSError as exc:
            raise WarcError(f"cannot write {output}: {exc.strerror}", "check the -o path") from exc
        with out:
            exporter = Exporter(archive, folder, out)
            exporter.write_warcinfo(name, db, where)
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
        self.last_fetched = ""  # the fetch time of the last capture written, to date its requests by

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

    def export_file(self, file: str, captures: Iterable[WarcCapture]) -> None:
        """Copy the wanted captures of one kept WARC file, with their request records."""
        wanted = {c.warc_offset: c for c in captures}
        previous: Seen | None = None
        last_id = None
        try:
            for seen in self.records(self.folder / file):
                capture = wanted.pop(seen.member.offset, None)
                if capture is not None:
                    if previous and previous.head.type == "request" and previous.head.uri == seen.head.uri:
                        self.copy(previous, valid_date(previous.head.date, capture.fetched_at))
                    self.write_capture(capture, seen)
                    last_id = seen.head.record_id
                elif seen.head.type == "request" and last_id and seen.head.concurrent_to == last_id:
                    self.copy(seen)
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

    def write_capture(self, capture: WarcCapture, seen: Seen) -> None:
        """Write one capture (a 304 as a revisit) and its metadata record."""
        date = valid_date(seen.head.date, capture.fetched_at)
        self.last_fetched = capture.fetched_at
        record_id = self.write_revisit(capture, seen, date) if capture.status == 304 else None
        if record_id is None:
            self.copy(seen, date)
            record_id = seen.head.record_id
        if capture.article_id is not None:
            self.write_metadata(capture, seen.head, record_id, date)

    def copy(self, seen: Seen, date: str | None = None) -> None:
        """Copy one record as WARC 1.1, byte for byte apart from an older version line or a date
        replay tools would reject."""
        member, kind = seen.member, seen.head.type
        date = date or valid_date(seen.head.date, self.last_fetched)
        if member.gzipped and member.data.startswith(b"WARC/1.1\r\n") and date == seen.head.date:
            self.out.write(member.raw)
        else:
            data = b"WARC/1.1" + member.data[member.data.index(b"\r\n") :]
            if date != seen.head.date:
                data = dates.with_date(data, date)
                self.report.redated += 1
            self.out.write(gzip.compress(data, compresslevel=6, mtime=0))
        self.report.count(kind if kind in COPIED_KINDS else "response")

    def write_revisit(self, capture: WarcCapture, seen: Seen, date: str) -> str | None:
        """Write a 304 as a revisit of the URL's previous 200 capture; give its id (None: no such capture)."""
        before = self.archive.previous_response(capture.final_url, capture.id)
        if before is None:
            return None
        try:
            original = parse_record(member_at(self.folder / before.warc_file, before.warc_offset, before.warc_length))
            http = parse_record(seen.member).http_headers
        except StoreError:
            return None
        get = original.rec_headers.get_header
        ref_date = valid_date(get("WARC-Date") or "", before.fetched_at)
        headers = {"WARC-Date": date, "WARC-Refers-To": get("WARC-Record-ID") or ""}
        digest = get("WARC-Payload-Digest")
        if digest and original.http_headers is not None:
            record = self.writer.create_revisit_record(
                seen.head.uri, digest, get("WARC-Target-URI"), ref_date, original.http_headers, headers
            )
        else:
            headers.update(
                {
                    "WARC-Profile": NOT_MODIFIED,
                    "WARC-Refers-To-Target-URI": get("WARC-Target-URI") or "",
                    "WARC-Refers-To-Date": ref_date,
                }
            )
            record = self.writer.create_warc_record(
                seen.head.uri, "revisit", http_headers=http, warc_headers_dict=headers
            )
        self.writer.write_record(record)
        self.report.revisits += 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def write_metadata(self, capture: WarcCapture, head: RecordHead, record_id: str, date: str) -> None:
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
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )
        self.writer.write_record(record)
        self.report.metadata += 1
        self.report.pages.append(Page(head.uri, date, capture.article_title or capture.article_url or head.uri))


def valid_date(warc_date: str, fetched_at: str) -> str:
    """Give a record's WARC-Date if replay tools read it, else the capture's fetch time as one."""
    if dates.is_valid(warc_date):
        return warc_date
    moment = dates.as_moment(warc_date) or dates.as_moment(fetched_at)
    return dates.warc_form(moment) if moment else warc_date
