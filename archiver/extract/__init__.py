"""Pure extraction: HTML bytes and a URL in, frozen dataclasses out (no Scrapy, SQLite or network).

The entry points live in `archiver.extract.page` (`extract_page`, `parse_page`, `extract_parsed`);
this package module stays light so that `archiver.store`, which needs only the dataclasses of
`archiver.extract.model`, does not load trafilatura.
"""
