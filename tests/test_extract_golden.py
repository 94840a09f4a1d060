"""Golden pages: each tests/golden/<name>.html is extracted and checked field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extract.page import extract_page

from .goldens import compare_expected

GOLDEN = Path(__file__).parent / "golden"
PAGES = sorted(path.stem for path in GOLDEN.glob("*.html"))


def expected_of(name: str) -> dict:
    """Give the expected JSON of a golden page."""
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def extracted(name: str):
    """Give our extraction of a golden page."""
    expected = expected_of(name)
    return extract_page((GOLDEN / f"{name}.html").read_bytes(), expected["url"], expected.get("headers"))


@pytest.mark.parametrize("name", PAGES)
def test_golden_page_matches_expected(name):
    assert compare_expected(extracted(name), expected_of(name)) == []


@pytest.mark.parametrize("name", PAGES)
def test_no_commenter_among_authors_and_no_comment_in_body(name):
    page = extracted(name)
    commenters = {c.author for c in page.comments if c.author}
    assert not commenters & set(page.authors)
    for comment in page.comments:
        assert comment.text not in page.body


@pytest.mark.parametrize("name", [n for n in PAGES if n.startswith("seed_")])
def test_seed_page_is_fully_right(name):
    page = extracted(name)
    assert len(page.body.split("\n\n")) == 12
    assert len(page.comments) == 20
    assert sum(1 for c in page.comments if c.parent is None) == 10
    assert all(c.author for c in page.comments)
    assert page.footer.org == "Disinformation Commission LLC"
    assert "Sheridan, WY 82801" in page.footer.address
    assert page.footer.copyright.startswith("© 2026")


@pytest.mark.parametrize("name", [n for n in PAGES if n.startswith("neg_")])
def test_negative_pages_give_no_comments(name):
    assert extracted(name).comments == ()


def test_golden_pages_are_built_from_the_generator(monkeypatch):
    """The checked-in pages are what build_golden.py writes (edit the generator, not the files)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("build_golden", GOLDEN / "build_golden.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_golden", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    for name, (page, expected) in module.pages().items():
        assert (GOLDEN / f"{name}.html").read_text(encoding="utf-8") == page
        assert expected_of(name) == expected
