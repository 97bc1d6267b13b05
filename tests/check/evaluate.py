"""Score `clearclaim check` on the case files in tests/check_cases.

A case matches exactly when the billed lines (code, units, modifiers), the
suppressed codes and the missing documentation elements all equal the
expected ones. Run directly for a per-case listing:
``python tests/check/evaluate.py [-v]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from clearclaim import Checker
from clearclaim.checker import ClaimContext, check, parse_codes
from clearclaim.edits.rules import edit_data
from clearclaim.store import Store

CASES = Path(__file__).resolve().parents[1] / "check_cases"

#: the anatomic modifiers (RT/LT, fingers, toes, eyelids, coronary arteries):
#: the coder's own, carried through and not judged (tests/check_cases/README.md)
ANATOMIC = frozenset(
    code
    for group in edit_data().modifiers.ncci_modifiers
    if group.group.startswith("anatomic")
    for code in group.codes
)


@dataclass
class Score:
    cases: int = 0
    exact: int = 0
    lines: int = 0
    suppressed: int = 0
    documentation: int = 0
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def rate(self, part: int) -> float:
        return part / self.cases if self.cases else 0.0


def load_cases(folder: Path = CASES) -> list[dict[str, Any]]:
    """Every case file in ``folder`` (the project's set by default)."""
    return [
        yaml.safe_load(p.read_text()) | {"_file": p.name}
        for p in sorted(folder.glob("*.yaml"))
        if not p.name.startswith("_")
    ]


def context_for(case: dict[str, Any]) -> ClaimContext:
    return ClaimContext(
        note=case["note"],
        codes=parse_codes([str(c) for c in case.get("codes") or []]),
        pos=str(case["pos"]) if case.get("pos") else None,
        equipment=case.get("equipment"),
        date_of_service=date.fromisoformat(str(case["date"])),
        setting=case.get("setting", "professional"),
    )


def _lines(items: list[dict[str, Any]]) -> list[tuple[str, int, tuple[str, ...]]]:
    return sorted(
        (
            str(i["code"]),
            int(i.get("units", 1)),
            tuple(sorted(str(m) for m in i.get("modifiers") or [] if str(m) not in ANATOMIC)),
        )
        for i in items
    )


def score(store: Store, folder: Path = CASES) -> Score:
    result = Score()
    for case in load_cases(folder):
        expected = case["expected"]
        report = check(store, context_for(case)).to_dict()
        got_lines = _lines(report["lines"])
        want_lines = _lines(expected.get("lines") or [])
        got_suppressed = sorted({s["code"] for s in report["suppressed"]})
        want_suppressed = sorted({str(s["code"]) for s in expected.get("suppressed") or []})
        got_missing = sorted(report["documentation"]["missing"])
        want_missing = sorted((expected.get("documentation") or {}).get("missing") or [])
        ok = (
            got_lines == want_lines,
            got_suppressed == want_suppressed,
            got_missing == want_missing,
        )
        result.cases += 1
        result.lines += ok[0]
        result.suppressed += ok[1]
        result.documentation += ok[2]
        if all(ok):
            result.exact += 1
        else:
            result.failures.append(
                (
                    case["_file"],
                    {
                        "lines": (got_lines, want_lines) if not ok[0] else None,
                        "suppressed": (got_suppressed, want_suppressed) if not ok[1] else None,
                        "missing": (got_missing, want_missing) if not ok[2] else None,
                    },
                )
            )
    return result


def main() -> None:
    """``evaluate.py [-v] [FOLDER]``: score the project's case set, or another folder."""
    folders = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    store = Checker.open().store
    result = score(store, folders[0] if folders else CASES)
    print(
        f"cases {result.cases}: exact {result.exact} ({result.rate(result.exact):.1%}); "
        f"lines {result.rate(result.lines):.1%}, suppressed {result.rate(result.suppressed):.1%}, "
        f"documentation {result.rate(result.documentation):.1%}"
    )
    if "-v" in sys.argv:
        for name, diff in result.failures:
            print(name)
            for part, values in diff.items():
                if values:
                    print(f"  {part}: got {values[0]} want {values[1]}")


if __name__ == "__main__":
    main()
