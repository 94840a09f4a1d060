"""Real pages with hand-labelled comment threads (../shared/comments, never copied into the repo).

The folder is found at ARCHIVER_COMMENTS_DIR, else ../shared/comments next to the repository.
Its README gives the labels' conventions and the scoring rule used here: a page is right when
the number of comments and of replies match and at least 90 % of the comments start with the
labelled 60 characters (compared case- and whitespace-insensitively, typographic quotes folded).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from archiver.crawl.classify import decide
from archiver.extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(os.environ.get("ARCHIVER_COMMENTS_DIR") or ROOT.parent / "shared" / "comments")
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'})


def labels() -> list[dict]:
    """Give the label objects of the folder ([] when the folder is missing)."""
    path = FOLDER / "labels.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


LABELS = {Path(label["file"]).stem: label for label in labels()}
POSITIVE = sorted(name for name, label in LABELS.items() if not label["is_negative"])
NEGATIVE = sorted(name for name, label in LABELS.items() if label["is_negative"])


def require_folder() -> None:
    """Skip when the labelled pages are not on this machine; fail instead under ARCHIVER_REQUIRE_ALL."""
    if LABELS:
        return
    message = f"no labelled comment pages at {FOLDER} (set ARCHIVER_COMMENTS_DIR)"
    if os.environ.get("ARCHIVER_REQUIRE_ALL"):
        pytest.fail(message + "; ARCHIVER_REQUIRE_ALL forbids skipping")
    pytest.skip(message)


@cache
def extracted(name: str):
    """Give our extraction of one labelled page."""
    label = LABELS[name]
    return extract_page((FOLDER / label["file"]).read_bytes(), label["url"])


def folded(text: str | None) -> str:
    """Give a text case-folded, with whitespace collapsed and typographic quotes folded."""
    return " ".join((text or "").translate(QUOTES).casefold().split())


def starts_as_labelled(text: str, prefix: str) -> bool:
    """Tell whether a comment's text starts with its labelled prefix."""
    return folded(text).startswith(folded(prefix))


def parent_positions(comments) -> list[int | None]:
    """Give each comment's parent as the 1-based position of that parent on the page."""
    position = {c.id: i + 1 for i, c in enumerate(comments)}
    return [position.get(c.parent) if c.parent else None for c in comments]


def test_the_labelled_pages_are_there():
    require_folder()
    assert POSITIVE and NEGATIVE


@pytest.mark.parametrize("name", POSITIVE or ["(missing)"])
def test_a_real_comment_thread_is_read_as_labelled(name):
    require_folder()
    label, comments = LABELS[name], extracted(name).comments
    assert len(comments) == label["n_comments"]
    assert sum(1 for p in parent_positions(comments) if p) == label["n_replies"]
    right = sum(starts_as_labelled(c.text, w["text_starts"]) for c, w in zip(comments, label["comments"]))
    assert right >= 0.9 * label["n_comments"]


@pytest.mark.parametrize("name", NEGATIVE or ["(missing)"])
def test_a_page_without_comments_gives_none(name):
    require_folder()
    assert extracted(name).comments == ()


def test_replies_point_at_the_labelled_parents():
    require_folder()
    pairs = [
        (got, want["parent"])
        for name in POSITIVE
        for got, want in zip(parent_positions(extracted(name).comments), LABELS[name]["comments"])
    ]
    total = sum(LABELS[name]["n_comments"] for name in POSITIVE)
    assert sum(got == want for got, want in pairs) >= 0.95 * total


def test_commenters_names_are_read_as_shown():
    require_folder()
    pairs = [
        (c.author, w["author"]) for name in POSITIVE for c, w in zip(extracted(name).comments, LABELS[name]["comments"])
    ]
    assert sum(folded(got) == folded(want) for got, want in pairs) >= 0.9 * len(pairs)


def test_the_footer_names_the_publisher():
    require_folder()
    right = [
        folded(extracted(name).footer.org).strip(" .") == folded(label["footer_org"]).strip(" .")
        for name, label in LABELS.items()
    ]
    assert sum(right) >= 0.9 * len(right)


def test_every_labelled_page_is_archived_as_an_article():
    require_folder()
    decisions = {name: decide(LABELS[name]["url"], extracted(name)) for name in LABELS}
    assert [f"{n}: {d.reason}" for n, d in decisions.items() if not d.is_article] == []
