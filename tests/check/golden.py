"""Golden reports: the full JSON of `clearclaim check` for a sample of the case set.

A refactor must not change an answer unseen: ``test_golden_reports`` compares
each report with the JSON stored here, key by key. When an answer changes on
purpose (a rule fixed, a release added), regenerate them and read the diff:
``python tests/check/golden.py --update``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from evaluate import context_for, load_cases

from clearclaim import Checker
from clearclaim.store import Store

GOLDEN = Path(__file__).resolve().parent / "golden"
#: one case of each kind: included guidance, missed charge, modifiers, units, dates,
#: deleted codes, documentation gaps, radiology reports, undetermined notes
SAMPLE = (
    "cc001", "cc007", "cc010", "cc013", "cc014", "cc017", "cc018", "cc022", "cc032",
    "cc040", "cc041", "cc049", "cc102", "cc124", "cc187",
)  # fmt: skip


def report_for(store: Store, case: dict[str, Any]) -> dict[str, Any]:
    report = Checker(store).check(context_for(case)).to_dict()
    report.pop("audit_id", None)
    return report


def sample_cases() -> list[dict[str, Any]]:
    return [c for c in load_cases() if c["id"][:5] in SAMPLE]


def main(argv: list[str]) -> int:
    if "--update" not in argv:
        print(__doc__)
        return 0
    GOLDEN.mkdir(exist_ok=True)
    with Checker.open() as checker:
        for case in sample_cases():
            path = GOLDEN / f"{case['id'][:5]}.json"
            text = json.dumps(report_for(checker.store, case), indent=1, sort_keys=True)
            path.write_text(text + "\n", encoding="utf-8")
            print(path.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
