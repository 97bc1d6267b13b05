"""Score `clearclaim check` on the real transcribed notes in shared/data/notes.

165 MTSamples procedure notes, each labelled once by an expert coder under the
policy of DESIGN.md (Medicare, 2024-07-15 unless the label says otherwise).
The coder's primary codes (``other_codes``) are the intended codes; the check
must add the fluoroscopy or guidance code the note supports, name the ones it
must not bill, and list the missing documentation elements. A note matches
exactly when the fluoroscopy lines (code, units, modifiers), the suppressed
fluoroscopy codes and the missing elements all equal the label.

The notes are split once, by their number: every third note is the
*untouched* split, never read while the reader is tuned; its score is reported
as a count only. ``python tests/check/mtsamples.py [-v]`` prints both splits
(``-v`` lists the differences of the development split only).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearclaim import Checker, ClaimContext, parse_codes
from clearclaim.store import Store

NOTES_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "notes"
FLUORO = {"76000", "76001", "77001", "77002", "77003"}
DEFAULT_DAY = date(2024, 7, 15)


def split_of(note_id: str) -> str:
    """``untouched`` for every third note by number, ``development`` otherwise."""
    return "untouched" if int(note_id.rsplit("_", 1)[1]) % 3 == 0 else "development"


@dataclass
class Split:
    cases: int = 0
    exact: int = 0
    lines: int = 0
    suppressed: int = 0
    documentation: int = 0
    #: a fluoroscopy code billed where the label suppresses it (the costly error)
    wrong_billed: int = 0
    needs_review: int = 0
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def load() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    notes = {}
    with (NOTES_DIR / "mtsamples_procedure_notes.jsonl").open(encoding="utf-8") as handle:
        for raw in handle:
            record = json.loads(raw)
            notes[record["id"]] = record
    with (NOTES_DIR / "mtsamples_procedure_labels.jsonl").open(encoding="utf-8") as handle:
        for raw in handle:
            label = json.loads(raw)
            yield notes[label["id"]], label


def context_for(note: dict[str, Any], label: dict[str, Any]) -> ClaimContext:
    ctx = label["context"]
    day = date.fromisoformat(ctx["date_of_service"]) if ctx.get("date_of_service") else None
    return ClaimContext(
        note=note["text"],
        codes=parse_codes([str(c) for c in ctx.get("other_codes") or []]),
        pos=str(ctx.get("place_of_service") or "22"),
        equipment=ctx.get("equipment_owner"),
        date_of_service=day or DEFAULT_DAY,
    )


def _fluoro_lines(items: list[dict[str, Any]]) -> list[tuple[str, int, tuple[str, ...]]]:
    return sorted(
        (
            str(i["code"]),
            int(i.get("units", 1)),
            tuple(sorted(m for m in i.get("modifiers") or [] if m in ("26", "TC"))),
        )
        for i in items
        if str(i["code"]) in FLUORO
    )


def score(store: Store) -> dict[str, Split]:
    checker = Checker(store)
    splits = {"development": Split(), "untouched": Split()}
    for note, label in load():
        part = splits[split_of(label["id"])]
        report = checker.check(context_for(note, label)).to_dict()
        expected = label["expected"]
        got_lines = _fluoro_lines(report["lines"])
        want_lines = _fluoro_lines(expected.get("fluoro_codes") or [])
        got_sup = sorted({s["code"] for s in report["suppressed"] if s["code"] in FLUORO})
        want_sup = sorted({s["code"] for s in expected.get("suppressed") or []})
        got_missing = sorted(report["documentation"]["missing"])
        want_missing = sorted(expected.get("missing_documentation") or [])
        ok = (got_lines == want_lines, got_sup == want_sup, got_missing == want_missing)
        part.cases += 1
        part.lines += ok[0]
        part.suppressed += ok[1]
        part.documentation += ok[2]
        part.needs_review += bool(report.get("needs_review"))
        billed = {line[0] for line in got_lines}
        part.wrong_billed += bool(billed & set(want_sup))
        if all(ok):
            part.exact += 1
        else:
            part.failures.append(
                (
                    label["id"],
                    {
                        "lines": (got_lines, want_lines),
                        "suppressed": (got_sup, want_sup),
                        "missing": (got_missing, want_missing),
                    },
                )
            )
    return splits


def main(argv: list[str]) -> int:
    with Checker.open() as checker:
        splits = score(checker.store)
    for name, part in splits.items():
        print(
            f"{name}: {part.exact}/{part.cases} exact ({part.exact / part.cases:.1%}); "
            f"lines {part.lines}, suppressed {part.suppressed}, documentation "
            f"{part.documentation}; a suppressed code billed: {part.wrong_billed}; "
            f"needs review: {part.needs_review}"
        )
    if "-v" in argv:
        for case_id, diff in splits["development"].failures:
            print(case_id)
            for key, (got, want) in diff.items():
                if got != want:
                    print(f"  {key}: got {got} want {want}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
