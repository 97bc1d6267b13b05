"""Benchmarks (a synthetic table the test makes), the target planner and the contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rvu_files import work

from clearclaim import Checker, InputError, load_contract

DAY = date(2023, 8, 1)


def _log_some(checker: Checker, provider: str) -> float:
    """A few procedures over 2023; returns their wRVU (independent: the files' work RVUs)."""
    total = 0.0
    for month, code, units in ((2, "99214", 3), (5, "99213", 2), (8, "99214", 1), (11, "99215", 2)):
        day = date(2023, month, 15)
        checker.log_add(day=day, code=code, units=units, provider=provider)
        total += float(work(day, code)) * units
    return total


def test_benchmark_placement_is_annualised_and_interpolated(
    checker: Checker, provider: str, tmp_path: Path
) -> None:
    total = _log_some(checker, provider)
    checker.log_provider(provider, specialty="Synthetic Specialty")
    days = (date(2023, 12, 31) - date(2023, 1, 1)).days + 1
    annual = total * 365 / days
    # clearly synthetic: percentiles placed around this provider's own figure
    table = tmp_path / "synthetic_benchmarks.csv"
    table.write_text(
        "specialty,p25,median,75th,p90\n"
        f"Synthetic Specialty,{annual * 0.5:.4f},{annual * 0.8:.4f},{annual * 1.2:.4f},"
        f"{annual * 2:.4f}\n"
        "Other Synthetic,1,2,3,4\n"
        "Broken Row,1,x,3,4\n"
    )
    loaded = checker.log_benchmarks_load(table, name=f"synthetic-{provider}")
    assert loaded["rows"] == 11 and loaded["problems"][0]["line"] == 4
    report = checker.log_report(
        provider=provider, start=date(2023, 1, 1), end=date(2023, 12, 31), payments=False,
        benchmark=f"synthetic-{provider}",
    )  # fmt: skip
    [placed] = report.benchmarks
    assert placed.annualised_wrvu == pytest.approx(annual, abs=0.1)
    # between the median (0.8x) and the 75th (1.2x): half way, the 62.5th percentile
    assert placed.percentile == pytest.approx(62.5, abs=0.1)
    assert placed.percentiles["p50"] == pytest.approx(annual * 0.8, abs=0.01)


def test_a_provider_without_specialty_is_said_so(
    checker: Checker, provider: str, tmp_path: Path
) -> None:
    _log_some(checker, provider)
    table = tmp_path / "b.csv"
    table.write_text("specialty,percentile,wrvu\nSynthetic,50,100\nSynthetic,90,200\n")
    checker.log_benchmarks_load(table, name=f"long-{provider}")
    report = checker.log_report(provider=provider, payments=False, benchmark=f"long-{provider}")
    assert "no specialty" in report.benchmarks[0].placement


def test_plan_reaches_the_goal_in_the_providers_mix(checker: Checker, provider: str) -> None:
    done = _log_some(checker, provider)
    goal = done + 100
    plan = checker.log_plan(
        goal=goal, by=date(2023, 12, 31), provider=provider, today=date(2023, 12, 1)
    )
    assert plan.done_wrvu == pytest.approx(done, abs=0.01)
    assert plan.remaining_wrvu == pytest.approx(100, abs=0.01)
    assert plan.reached and plan.planned_wrvu >= goal
    assert {line.code for line in plan.lines} == {"99213", "99214", "99215"}
    by_code = {line.code: line for line in plan.lines}
    assert by_code["99214"].share == pytest.approx(0.5)
    assert by_code["99214"].wrvu_each == pytest.approx(float(work(date(2023, 12, 31), "99214")))
    # the planned procedures are few enough: dropping one of each would miss the goal
    assert plan.done_wrvu + sum((li.procedures - 1) * li.wrvu_each for li in plan.lines) < goal
    assert plan.days_left == 30


def test_contract_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "contract.yaml"
    bad.write_text("name: x\nmultiple_procedure:\n  secondary: -1\n")
    with pytest.raises(InputError, match=r"multiple_procedure\.secondary"):
        load_contract(bad)
    shipped = load_contract()
    assert shipped.credit("TC") == 0 and shipped.credit("26") == 1
    assert shipped.credit("XX") == shipped.other_modifiers
