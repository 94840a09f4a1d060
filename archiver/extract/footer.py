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
MAX_ORG_LINE = 80


def footer_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Give the page footer elements: role=contentinfo, else <footer>s outside articles, else .footer."""
    found = tree.xpath("//*[@role='contentinfo']")
    if not found:
        found = [f for f in tree.iter("footer") if not any(tag_of(a) == "article" for a in f.iterancestors())]
    if not found:
        found = [e for e in tree.iter("div", "section", "table") if FOOTER_MARKER_RE.search(marker_text(e))]
    return [e for e in found if not any(a in found for a in e.iterancestors())]


def copyright_line(lines: list[str]) -> str | None:
    """Give the footer's copyright line, if any (the last one: site credits come before)."""
    matches = [line for line in lines if COPYRIGHT_RE.search(line)]
    return matches[-1] if matches else None


def copyright_holder(line: str | None) -> str | None:
    """Give the name a copyright line credits, without symbol, years and "all rights reserved"."""
    if not line:
        return None
    holder = clean_space(HOLDER_NOISE_RE.sub(" ", line)).strip(" .,;:-–—")
    return holder if 0 < len(holder) <= MAX_ORG_LINE else None


def legal_name_line(lines: list[str]) -> str | None:
    """Give the first footer line that is a company name (ends in LLC, Ltd, GmbH, Media...)."""
    for line in lines:
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
        names = OrgNames(text_or_none(obj.get("legalName")), text_or_none(obj.get("name")))
        if names.legal or names.name:
            return names
    for item in tree.xpath("//*[contains(@itemtype, 'Organization')]"):
        legal = item.xpath(".//*[@itemprop='legalName']")
        name = item.xpath(".//*[@itemprop='name']")
        if legal or name:
            return OrgNames(itemprop_value(legal[0]) if legal else None, itemprop_value(name[0]) if name else None)
    return OrgNames()


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
    for item in tree.xpath("//*[contains(@itemtype, 'PostalAddress')]"):
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


def extract_footer(tree: HtmlElement, structured: StructuredData) -> Footer:
    """Give the publisher footer of a page (empty Footer when there is none)."""
    lines = [line for element in footer_elements(tree) for line in text_lines(element)]
    copyright = copyright_line(lines)
    names = structured_org(structured, tree)
    org = names.legal or legal_name_line(lines) or copyright_holder(copyright) or names.name
    address = structured_address(structured, tree) or address_from_lines(lines)
    return Footer(org=org, address=address, copyright=copyright, text="\n".join(lines) or None)
