"""The viewer's safety parts on real files: capture paths confined, decompression capped, queries bounded,
direction controls closed, Datasette's inline scripts hashed for the CSP."""

from __future__ import annotations

import base64
import hashlib
import zlib
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.store.search import MAX_TERMS, SearchRefused, bounded_query, folded
from archiver.store.warcfiles import WarcLocation, WarcWriter, read_capture
from archiver.web import render, security


def write_capture(folder: Path, body: bytes) -> WarcLocation:
    writer = WarcWriter(folder, "crawl.warc.gz")
    location = writer.write_exchange(
        "https://site.example/a",
        {},
        200,
        {"Content-Type": "text/html"},
        body,
        "2026-01-01T00:00:00+00:00",
        hashlib.sha256(body).digest(),
    )
    writer.close()
    return location


def test_a_capture_inside_the_folder_reads_back(tmp_path):
    location = write_capture(tmp_path / "warcs", b"<p>kept</p>")
    assert read_capture(tmp_path / "warcs", location).body == b"<p>kept</p>"


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "sub/../../secret.txt", "", ".", "link.warc.gz"])
def test_a_capture_file_named_outside_the_folder_is_refused_unread(tmp_path, name):
    (tmp_path / "secret.txt").write_text("root:x:0:0:hidden-content\n")
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / "link.warc.gz").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(StoreError) as refused:
        read_capture(warcs, WarcLocation(name, 0, 0))
    assert "not inside the warcs folder" in str(refused.value) and "hidden-content" not in str(refused.value)


def test_a_file_that_is_not_a_warc_never_has_its_content_in_the_error(tmp_path):
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    (warcs / "notes.warc.gz").write_text("root:x:0:0:secret line\n")
    with pytest.raises(StoreError) as failed:
        read_capture(warcs, WarcLocation("notes.warc.gz", 0, 0))
    assert "secret" not in str(failed.value) and "root" not in str(failed.value)


def test_a_capture_expanding_past_the_cap_is_refused_or_cut(tmp_path):
    location = write_capture(tmp_path / "warcs", b"a" * 50_000)
    with pytest.raises(StoreError, match="more than 10,000 bytes"):
        read_capture(tmp_path / "warcs", location, limit=10_000)
    assert read_capture(tmp_path / "warcs", location, limit=10_000, cut=True).body == b"a" * 10_000


def test_repeated_terms_are_folded_and_operators_kept():
    assert folded("war War WAR peace") == "war peace"
    assert folded('"harbour tram" "harbour tram" ferry') == '"harbour tram" ferry'
    assert folded("war OR war") == "war OR war"
    assert bounded_query(" ".join(["war"] * 150)) == "war"


def test_queries_too_long_or_with_too_many_terms_are_refused():
    with pytest.raises(SearchRefused, match="characters long"):
        bounded_query("x" * 1001)
    with pytest.raises(SearchRefused, match=f"{MAX_TERMS + 1} different terms"):
        bounded_query(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
    assert bounded_query(" OR ".join(f"w{n}" for n in range(MAX_TERMS)))  # operators are not terms


def test_an_unclosed_override_is_closed_inside_its_isolate():
    shown = str(render.isolated("Ann \u202eevE \u2067x"))
    assert shown == "<bdi>Ann \u202eevE \u2067x\u202c\u2069</bdi>"
    assert str(render.isolated("<b>")) == "<bdi>&lt;b&gt;</bdi>"
    assert render.plain("a\u202eb\u2066c") == "abc"


def test_the_csp_allows_exactly_datasettes_own_inline_scripts():
    hashes = security.template_script_hashes(security.datasette_templates())
    menus = (security.datasette_templates() / "_close_open_menus.html").read_text()
    body = menus.split("<script>", 1)[1].split("</script>", 1)[0]
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
    assert expected in hashes
    assert security.script_hash("DATASETTE_ALLOW_FACET = true;") in hashes
    assert security.script_hash("window.__pwned=1") not in hashes
    policy = security.content_security_policy(hashes)
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("; ")[1]


def test_an_oversized_gzip_member_is_read_only_up_to_the_cap(tmp_path):
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    size = 64 << 20
    http = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size
    head = (
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Target-URI: http://bomb.example/\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % (len(http) + size)
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = packer.compress(head + http) + b"".join(packer.compress(bytes(1 << 20)) for _ in range(64))
    (warcs / "bomb.warc.gz").write_bytes(data + packer.flush())
    with pytest.raises(StoreError, match="expands to more than"):
        read_capture(warcs, WarcLocation("bomb.warc.gz", 0, 0))
