"""An HTTP server run in a daemon thread on 127.0.0.1: the demo site and its widget host are two of them."""

from __future__ import annotations

import threading
from http.server import HTTPServer


class BackgroundServer:
    """Serves `httpd` in a daemon thread named `name` once started; `url` is its root on a loopback address."""

    def __init__(self, httpd: HTTPServer, name: str):
        self.httpd = httpd
        host = httpd.server_address[0]
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
        self.url = f"http://{shown}:{httpd.server_address[1]}/"
        self._name = name
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """Give the TCP port the server listens on."""
        return self.httpd.server_address[1]

    def serve(self) -> None:
        """Start answering requests in the background."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=self._name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
