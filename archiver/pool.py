"""A pool of worker processes that runs page analysis off the Twisted reactor."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Mapping

from .analysis import PageAnalysis, analyze_safely
from .errors import ExtractionError

PR_SET_PDEATHSIG = 1


def exit_with_crawl(crawl_pid: int) -> None:
    """Make this worker process end when the crawl process dies, even by SIGKILL."""
    try:
        # The worker's parent is the forkserver, which ends when the crawl process does.
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_watch_crawl, args=(crawl_pid,), daemon=True).start()


def _watch_crawl(crawl_pid: int) -> None:
    # Where prctl is missing (not Linux), poll the crawl process itself.
    while True:
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass
        time.sleep(1.0)


def worker_context() -> multiprocessing.context.BaseContext:
    """Give the start method of the workers: forkserver, so that no worker inherits the crawl's
    open SQLite connections (closing a forked copy can damage the archive's WAL), with the
    extraction code imported once in the server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archiver.analysis"])
    return context


def pool_size(workers: int) -> int:
    """Give the number of worker processes: `workers`, or one per core when it is 0."""
    return workers if workers > 0 else max(1, os.cpu_count() or 1)


class ExtractionPool:
    """Analyse pages in worker processes; a page past its time limit gives an ExtractionError."""

    def __init__(self, workers: int = 0, max_page_time: float = 30.0):
        self.workers = pool_size(workers)
        self.max_page_time = max_page_time
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=worker_context(), initializer=exit_with_crawl,
                                   initargs=(os.getpid(),))

    async def analyze(self, body: bytes, url: str, headers: Mapping[str, str],
                      retry: bool = True) -> PageAnalysis | ExtractionError:
        """Give the page's analysis, or the ExtractionError that stopped it."""
        executor = self._executor
        try:
            future = executor.submit(analyze_safely, body, url, dict(headers))
            return await asyncio.wait_for(asyncio.wrap_future(future), self.max_page_time)
        except asyncio.TimeoutError:
            self._restart(executor)
            return ExtractionError(url, f"extraction took over {self.max_page_time:g} s")
        except (BrokenProcessPool, asyncio.CancelledError):
            if retry and executor is not self._executor and (future.cancelled() or future.done()):
                # Another page's time-out replaced the pool under this one: try once more.
                return await self.analyze(body, url, headers, retry=False)
            if not future.done():
                raise  # this task itself was cancelled (the crawl is stopping)
            self._restart(executor)
            return ExtractionError(url, "extraction worker died")

    def _restart(self, old: ProcessPoolExecutor) -> None:
        # A hung or dead worker cannot be cancelled alone: replace the whole pool (once).
        if old is not self._executor:
            return
        self._executor = self._new_executor()
        for process in list(getattr(old, "_processes", {}).values()):
            process.kill()
        old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker processes."""
        self._executor.shutdown(wait=True, cancel_futures=True)
