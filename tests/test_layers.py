"""The package's rooms: layers import downwards only, no cycles, SQL only in the store.

Layers, lowest first (a module may import its own package and any lower layer, nothing else):
errors <- extract <- config, store <- crawl (and spiders/) <- warc, export
<- schedule, distributed, web, demo <- cli.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "archiver"
LAYERS = {
    "archiver": 0,
    "archiver.errors": 0,
    "archiver.extract": 1,
    "archiver.config": 2,
    "archiver.store": 2,
    "archiver.crawl": 3,
    "spiders": 3.5,
    "archiver.warc": 4,
    "archiver.export": 4,
    "archiver.schedule": 5,
    "archiver.distributed": 5,
    "archiver.web": 5,
    "archiver.demo": 5,
    "archiver.cli": 6,
}
ROOT_MODULES = {"__init__.py", "cli.py", "config.py", "errors.py"}
# A statement's first word in capitals, a statement's opening in any case, or a clause only SQL has.
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|VACUUM|ATTACH)\s")
SQL_OPENING = re.compile(
    r"^\s*(select\s.+\sfrom|insert\s+(or\s+\w+\s+)?into|delete\s+from|update\s+\w+\s+set|"
    r"create\s+(table|index|view|trigger|virtual)|pragma\s+\w+|drop\s+(table|index|view|trigger))",
    re.I | re.S,
)
SQL_CLAUSE = re.compile(
    r"\bSELECT\b.*\bFROM\b|\bINSERT (OR \w+ )?INTO\b|\bDELETE FROM\b|\bUPDATE \w+ SET\b|"
    r"\b(ORDER|GROUP) BY\b|\bPRAGMA\b|\bWHERE \w+(\.\w+)? (=|IN|IS|LIKE|MATCH|<|>)",
    re.S,
)
SQL_MODULES = ("sqlite3", "sqlite_utils", "apsw")
TRAFILATURA_FREE = "import archiver.store"
SCRAPY_FREE = "import archiver.config"


@dataclass(frozen=True)
class Module:
    """One Python module of the project: its dotted name, file and syntax tree."""

    name: str
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        return self.name if self.path.name == "__init__.py" else self.name.rpartition(".")[0]


def module_name(path: Path) -> str:
    """Give the dotted name of a file under the project root."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules(*folders: str) -> list[Module]:
    """Give every module under the named top-level folders."""
    paths = [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]
    return [Module(module_name(p), p, ast.parse(p.read_text(), str(p))) for p in paths]


def imported(module: Module, submodules: set[str] = frozenset()) -> Iterator[str]:
    """Give the dotted names a module imports, anywhere in it (function-level imports too).

    `from P import m` gives P.m only when P.m is one of `submodules`, else P and P.m.
    """
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
            if not all(name in submodules for name in names):
                yield base
            yield from names


def layer_of(name: str) -> tuple[str, int] | None:
    """Give the layer (its package and rank) a dotted name belongs to; None for third-party names."""
    best = max((key for key in LAYERS if name == key or name.startswith(key + ".")), key=len, default=None)
    return (best, LAYERS[best]) if best else None


def known_modules(modules: list[Module]) -> set[str]:
    return {m.name for m in modules}


def import_edges(modules: list[Module]) -> dict[str, set[str]]:
    """Give, for each module, the project modules it imports."""
    names = known_modules(modules)
    return {m.name: {n for n in imported(m, names) if n in names and n != m.name} for m in modules}


def layer_violations(modules: list[Module]) -> list[str]:
    """Give 'a imports b' for every import that goes up or sideways between layers."""
    found = []
    for module in modules:
        own = layer_of(module.name)
        for name in imported(module):
            other = layer_of(name)
            if own is None or other is None or other[0] == own[0] or other[0] == "archiver" and name != "archiver":
                continue
            if other[1] >= own[1]:
                found.append(f"{module.name} imports {name}")
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Give the import cycles (strongly connected groups of more than one module), by Tarjan's method."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def docstrings(tree: ast.Module) -> set[int]:
    """Give the ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                found.add(id(body[0].value))
    return found


def sql_strings(module: Module) -> list[str]:
    """Give the start of every string (f-string parts included) that reads as SQL."""
    skip = docstrings(module.tree)
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if any(rx.search(node.value) for rx in (SQL_START, SQL_OPENING, SQL_CLAUSE)):
                found.append(node.value.strip()[:50])
    return found


def sql_outside_store(modules: list[Module]) -> list[str]:
    """Give each SQL string or SQL driver import found outside archiver.store."""
    found = []
    for module in modules:
        if module.name.startswith("archiver.store"):
            continue
        found += [f"SQL in {module.name}: {text!r}" for text in sql_strings(module)]
        found += [f"{module.name} imports {name}" for name in imported(module) if name.split(".")[0] in SQL_MODULES]
    return found


def import_time_modules(statement: str) -> set[str]:
    """Give the top-level packages that `python -X importtime -c STATEMENT` loads."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], cwd=ROOT, capture_output=True, text=True, check=True
    )
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return project_modules("archiver", "spiders")


def test_imports_go_down_the_layers_only(modules):
    assert layer_violations(modules) == []


def test_no_import_cycles(modules):
    assert cycles(import_edges(modules)) == []


def test_benchmarks_have_no_cycles_and_tests_import_nothing_from_them():
    assert cycles(import_edges(project_modules("benchmarks"))) == []
    tests = project_modules("tests")
    assert [f"{m.name}: {n}" for m in tests for n in imported(m) if n.split(".")[0] == "benchmarks"] == []


def test_sql_only_in_the_store(modules):
    assert sql_outside_store(modules) == []


def test_extract_is_pure(modules):
    forbidden = ("scrapy", "twisted", "sqlite3", "sqlite_utils", "click", "datasette", "redis", "archiver.")
    allowed = ("archiver.extract", "archiver.errors", "archiver.EXTRACTOR_VERSION", "archiver.__version__")
    for module in (m for m in modules if m.name.startswith("archiver.extract")):
        bad = [n for n in imported(module) if n.startswith(forbidden) and not n.startswith(allowed)]
        assert bad == [], f"{module.name} imports {bad}"


def test_archiver_never_imports_spiders_and_nothing_imports_cli(modules):
    for module in modules:
        names = set(imported(module))
        assert not any(n.split(".")[0] == "spiders" for n in names) or module.name.startswith("spiders")
        assert module.name == "archiver.cli" or not any(n.startswith("archiver.cli") for n in names)


def test_package_root_holds_only_the_entry_modules():
    assert {p.name for p in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_reading_the_config_loads_no_scrapy_or_twisted():
    assert import_time_modules(SCRAPY_FREE) & {"scrapy", "twisted", "trafilatura", "sqlite_utils"} == set()


def test_opening_the_store_loads_no_trafilatura():
    assert "trafilatura" not in import_time_modules(TRAFILATURA_FREE)


# The checks above must be able to fail: each is run once on a planted fault.


def planted(tmp_path: Path, name: str, source: str) -> Module:
    path = tmp_path / f"{name.replace('.', '_')}.py"
    path.write_text(source)
    return Module(name, path, ast.parse(source))


def test_the_checks_catch_planted_faults(tmp_path):
    web = planted(tmp_path, "archiver.web.planted", 'ROWS = f"SELECT id FROM articles WHERE id = {1}"\n')
    pragma = planted(tmp_path, "archiver.web.pragma", 'MODE = "pragma journal_mode"\n')
    assert len(sql_outside_store([web, pragma])) == 2
    upward = planted(tmp_path, "archiver.config", "import archiver.crawl.settings\nimport scrapy\n")
    assert layer_violations([upward]) == ["archiver.config imports archiver.crawl.settings"]
    a = planted(tmp_path, "archiver.crawl.a", "from archiver.crawl import b\n")
    b = planted(tmp_path, "archiver.crawl.b", "import archiver.crawl.a\n")
    assert cycles(import_edges([a, b])) == [["archiver.crawl.a", "archiver.crawl.b"]]
