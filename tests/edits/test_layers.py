"""The edit engine's layers: no SQL outside the store, no import circles, and
Polars only on the batch path."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import clearclaim
import clearclaim.edits

EDITS = Path(clearclaim.edits.__file__).parent
CLI = EDITS.parent / "cli" / "edits_cmd.py"


def _imports(path: Path) -> set[str]:
    """Modules a file imports at its top level or in functions (not TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_sql_in_the_edit_engine():
    for path in EDITS.glob("*.py"):
        text = path.read_text()
        assert "sqlite3" not in text, path.name
        for word in ("SELECT ", "fetchone(", "fetchall(", ".conn."):
            assert word not in text, (path.name, word)


def test_no_import_circle_in_the_edit_engine():
    modules = {f"clearclaim.edits.{p.stem}": p for p in EDITS.glob("*.py") if p.stem != "__init__"}
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = [name for name in graph if reaches(name, name, {name})]
    assert circles == []


def test_the_single_claim_path_loads_no_polars_or_duckdb():
    code = (
        "import sys\n"
        "from datetime import date\n"
        "import clearclaim.edits.models, clearclaim.edits.rules, clearclaim.edits.engine\n"
        "from clearclaim.edits import ClaimLine\n"
        "ClaimLine(line=1, date_of_service=date(2024, 8, 1), code='62321')\n"
        "print('polars' in sys.modules, 'duckdb' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_cli_imports_only_the_public_api():
    public = {f"clearclaim.{name}" for name in clearclaim.__all__}
    for module in _imports(CLI):
        if module.startswith("clearclaim"):
            assert module in ("clearclaim", *public) or module.startswith("clearclaim.cli"), module
