"""The layers import downwards only (STYLE.md habit 1)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_EXTRACT = ("scrapy", "sqlite_utils", "sqlite3", "click", "datasette", "archiver.store")


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "archiver." if node.level and "archiver" in path.parts else ""
            names.add(prefix + (node.module or "") if not node.level else "." * node.level + (node.module or ""))
    return names


def test_extract_is_pure():
    for path in (ROOT / "archiver" / "extract").rglob("*.py"):
        for name in imports_of(path):
            assert not name.startswith(FORBIDDEN_IN_EXTRACT), f"{path.name} imports {name}"
            assert not name.startswith(("..store", "..cli", "..pipelines")), f"{path.name} imports {name}"


def test_nothing_imports_cli_and_archiver_never_imports_spiders():
    for path in (ROOT / "archiver").rglob("*.py"):
        for name in imports_of(path):
            assert not name.endswith("cli") or path.name == "cli.py", f"{path} imports {name}"
            assert not name.startswith("spiders"), f"{path} imports {name}"


def test_sql_lives_in_store():
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    for path in list((ROOT / "archiver").rglob("*.py")) + list((ROOT / "spiders").rglob("*.py")):
        if "store" in path.parts or "datasette" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.lstrip().upper().startswith(keywords), f"SQL in {path}: {node.value[:40]}"
