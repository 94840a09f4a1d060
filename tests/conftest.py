"""Shared fixtures: the demo site over real HTTP, a crawled archive, free ports, required tools."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = str(Path(sys.executable).with_name("archiver"))


def require(tool: str) -> str:
    """Give the path of a system tool; skip without it, or fail when ARCHIVER_REQUIRE_ALL is set (CI)."""
    path = shutil.which(tool) or (tool if os.path.exists(tool) else None)
    if path:
        return path
    message = f"{tool} is not installed (apt-get install it)"
    if os.environ.get("ARCHIVER_REQUIRE_ALL"):
        pytest.fail(message + "; ARCHIVER_REQUIRE_ALL forbids skipping")
    pytest.skip(message)


def free_port() -> int:
    """Give a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until `url` answers over HTTP (any status), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing answered at {url} within {timeout} s")


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed `archiver` entry point and give the finished process."""
    return subprocess.run([ARCHIVER, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def demo_site():
    """The bundled demo news site, served over real HTTP on 127.0.0.1 for the whole session."""
    from archiver.demo import serve_demo

    with serve_demo() as server:
        yield server


@pytest.fixture(scope="session")
def crawled_archive(demo_site, tmp_path_factory) -> Path:
    """An archive made by `archiver crawl` of the demo site (shared by read-only tests)."""
    db = tmp_path_factory.mktemp("crawled") / "archive.db"
    result = run_cli("crawl", demo_site.url, "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def served_archive(crawled_archive):
    """A running `archiver serve` over the crawled demo archive; gives its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [ARCHIVER, "serve", "--db", str(crawled_archive), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/-/versions.json")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
