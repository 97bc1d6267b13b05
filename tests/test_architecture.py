"""The shape of the core, checked: what issue "one core for every shell" asks.

- SQL only behind the store: no module outside ``clearclaim.store`` holds a SQL
  statement or imports sqlite3;
- the CLI imports nothing of clearclaim but the public API and ``clearclaim.cli``;
- ``import clearclaim``, the rule registry and a code lookup load neither
  Polars, DuckDB nor medspaCy;
- every rule states its sources and effective dates (and every rule ID a
  report carries is one the registry lists: tests/check/test_report_rule_ids.py).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clearclaim.rules.registry import registry

SRC = Path(__file__).resolve().parents[1] / "src" / "clearclaim"
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"
)


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module]
    return []


def _sql_text(node: ast.AST) -> bool:
    text = node.value if isinstance(node, ast.Constant) else None
    return isinstance(text, str) and SQL.search(text.replace("\n", " ")) is not None


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for path in _modules(SRC):
        if path.is_relative_to(SRC / "store"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if _sql_text(node) or "sqlite3" in _imported(node):
                offenders.append(f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}")
    # the vectorised scrub queries its own Parquet copies with DuckDB: that is the
    # batch engine, not the store
    offenders = [o for o in offenders if not o.startswith("edits/batch")]
    assert offenders == []


def test_the_cli_uses_only_the_public_api() -> None:
    offenders = [
        f"{path.name}: {module}"
        for path in _modules(SRC / "cli")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        for module in _imported(node)
        if module.startswith("clearclaim.") and not module.startswith("clearclaim.cli")
    ]
    assert offenders == []


def test_the_core_loads_no_heavy_engine() -> None:
    code = (
        "import sys, clearclaim\n"
        "from clearclaim.rules.registry import registry\n"
        "registry().rules()\n"
        "clearclaim.Checker.rule_list()\n"
        "heavy = [m for m in ('polars', 'duckdb', 'medspacy', 'spacy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("rule", registry().rules(), ids=lambda r: r.id)
def test_every_rule_states_its_sources_and_dates(rule) -> None:
    assert rule.sources and all(s.title for s in rule.sources)
    assert rule.effective_start is not None
