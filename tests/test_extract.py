"""Extraction: decoding, robustness on any bytes, metadata, comments and footer details."""

from __future__ import annotations

import pytest

from archiver import EXTRACTOR_VERSION
from archiver.errors import ExtractionError
from archiver.extract.page import Extraction, decode_html, extract_page

URL = "https://news.example.com/a/1"
WESTERN = (
    "<html><body><h1>Café</h1><p>Crème brûlée, naïve “quotes” — déjà vu. Der Müller aß grüne Äpfel.</p></body></html>"
)
JAPANESE = "<html><body><h1>日本語</h1><p>東京の天気は晴れです。これはテストの文章です。明日は雨が降るでしょう。</p></body></html>"


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-1"])
def test_western_page_without_charset_is_decoded_right(encoding):
    text = WESTERN if encoding == "windows-1252" else WESTERN.replace("“", '"').replace("”", '"').replace("—", "-")
    assert decode_html(text.encode(encoding)).text == text


def test_shift_jis_page_without_charset_is_decoded_right():
    assert decode_html(JAPANESE.encode("shift_jis")).text == JAPANESE


def test_utf8_bom_is_used_and_stripped():
    page = decode_html(b"\xef\xbb\xbf" + WESTERN.encode("utf-8"))
    assert (page.text, page.source) == (WESTERN, "bom")


def test_utf16_bom():
    assert decode_html("\ufeff".encode("utf-16-le") + WESTERN.encode("utf-16-le")).text == WESTERN


def test_header_charset_wins_over_wrong_meta():
    html = ('<html><head><meta charset="utf-8"></head>' + WESTERN[6:]).encode("cp1252")
    page = decode_html(html, {"Content-Type": "text/html; charset=windows-1252"})
    assert "Crème brûlée" in page.text and page.source == "header"


def test_meta_charset_used_without_header():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis"></head>' + JAPANESE[6:]
    assert "東京の天気" in decode_html(html.encode("shift_jis")).text


def test_unknown_charset_falls_back_to_detection():
    page = decode_html(WESTERN.encode("utf-8"), {"content-type": "text/html; charset=x-bogus"})
    assert page.text == WESTERN


def test_extract_page_uses_header_charset():
    page = extract_page(WESTERN.encode("cp1252"), URL, {"Content-Type": "text/html; charset=cp1252"})
    assert page.title == "Café"


@pytest.mark.parametrize("html", [b"", b"   \n\t", b"\x00\x00\x00"])
def test_empty_input_raises_typed_error(html):
    with pytest.raises(ExtractionError):
        extract_page(html, URL)


@pytest.mark.parametrize(
    "html",
    [
        bytes(range(256)) * 20,
        b"\x89PNG\r\n\x1a\n" + bytes(300),
        b"<html><body><p>truncated para",
        b"<html><head><title>t</title",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>xml decl</p></body></html>",
        b"<div><ol class='comment-list'><li class='comment'><p>a</p></li>",
        b"<script type='application/ld+json'>{bad json,,}</script><p>x</p>",
        "<html><body><p>\ud800 lone surrogate</p></body></html>".encode("utf-8", "surrogatepass"),
    ],
)
def test_garbage_never_crashes(html):
    try:
        page = extract_page(html, URL)
    except ExtractionError:
        return
    assert isinstance(page, Extraction) and page.extractor == EXTRACTOR_VERSION


def test_extractor_version_and_canonical():
    html = b'<html><head><link rel="canonical" href="/b/2"><meta property="og:type" content="article"></head><body><p>x</p></body></html>'
    page = extract_page(html, URL)
    assert (page.extractor, page.canonical_url, page.page_type) == (
        EXTRACTOR_VERSION,
        "https://news.example.com/b/2",
        "article",
    )


def test_jsonld_metadata_first():
    html = b"""<html lang="fr-FR"><head><title>Other | Site</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Le Site"},
    {"@type":"NewsArticle","headline":"Le titre","author":[{"@type":"Person","name":"Ana Ruiz"},{"@type":"Person","name":"Bo Li"}],
    "datePublished":"2024-05-01T08:00:00Z","dateModified":"2024-05-02","keywords":"a, b","publisher":{"@type":"Organization","name":"Le Site"}}]}</script>
    </head><body><h1>Autre</h1><p>Texte.</p></body></html>"""
    page = extract_page(html, URL)
    assert page.title == "Le titre"
    assert page.authors == ("Ana Ruiz", "Bo Li")
    assert (page.published, page.modified) == ("2024-05-01T08:00:00+00:00", "2024-05-02")
    assert (page.language, page.tags, page.page_type, page.site_name) == ("fr", ("a", "b"), "NewsArticle", "Le Site")


def test_comment_without_markup_id_gets_stable_hash_id():
    html = b"""<html><body><article><h1>T</h1><p>Body text of the article that is long enough.</p></article>
    <div class="comments"><div class="c"><span class="author">Ann</span><p>First!</p></div>
    <div class="c"><span class="author">Bob</span><p>Second.</p></div></div></body></html>"""
    first, again = extract_page(html, URL).comments, extract_page(html, URL).comments
    assert [c.author for c in first] == ["Ann", "Bob"]
    assert [c.id for c in first] == [c.id for c in again] and first[0].id != first[1].id


def test_footer_from_jsonld_organization():
    html = b"""<html><head><script type="application/ld+json">{"@type":"NewsMediaOrganization","name":"Daily",
    "legalName":"Daily News Media GmbH","address":{"@type":"PostalAddress","streetAddress":"Hauptstr. 5",
    "addressLocality":"Berlin","postalCode":"10115","addressCountry":"DE"}}</script></head>
    <body><p>x</p><footer><p>Impressum</p><p>&copy; 2025 Daily News</p></footer></body></html>"""
    footer = extract_page(html, URL).footer
    assert footer.org == "Daily News Media GmbH"
    assert footer.address == "Hauptstr. 5, Berlin, 10115, DE"
    assert footer.copyright == "© 2025 Daily News"


def test_quoted_social_post_in_article_is_kept_but_not_one_in_a_sidebar():
    para = "The council approved the plan on Tuesday after a long debate about the costs of the works. " * 3
    html = f"""<html><body><main><article><h1>Plan approved</h1><div class="entry">
    <p>{para}</p><div class="embed"><blockquote class="twitter-tweet"><p>Work starts in spring, the mayor said today
    <a href="https://t.co/x">https://t.co/x</a></p>— Town Hall (@townhall) <a href="https://twitter.com/t/1">March 5, 2024</a></blockquote></div>
    <p>{para.replace("council", "board")}</p></div></article></main>
    <aside class="feed"><blockquote class="twitter-tweet"><p>Sidebar feed post about something else entirely</p></blockquote></aside>
    </body></html>""".encode()
    body = extract_page(html, URL).body
    assert "Work starts in spring" in body
    assert body.index("Work starts in spring") < body.index("The board approved")
    assert "Sidebar feed post" not in body
