"""Score the extraction layer: body F1 on the corpus, golden pages, docs/s.

Run as `python -m benchmarks.eval [--corpus ../shared/corpus] [--golden tests/golden]`.
The body metric is the one of the Zyte article-extraction benchmark: tokens are
`\\w+`, shingles are 4-grams of tokens, TP/FP/FN are counted over the multisets of
shingles per page, and corpus precision and recall are means over pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.goldens import compare_expected

TOKEN_RE = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class CorpusPage:
    """One corpus page: its id, URL, raw HTML bytes and expected article body."""

    page_id: str
    url: str
    html: bytes
    expected: str


@dataclass(frozen=True)
class PageScore:
    """Shingle TP/FP/FN of one page, normalised by their sum."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass(frozen=True)
class CorpusScore:
    """Corpus precision, recall and F1 (means over pages, as the benchmark does)."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class GoldenResult:
    """Checks passed and failed on one golden page, with the failed field names."""

    name: str
    passed: int
    failed: tuple[str, ...]


def shingles(text: str) -> Counter:
    """Give the multiset of 4-gram token shingles of a text."""
    tokens = TOKEN_RE.findall(text or "")
    grams = zip(*(tokens[i:] for i in range(SHINGLE_SIZE)))
    return Counter(grams)


def score_page(predicted: str, expected: str) -> PageScore:
    """Give the normalised shingle TP/FP/FN of a predicted body against the truth."""
    pred, true = shingles(predicted), shingles(expected)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def score_corpus(pairs: Iterable[tuple[str, str]]) -> CorpusScore:
    """Give corpus precision/recall over (predicted, expected) pairs.

    A page that predicts no shingle at all is left out of the precision mean.
    """
    precisions, recalls = [], []
    for predicted, expected in pairs:
        page = score_page(predicted, expected)
        if shingles(predicted):
            precisions.append(page.precision)
        recalls.append(page.recall)
    mean = lambda values: sum(values) / len(values) if values else 0.0  # noqa: E731
    return CorpusScore(mean(precisions), mean(recalls))


def load_corpus(corpus: Path) -> list[CorpusPage]:
    """Give the corpus pages in id order, read from `html/<id>.html.gz` and the truth file."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(CorpusPage(page_id, entry.get("url", ""), html, entry.get("articleBody", "")))
    return pages


def ours_body(page: CorpusPage) -> str:
    """Give the body our extractor finds on a corpus page."""
    from archiver.extract.page import extract_page

    return extract_page(page.html, page.url).body


def trafilatura_body(page: CorpusPage) -> str:
    """Give trafilatura's default body (the comparison point) for a corpus page."""
    import trafilatura

    return trafilatura.extract(page.html.decode("utf-8", "replace"), url=page.url) or ""


def timed_bodies(pages: Sequence[CorpusPage], extractor: Callable[[CorpusPage], str]) -> tuple[list[str], float]:
    """Give the bodies an extractor finds on the pages and its docs/s (one process, CPU time).

    CPU time of this process, not wall time: the cores are shared, and other work on
    the machine would otherwise decide which extractor looks faster.
    """
    started = time.process_time()
    bodies = [extractor(page) for page in pages]
    elapsed = time.process_time() - started
    return bodies, len(pages) / elapsed if elapsed else float("inf")


def check_golden(html_path: Path) -> GoldenResult:
    """Give the checks passed/failed by our extractor on one golden page."""
    from archiver.extract.page import extract_page

    expected = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
    got = extract_page(html_path.read_bytes(), expected["url"], expected.get("headers"))
    failures = compare_expected(got, expected)
    total = len(set(expected) - {"url", "headers"})
    return GoldenResult(html_path.stem, total - len(failures), tuple(failures))


def report_corpus(pages: Sequence[CorpusPage], out) -> None:
    """Print body P/R/F1 and docs/s for ours and trafilatura on the corpus."""
    truth = [page.expected for page in pages]
    for name, extractor in (("trafilatura", trafilatura_body), ("ours", ours_body)):
        extractor(pages[0])  # warm imports and caches outside the timing
        bodies, rate = timed_bodies(pages, extractor)
        score = score_corpus(zip(bodies, truth))
        print(
            f"{name:12s} body F1 {score.f1:.4f}  P {score.precision:.4f}  R {score.recall:.4f}"
            f"  {rate:6.1f} docs/s",
            file=out,
        )


def report_golden(golden: Path, out) -> int:
    """Print per-page golden results; give the number of failing pages."""
    results = [check_golden(path) for path in sorted(golden.glob("*.html"))]
    for result in results:
        status = "pass" if not result.failed else "FAIL " + ", ".join(result.failed)
        print(f"golden {result.name:40s} {result.passed:3d} ok  {status}", file=out)
    failing = sum(1 for result in results if result.failed)
    print(f"golden pages: {len(results) - failing} pass, {failing} fail", file=out)
    return failing


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Give the parsed command-line options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="corpus directory")
    parser.add_argument("--golden", type=Path, default=Path("tests/golden"), help="golden pages directory")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N corpus pages")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print its figures; give the exit code."""
    args = parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"error: no corpus at {args.corpus} (pass --corpus DIR)", file=sys.stderr)
        return 2
    pages = load_corpus(args.corpus)
    report_corpus(pages[: args.limit] if args.limit else pages, sys.stdout)
    if args.golden.is_dir():
        report_golden(args.golden, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
