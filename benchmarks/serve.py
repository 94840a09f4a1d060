"""`make bench-serve`: a public archive under attack; normal searches and the home page must stay fast.

Builds (or reuses) the bench archive of `make bench-search` (benchmarks/search.py), serves it with
`archiver serve --public`, then runs two phases of the same length: 8 clients searching normally
plus one loading the home page, first alone, then while 4 clients send the worst requests known
(a 60 kB query of one word repeated, the most terms a search may have, prefix queries, table and
CSV searches, unknown and malformed URLs). Prints p50/p95 of the normal searches and of the home page.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archiver.store.search import MAX_TERMS, MIN_PREFIX
from benchmarks import search as bench_search

NORMAL_CLIENTS = 8
# The searches of bench-search that a normal visitor runs (the same four since the first measure).
NORMAL_PAGES = ("search common word", "search rare word", "facet (language + source)", "search + facet filter")
ATTACK_CLIENTS = 4
COMMON = (
    "the of and to in a is that for on with as was at by it from he be has have are said an his not but they "
    "this were had"
).split()


def attack_urls(db: str) -> list[str]:
    """Give the worst requests: what took a server down before, and the most a bounded search allows."""
    q = urllib.parse.urlencode
    common = COMMON[:MAX_TERMS]  # the most terms a search may have, all of them common words
    prefixes = [w[:MIN_PREFIX] + "*" for w in ("government", "council", "minister", "president", "police")]
    return [
        f"{db}/-/search?" + q({"q": " ".join(["government"] * 7_500)}),  # 60 kB, one word repeated
        f"{db}/-/search?" + q({"q": " ".join(["government"] * 80)}),  # repeated, within the length cap
        f"{db}/-/search?" + q({"q": " ".join(common)}),
        f"{db}/-/search?" + q({"q": " OR ".join(common)}),
        f"{db}/-/search?" + q({"q": " ".join(prefixes)}),  # the shortest prefixes allowed
        f"{db}/-/search?" + q({"q": " ".join(COMMON)}),  # too many terms: refused
        f"{db}/articles.json?" + q({"_search": " ".join(common)}),
        f"{db}/articles.json?" + q({"_search": " ".join(["the"] * 7_000)}),
        f"{db}/comments.csv?" + q({"_search": "the", "_size": "max"}),
        f"{db}/-/export/articles.csv?" + q({"search": " ".join(common)}),
        f"{db}/articles?_sort=nonexistent",
        f"{db}/-/capture/-1",
        f"{db}/-/article/99999999999999999999999",
        f"{db}/-/search.json",
    ]


def get(url: str) -> tuple[float, int]:
    """Give the time (ms) to fetch `url` completely, and its status (0 when the connection failed)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return (time.perf_counter() - started) * 1000, status


@dataclass(frozen=True)
class Figures:
    """Latencies (ms) of one kind of request during one phase, and how many failed."""

    name: str
    count: int
    p50: float
    p95: float
    errors: int


def figures(name: str, results: list[tuple[float, int]], ok=(200,)) -> Figures:
    """Give p50/p95 of `results` and how many were not answered with an `ok` status."""
    ms = sorted(r[0] for r in results) or [0.0]
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return Figures(name, len(results), statistics.median(ms), p95, sum(r[1] not in ok for r in results))


def loop(urls: list[str], stop: threading.Event, out: list) -> None:
    """Fetch `urls` in turn until `stop` is set, appending (ms, status, url) to `out`."""
    for url in itertools.cycle(urls):
        if stop.is_set():
            return
        out.append((*get(url), url))


def phase(normal: list[str], home: str, attacks: list[str], seconds: float) -> dict[str, list]:
    """Run the clients for `seconds`; give the results of each kind of request."""
    stop = threading.Event()
    results = {"search": [], "home": [], "attack": []}
    jobs = [(normal[k::NORMAL_CLIENTS] or normal, results["search"]) for k in range(NORMAL_CLIENTS)]
    jobs.append(([home], results["home"]))
    jobs += [(attacks[k:] + attacks[:k], results["attack"]) for k in range(ATTACK_CLIENTS)] if attacks else []
    with ThreadPoolExecutor(len(jobs)) as pool:
        for urls, out in jobs:
            pool.submit(loop, urls, stop, out)
        time.sleep(seconds)
        stop.set()
    return results


def serve(path: Path, port: int, processes: int) -> subprocess.Popen:
    """Start `archiver serve --public` over the bench archive and wait until it answers."""
    archiver = str(Path(sys.executable).with_name("archiver"))
    command = [archiver, "serve", "--db", str(path), "--port", str(port), "--public", "--processes", str(processes)]
    proc = subprocess.Popen(command)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if get(f"http://127.0.0.1:{port}/-/versions.json")[1] == 200:
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("archiver serve did not answer")


def normal_searches(db: str, n: int, count: int) -> list[tuple[str, str]]:
    """Give the normal searches (URL, kind of page): common and rare words, facets, a search with a facet filter."""
    found = bench_search.pages(db.rsplit("/", 1)[0], db.rsplit("/", 1)[1], n, random.Random(7), count)
    return [(u, name) for name, urls in found.items() if name in NORMAL_PAGES for u in urls]


def by_kind(results: list[tuple], kinds: dict[str, str]) -> list[tuple[str, Figures]]:
    """Give the figures of each kind of normal search, to see which one makes the tail."""
    grouped: dict[str, list] = {}
    for result in results:
        grouped.setdefault(kinds[result[2]], []).append(result)
    return [("  of which", figures(name, grouped[name])) for name in NORMAL_PAGES if name in grouped]


def report(path: Path, n: int, rows: list[tuple[str, Figures]], attacks: Counter) -> None:
    """Print the figures of both phases and the statuses the attacks got."""
    print(
        f"archive: {path} ({n:,} articles); {NORMAL_CLIENTS} search clients + 1 home client, {ATTACK_CLIENTS} attackers"
    )
    print(f"{'phase':14} {'requests':26} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    for label, f in rows:
        print(f"{label:14} {f.name:26} {f.count:>6} {f.p50:8.1f} {f.p95:8.1f} {f.errors:>6}")
    print("attack statuses: " + ", ".join(f"{status}: {count}" for status, count in sorted(attacks.items())))
    home = next(f for label, f in rows if label == "under attack" and f.name == "home")
    searches = next(f for label, f in rows if label == "under attack" and f.name == "normal search")
    print(f"targets: home p95 {home.p95:.0f} ms (< 1000), normal search p95 {searches.p95:.0f} ms (< 300)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="Corpus folder.")
    parser.add_argument("--db", type=Path, default=None, help="Bench archive (default bench-output/serve-N.db).")
    parser.add_argument("--articles", type=int, default=1_000_000, help="Articles in the bench archive.")
    parser.add_argument("--seconds", type=float, default=30, help="Length of each phase.")
    parser.add_argument("--warmup", type=float, default=10, help="Seconds of normal load first, not counted.")
    parser.add_argument("--port", type=int, default=8766, help="Port for archiver serve.")
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="archiver serve --processes (default: one a core)."
    )
    args = parser.parse_args(argv)
    path = args.db or Path(f"bench-output/serve-{args.articles}.db")
    if not path.exists():  # built once per size, reused after
        built = bench_search.build(path, bench_search.load_corpus(args.corpus), args.articles)
        print(f"built {path} in {built:.0f} s", flush=True)
    proc = serve(path, args.port, args.processes)
    try:
        base = f"http://127.0.0.1:{args.port}"
        db = f"{base}/{path.stem}"
        searches, attacks = normal_searches(db, args.articles, 40), attack_urls(db)
        normal, kinds = [url for url, _ in searches], dict(searches)
        phase(normal, base + "/", [], args.warmup)  # warm the page cache (a 1M archive is 3 GB)
        calm = phase(normal, base + "/", [], args.seconds)
        stormy = phase(normal, base + "/", attacks, args.seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rows = [
        row
        for label, results in (("alone", calm), ("under attack", stormy))
        for key, name in (("search", "normal search"), ("home", "home"))
        for row in [(label, figures(name, results[key]))] + (by_kind(results[key], kinds) if key == "search" else [])
    ]
    report(path, args.articles, rows, Counter(result[1] for result in stormy["attack"]))


if __name__ == "__main__":
    main()
