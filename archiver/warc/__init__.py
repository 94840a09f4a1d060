"""WARC in and out: `archiver export-warc` writes the archive's raw captures as WARC 1.1,
`archiver import-warc` archives articles from WARC files other crawlers made (wget, Heritrix,
Browsertrix, Common Crawl). `archiver/warc.py` keeps writing and reading the crawl's own records.

    from archiver.warc import export_warc, import_warcs, ImportOptions
    export_warc(Path("archive.db"), Path("out.warc.gz"), source="courier", since="2026-01-01")
    report = import_warcs(Path("archive.db"), [Path("crawl.warc.gz")], ImportOptions(source="courier"))
"""

from archiver.warc.exporter import ExportReport, export_warc
from archiver.warc.importer import ImportOptions, ImportReport, import_warcs

__all__ = ["ExportReport", "ImportOptions", "ImportReport", "export_warc", "import_warcs"]
