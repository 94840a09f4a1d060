"""A pool of worker processes that runs page analysis off the Twisted reactor.

Each worker is a forkserver child with two pipes: pages go in, analyses come back. The reactor's
own event loop writes the pages and reads the analyses (non-blocking, length-prefixed pickles),
so no helper thread of the crawl process wakes up for each page, as the standard library's
process pool's two threads would.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pickle
import signal
import struct
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from archiver.crawl.analysis import PageAnalysis, analyze_safely
from archiver.crawl.classify import ArticleHints
from archiver.crawl.workers import collect_less, exit_with_crawl, pin_workers, usable_cpus, worker_context
from archiver.errors import ExtractionError
from archiver.extract.urls import Scope

# The framing of multiprocessing's Connection.send_bytes/recv_bytes for messages under 2 GiB.
HEADER = struct.Struct("!i")
LONG_HEADER = struct.Struct("!iQ")
# Pages handed to one worker before it has returned the first: the others wait in the pipe, so
# the worker never idles while the reactor is busy elsewhere (committing a batch takes about as
# long as extracting two pages). Measured on the bench site, both cores were idle 2.3-2.7 % of a
# crawl with 2 and 1.7-1.8 % with 3.
IN_FLIGHT = 3
READ_SIZE = 1 << 20
PIPE_SIZE = 1 << 20
# Pages a worker analyses before it is replaced by a fresh one from the forkserver. A worker keeps
# the most memory its extraction ever needed (Python's and glibc's allocators seldom give freed
# blocks back), and some pages leave it 30 MB more for good; a fresh worker starts with what it
# shares with the forkserver. Its pipe is closed after its last page, and the next one starts
# after it has ended, so the two never count together.
RECYCLE_AFTER = 500

NO_HINTS = ArticleHints()


def pool_size(workers: int) -> int:
    """Give the number of worker processes: `workers`, or one per usable core when it is 0."""
    return workers if workers > 0 else len(usable_cpus())


def serve(pages, analyses, crawl_pid: int, task: Callable = analyze_safely) -> None:
    """The worker's loop: read a page, write `task`(body, *arguments), until the owner closes the
    pipe. `task` must give its failures as values (analyze_safely does): one that raises ends the
    worker, and its page counts as failed."""
    exit_with_crawl(crawl_pid)
    collect_less(collect=False)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the crawl, which stops the workers
    while True:
        try:
            arguments = pickle.loads(pages.recv_bytes())
            body = pages.recv_bytes()
        except (EOFError, OSError):
            return
        analyses.send_bytes(pickle.dumps(task(body, *arguments), pickle.HIGHEST_PROTOCOL))


def frame(payload: bytes) -> bytes:
    """Give the header that Connection.recv_bytes expects before `payload`."""
    return HEADER.pack(len(payload)) if len(payload) < 0x7FFFFFFF else LONG_HEADER.pack(-1, len(payload))


@dataclass(eq=False)
class Job:
    """One page to analyse: its other arguments pickled, its body, and the future of its analysis.

    The body goes down the pipe as a message of its own, straight from the response's bytes: pickled
    with the rest it would be copied once more for every page waiting for a worker (the pages of 64
    requests at once: about 10 MB on the bench site)."""

    url: str
    payload: bytes
    body: bytes
    future: asyncio.Future
    timer: asyncio.TimerHandle | None = None


@dataclass(eq=False)
class Worker:
    """One worker process, its pipe ends in the crawl process and the jobs it holds (oldest first:
    the one it works on)."""

    process: object
    pages: object
    analyses: object
    jobs: deque = field(default_factory=deque)
    unsent: deque = field(default_factory=deque)
    received: bytearray = field(default_factory=bytearray)
    writing: bool = False
    handed: int = 0  # pages given to it so far


def start_worker(context, crawl_pid: int, task: Callable = analyze_safely) -> Worker:
    """Start one worker process running `task` (waits for the forkserver to be ready)."""
    pages_out, pages_in = context.Pipe(duplex=False)
    analyses_out, analyses_in = context.Pipe(duplex=False)
    process = context.Process(target=serve, args=(pages_out, analyses_in, crawl_pid, task), daemon=True)
    process.start()
    pages_out.close()
    analyses_in.close()
    for end in (pages_in, analyses_out):
        os.set_blocking(end.fileno(), False)
        widen(end.fileno())
    return Worker(process, pages_in, analyses_out)


def widen(fd: int) -> None:
    """Give a pipe room for a whole page (1 MB instead of 64 kB where Linux allows), so that the
    next page is in the pipe when the worker turns to it, even while the reactor is busy."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (AttributeError, OSError):
        pass


def start_workers(context, count: int, crawl_pid: int, pin: bool, task: Callable = analyze_safely) -> list[Worker]:
    """Start `count` workers running `task`, pinned to CPUs of their own when `pin`."""
    workers = [start_worker(context, crawl_pid, task) for _ in range(count)]
    if pin:
        pin_workers([w.process.pid for w in workers])
    return workers


class ExtractionPool:
    """Analyse pages in worker processes; a page past its time limit gives an ExtractionError.

    The workers run `task`(body, *arguments) on each page: by default analyze_safely, the crawl's
    analysis; a function of the same kind (module-level, failures given as values) for other work
    on pages."""

    def __init__(
        self,
        workers: int = 0,
        max_page_time: float = 30.0,
        pin: bool = True,
        recycle_after: int = RECYCLE_AFTER,
        task: Callable = analyze_safely,
    ):
        self.size = pool_size(workers)
        self.task = task
        self.max_page_time = max_page_time
        self.pin = pin
        self.recycle_after = recycle_after
        self.recycled = 0
        self._context = worker_context()
        self._workers: list[Worker] = []
        self._backlog: deque[Job] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        # Starting a worker waits for the forkserver's imports: start them now, beside the
        # reactor, so that the first pages find them ready.
        self._starting: Future = Future()
        threading.Thread(target=self._start, daemon=True).start()

    def _start(self) -> None:
        try:
            self._starting.set_result(start_workers(self._context, self.size, os.getpid(), self.pin, self.task))
        except BaseException as exc:  # noqa: BLE001 - handed to the first page that waits for it
            self._starting.set_exception(exc)

    async def analyze(
        self,
        body: bytes,
        url: str,
        headers: Mapping[str, str],
        scope: Scope | None = None,
        hints: ArticleHints = NO_HINTS,
    ) -> PageAnalysis | ExtractionError:
        """Give the page's analysis (links on site by `scope`, the article decision weighing `hints`),
        or the ExtractionError that stopped it."""
        if self._loop is None:
            await self._attach()
        job = self.submit(url, body, (url, dict(headers), scope, hints))
        try:
            return await job.future
        except asyncio.CancelledError:
            self._drop(job)
            raise

    def submit(self, url: str, body: bytes, arguments: tuple) -> Job:
        """Queue a page for the workers' task, called as task(body, *arguments); its result comes in
        the job's future. `url` names the page in the error of a page past its time or of a worker
        that died. Only once the pool is attached to its event loop."""
        payload = pickle.dumps(arguments, pickle.HIGHEST_PROTOCOL)
        job = Job(url, payload, bytes(body), self._loop.create_future())
        self._backlog.append(job)
        self._dispatch()
        return job

    async def _attach(self) -> None:
        started = await asyncio.wrap_future(self._starting)
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            for worker in started:
                self._add(worker)

    def _add(self, worker: Worker) -> None:
        self._workers.append(worker)
        self._loop.add_reader(worker.analyses.fileno(), self._on_readable, worker)

    def _dispatch(self) -> None:
        """Hand waiting jobs to the workers holding fewest (none to a worker that is being recycled)."""
        while self._backlog:
            worker = min(self._serving(), key=lambda w: len(w.jobs), default=None)
            if worker is None or len(worker.jobs) >= IN_FLIGHT:
                return
            job = self._backlog.popleft()
            if job.future.done():
                continue
            worker.jobs.append(job)
            worker.handed += 1
            if len(worker.jobs) == 1:
                self._start_clock(worker)
            parts = (job.payload, job.body)
            worker.unsent.extend(x for part in parts for x in (frame(part), memoryview(part)))
            self._write(worker)

    def _serving(self) -> list[Worker]:
        return [w for w in self._workers if w.handed < self.recycle_after]

    def _start_clock(self, worker: Worker) -> None:
        # The time limit counts from when the worker starts on the page, not while it waits.
        job = worker.jobs[0]
        job.timer = self._loop.call_later(self.max_page_time, self._on_timeout, worker, job)

    def _write(self, worker: Worker) -> None:
        fd = worker.pages.fileno()
        try:
            while worker.unsent:
                chunk = worker.unsent[0]
                written = os.write(fd, chunk)
                if written == len(chunk):
                    worker.unsent.popleft()
                else:
                    worker.unsent[0] = memoryview(chunk)[written:]
        except BlockingIOError:
            pass
        except OSError:
            return self._replace(worker, "extraction worker died")
        wants = bool(worker.unsent)
        if wants and not worker.writing:
            self._loop.add_writer(fd, self._write, worker)
        elif worker.writing and not wants:
            self._loop.remove_writer(fd)
        worker.writing = wants

    def _on_readable(self, worker: Worker) -> None:
        try:
            data = os.read(worker.analyses.fileno(), READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            return self._replace(worker, "extraction worker died")
        worker.received += data
        for message in take_messages(worker.received):
            if worker not in self._workers:
                return  # replaced while its earlier results were handled
            self._finish(worker, pickle.loads(message))

    def _finish(self, worker: Worker, result) -> None:
        job = worker.jobs.popleft()
        if job.timer:
            job.timer.cancel()
        if not job.future.done():
            job.future.set_result(result)
        if worker.jobs:
            self._start_clock(worker)
        elif worker.handed >= self.recycle_after:
            self._recycle(worker)
        self._dispatch()

    def _recycle(self, worker: Worker) -> None:
        """End a worker that has analysed its share of pages, once idle, and start a fresh one."""
        self._discard(worker, gently=True)
        self.recycled += 1
        if not self._closed:
            self._start_replacement()

    def _on_timeout(self, worker: Worker, job: Job) -> None:
        if worker in self._workers and worker.jobs and worker.jobs[0] is job:
            self._replace(worker, f"extraction took over {self.max_page_time:g} s")

    def _replace(self, worker: Worker, reason: str) -> None:
        """Kill a hung or dead worker: its current page gets `reason`, the pages queued behind it go
        to the other workers, and a new worker takes its place."""
        if worker not in self._workers:
            return
        self._discard(worker)
        jobs = list(worker.jobs)
        if jobs:
            current = jobs.pop(0)
            if current.timer:
                current.timer.cancel()
            if not current.future.done():
                current.future.set_result(ExtractionError(current.url, reason))
        for job in jobs:
            if job.timer:
                job.timer.cancel()
        worker.jobs.clear()
        self._backlog.extendleft(reversed(jobs))  # innocent: analysed again
        if not self._closed:
            self._start_replacement()
        self._dispatch()

    def _start_replacement(self) -> None:
        self._add(start_worker(self._context, os.getpid(), self.task))
        if self.pin:
            pin_workers([w.process.pid for w in self._workers])

    def _discard(self, worker: Worker, gently: bool = False) -> None:
        """Take a worker out of the pool and end it: `gently` lets an idle worker end by itself
        when its pipe closes; otherwise it is killed (hung, or the crawl is stopping)."""
        self._workers.remove(worker)
        if self._loop is not None:
            self._loop.remove_reader(worker.analyses.fileno())
            if worker.writing:
                self._loop.remove_writer(worker.pages.fileno())
        worker.pages.close()
        if gently and not worker.jobs:
            worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(5)
        worker.analyses.close()

    def _drop(self, job: Job) -> None:
        # A cancelled page (the crawl is stopping): never sent, or its analysis is thrown away.
        if job in self._backlog:
            self._backlog.remove(job)

    def close(self) -> None:
        """Stop the worker processes."""
        self._closed = True
        if self._loop is None:  # no page came: the workers may still be starting
            try:
                self._workers = list(self._starting.result(timeout=60))
            except Exception:  # noqa: BLE001 - nothing started, nothing to stop
                self._workers = []
        for worker in list(self._workers):
            self._discard(worker, gently=True)
        for job in self._backlog:
            if not job.future.done():
                job.future.cancel()
        self._backlog.clear()


class BatchPool:
    """The extraction pool for a command without a reactor (import-warc, reextract): pages are
    submitted ahead, in order, and their results waited for one at a time. The pool's own event
    loop runs while a result is waited for, so a page past its time limit has its worker killed and
    replaced, as in a crawl: a page that never ends costs that page, not the command."""

    def __init__(self, workers: int = 0, max_page_time: float = 30.0, task: Callable = analyze_safely):
        self._loop = asyncio.new_event_loop()
        self._pool = ExtractionPool(workers, max_page_time, task=task)
        self.size = self._pool.size
        try:
            self._loop.run_until_complete(self._pool._attach())
        except BaseException:
            self.close()
            raise

    def submit(self, url: str, body: bytes, *arguments) -> asyncio.Future:
        """Queue task(body, *arguments) for the workers; give the future of its result."""
        return self._pool.submit(url, body, arguments).future

    def result(self, work):
        """Wait for the result of `work`, a future from submit; anything else is a result known
        without a worker, given back as it is."""
        if not isinstance(work, asyncio.Future):
            return work
        return self._loop.run_until_complete(work)

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.close()
        self._loop.close()

    def __enter__(self) -> BatchPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def take_messages(received: bytearray) -> list[bytes]:
    """Take the complete length-prefixed messages off the front of `received`."""
    messages = []
    while len(received) >= HEADER.size:
        size, start = HEADER.unpack_from(received)[0], HEADER.size
        if size == -1:
            if len(received) < LONG_HEADER.size:
                break
            size, start = LONG_HEADER.unpack_from(received)[1], LONG_HEADER.size
        if len(received) < start + size:
            break
        messages.append(bytes(received[start : start + size]))
        del received[: start + size]
    return messages
