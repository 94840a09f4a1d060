"""A page's links: resolved as urljoin would, found in one walk, split on and off site."""

import multiprocessing
import os
import time
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.crawl.analysis import analyze_page
from archiver.crawl.workers import pin_workers
from archiver.extract.urls import LinkResolver, Scope, absolute, host_of

BASES = st.sampled_from(
    [
        "http://news.test/2026/01/02/story/",
        "https://www.news.test",
        "https://news.test:8443/a?b=c",
        "http://127.0.0.1:8765/news/000/000001/",
        "ftp://files.test/x",
        "https://news.test/a/b#frag",
    ]
)
PIECES = st.sampled_from(
    [
        "/",
        "//",
        "/.",
        "./",
        "../",
        "..",
        ".",
        "?",
        "#",
        "?#",
        "a",
        "b.html",
        "%20",
        "\\",
        "http:",
        "https:",
        "//cdn.test",
        "mailto:x@y",
        "javascript:void(0)",
        ":",
        "@",
        "[::1]",
    ]
)
HREFS = st.lists(PIECES, min_size=1, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(BASES, HREFS)
def test_links_resolve_exactly_as_urljoin_would(base, href):
    assert LinkResolver(base).resolve(href) == absolute(base, href)


URL_PIECES = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTP://",
        "ftp://",
        "//",
        "mailto:",
        "WWW.News.Test",
        "www.",
        "news.test",
        "[::1]",
        "[",
        "]",
        "user:pw@",
        "@",
        ":8080",
        ":",
        "/",
        "?",
        "#",
        "\\",
        "\t",
        "\n",
        " ",
        "a",
        "%41",
        "é",
    ]
)
URLS = st.lists(URL_PIECES, min_size=1, max_size=8).map("".join)


def urlsplit_host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


@settings(max_examples=400, deadline=None)
@given(URLS)
def test_a_links_host_is_the_one_urlsplit_gives(url):
    assert host_of(url) == urlsplit_host(url)


def test_a_link_whose_host_does_not_parse_is_recorded_and_the_page_still_analysed():
    html = (
        b"""<html><body><article><p>Words of the article. """
        + b"More words. " * 60
        + b"""</p>
    <a href="http://[oops/x">broken</a> <a href="/next/">next</a></article></body></html>"""
    )
    analysis = analyze_page(html, "https://news.test/a/", scope=Scope.for_urls(["https://news.test/"]))
    assert "https://news.test/next/" in analysis.follow
    assert ("http://[oops/x", "link") in analysis.offsite


def test_a_page_gives_its_links_on_and_off_site_resolved_against_its_base():
    html = (
        b"""<html><head><base href="https://news.test/2026/"><link rel="canonical" href="/2026/story/">
    <link rel="alternate" type="application/rss+xml" href="/feed/"></head><body><article>
    <p>Words of the article. """
        + b"More words. " * 60
        + b"""</p>
    <a href="story-2/">relative</a> <a href="/about">root</a> <a href="//cdn.other.test/x.js">protocol</a>
    <a href="https://elsewhere.test/a?utm_source=x">off</a> <a href="/tags/?letter=#">empty fragment</a>
    <img src="/img/a.jpg"> <picture><source srcset="https://img.other.test/b.jpg 2x"></picture>
    <iframe src="https://video.other.test/embed/1"></iframe></article></body></html>"""
    )
    analysis = analyze_page(html, "https://news.test/2026/story/", scope=Scope.for_urls(["https://news.test/"]))
    assert set(analysis.follow) >= {
        "https://news.test/2026/story-2/",
        "https://news.test/about",
        "https://news.test/feed/",
        "https://news.test/tags/",
    }
    assert not any("other.test" in u or "elsewhere" in u for u in analysis.follow)
    assert set(analysis.offsite) == {
        ("https://cdn.other.test/x.js", "link"),
        ("https://elsewhere.test/a?utm_source=x", "link"),
        ("https://img.other.test/b.jpg", "image"),
        ("https://video.other.test/embed/1", "embed"),
    }


def _idle(seconds: float) -> None:
    time.sleep(seconds)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux-only")
def test_workers_are_pinned_to_cpus_of_their_own_only_when_there_are_enough():
    cpus = sorted(os.sched_getaffinity(0))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_idle, args=(5,)) for _ in range(len(cpus))]
    for worker in workers:
        worker.start()
    try:
        assert pin_workers([w.pid for w in workers])
        assert sorted(next(iter(os.sched_getaffinity(w.pid))) for w in workers) == cpus
        assert all(len(os.sched_getaffinity(w.pid)) == 1 for w in workers)
        assert not pin_workers([w.pid for w in workers] + [os.getpid()])  # more workers than CPUs
    finally:
        for worker in workers:
            worker.kill()
            worker.join()
