"""A pool of worker processes that runs page analysis off the Twisted reactor."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Mapping

from .analysis import PageAnalysis, analyze_safely
from .errors import ExtractionError
from .urls import Scope
from .workerproc import exit_with_crawl, pin_workers, usable_cpus, worker_context


def pool_size(workers: int) -> int:
    """Give the number of worker processes: `workers`, or one per usable core when it is 0."""
    return workers if workers > 0 else len(usable_cpus())


class ExtractionPool:
    """Analyse pages in worker processes; a page past its time limit gives an ExtractionError."""

    def __init__(self, workers: int = 0, max_page_time: float = 30.0, pin: bool = True):
        self.workers = pool_size(workers)
        self.max_page_time = max_page_time
        self.pin = pin
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(self.workers, mp_context=worker_context(), initializer=exit_with_crawl,
                                       initargs=(os.getpid(),))
        # Workers start when work is first submitted, and starting one waits for the forkserver's
        # imports: start them now, beside the reactor, so the first pages find them ready.
        threading.Thread(target=_start_workers, args=(executor, self.workers, self.pin), daemon=True).start()
        return executor

    async def analyze(self, body: bytes, url: str, headers: Mapping[str, str], scope: Scope | None = None,
                      retry: bool = True) -> PageAnalysis | ExtractionError:
        """Give the page's analysis (links on site by `scope`), or the ExtractionError that stopped it."""
        executor = self._executor
        try:
            future = executor.submit(analyze_safely, body, url, dict(headers), scope)
            return await asyncio.wait_for(asyncio.wrap_future(future), self.max_page_time)
        except asyncio.TimeoutError:
            self._restart(executor)
            return ExtractionError(url, f"extraction took over {self.max_page_time:g} s")
        except (BrokenProcessPool, asyncio.CancelledError):
            if retry and executor is not self._executor and (future.cancelled() or future.done()):
                # Another page's time-out replaced the pool under this one: try once more.
                return await self.analyze(body, url, headers, scope, retry=False)
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


def _start_workers(executor: ProcessPoolExecutor, workers: int, pin: bool) -> None:
    """Start the pool's worker processes (pinned to CPUs of their own when `pin`)."""
    try:
        started = [executor.submit(os.getpid) for _ in range(workers)]
        for future in started:
            future.result()
        if pin:
            pin_workers(list(getattr(executor, "_processes", {})))
    except (RuntimeError, BrokenProcessPool, CancelledError):
        pass  # the pool was closed or replaced meanwhile
