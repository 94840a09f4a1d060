"""Extraction on markup nobody tuned for: comments by structure, dates in many languages,
footers without <footer>, widgets by their wording, and the article decision with its reasons."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime

import pytest

from archiver.config import source_config
from archiver.crawl.classify import ArticleHints, decide
from archiver.errors import ConfigError
from archiver.extract.dates import DateContext, shown_date_iso
from archiver.extract.model import Extraction
from archiver.extract.page import extract_page
from tests.helpers import ARCHIVER

ARTICLE_TEXT = " ".join(["The council met on Tuesday to discuss the new harbour plan and its budget."] * 12)


def page(body: str, head: str = "") -> bytes:
    """Give a small HTML page with an article and the given extra markup."""
    return (
        f"<html lang='en'><head><title>Harbour plan approved</title>{head}</head><body>"
        f"<article><h1>Harbour plan approved after long debate</h1><p>{ARTICLE_TEXT}</p></article>"
        f"{body}</body></html>"
    ).encode()


def flat_comment(number: int, depth: int, name: str, text: str) -> str:
    """Give one comment of a flat WordPress-like list whose nesting was lost: only depth-N says who answers whom."""
    return (
        f"<li class='comment depth-{depth}' id='comment-{number}'><div class='comment-body'>"
        f"<div class='comment-author vcard'><cite class='fn'>{name}</cite> says:</div>"
        f"<div class='comment-meta'><a href='#comment-{number}'>March 5, 2024 at 9:1{number} am</a></div>"
        f"<p>{text}</p></div></li>"
    )


def test_replies_of_a_flat_list_hang_under_the_comment_one_level_up():
    items = [
        (1, 1, "Ann", "First thoughts on the plan."),
        (2, 2, "Bob", "I disagree with Ann here."),
        (3, 3, "Ann", "Fair point, Bob."),
        (4, 1, "Cleo", "A new thread entirely."),
    ]
    html = page("<ol class='commentlist'>" + "".join(flat_comment(*item) for item in items) + "</ol>")
    comments = extract_page(html, "https://example.org/2024/03/harbour/").comments
    assert [(c.author, c.text) for c in comments] == [(name, text) for _, _, name, text in items]
    assert [c.parent for c in comments] == [None, "comment-1", "comment-2", None]


def test_a_byline_gives_the_name_and_the_date_written_on_one_line():
    names = ["Jane Doe", "G. Moore, US CPA"]
    blocks = "".join(
        f"<div class='visitor_comment'><h3>Subject {i}</h3><p>My own words number {i} on this matter.</p>"
        f"<p class='common_date'>Posted by: {name}, 27 Sep 2011 | 15:2{i}</p></div>"
        for i, name in enumerate(names)
    )
    comments = extract_page(page(f"<div id='comments'>{blocks}</div>"), "https://example.org/a/b").comments
    assert [(c.author, c.published, c.text) for c in comments] == [
        (name, f"2011-09-27T15:2{i}:00", f"My own words number {i} on this matter.") for i, name in enumerate(names)
    ]


def test_a_comment_keeps_the_utc_offset_the_page_gives():
    html = page(
        "<div class='comments'><div class='comment'><span class='author'>Ann</span>"
        "<time datetime='2026-01-23T11:04:00+00:00'>23 Jan</time><p>Well said.</p></div></div>"
    )
    assert extract_page(html, "https://example.org/x/y").comments[0].published == "2026-01-23T11:04:00+00:00"


@pytest.mark.parametrize(("shown", "iso"), [
    ("Di, 21. April 2020 - 16:40", "2020-04-21T16:40:00"),
    ("le lundi 29 octobre 2012 à 15h46", "2012-10-29T15:46:00"),
    ("3 de marzo de 2021 a las 10:15", "2021-03-03T10:15:00"),
    ("12 ottobre 2019 alle 9:41", "2019-10-12T09:41:00"),
    ("3 de março de 2020 às 10:00", "2020-03-03T10:00:00"),
    ("14 januari 2022 om 08:30", "2022-01-14T08:30:00"),
    ("12 Mei 2021 pukul 10.00", "2021-05-12T10:00:00"),
    ("27 Sep 2011 | 15:22", "2011-09-27T15:22:00"),
])  # fmt: skip
def test_dates_shown_in_eight_languages_are_read(shown, iso):
    assert shown_date_iso(shown) == iso


def test_relative_dates_count_from_the_capture_time():
    fetched = datetime(2026, 1, 23, 12, 0, tzinfo=UTC)
    assert shown_date_iso("vor 2 Stunden", DateContext(fetched)) == "2026-01-23T10:00:00+00:00"
    assert shown_date_iso("2 uur geleden", DateContext.for_page(fetched, "nl")) == "2026-01-23T10:00:00"
    assert shown_date_iso("3 weeks ago", DateContext(fetched)) is None  # says too little for a date


def test_the_footer_is_found_without_footer_markup_and_address_is_postal():
    html = page(
        "<div class='bottom'><div>About us | Contact</div><div>Harbour Media Ltd<br>12 Main Street<br>"
        "Springfield IL 62701<br>© 2026 Harbour Media Ltd. All rights reserved.</div></div>"
    )
    footer = extract_page(html, "https://example.org/a/b").footer
    assert (footer.org, footer.address) == ("Harbour Media Ltd", "12 Main Street, Springfield IL 62701")


def test_an_address_element_is_the_postal_address():
    html = page("<footer><p>© 2026 Harbour Media Ltd</p><address>Quay House<br>Bath BA1 1UA</address></footer>")
    assert extract_page(html, "https://example.org/a/b").footer.address == "Quay House, Bath BA1 1UA"


def test_players_and_fact_check_boxes_leave_the_body_whatever_their_class_names():
    widgets = (
        "<div class='q1'><span>Listen to the article</span><div><a role='button' aria-label='Play audio'>▶</a>"
        "<span>0:00</span><span>0:00</span></div></div>"
    )
    box = "<div class='vb'><strong>Fact Checker</strong><p>Verify the accuracy of this article.</p></div>"
    html = page("").replace(b"<p>", widgets.encode() + b"<p>", 1).replace(b"</article>", box.encode() + b"</article>")
    body = extract_page(html, "https://example.org/a/b").body
    assert ARTICLE_TEXT[:80] in body
    for noise in ("Listen to the article", "0:00", "Fact Checker", "Verify the accuracy"):
        assert noise not in body


def extraction(**fields) -> Extraction:
    """Give an Extraction with the fields the article decision reads."""
    return Extraction(url="https://example.org/x", **fields)


def test_a_short_dated_post_with_a_headline_is_an_article():
    decision = decide(
        "https://blog.example.org/2026/01/open-thread/",
        extraction(title="Open thread for the weekend", body="x" * 419, published="2026-01-02"),
    )
    assert decision.is_article and "short body (419 characters)" in decision.reason


def test_og_type_website_alone_does_not_veto_an_article():
    decision = decide(
        "https://example.org/press/release-2026-01",
        extraction(
            title="Company opens a new plant in Leeds", body="y" * 2000, page_type="website", published="2026-01-05"
        ),
    )
    assert decision.is_article and "declared website" in decision.reason


def test_a_section_page_is_followed_not_archived():
    decision = decide("https://example.org/section/world/", extraction(title="World", body="z" * 2000))
    assert not decision.is_article and "navigation URL" in decision.reason


def test_a_listed_page_is_an_article_and_source_patterns_override():
    page_ = extraction(title="Notice", body="w" * 120)
    assert decide("https://example.org/n/1", page_, ArticleHints(listed=True)).is_article
    hints = ArticleHints(not_article_urls=(r"/n/",))
    assert decide("https://example.org/n/1", page_, hints).reason == "not_article_urls '/n/'"
    assert decide("https://example.org/tag/x/", page_, ArticleHints(article_urls=(r"/tag/",))).is_article


def test_a_bad_article_pattern_is_refused_naming_its_key():
    with pytest.raises(ConfigError, match=r"sources.news.article_urls"):
        source_config("news", {"url": "https://example.org/", "article_urls": ["(unclosed"]})


def test_extract_why_prints_the_decision_and_its_signals(tmp_path):
    saved = tmp_path / "page.html"
    saved.write_bytes(page(""))
    result = subprocess.run(
        [ARCHIVER, "extract", "--why", str(saved), "--url", "https://example.org/2026/a/"],
        capture_output=True,
        text=True,
        check=True,
    )
    shown = json.loads(result.stdout)
    assert shown["decision"] == "article" and shown["reason"] == "; ".join(
        shown["for"] + [f"despite {c}" for c in shown["against"]]
    )
    assert shown["signals"]["headline"] is True and shown["signals"]["body_chars"] > 500


def wordpress_thread(with_reply: bool) -> bytes:
    """Give a WordPress-style page whose first comment has a reply or not (as between two crawls)."""

    def comment(n: int, author: str, text: str, replies: str = "") -> str:
        body = (
            f'<article id="div-comment-{n}" class="comment-body"><footer class="comment-meta">'
            f'<div class="comment-author vcard"><img alt="" src="/a.png" class="avatar" height="48" width="48">'
            f'<cite class="fn">{author}</cite> <span class="says">on</span></div>'
            f'<div class="comment-metadata"><a href="/story/#comment-{n}"><time datetime="2026-01-2{n}T10:00:00+00:00">'
            f"January 2{n}, 2026 at 10:00</time></a></div></footer>"
            f'<div class="comment-content"><p>{text}</p></div><div class="reply"><a rel="nofollow" '
            f'class="comment-reply-link" href="#respond" aria-label="Reply to {author}">Reply</a></div></article>'
        )
        parent = " parent" if replies else ""
        children = f'<ul class="children">{replies}</ul>' if replies else ""
        return f'<li id="comment-{n}" class="comment even depth-1{parent}">{body}{children}</li>'

    reply = comment(3, "Bea", "I agree with the point about the ferry timetable.") if with_reply else ""
    thread = comment(1, "Ann", "The new timetable leaves out the early ferry.", reply)
    thread += comment(2, "Carl", "Fares went up again this winter, too.")
    page = (
        "<html><head><title>Ferry timetable</title></head><body><article><h1>Ferry timetable</h1>"
        + "<p>The ferry company published its winter timetable on Monday with fewer sailings.</p>" * 6
        + f'</article><div id="comments"><h2>3 Comments</h2><ol class="comment-list">{thread}</ol></div></body></html>'
    )
    return page.encode()


def test_a_comment_keeps_its_key_when_a_reply_is_added_between_crawls():
    before = extract_page(wordpress_thread(False), "https://news.example/story/")
    after = extract_page(wordpress_thread(True), "https://news.example/story/")
    assert [c.author for c in before.comments] == ["Ann", "Carl"]
    assert [c.author for c in after.comments] == ["Ann", "Bea", "Carl"]
    keys = {c.author: c.id for c in after.comments}
    assert {c.author: c.id for c in before.comments} == {"Ann": keys["Ann"], "Carl": keys["Carl"]}
    assert after.comments[1].parent == keys["Ann"]
