"""`make bench-search`: build an archive of N articles with comments from the corpus text, serve it, time pages.

The text comes from ../shared/corpus (ground-truth.json, articleBody of each page), read in place and
recombined paragraph by paragraph into distinct articles; nothing from the corpus is copied into the
repository. Each article carries one rare code word (shared by ~RARE_SHARE articles) so that a rare-word
search has something to find. Pages are fetched over real HTTP from `archiver serve`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archiver.store import Archive
from benchmarks import benchdata

SOURCES = ("daily-courier", "evening-post", "metro-times", "harbour-news", "valley-gazette")
LANGUAGES = ("en",) * 7 + ("de", "fr", "es")
RARE_SHARE = 25
BATCH = 20_000
EPOCH = 1_700_000_000  # published dates spread over two years from here
# comments per article, drawn uniformly: 3 on average, so 1M articles carry ~3M comments
COMMENTS_PER_ARTICLE = (0, 0, 1, 2, 3, 4, 5, 9)


@dataclass(frozen=True)
class Corpus:
    """Paragraphs and short sentences of the corpus bodies, the raw material of synthetic articles."""

    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]


def load_corpus(folder: Path) -> Corpus:
    """Give the corpus paragraphs and sentences from ground-truth.json."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    paragraphs = [
        p.strip() for page in truth.values() for p in (page.get("articleBody") or "").split("\n") if len(p.strip()) > 40
    ]
    sentences = [s.strip() + "." for p in paragraphs for s in p.split(". ") if 30 < len(s) < 240]
    return Corpus(tuple(paragraphs), tuple(sentences))


def rare_word(i: int) -> str:
    """Give the rare code word carried by article `i`."""
    return f"zq{i // RARE_SHARE:x}x"


def iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))


def article_rows(i: int, corpus: Corpus, rng: random.Random, authors: int) -> tuple[tuple, list, list, list]:
    """Give article `i` as an articles row, its comments rows, its versions rows and its byline rows."""
    body = "\n\n".join(rng.sample(corpus.paragraphs, rng.randint(2, 5))) + f"\n\nRef {rare_word(i)}."
    title = rng.choice(corpus.sentences)[:90]
    author = rng.randint(1, authors)
    published = iso(EPOCH + rng.randint(0, 2 * 365 * 86400))
    seen = iso(EPOCH + 2 * 365 * 86400 + i)
    comments = []
    for n in range(rng.choice(COMMENTS_PER_ARTICLE)):
        parent = f"k{n - 1}" if n and rng.random() < 0.5 else None
        comments.append(
            (
                None,
                i,
                f"k{n}",
                parent,
                n,
                f"reader{rng.randint(1, 5000)}",
                published,
                rng.choice(corpus.sentences),
                seen,
                seen,
                "bench",
            )
        )
    versions = [(i, 1, seen, title, "[]", published, body, f"h{i}", "bench")] if i % 10 == 0 else []
    article = (
        i,
        1 + i % len(SOURCES),
        f"https://{SOURCES[i % len(SOURCES)]}.example/a/{i}",
        title,
        json.dumps([f"Author {author}"]),
        published,
        rng.choice(LANGUAGES),
        body,
        len(body),
        1,
        seen,
        seen,
        "bench",
        len(comments),
    )
    return article, comments, versions, [(i, author, 0)]


def build(path: Path, corpus: Corpus, n: int, seed: int = 5) -> float:
    """Build the bench archive at `path` with `n` articles; give the build time in seconds."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    Archive(path).close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    triggers = benchdata.prepare(conn)
    authors = [f"Author {k}" for k in range(1, 501)]
    sources = [(k, name, f"https://{name}.example/", iso(EPOCH)) for k, name in enumerate(SOURCES, 1)]
    crawls = [
        (k, 1 + k % len(SOURCES), iso(EPOCH + k * 3600), iso(EPOCH + k * 3600 + 600), n // 50) for k in range(1, 51)
    ]
    benchdata.add_sources(conn, sources, crawls, authors)
    rng = random.Random(seed)
    for chunk in benchdata.batches(range(1, n + 1), BATCH):
        rows = [article_rows(i, corpus, rng, len(authors)) for i in chunk]
        benchdata.load_batch(
            conn,
            [r[0] for r in rows],
            [c for r in rows for c in r[1]],
            [v for r in rows for v in r[2]],
            [b for r in rows for b in r[3]],
        )
    benchdata.finish(conn, triggers)
    conn.close()
    Archive(path).close()  # back to WAL through the normal opener
    return time.perf_counter() - started


@dataclass(frozen=True)
class Timing:
    """Latencies of one page at one concurrency, in milliseconds, and the pages served a second."""

    page: str
    concurrency: int
    p50: float
    p95: float
    errors: int
    per_second: float


def fetch(url: str) -> tuple[float, bool]:
    """Give the time to fetch `url` completely (ms) and whether it answered 200."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            ok = response.status == 200
    except OSError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


def time_page(name: str, urls: list[str], concurrency: int) -> Timing:
    """Fetch `urls` with `concurrency` workers; give p50, p95 and requests a second."""
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(fetch, urls))
    elapsed = time.perf_counter() - started
    ms = sorted(r[0] for r in results)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    errors = sum(not r[1] for r in results)
    return Timing(name, concurrency, statistics.median(ms), p95, errors, len(results) / elapsed)


def pages(base: str, name: str, n: int, rng: random.Random, count: int) -> dict[str, list[str]]:
    """Give, per page name, `count` URLs to fetch (varied ids, words and filters) from database `name`."""
    db = f"{base}/{name}"

    def each(make) -> list[str]:
        return [make(k) for k in range(count)]

    def month(k: int) -> str:
        return time.strftime("%Y-%m", time.gmtime(EPOCH + (k * 37 % 24) * 30 * 86400))

    return {
        "search common word": [f"{db}/-/search?q=the"] * count,
        "search rare word": each(lambda k: f"{db}/-/search?q={rare_word(rng.randint(1, n))}"),
        "search + source": each(lambda k: f"{db}/-/search?q=government&source={SOURCES[k % len(SOURCES)]}"),
        "search + author": each(lambda k: f"{db}/-/search?q=government&author=Author+{rng.randint(1, 500)}"),
        "search + facet filter": [f"{db}/-/search?q=government&language=fr" for _ in range(count)],
        "search + date": each(lambda k: f"{db}/-/search?q=government&since={month(k)}&until={month(k)}"),
        "search + commenter": each(lambda k: f"{db}/-/search?q=the&commenter=reader{rng.randint(1, 5000)}"),
        "search page 5": each(lambda k: f"{db}/-/search?q={('the', 'government', 'people')[k % 3]}&page=5"),
        "facet (language + source)": each(lambda k: f"{db}/-/search?language=de&source={SOURCES[k % len(SOURCES)]}"),
        "article": each(lambda k: f"{db}/-/article/{rng.randint(1, n)}"),
        "source page": each(lambda k: f"{db}/-/source/{1 + k % len(SOURCES)}"),
        "articles table": [f"{db}/articles"] * count,
        "comments table": [f"{db}/comments"] * count,
        "home": [base + "/"] * count,
        "attention rare word": each(lambda k: f"{db}/-/attention?q={rare_word(rng.randint(1, n))}"),
        "attention common word, 2 sources": [f"{db}/-/attention?q=the&source={SOURCES[0]}&source={SOURCES[1]}"] * count,
        "sources side by side": [f"{db}/-/sources"] * count,
    }


def serve(path: Path, port: int) -> subprocess.Popen:
    """Start `archiver serve` over the bench archive and wait until it answers."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    proc = subprocess.Popen([archiver, "serve", "--db", str(path), "--port", str(port)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if fetch(f"http://127.0.0.1:{port}/-/versions.json")[1]:
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("archiver serve did not answer")


def report(timings: list[Timing], build_s: float | None, path: Path, n: int) -> None:
    """Print the figures: build time, file size, p50 and p95 per page and concurrency."""
    size = path.stat().st_size / 1e9
    print(
        f"archive: {path} ({n:,} articles), size {size:.2f} GB"
        + (f", build {build_s:.0f} s" if build_s is not None else ", reused")
    )
    print(f"{'page':34} {'c':>2} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'errors':>6}")
    for t in timings:
        flag = "" if t.concurrency != 1 or t.p95 < 100 else "  over 100 ms"
        print(f"{t.page:34} {t.concurrency:>2} {t.p50:8.1f} {t.p95:8.1f} {t.per_second:7.1f} {t.errors:>6}{flag}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="Corpus folder.")
    parser.add_argument("--db", type=Path, default=Path("bench-output/search.db"), help="Bench archive (untracked).")
    parser.add_argument("--articles", type=int, default=1_000_000, help="Articles to build.")
    parser.add_argument("--requests", type=int, default=40, help="Requests per page and concurrency.")
    parser.add_argument("--port", type=int, default=8765, help="Port for archiver serve.")
    parser.add_argument("--reuse", action="store_true", help="Reuse an existing bench archive of the same size.")
    parser.add_argument(
        "--only", nargs="*", default=[], help="Time only the pages whose names start with one of these."
    )
    args = parser.parse_args(argv)
    build_s = None
    if not (args.reuse and args.db.exists()):
        build_s = build(args.db, load_corpus(args.corpus), args.articles)
        print(f"built {args.db} in {build_s:.0f} s", flush=True)
    proc = serve(args.db, args.port)
    try:
        urls = pages(f"http://127.0.0.1:{args.port}", args.db.stem, args.articles, random.Random(7), args.requests)
        if args.only:
            urls = {name: batch for name, batch in urls.items() if name.startswith(tuple(args.only))}
        for name, batch in urls.items():  # warm the page cache once
            time_page(name, batch[:3], 1)
        timings = [time_page(name, batch, c) for c in (1, 8) for name, batch in urls.items()]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    report(timings, build_s, args.db, args.articles)


if __name__ == "__main__":
    main()
