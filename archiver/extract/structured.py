"""Structured data of a page: JSON-LD objects, OpenGraph and other <meta> tags, microdata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from archiver.extract.dom import clean_space

# JSON-LD in the wild carries raw control characters and trailing commas.
CONTROL_RE = re.compile(r"[\x00-\x1f]")
TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
# The elements the readers of microdata and ARIA roles look for (comments, organisation, address, footer,
# comment count): found in one walk, not one each.
ITEMS_XPATH = etree.XPath("//*[@itemtype or @role or @itemprop='commentCount']")


@dataclass(frozen=True)
class StructuredData:
    """The JSON-LD objects (flattened, in page order) and <meta> values of a page, and its elements with
    a microdata type, an ARIA role or a microdata commentCount (in page order)."""

    objects: tuple[dict, ...]
    meta: dict[str, tuple[str, ...]]
    items: tuple[HtmlElement, ...]

    def typed(self, word: str) -> list[HtmlElement]:
        """Give the elements whose microdata itemtype contains a word ("Organization", "omment")."""
        return [e for e in self.items if word in e.get("itemtype", "")]

    def with_role(self, role: str) -> list[HtmlElement]:
        """Give the elements with an ARIA role."""
        return [e for e in self.items if e.get("role") == role]

    def declared(self, prop: str) -> list[str]:
        """Give the content of the elements carrying a microdata property (of those the items hold)."""
        return [e.get("content") for e in self.items if e.get("itemprop") == prop and e.get("content") is not None]

    def first_meta(self, *names: str) -> str | None:
        """Give the first non-empty <meta> value among the names, in the names' order."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return clean_space(value)
        return None

    def of_type(self, *types: str) -> list[dict]:
        """Give the JSON-LD objects whose @type is one of the given types."""
        wanted = {t.lower() for t in types}
        return [obj for obj in self.objects if wanted & {t.lower() for t in type_names(obj)}]


def type_names(obj: dict) -> list[str]:
    """Give the @type names of a JSON-LD object, without any schema.org prefix."""
    types = obj.get("@type", [])
    types = types if isinstance(types, list) else [types]
    return [str(t).rsplit("/", 1)[-1] for t in types if t]


def parse_json(text: str) -> object:
    """Give the parsed JSON of a script, forgiving control characters and trailing commas."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(TRAILING_COMMA_RE.sub(r"\1", CONTROL_RE.sub(" ", text)))
    except ValueError:
        return None


def flatten(data: object) -> Iterator[dict]:
    """Yield every JSON-LD object in a parsed script, walking @graph, lists and nested values."""
    if isinstance(data, list):
        for item in data:
            yield from flatten(item)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key, value in data.items():
            if key != "@context" and isinstance(value, (dict, list)):
                yield from flatten(value)


def jsonld_objects(tree: HtmlElement) -> tuple[dict, ...]:
    """Give all JSON-LD objects of the page in order."""
    objects: list[dict] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" in script.get("type", "").lower() and script.text:
            objects.extend(flatten(parse_json(script.text)))
    return tuple(objects)


def meta_values(tree: HtmlElement) -> dict[str, tuple[str, ...]]:
    """Give the <meta> contents keyed by lower-cased property, name or itemprop."""
    found: dict[str, list[str]] = {}
    for meta in tree.iterfind(".//meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content is not None:
            found.setdefault(key.strip().lower(), []).append(content)
    return {key: tuple(values) for key, values in found.items()}


def read_structured(tree: HtmlElement) -> StructuredData:
    """Give the structured data of a page."""
    return StructuredData(jsonld_objects(tree), meta_values(tree), tuple(ITEMS_XPATH(tree)))


def names_of(value: object) -> list[str]:
    """Give the names in a JSON-LD person/organisation value (a string, object or list)."""
    if isinstance(value, list):
        return [name for item in value for name in names_of(item)]
    if isinstance(value, dict):
        name = value.get("name")
        return names_of(name) if name else []
    if isinstance(value, str) and value.strip() and not value.startswith(("http://", "https://")):
        return [clean_space(value)]
    return []


def itemprop_value(element: HtmlElement) -> str:
    """Give a microdata property's value: content, datetime, href or its text."""
    for attribute in ("content", "datetime"):
        if element.get(attribute):
            return clean_space(element.get(attribute))
    return clean_space(element.text_content())
