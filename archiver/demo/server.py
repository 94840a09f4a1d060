"""The demo site on a real socket: a threaded HTTP/1.1 server on 127.0.0.1, run in the background."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archiver.demo.background import BackgroundServer
from archiver.demo.site import DemoSite
from archiver.demo.widget_server import WidgetServer


@dataclass(frozen=True)
class RequestRecord:
    """One request the server received; unpacks as (method, path, headers)."""

    method: str
    path: str
    headers: Message

    def __iter__(self) -> Iterator:
        """Give method, path and headers in turn, so a record unpacks like a tuple."""
        return iter((self.method, self.path, self.headers))


class RequestLog:
    """A thread-safe, append-only log of the requests received, in arrival order."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        """Record one request."""
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        """Give a copy of the records so far."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        """Forget every record (between the phases of a test)."""
        with self._lock:
            self._records.clear()

    def paths(self) -> list[str]:
        """Give the paths requested so far, query strings included."""
        return [r.path for r in self.snapshot()]

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        return len(self.snapshot())

    def __getitem__(self, index: int) -> RequestRecord:
        return self.snapshot()[index]


class DemoHandler(BaseHTTPRequestHandler):
    """Answers every request from the server's current DemoSite."""

    protocol_version = "HTTP/1.1"  # keep-alive: a crawler reuses its connections
    server_version = "MeridianCourier/1.0"
    disable_nagle_algorithm = True  # small responses must not wait for delayed ACKs
    timeout = 30  # idle keep-alive connections end, and their threads with them

    def version_string(self) -> str:
        """Give the Server header: our name only, not the Python version."""
        return self.server_version

    def do_GET(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def answer(self) -> None:
        """Log the request, then send the site's response."""
        demo: DemoServer = self.server.demo  # type: ignore[attr-defined]
        demo.requests.append(RequestRecord(self.command, self.path, self.headers))
        response = demo.site.respond(self.command, self.path, self.headers)
        if response.status == 405:
            self.close_connection = True  # the request body, if any, was not read
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:
        if self.server.demo.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)


class DemoHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer with room for a crawler's burst of connections."""

    request_queue_size = 128
    daemon_threads = True


class DemoServer(BackgroundServer):
    """The demo site served in a background thread; use as a context manager or call close()."""

    def __init__(self, edition: int = 1, host: str = "127.0.0.1", port: int = 0, verbose: bool = False):
        self.verbose = verbose
        self.requests = RequestLog()
        super().__init__(DemoHTTPServer((host, port), DemoHandler), "demo-site")
        self.httpd.demo = self  # type: ignore[attr-defined]
        # The comment widget lives on a server of its own, as a widget vendor's does.
        self.widgets = WidgetServer(lambda: self.site.articles, host)
        self.site = DemoSite(edition, self.url, self.widgets.url)

    @property
    def edition(self) -> int:
        """Give the edition being served."""
        return self.site.edition

    def set_edition(self, edition: int) -> None:
        """Serve another edition from now on; requests in flight finish with the old one."""
        site = DemoSite(edition, self.url, self.widgets.url)
        site.warm()
        self.site = site

    def start(self) -> DemoServer:
        """Start serving in a daemon thread and give the server back."""
        self.site.warm()
        self.widgets.start()
        self.serve()
        return self

    def close(self) -> None:
        """Stop serving, the widget host too, and release the ports."""
        super().close()
        self.widgets.close()


def serve_demo(edition: int = 1, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> DemoServer:
    """Give a started DemoServer (port 0 picks a free port); use it in a `with` block."""
    return DemoServer(edition, host, port, verbose).start()
