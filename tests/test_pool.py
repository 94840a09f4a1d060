"""The extraction pool: real worker processes, pages in and analyses out through pipes."""

import asyncio
import os

from archiver.crawl.analysis import PageAnalysis, analyze_page
from archiver.crawl.pool import BatchPool, ExtractionPool
from archiver.demo.seed import PARAGRAPHS, TITLE
from archiver.errors import ExtractionError

URL = "https://news.test/2026/01/02/story/"


def page(n: int) -> bytes:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        f"<html><head><title>Page {n} {TITLE}</title></head><body><article><h1>Page {n} {TITLE}</h1>"
        f"{body}</article></body></html>"
    ).encode()


async def analyze_all(pool: ExtractionPool, pages: list[bytes], kill_one: bool = False):
    tasks = [
        asyncio.create_task(pool.analyze(html, f"{URL}{n}/", {"Content-Type": "text/html"}))
        for n, html in enumerate(pages)
    ]
    if kill_one:
        await asyncio.sleep(0.05)
        while not pool._workers:
            await asyncio.sleep(0.05)
        pool.killed = pool._workers[0].process.pid
        os.kill(pool.killed, 9)
    results = await asyncio.gather(*tasks)
    await asyncio.sleep(0.5 if kill_one else 0)  # a worker killed when idle is seen to end, too
    return results


def test_the_pool_gives_what_analysis_in_this_process_gives():
    pool = ExtractionPool(workers=2, max_page_time=60)
    try:
        pages = [page(n) for n in range(6)]
        results = asyncio.run(analyze_all(pool, pages))
    finally:
        pool.close()
    for n, (html, result) in enumerate(zip(pages, results)):
        assert isinstance(result, PageAnalysis)
        assert result == analyze_page(html, f"{URL}{n}/", {"Content-Type": "text/html"})
        assert result.extraction.title.startswith(f"Page {n} ")


def test_a_killed_worker_costs_at_most_its_own_page_and_is_replaced():
    pool = ExtractionPool(workers=2, max_page_time=60)
    try:
        results = asyncio.run(analyze_all(pool, [page(n) for n in range(20)], kill_one=True))
        assert len(pool._workers) == 2 and all(w.process.is_alive() for w in pool._workers)
        assert pool.killed not in [w.process.pid for w in pool._workers]
    finally:
        pool.close()
    errors = [r for r in results if isinstance(r, ExtractionError)]
    assert len(errors) <= 1 and all("worker died" in e.reason for e in errors)
    assert sum(isinstance(r, PageAnalysis) for r in results) >= 19


def test_closing_the_pool_ends_its_workers():
    pool = ExtractionPool(workers=2, max_page_time=60)
    asyncio.run(analyze_all(pool, [page(0)]))
    processes = [w.process for w in pool._workers]
    pool.close()
    assert processes and not any(p.is_alive() for p in processes)


def test_pages_larger_than_the_pipe_come_back_whole_beside_small_ones():
    # A body goes down the pipe as a message of its own, in many writes when it is larger than the pipe.
    filler = "".join(f"<p>Paragraph {k} of a long page, {PARAGRAPHS[k % len(PARAGRAPHS)]}</p>" for k in range(9000))
    big = page(0).replace(b"</article>", filler.encode() + b"</article>")
    assert len(big) > 2 * 1024 * 1024
    pages = [big, page(1), big.replace(b"Page 0 ", b"Page 2 "), page(3)]
    pool = ExtractionPool(workers=2, max_page_time=60)
    try:
        results = asyncio.run(analyze_all(pool, pages))
    finally:
        pool.close()
    for n, (html, result) in enumerate(zip(pages, results)):
        assert isinstance(result, PageAnalysis)
        assert result.extraction.title.startswith(f"Page {n} ")
        assert result == analyze_page(html, f"{URL}{n}/", {"Content-Type": "text/html"})
    assert "Paragraph 8999 of a long page" in results[0].extraction.body


def test_workers_recycled_after_their_share_of_pages_lose_no_page():
    async def first_then_all(pool, pages):
        first = await analyze_all(pool, pages[:1])
        started = {w.process.pid for w in pool._workers}
        return first + await analyze_all(pool, pages[1:]), started

    pool = ExtractionPool(workers=2, max_page_time=60, recycle_after=3)
    pages = [page(n) for n in range(26)]
    try:
        results, started = asyncio.run(first_then_all(pool, pages))
        now = [w.process for w in pool._workers]
        assert len(now) == 2 and all(p.is_alive() for p in now)
        assert not started & {p.pid for p in now}
    finally:
        pool.close()
    assert pool.recycled >= 7  # 26 pages, 3 a worker
    urls = [f"{URL}0/"] + [f"{URL}{n}/" for n in range(25)]  # as analyze_all numbered them, call by call
    for html, url, result in zip(pages, urls, results):
        assert isinstance(result, PageAnalysis)
        assert result == analyze_page(html, url, {"Content-Type": "text/html"})
    assert not any(p.is_alive() for p in now)


def test_a_batch_pool_loses_one_page_to_a_worker_killed_mid_batch_and_goes_on():
    # import-warc and reextract wait for results one at a time, without a reactor.
    pages = [page(n) for n in range(16)]
    with BatchPool(workers=2, max_page_time=60) as pool:
        futures = [
            pool.submit(f"{URL}{n}/", html, f"{URL}{n}/", {"Content-Type": "text/html"}) for n, html in enumerate(pages)
        ]
        first = pool.result(futures[0])
        killed = pool._pool._workers[0].process.pid
        os.kill(killed, 9)
        results = [first] + [pool.result(f) for f in futures[1:]]
        assert killed not in [w.process.pid for w in pool._pool._workers]
        assert len(pool._pool._workers) == 2 and all(w.process.is_alive() for w in pool._pool._workers)
    errors = [r for r in results if isinstance(r, ExtractionError)]
    assert len(errors) <= 1 and all("worker died" in e.reason for e in errors)
    for n, (html, result) in enumerate(zip(pages, results)):
        if not isinstance(result, ExtractionError):
            assert result == analyze_page(html, f"{URL}{n}/", {"Content-Type": "text/html"})
    assert sum(isinstance(r, PageAnalysis) for r in results) >= 15
