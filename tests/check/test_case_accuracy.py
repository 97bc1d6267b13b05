"""`clearclaim check` on the case set: exact-match accuracy, with an honest floor.

The case files in tests/check_cases were written from public guidance together
with the note reader, so this figure is an upper bound; the floor is set below
it to catch regressions, not to claim accuracy.
"""

from __future__ import annotations

from evaluate import score

EXACT_FLOOR = 0.90
PART_FLOOR = 0.92


def test_case_set_accuracy(full_store) -> None:
    result = score(full_store)
    print(
        f"\ncheck cases: {result.cases}, exact {result.rate(result.exact):.1%}, "
        f"lines {result.rate(result.lines):.1%}, suppressed {result.rate(result.suppressed):.1%}, "
        f"documentation {result.rate(result.documentation):.1%}"
    )
    assert result.cases >= 40
    failures = "\n".join(f"{name}: {diff}" for name, diff in result.failures)
    assert result.rate(result.exact) >= EXACT_FLOOR, failures
    for part in (result.lines, result.suppressed, result.documentation):
        assert result.rate(part) >= PART_FLOOR, failures
