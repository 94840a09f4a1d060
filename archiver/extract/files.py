"""Reading saved pages from disk with clear errors."""

from __future__ import annotations

import gzip
from pathlib import Path

from archiver.errors import ConfigError


def read_page(path: Path) -> bytes:
    """Give the bytes of a saved page (gunzipped when it ends in .gz); ConfigError when unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}", "check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory", "give HTML files") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", "check its permissions") from None
    if path.suffix == ".gz":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ConfigError(f"{path} is not valid gzip: {exc}", "give the .html file or a valid .gz") from None
    return data
