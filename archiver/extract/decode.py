"""Turn raw HTML bytes into text, being explicit about where the encoding came from."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

from charset_normalizer import from_bytes

# WHATWG looks for <meta charset> in the first 1024 bytes; real pages put long
# <script> blocks first, so look further (still cheap).
META_SCAN_BYTES = 8192
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as their supersets; Python would not.
ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
WESTERN = {"cp1252", "latin_1", "iso8859_15"}
# How much more "chaos" than the best guess cp1252 may show and still be preferred:
# curly quotes and dashes in cp1252 cost it about 0.05 against Baltic/Central codecs.
CHAOS_MARGIN = 0.1
MULTIBYTE = ("utf", "shift", "cp932", "euc", "gb", "big5", "cp949", "cp950", "iso2022", "hz", "johab")


@dataclass(frozen=True)
class DecodedPage:
    """HTML text with the encoding used and where it came from (header, bom, meta, utf-8, detected)."""

    text: str
    encoding: str
    source: str


def normalise_encoding(label: str | None) -> str | None:
    """Give the Python codec name for an encoding label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    label = ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_value(headers: Mapping[str, str] | None, name: str) -> str:
    """Give a header's value by case-insensitive name ("" when absent)."""
    for key, value in (headers or {}).items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() == name:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


def header_encoding(headers: Mapping[str, str] | None) -> str | None:
    """Give the codec named by the Content-Type charset parameter, if any."""
    match = HEADER_CHARSET_RE.search(header_value(headers, "content-type"))
    return normalise_encoding(match.group(1)) if match else None


def bom_encoding(html: bytes) -> tuple[str | None, int]:
    """Give the codec announced by a byte-order mark and the BOM's length."""
    for bom, encoding in BOMS:
        if html.startswith(bom):
            return encoding, len(bom)
    return None, 0


def meta_encoding(html: bytes) -> str | None:
    """Give the codec declared by <meta charset> or http-equiv Content-Type."""
    match = META_CHARSET_RE.search(html[:META_SCAN_BYTES])
    if not match:
        return None
    encoding = normalise_encoding(match.group(1).decode("ascii", "ignore"))
    # a page that declares UTF-16 in ASCII-compatible bytes is not UTF-16
    return "utf-8" if encoding and encoding.startswith("utf-16") else encoding


def is_multibyte(encoding: str) -> bool:
    """Tell whether a codec name is a multi-byte (CJK or Unicode) encoding."""
    return encoding.lower().replace("-", "").replace("_", "").startswith(MULTIBYTE)


def guessed_encoding(html: bytes) -> str | None:
    """Give charset-normalizer's guess, preferring cp1252 among equally good guesses.

    Short Western pages fit many single-byte codecs equally well; cp1252 is by far
    the most common of them on the web (and what browsers use for Latin-1).
    """
    results = list(from_bytes(html[:200_000]))
    if not results:
        return None
    best = results[0]
    for result in results:
        if result.encoding in WESTERN and result.chaos <= best.chaos + CHAOS_MARGIN and not is_multibyte(best.encoding):
            return "cp1252"
    return best.encoding


def detected_page(html: bytes) -> DecodedPage:
    """Give the page decoded as UTF-8 when valid, else as charset-normalizer guesses."""
    try:
        return DecodedPage(html.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    encoding = normalise_encoding(guessed_encoding(html))
    if encoding:
        return DecodedPage(html.decode(encoding, "replace"), encoding, "detected")
    return DecodedPage(html.decode("cp1252", "replace"), "cp1252", "fallback")


def decode_html(html: bytes, headers: Mapping[str, str] | None = None) -> DecodedPage:
    """Give the page text and its encoding: BOM, HTTP charset, <meta>, then detection.

    A byte-order mark is checked first (as browsers do) because it is certain;
    then the Content-Type header, which wins over a wrong <meta charset>.
    """
    encoding, skip = bom_encoding(html)
    if encoding:
        return DecodedPage(html[skip:].decode(encoding, "replace"), encoding, "bom")
    encoding = header_encoding(headers)
    if encoding:
        return DecodedPage(html.decode(encoding, "replace"), encoding, "header")
    encoding = meta_encoding(html)
    if encoding and not (encoding != "utf-8" and is_utf8_text(html)):
        return DecodedPage(html.decode(encoding, "replace"), encoding, "meta")
    return detected_page(html)


def is_utf8_text(html: bytes) -> bool:
    """Tell whether bytes are valid UTF-8 with non-ASCII characters in them.

    Text in a legacy encoding is almost never valid UTF-8 by chance, so a page that is
    (one saved again as UTF-8 with its old <meta charset> left in) is read as UTF-8.
    """
    if html.isascii():
        return False
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
