"""Score the extraction layer: body F1 on the corpus, golden pages, comments on real pages, CPU.

Run as `python -m benchmarks.eval [--corpus ../shared/corpus] [--golden tests/golden]
[--comments ../shared/comments]`.
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


@dataclass(frozen=True)
class AlternatingRun:
    """Bodies found by two extractors on the same pages and the CPU seconds each spent."""

    bodies: tuple[tuple[str, ...], tuple[str, ...]]
    seconds: tuple[float, float]


def alternating_bodies(
    pages: Sequence[CorpusPage], extractors: Sequence[Callable[[CorpusPage], str]]
) -> AlternatingRun:
    """Give the bodies of two extractors run page by page in turn, with the CPU time of each.

    Alternating page by page, not one extractor over all pages then the other: the
    machine's drift (other work, frequency scaling) then weighs on both alike.
    """
    bodies: tuple[list[str], list[str]] = ([], [])
    seconds = [0.0, 0.0]
    for index, page in enumerate(pages):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        for which in order:
            started = time.process_time()
            bodies[which].append(extractors[which](page))
            seconds[which] += time.process_time() - started
    return AlternatingRun((tuple(bodies[0]), tuple(bodies[1])), (seconds[0], seconds[1]))


def warm_date_reading() -> None:
    """Load dateparser's languages once, as a long-running worker has: a one-time cost, not a per-page one."""
    from archiver.extract.dates import DateContext, shown_date_iso

    for language in DateContext().languages:
        shown_date_iso("Di, 21. April 2020 - 16:40", DateContext(None, (language,)))


def score_line(name: str, score: CorpusScore) -> str:
    """Give one printed line of body P/R/F1."""
    return f"{name:22s} body F1 {score.f1:.4f}  P {score.precision:.4f}  R {score.recall:.4f}"


def page_f1(score: PageScore) -> float:
    """Give the F1 of one page's precision and recall."""
    total = score.precision + score.recall
    return 2 * score.precision * score.recall / total if total else 0.0


def report_worst(pages: Sequence[CorpusPage], bodies: Sequence[str], count: int, out) -> None:
    """Print the `count` pages where our body scores lowest, with their half, F1, precision and recall."""
    half = (len(pages) + 1) // 2
    scores = [(page_f1(score_page(body, page.expected)), i) for i, (page, body) in enumerate(zip(pages, bodies))]
    for f1, index in sorted(scores)[:count]:
        score, page = score_page(bodies[index], pages[index].expected), pages[index]
        part = "first" if index < half else "second"
        print(
            f"worst {page.page_id[:12]} ({part} half) F1 {f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}"
            f"  {page.url}",
            file=out,
        )


def report_corpus(pages: Sequence[CorpusPage], out, rounds: int = 1, worst: int = 0) -> None:
    """Print body P/R/F1 for trafilatura and ours (whole corpus and each half) and their CPU per page.

    The CPU ratio sums `rounds` alternating passes over the pages: on a shared machine one
    pass moves by several per cent from run to run."""
    truth = [page.expected for page in pages]
    extractors = (trafilatura_body, ours_body)
    for extractor in extractors:
        extractor(pages[0])  # warm imports and caches outside the timing
    warm_date_reading()
    run = alternating_bodies(pages, extractors)
    extra = [alternating_bodies(pages, extractors) for _ in range(rounds - 1)]
    run = AlternatingRun(
        run.bodies,
        (run.seconds[0] + sum(r.seconds[0] for r in extra), run.seconds[1] + sum(r.seconds[1] for r in extra)),
    )
    half = (len(pages) + 1) // 2
    for name, bodies, seconds in zip(("trafilatura", "ours"), run.bodies, run.seconds):
        rate = rounds * len(pages) / seconds
        print(score_line(name, score_corpus(zip(bodies, truth))) + f"  {rate:6.1f} docs/s", file=out)
    for label, part in (("first half", slice(0, half)), ("second half", slice(half, None))):
        print(score_line(f"ours {label}", score_corpus(zip(run.bodies[1][part], truth[part]))), file=out)
    report_worst(pages, run.bodies[1], worst, out)
    ratio = run.seconds[1] / run.seconds[0] if run.seconds[0] else float("inf")
    print(
        f"extraction CPU per page: ours / trafilatura = {ratio:.2f} over {rounds} alternating passes (target <= 1.15)",
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


QUOTE_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
PREFIX_CHARS = 60
EXACT_SHARE = 0.9


def folded(text: str | None) -> str:
    """Give a text case-folded, whitespace-collapsed and with typographic quotes folded, for comparisons."""
    return " ".join((text or "").translate(QUOTE_FOLD).casefold().split())


@dataclass(frozen=True)
class LabelledPage:
    """One hand-labelled real page: its file, URL and label object (see the folder's README)."""

    name: str
    url: str
    html: bytes
    label: dict


@dataclass(frozen=True)
class CommentPageScore:
    """How our comments and footer on one labelled page compare with its labels."""

    name: str
    negative: bool
    expected: int
    got: int
    exact: bool
    parents_right: int
    authors_right: int
    prefixes_right: int
    org_right: bool
    problems: tuple[str, ...]


def load_labelled(folder: Path) -> list[LabelledPage]:
    """Give the labelled pages of a comments folder in label order."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return [LabelledPage(Path(x["file"]).stem, x.get("url", ""), (folder / x["file"]).read_bytes(), x) for x in labels]


def parent_orders(comments: Sequence[dict]) -> list[int | None]:
    """Give each extracted comment's parent as the 1-based position of that parent (None for top level)."""
    order = {c["id"]: i + 1 for i, c in enumerate(comments)}
    return [order.get(c["parent"]) if c["parent"] else None for c in comments]


def prefix_matches(got: str, label: str | None) -> bool:
    """Tell whether an extracted text starts with a labelled 60-character prefix (compared folded)."""
    want = folded(label)
    return folded(got)[: len(want)] == want if want else not got


def same_org(got: str | None, want: str | None) -> bool:
    """Tell whether an extracted footer org is the labelled one (compared folded, end punctuation ignored)."""
    return folded(got).strip(" .,") == folded(want).strip(" .,")


def score_labelled(page: LabelledPage) -> CommentPageScore:
    """Give the scores of our extraction on one labelled page."""
    from archiver.extract.page import extract_page

    label, extraction = page.label, extract_page(page.html, page.url).to_dict()
    got, want = extraction["comments"], label.get("comments") or []
    parents = parent_orders(got)
    pairs = list(zip(got, want, parents))
    prefixes = sum(prefix_matches(g["text"], w["text_starts"]) for g, w, _ in pairs)
    replies = sum(1 for p in parents if p)
    exact = len(got) == len(want) and replies == label.get("n_replies", 0) and prefixes >= EXACT_SHARE * len(want)
    problems = [f"{len(got)} comments ({replies} replies), labelled {len(want)} ({label.get('n_replies', 0)})"]
    problems += [
        f"#{i + 1} text {g['text'][:40]!r} vs {w['text_starts'][:40]!r}"
        for i, (g, w, _) in enumerate(pairs)
        if not prefix_matches(g["text"], w["text_starts"])
    ][:3]
    org = extraction["footer"].get("org")
    if not same_org(org, label.get("footer_org")):
        problems.append(f"footer org {org!r} vs {label.get('footer_org')!r}")
    return CommentPageScore(
        page.name, bool(label.get("is_negative")), len(want), len(got), exact,
        sum(p == w["parent"] for _, w, p in pairs), sum(folded(g["author"]) == folded(w["author"]) for g, w, _ in pairs),
        prefixes, same_org(org, label.get("footer_org")), tuple(problems),
    )  # fmt: skip


def share(part: int, whole: int) -> str:
    """Give a count as "part/whole (pct %)"."""
    return f"{part}/{whole} ({100 * part / whole if whole else 100:.1f} %)"


def report_comments(folder: Path, out, verbose: bool = False) -> None:
    """Print the comment and footer scores on a folder of hand-labelled real pages."""
    scores = [score_labelled(page) for page in load_labelled(folder)]
    positives = [s for s in scores if not s.negative]
    labelled = sum(s.expected for s in positives)
    for s in scores:
        if verbose or not s.exact or not s.org_right or (s.negative and s.got):
            print(f"comments {s.name:28s} {'ok  ' if s.exact else 'MISS'} " + "; ".join(s.problems), file=out)
    print(
        f"comments exactly right: {share(sum(s.exact for s in positives), len(positives))} pages (target >= 90 %)",
        file=out,
    )
    print(
        f"comment count right:    {share(sum(s.got == s.expected for s in positives), len(positives))} pages;"
        f" {sum(s.got for s in positives)} found, {labelled} labelled",
        file=out,
    )
    print(
        f"parent links right:     {share(sum(s.parents_right for s in positives), labelled)} (target >= 95 %)", file=out
    )
    print(f"authors right:          {share(sum(s.authors_right for s in positives), labelled)}", file=out)
    print(f"text prefixes right:    {share(sum(s.prefixes_right for s in positives), labelled)}", file=out)
    negatives = [s for s in scores if s.negative]
    print(
        f"false comments on negatives: {sum(s.got for s in negatives)} on {len(negatives)} pages (target 0)", file=out
    )
    print(
        f"footer org right:       {share(sum(s.org_right for s in scores), len(scores))} pages (target >= 90 %)",
        file=out,
    )


def report_decisions(pages: Sequence[tuple[str, str, bytes]], out) -> None:
    """Print how many real article pages the article decision archives as articles, naming the others."""
    from archiver.crawl.analysis import analyze_page

    missed = []
    for name, url, html in pages:
        decision = analyze_page(html, url).decision
        if not decision.is_article:
            missed.append(f"{name} ({decision.reason})")
    for line in missed:
        print(f"not archived as an article: {line}", file=out)
    print(
        f"article decision: {share(len(pages) - len(missed), len(pages))} real article pages archived as articles",
        file=out,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Give the parsed command-line options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"), help="corpus directory")
    parser.add_argument("--golden", type=Path, default=Path("tests/golden"), help="golden pages directory")
    parser.add_argument("--comments", type=Path, default=Path("../shared/comments"), help="labelled comment pages")
    parser.add_argument("--verbose", action="store_true", help="print every labelled comment page's result")
    parser.add_argument("--rounds", type=int, default=3, help="alternating passes timed for the CPU ratio")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N corpus pages")
    parser.add_argument("--worst", type=int, default=0, help="print the N corpus pages where our body scores lowest")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print its figures; give the exit code."""
    args = parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"error: no corpus at {args.corpus} (pass --corpus DIR)", file=sys.stderr)
        return 2
    pages = load_corpus(args.corpus)
    report_corpus(pages[: args.limit] if args.limit else pages, sys.stdout, max(1, args.rounds), max(0, args.worst))
    real = [(p.page_id[:12], p.url, p.html) for p in pages]
    if args.golden.is_dir():
        report_golden(args.golden, sys.stdout)
    if (args.comments / "labels.json").is_file():
        report_comments(args.comments, sys.stdout, args.verbose)
        real += [(p.name, p.url, p.html) for p in load_labelled(args.comments)]
    else:
        print(f"no labelled comment pages at {args.comments} (pass --comments DIR)", file=sys.stdout)
    report_decisions(real, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
