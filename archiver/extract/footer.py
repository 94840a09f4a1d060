"""The publisher footer: legal name, postal address, copyright line and whole text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from archiver.extract.dom import clean_space, marker_text, tag_of, text_lines
from archiver.extract.model import Footer
from archiver.extract.structured import StructuredData, itemprop_value

ORG_TYPES = ("Organization", "NewsMediaOrganization", "Corporation", "LocalBusiness", "NGO", "EducationalOrganization")
FOOTER_MARKER_RE = re.compile(r"(^|[\s_-])(site-?footer|page-?footer|global-?footer|footer)([\s_-]|$)")
COPYRIGHT_RE = re.compile(r"©|\(c\)|copyright|all rights reserved", re.IGNORECASE)
SYMBOL_RE = re.compile(r"©|\(c\)|&copy;", re.IGNORECASE)
WORD_RE = re.compile(r"\b(copyright|copr\.)\b", re.IGNORECASE)
YEAR_RE = re.compile(r"\b(19|20)\d\d\b")
# "All rights reserved" in the languages the archive reads.
RIGHTS_RE = re.compile(
    r"all rights reserved|tous droits réservés|alle rechte vorbehalten|todos los derechos reservados"
    r"|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden|hak cipta dilindungi"
    r"|все права защищены|版權所有|版权所有|無断転載",
    re.IGNORECASE,
)
# Where a copyright holder's name ends: a clause, a credit or a link after it.
HOLDER_END_RE = re.compile(
    r"\s+(?:on the|powered by|published by|theme by|designed by|built with|built by)\s+|\s+[–—|]\s+|\s+-\s+|[.;,](?:\s|$)",
    re.IGNORECASE,
)
LEGAL_END_RE = re.compile(
    r"\b(LLC|L\.L\.C\.|Ltd\.?|Limited|Inc\.|Inc\b|Incorporated|GmbH|AG|S\.A\.|SAS|S\.p\.A\.|plc|PLC|Corp\.?"
    r"|Corporation|LLP|B\.V\.|N\.V\.|Pty\.? Ltd\.?)(?=\s|$|[,.;])"
)
# Legal forms written before the name, with the name in guillemets (Russian, Ukrainian, Kazakh companies).
LEGAL_PREFIX_RE = re.compile(r"\b(?:АО|ООО|ПАО|ЗАО|ОАО|ТОО|ТОВ|ПрАТ)\s*«[^»]{1,60}»")
ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9&.]{1,5}")
CONTENT_TAGS = frozenset(["article", "blockquote", "figure", "aside", "li"])
UNREAD = frozenset(["script", "style", "noscript", "template"])
LAST_BLOCKS = 3
LAST_LINES = 6
MAX_COPYRIGHT_CHARS = 300
HOLDER_NOISE_RE = re.compile(
    r"©|\(c\)|copyright|all rights reserved\.?|\b(19|20)\d\d\b(\s*[-–—]\s*\b(19|20)\d\d\b)?|[|]",
    re.IGNORECASE,
)
LEGAL_SUFFIX_RE = re.compile(
    r"\S\s+(LLC|L\.L\.C\.|Ltd\.?|Limited|Inc\.?|Incorporated|GmbH|AG|S\.A\.?|SA|S\.L\.|SAS|S\.p\.A\.|plc|PLC"
    r"|Corp\.?|Corporation|LLP|LP|B\.V\.|N\.V\.|Pty\.? Ltd\.?|Oy|AB|A/S|Media|Group|Holdings|Company|Co\.)$"
)
STREET_RE = re.compile(
    r"^\d+[A-Za-z]?\s+\S|\b(street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|drive|suite|ste|floor"
    r"|p\.?\s?o\.? box|straße|strasse|rue|via|calle|place|square|plaza|way)\b",
    re.IGNORECASE,
)
POSTCODE_RE = re.compile(r"\b\d{4,6}(-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
COUNTRY_LINE_RE = re.compile(
    r"^(USA|U\.S\.A\.|United States( of America)?|UK|U\.K\.|United Kingdom|England|Canada|Australia|Germany"
    r"|Deutschland|France|Spain|España|Italy|Italia|Ireland|Netherlands|Switzerland|Austria|India|Japan"
    r"|Brazil|Mexico|New Zealand|Belgium|Sweden|Norway|Denmark|Finland|Poland|Portugal|Singapore)\.?$",
    re.IGNORECASE,
)
MAX_ADDRESS_LINE = 80
MAX_ADDRESS_SCAN = 60  # last lines of the footer searched for a postal address
MAX_ORG_LINE = 80


def footer_elements(tree: HtmlElement, structured: StructuredData | None = None) -> list[HtmlElement]:
    """Give the page footer elements: role=contentinfo, else the site's <footer>s, else .footer blocks,
    else the page's last block that carries a copyright line. `structured` saves a walk when read."""
    found = structured.with_role("contentinfo") if structured else tree.xpath("//*[@role='contentinfo']")
    if not found:
        found = [f for f in tree.iter("footer") if not any(tag_of(a) in CONTENT_TAGS for a in f.iterancestors())]
    if not found:
        found = [e for e in tree.iter("div", "section", "table") if FOOTER_MARKER_RE.search(marker_text(e))]
    if not found:
        found = last_copyright_block(tree)
    return [e for e in found if not any(a in found for a in e.iterancestors())]


def last_copyright_block(tree: HtmlElement) -> list[HtmlElement]:
    """Give the last block of the page's body whose own text has a copyright line (no <footer> markup)."""
    body = tree.find("body")
    blocks = [e for e in (body if body is not None else tree) if isinstance(e.tag, str) and tag_of(e) not in UNREAD]
    for block in reversed(blocks[-LAST_BLOCKS:]):
        if any(is_copyright(line) for line in text_lines(block)[-LAST_LINES:]):
            return [block]
    return []


def is_copyright(line: str) -> bool:
    """Tell whether a line states a copyright (©, "(c)", "Copyright 2020", "all rights reserved" in many languages)."""
    if len(line) > MAX_COPYRIGHT_CHARS:
        return False
    return bool(SYMBOL_RE.search(line) or RIGHTS_RE.search(line) or (WORD_RE.search(line) and YEAR_RE.search(line)))


def joined_lines(lines: list[str]) -> list[str]:
    """Give the lines with a lone "©" joined to the line after it (©<br>Future Publishing Limited)."""
    joined: list[str] = []
    for line in lines:
        if joined and SYMBOL_RE.fullmatch(joined[-1].strip()):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def copyright_line(lines: list[str]) -> str | None:
    """Give the footer's copyright line, if any (the last one: site credits come before)."""
    candidates = [line for line in joined_lines(lines) if is_copyright(line)]
    # "©" names the holder; a bare "All rights reserved" line often follows the address, not the name
    named = [line for line in candidates if SYMBOL_RE.search(line) or WORD_RE.search(line)]
    return (named or candidates)[-1] if candidates else None


def copyright_holder(line: str | None) -> str | None:
    """Give the name a copyright line credits: after the symbol and years, up to the legal suffix or a separator."""
    if not line:
        return None
    text = clean_space(HOLDER_NOISE_RE.sub(" ", RIGHTS_RE.split(line)[0])).strip(" .,;:-–—|/")
    suffix = LEGAL_END_RE.search(text)
    holder = (text[: suffix.end()] if suffix else HOLDER_END_RE.split(text)[0]).strip(" .,;:-–—|/")
    return holder if 0 < len(holder) <= MAX_ORG_LINE and not holder.startswith("/") else None


def legal_name_line(lines: list[str]) -> str | None:
    """Give the first company name in the footer: a line ending in LLC, Ltd, GmbH, Media..., or a
    name after a legal-form prefix (АО «...», ООО «...»)."""
    for line in lines:
        prefixed = LEGAL_PREFIX_RE.search(line)
        if prefixed:
            return prefixed.group(0)
        bare = line.rstrip(" .,")
        if len(bare) <= MAX_ORG_LINE and not COPYRIGHT_RE.search(line) and LEGAL_SUFFIX_RE.search(bare):
            return bare if not bare.endswith(("Inc", "Ltd", "Corp", "Co")) else bare + "."
    return None


@dataclass(frozen=True)
class OrgNames:
    """The publisher's legal name and common name as declared in structured data."""

    legal: str | None = None
    name: str | None = None


def text_or_none(value: object) -> str | None:
    """Give a cleaned string value, or None for anything else."""
    return clean_space(value) or None if isinstance(value, str) else None


def structured_org(structured: StructuredData, tree: HtmlElement) -> OrgNames:
    """Give the names of the publisher organisation in JSON-LD or microdata."""
    for obj in structured.of_type(*ORG_TYPES):
        names = OrgNames(text_or_none(obj.get("legalName")), full_name(obj))
        if names.legal or names.name:
            return names
    for item in structured.typed("Organization"):
        legal = item.xpath(".//*[@itemprop='legalName']")
        name = item.xpath(".//*[@itemprop='name']")
        if legal or name:
            return OrgNames(itemprop_value(legal[0]) if legal else None, itemprop_value(name[0]) if name else None)
    return OrgNames()


def full_name(obj: dict) -> str | None:
    """Give an organisation's name, spelled out when the name is an acronym and alternateName expands it."""
    name, alternate = text_or_none(obj.get("name")), text_or_none(obj.get("alternateName"))
    if name and alternate and ACRONYM_RE.fullmatch(name) and len(alternate) > len(name):
        return alternate
    return name


def postal_parts(value: dict) -> list[str]:
    """Give the parts of a schema.org PostalAddress: street, locality, "region postcode", country."""
    country = value.get("addressCountry")
    country = country.get("name") if isinstance(country, dict) else country
    region = " ".join(str(value.get(key) or "").strip() for key in ("addressRegion", "postalCode")).strip()
    parts = [value.get("streetAddress"), value.get("addressLocality"), region, country]
    return [clean_space(str(part)) for part in parts if part]


def structured_address(structured: StructuredData, tree: HtmlElement) -> str | None:
    """Give the postal address declared in JSON-LD or microdata, as one line."""
    for obj in structured.of_type("PostalAddress"):
        if postal_parts(obj):
            return ", ".join(postal_parts(obj))
    for obj in structured.of_type(*ORG_TYPES):
        if text_or_none(obj.get("address")):
            return text_or_none(obj.get("address"))
    for item in structured.typed("PostalAddress"):
        props = {e.get("itemprop"): itemprop_value(e) for e in item.xpath(".//*[@itemprop]")}
        if postal_parts(props):
            return ", ".join(postal_parts(props))
    return None


def is_address_line(line: str) -> bool:
    """Tell whether a line could be part of a postal address."""
    if len(line) > MAX_ADDRESS_LINE or COPYRIGHT_RE.search(line):
        return False
    return bool(STREET_RE.search(line) or POSTCODE_RE.search(line) or COUNTRY_LINE_RE.match(line))


def address_from_lines(lines: list[str]) -> str | None:
    """Give the first run of address-like lines that has a street and a postcode, as one line."""
    for start, line in enumerate(lines):
        if not STREET_RE.search(line) or not is_address_line(line):
            continue
        run = [line]
        for following in lines[start + 1 :]:
            if not is_address_line(following):
                break
            run.append(following)
        if any(POSTCODE_RE.search(part) for part in run):
            return ", ".join(run)
    return None


def address_element(elements: list[HtmlElement]) -> str | None:
    """Give the text of an <address> in the footer that reads as a postal address, as one line."""
    for element in elements:
        for address in element.iter("address"):
            lines = [line for line in text_lines(address) if "@" not in line and not line.lower().startswith("http")]
            if lines and any(STREET_RE.search(line) or POSTCODE_RE.search(line) for line in lines):
                return ", ".join(lines)
    return None


def extract_footer(tree: HtmlElement, structured: StructuredData, elements: list[HtmlElement] | None = None) -> Footer:
    """Give the publisher footer of a page (empty Footer when there is none).

    `elements` are the page's footer elements when already found (footer_elements)."""
    elements = footer_elements(tree, structured) if elements is None else elements
    lines = [line for element in elements for line in text_lines(element)]
    copyright = copyright_line(lines)
    names = structured_org(structured, tree)
    org = names.legal or copyright_holder(copyright) or legal_name_line(lines) or names.name
    # A footer's postal address sits in its last lines; a footer found as "the last block with a
    # copyright line" can be long, and reading every line of it for an address cost a fifth of a page.
    tail = lines[-MAX_ADDRESS_SCAN:]
    address = structured_address(structured, tree) or address_element(elements) or address_from_lines(tail)
    return Footer(org=org, address=address, copyright=copyright, text="\n".join(lines) or None)
