"""Helpers shared by the tests (imported by test modules and by conftest.py, which imports nothing else).

Real parts only: the installed `archiver` command, real ports on 127.0.0.1, `archiver serve` as a
process answering over HTTP.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = str(Path(sys.executable).with_name("archiver"))
# Chromium as root, with no network but loopback: no sandbox, no background requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]


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


def child_pids(pid: int) -> set[int]:
    """Give the ids of the processes whose parent is `pid` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def run_cli_with_a_worker_hung(*args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess, int]:
    """Run `archiver ARGS` and stop (SIGSTOP) its first extraction worker as soon as it starts, as a
    page that never ends would hang it; give the finished process and the stopped worker's pid.
    Workers are the children of the command's forkserver, so its grandchildren."""
    proc = subprocess.Popen([ARCHIVER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = 0
    deadline = time.monotonic() + 60
    while not stopped and proc.poll() is None and time.monotonic() < deadline:
        workers = [w for child in child_pids(proc.pid) for w in child_pids(child)]
        if workers:
            stopped = min(workers)
            os.kill(stopped, signal.SIGSTOP)
        else:
            time.sleep(0.005)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    if stopped:
        try:
            os.kill(stopped, signal.SIGKILL)  # were it left behind
        except ProcessLookupError:
            pass
    assert stopped, "no extraction worker was seen"
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), stopped


@dataclass(frozen=True)
class Served:
    """A running `archiver serve`: its base URL and its process."""

    base: str
    proc: subprocess.Popen


@contextmanager
def served(db: Path, *extra: str, output: IO | int = subprocess.DEVNULL) -> Iterator[Served]:
    """Run `archiver serve --db DB EXTRA...` on a free port until the block ends; give its base URL
    and process (its output goes to `output`: a log file where a test reads the server's log)."""
    port = free_port()
    proc = subprocess.Popen(
        [ARCHIVER, "serve", "--db", str(db), "--port", str(port), *extra], stdout=output, stderr=output
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/-/versions.json")
        yield Served(base, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class InProcess:
    """The archive's Datasette app run inside the test process and asked through Datasette's own
    client (no socket): for tests of what pages say, where the HTTP transport is not what is tested."""

    def __init__(self, db: Path, public: bool = False):
        from archiver.web.app import build_app

        self.app = build_app(db, public)
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.app.invoke_startup())

    def get(self, path: str) -> tuple[int, bytes]:
        """Give the status and body of a GET of `path` (the part of a URL after the host)."""
        response = self.loop.run_until_complete(self.app.client.get(path))
        return response.status_code, response.content

    def close(self) -> None:
        self.loop.close()


# Base URLs of in-process apps look like "inprocess:N"; fetch() sends them to their app.
INPROCESS = "inprocess:"
_APPS: dict[str, InProcess] = {}


@contextmanager
def in_process(db: Path, public: bool = False) -> Iterator[str]:
    """Run the archive's app in this process until the block ends; give a base URL for fetch()."""
    key = f"{INPROCESS}{len(_APPS)}"
    _APPS[key] = InProcess(db, public)
    try:
        yield key
    finally:
        _APPS.pop(key).close()


def fetch(url: str) -> tuple[int, bytes]:
    """Give the status and body of a GET: over HTTP, or through the in-process app a base URL names."""
    if url.startswith(INPROCESS):
        key, _, path = url.partition("/")
        return _APPS[key].get("/" + path)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
