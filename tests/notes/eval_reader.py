"""Standalone evaluation of the note reader against tests/check_cases.

For each case, the fluoroscopy codes of the expected lines are the codes the
report recommends; the reader's analysis of the note, through the DOC rules,
gives the documentation gaps, compared with the case's expected
``documentation.missing``. Cases expected "undetermined" must come back
``determinable=False``.

    .venv/bin/python tests/notes/eval_reader.py [-v]

Prints per-case mismatches (with -v), case accuracy and per-element
precision/recall, and the warm latency of the reader.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from clearclaim.notes import ELEMENT_NAMES, analyze_note, warm_up
from clearclaim.rules import default_rules, documentation_gaps

CASES = Path(__file__).resolve().parents[1] / "check_cases"


@dataclass
class Result:
    cases: int = 0
    exact: int = 0
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ELEMENT_NAMES, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ELEMENT_NAMES, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ELEMENT_NAMES, 0))
    mismatches: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.cases if self.cases else 0.0


def load_cases() -> list[dict]:
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted(CASES.glob("*.yaml"))]


def evaluate() -> Result:
    warm_up()
    rules = default_rules()
    fluoro = rules.expand(["@fluoro_codes"])
    res = Result()
    for case in load_cases():
        res.cases += 1
        exp = case["expected"]
        t0 = time.perf_counter()
        analysis = analyze_note(case["note"])
        res.latencies_ms.append((time.perf_counter() - t0) * 1000)
        if exp.get("undetermined"):
            if not analysis.determinable:
                res.exact += 1
            else:
                res.mismatches.append(f"{case['id']}: expected undetermined, reader determined")
            continue
        codes = [ln["code"] for ln in exp["lines"] if ln["code"] in fluoro]
        got = set(
            documentation_gaps(analysis, codes, date.fromisoformat(str(case["date"]))).missing
        )
        want = set(exp["documentation"]["missing"])
        for el in ELEMENT_NAMES:
            if el in got and el in want:
                res.tp[el] += 1
            elif el in got:
                res.fp[el] += 1
            elif el in want:
                res.fn[el] += 1
        if got == want:
            res.exact += 1
        else:
            res.mismatches.append(
                f"{case['id']}: missing expected {sorted(want)} got {sorted(got)}"
            )
    return res


def main(argv: list[str]) -> int:
    res = evaluate()
    if "-v" in argv:
        for line in res.mismatches:
            print(line)
    print(f"cases: {res.cases}  exact documentation.missing: {res.exact} ({res.accuracy:.1%})")
    for el in ELEMENT_NAMES:
        tp, fp, fn = res.tp[el], res.fp[el], res.fn[el]
        print(f"  {el:22s} gap flagged right {tp:2d}  wrongly flagged {fp:2d}  missed {fn:2d}")
    lat = sorted(res.latencies_ms)
    print(
        f"reader latency (warm): p50 {statistics.median(lat):.2f} ms, "
        f"p90 {lat[int(len(lat) * 0.9) - 1]:.2f} ms, max {lat[-1]:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
