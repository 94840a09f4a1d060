"""Build and serve the Datasette app for an archive (what `archiver serve` runs)."""

from __future__ import annotations

import json
import os
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


def quiet_unawaited_facets() -> None:
    """Silence asyncio's warning for the facet queries Datasette leaves unawaited when one fails.

    It fails on a facet over a missing column, and the warning came once per coroutine: a page of
    noise per bad URL in the server log."""
    warnings.filterwarnings("ignore", message="coroutine .* was never awaited", category=RuntimeWarning)


def serve(app: Datasette, host: str, port: int) -> None:
    """Serve `app` with uvicorn in this process until Ctrl-C."""
    import uvicorn

    check_port(host, port)
    quiet_unawaited_facets()
    uvicorn.run(app.app(), host=host, port=port, log_level="warning", lifespan="on")


# What each serving process of `serve_processes` reads to build its app: the archive and the mode.
SERVE_SPEC = "ARCHIVER_SERVE_SPEC"


def app_from_spec():
    """Give the ASGI app named by the SERVE_SPEC environment variable (one per serving process)."""
    spec = json.loads(os.environ[SERVE_SPEC])
    quiet_unawaited_facets()
    return build_app(Path(spec["db"]), spec["public"]).app()


def serve_processes(db_path: Path, public: bool, host: str, port: int, processes: int) -> None:
    """Serve the archive from `processes` processes sharing one socket until Ctrl-C.

    Pages are rendered in Python under one lock per process, so one process keeps one core busy at
    most; a public archive on a machine of several cores answers more visitors with more processes.
    The archive is checked (and migrated) by the caller, once, through build_app."""
    import uvicorn

    check_port(host, port)
    os.environ[SERVE_SPEC] = json.dumps({"db": str(db_path), "public": public})
    uvicorn.run(
        "archiver.web.app:app_from_spec",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
    )
