"""Typed errors raised by the layers and turned into one-line messages by the CLI."""


class ArchiverError(Exception):
    """Base of every error the archiver reports to a user: message plus remedy."""

    def __init__(self, message: str, remedy: str = ""):
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} ({self.remedy})" if self.remedy else self.message


class ConfigError(ArchiverError):
    """The sources config or a command-line value is not valid."""


class StoreError(ArchiverError):
    """The archive (archive.db and its warcs/ folder) cannot be opened, migrated, read or written.

    The store turns every sqlite3 error into this (as sqlite-utils turns them into its own), so no
    other layer catches sqlite3.Error.
    """


class WarcError(StoreError):
    """A WARC or ARC file, ours or another crawler's, cannot be read or written."""


class ExtractionError(ArchiverError):
    """A page could not be extracted at all."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot extract {url}: {reason}")
        self.url = url
        self.reason = reason
