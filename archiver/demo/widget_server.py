"""The comment widget's own server, a second one on 127.0.0.1 (as a widget vendor's would be)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archiver.demo.model import Article
from archiver.demo.widget import WidgetApp


class WidgetHandler(BaseHTTPRequestHandler):
    """Answers every GET from the widget app; records the path."""

    protocol_version = "HTTP/1.1"
    server_version = "Talkback/1.0"
    timeout = 30

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        server: WidgetServer = self.server.widgets  # type: ignore[attr-defined]
        server.paths.append(self.path)
        response = server.app.respond(self.path)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:
        pass


class WidgetHTTPServer(ThreadingHTTPServer):
    daemon_threads = True


class WidgetServer:
    """The widget server in a background thread; `paths` lists every path requested, in order."""

    def __init__(self, articles: Callable[[], list[Article]], host: str = "127.0.0.1", port: int = 0):
        self.app = WidgetApp(articles)
        self.paths: list[str] = []
        self.httpd = WidgetHTTPServer((host, port), WidgetHandler)
        self.httpd.widgets = self  # type: ignore[attr-defined]
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
        self.url = f"http://{shown}:{self.httpd.server_address[1]}/"
        self._thread: threading.Thread | None = None

    def start(self) -> WidgetServer:
        """Start serving in a daemon thread and give the server back."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="demo-widget", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()
