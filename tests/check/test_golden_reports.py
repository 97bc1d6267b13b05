"""Each sampled case's report equals its golden JSON (see golden.py)."""

from __future__ import annotations

import json

import pytest
from golden import GOLDEN, report_for, sample_cases

CASES = sample_cases()


def test_the_sample_covers_the_golden_files() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} == {c["id"][:5] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"][:5])
def test_golden_report(full_store, case) -> None:
    want = json.loads((GOLDEN / f"{case['id'][:5]}.json").read_text(encoding="utf-8"))
    got = json.loads(json.dumps(report_for(full_store, case), sort_keys=True))
    for key in sorted(set(want) | set(got)):
        assert got.get(key) == want.get(key), f"{case['id']}: {key} changed"
