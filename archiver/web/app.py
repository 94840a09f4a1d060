"""Build and serve the Datasette app for an archive (what `archiver serve` runs)."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

from datasette.app import Datasette

from archiver.errors import ArchiverError
from archiver.store import Archive
from archiver.web.database import with_cached_reads
from archiver.web.security import SEARCH_SLOTS


def build_app(db_path: Path, public: bool = False) -> Datasette:
    """Give the Datasette app over the archive, migrated first; `public` turns off arbitrary SQL."""
    Archive(db_path, readonly=True).close()
    settings = {
        "default_page_size": 50,
        "sql_time_limit_ms": 3000,
        "facet_time_limit_ms": 500,
        "allow_csv_stream": True,
        "max_csv_mb": 0,
        "suggest_facets": False,
        # One more than the searches that may run at once (web/security.py): other pages always find a thread.
        "num_sql_threads": SEARCH_SLOTS + 1,
        # A public archive is browsed and searched, not handed out whole: one request would read gigabytes.
        "allow_download": not public,
    }
    metadata = {"allow_sql": False, "plugins": {"archiver": {"public": True}}} if public else {}
    ds = Datasette([str(db_path)], settings=settings, metadata=metadata)
    with_cached_reads(ds)
    return ds


def check_port(host: str, port: int) -> None:
    """Raise ArchiverError when `host:port` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ArchiverError(f"cannot listen on {host}:{port}: {exc.strerror}", "choose another --port") from exc


def serve(app: Datasette, host: str, port: int) -> None:
    """Serve `app` with uvicorn until Ctrl-C."""
    import uvicorn

    check_port(host, port)
    # Datasette leaves its other facet queries unawaited when one fails (a facet on a missing column);
    # asyncio then warns once per coroutine, a page of noise per bad URL in the server log.
    warnings.filterwarnings("ignore", message="coroutine .* was never awaited", category=RuntimeWarning)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning", lifespan="on")
