"""The comment widget's own server, a second one on 127.0.0.1 (as a widget vendor's would be)."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archiver.demo.background import BackgroundServer
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


class WidgetServer(BackgroundServer):
    """The widget server in a background thread; `paths` lists every path requested, in order."""

    def __init__(self, articles: Callable[[], list[Article]], host: str = "127.0.0.1", port: int = 0):
        self.app = WidgetApp(articles)
        self.paths: list[str] = []
        super().__init__(WidgetHTTPServer((host, port), WidgetHandler), "demo-widget")
        self.httpd.widgets = self  # type: ignore[attr-defined]

    def start(self) -> WidgetServer:
        """Start serving in a daemon thread and give the server back."""
        self.serve()
        return self
