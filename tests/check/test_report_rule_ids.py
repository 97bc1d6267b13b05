"""Every rule ID a report carries is one the registry lists."""

from __future__ import annotations

from clearclaim.rules.registry import registry


def test_every_rule_in_a_report_is_registered(full_store) -> None:
    from evaluate import context_for, load_cases

    from clearclaim import Checker

    known = registry().ids()
    checker = Checker(full_store)
    seen: set[str] = set()
    for case in load_cases():
        report = checker.check(context_for(case)).to_dict()
        seen |= {f["rule_id"] for f in report["findings"]}
        seen |= {s["rule"] for s in report["suppressed"]}
        seen |= {r["rule"] for r in report["denial_risks"]}
        seen |= {g["rule"] for g in report["documentation"]["gaps"]}
    assert seen - known == set()
