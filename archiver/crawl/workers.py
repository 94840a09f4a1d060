"""Extraction worker processes: how they start (a forkserver with the extraction code loaded) and
how they end with the crawl that owns them, and the garbage-collector settings they share with the
crawl process. Standard library only, so that the crawl command can start the forkserver before it
imports anything heavy."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1
# What the forkserver imports once, so that every worker it forks has the extraction code loaded.
PRELOAD = ["archiver.crawl.analysis"]


# Net allocations between young-generation collections in a crawl process and its workers. Python's
# default (700) collects every few pages, though nearly all a page allocates is freed by reference
# counting. Measured with gc.callbacks: the crawl process spent 3.0 s in collections over the 5,057
# responses of `make bench` with the default, 0.4 s with this; extraction 0.3 ms a page, then none.
CRAWL_GC_THRESHOLD = (10_000, 10, 10)


def collect_less(collect: bool = True) -> None:
    """Make the garbage collector cheaper for a crawl process or an extraction worker: what start-up
    made (Scrapy, Twisted, the extraction code, compiled patterns) is frozen out of every later
    collection, so that full collections walk only what the crawl itself holds, and young objects
    are collected less often. A worker passes `collect=False`: a collection would write to every
    object it shares with the forkserver, and copy their pages. Freed memory goes back to the
    system (return_freed_memory)."""
    if collect:
        gc.collect()
    gc.freeze()
    gc.set_threshold(*CRAWL_GC_THRESHOLD)
    return_freed_memory()


def return_freed_memory() -> bool:
    """Give whether glibc's malloc now keeps fixed mmap and trim thresholds (False without glibc).

    By default glibc raises its mmap threshold (up to 32 MB) each time a large block is freed, so
    that the bodies, pickles and parse buffers of later pages come from the heap, whose free holes
    between live blocks are never given back: on the 5,000-page bench crawl that kept about 7 MB
    more in the crawl process and 5 MB more in each worker. With fixed thresholds a block of 64 kB
    or more is mapped and unmapped on its own, and the heap's free top is trimmed."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD))


# mallopt parameters (malloc.h) and values: blocks of 64 kB or more are mapped on their own; the
# heap is trimmed when 128 kB or more is free at its top (glibc's default, kept fixed).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD = 64 * 1024, 128 * 1024


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
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the workers' forkserver now, without waiting for it: it imports the extraction code
    on one core while the crawl process imports Scrapy on the other, so the first pages do not
    wait for it (a no-op where there is no forkserver)."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def usable_cpus() -> list[int]:
    """Give the CPUs this process may run on (taskset and cgroup cpusets count)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return list(range(os.cpu_count() or 1))


def pin_workers(pids: list[int]) -> bool:
    """Pin each worker process to a CPU of its own when there are no more workers than CPUs; give
    whether they were pinned. Unpinned, the kernel keeps moving the workers between cores to make
    room for the crawl process, and each move costs a worker its warm caches."""
    cpus = usable_cpus()
    if not hasattr(os, "sched_setaffinity") or len(pids) > len(cpus):
        return False
    try:
        for pid, cpu in zip(sorted(pids), cpus):
            os.sched_setaffinity(pid, {cpu})
    except OSError:  # a worker that has just ended, or a system that forbids it
        return False
    return True
