"""A generated two-year log of real codes, imported and totalled, checked against an
independent sum over the shipped RVU files (read with csv, not through clearclaim).

The log is generated (seeded) from codes the store holds: codes with a global row
in every quarter of 2022 and 2023, and codes with a professional component row,
logged with 26 or TC. Bad rows are mixed in; each must be rejected with its line.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rvu_files import file_for, mult_proc, rows, work

from clearclaim import Checker
from clearclaim.wrvu import ReleaseMap

START, END = date(2022, 1, 1), date(2023, 12, 31)
QUARTERS = [date(y, m, 1) for y in (2022, 2023) for m in (1, 4, 7, 10)]
PROVIDERS = ("GEN Alvarez", "GEN Brooks", "GEN Chen", "GEN Dube")
GOOD_ROWS = 12_000
CREDIT = {
    "": Decimal(1),
    "26": Decimal(1),
    "TC": Decimal(0),
    "59": Decimal(1),
    "50": Decimal("1.5"),
}

CONTRACT = """
name: test-flat
multiple_procedure:
  enabled: false
modifier_credit: {"26": 1.0, "TC": 0.0, "50": 1.5}
other_modifiers: 1.0
max_units: 99
"""
CONTRACT_MPPR = """
name: test-mppr
multiple_procedure:
  enabled: true
  indicators: ["2", "3"]
  primary: 1.0
  secondary: 0.5
modifier_credit: {"26": 1.0, "TC": 0.0, "50": 1.5}
other_modifiers: 1.0
"""


def _code_pools(checker: Checker) -> tuple[list[str], list[str]]:
    """Codes (from the store) with a global row in every quarter's file, and those of them
    with a -26 and -TC row in every quarter."""
    releases = ReleaseMap(checker.store)
    frame = releases.rows(checker.store.release_for("pfs_rvu", START))
    candidates = (
        frame.filter(
            (pl.col("modifier") == "") & (pl.col("status_code") == "A") & (pl.col("work_rvu") > 0)
        )["hcpcs"]
        .unique()
        .sort()
        .to_list()
    )
    tables = [rows(file_for(q)) for q in QUARTERS]
    plain = [c for c in candidates if all((c, "") in t for t in tables)]
    split = [c for c in plain if all((c, "26") in t and (c, "TC") in t for t in tables)]
    return plain, split


def _generate(checker: Checker, path: Path) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Write the log CSV; returns the good rows (in file order) and the bad lines' fields."""
    rng = random.Random(20261206)
    plain, split = _code_pools(checker)
    common = rng.sample(plain, 400)
    pc = rng.sample(split, 60)
    days = (END - START).days + 1
    good: list[dict[str, Any]] = []
    for _ in range(GOOD_ROWS):
        day = START + timedelta(days=rng.randrange(days))
        if rng.random() < 0.25:
            code, modifier = rng.choice(pc), rng.choice(["26", "26", "TC"])
        else:
            code = rng.choice(common)
            modifier = rng.choice(["", "", "", "", "", "", "59", "50"])
        good.append(
            {
                "day": day,
                "code": code,
                "modifier": modifier,
                "units": rng.choice([1, 1, 1, 1, 2, 3]),
                "provider": rng.choice(PROVIDERS),
            }
        )
    good.sort(key=lambda r: r["day"])
    # one exact repeat: logged, and flagged as a possible duplicate
    good.insert(100, dict(good[99]))
    bad = [
        ({"DOS": "2022-03-04", "CPT": "ZZZZZ", "Units": "1"}, "code"),
        ({"DOS": "2019-06-03", "CPT": good[0]["code"], "Units": "1"}, "date"),
        ({"DOS": "2022-13-45", "CPT": good[0]["code"], "Units": "1"}, "date"),
        ({"DOS": "2022-05-05", "CPT": good[0]["code"], "Units": "-1"}, "units"),
        ({"DOS": "2022-05-05", "CPT": good[0]["code"], "Units": "500"}, "units"),
        ({"DOS": "2022-05-05", "CPT": good[0]["code"], "Units": "two"}, "units"),
    ]
    header = ["Claim", "DOS", "CPT", "Modifier 1", "Units", "Provider", "Charge"]
    bad_lines: dict[int, str] = {}
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        line = 1
        for i, row in enumerate(good):
            if i % 2000 == 500:  # a bad row now and then, between good ones
                fields, why = bad[(i // 2000) % len(bad)]
                writer.writerow(["x", fields["DOS"], fields["CPT"], "", fields["Units"], "GEN Bad",
                                 ""])  # fmt: skip
                line += 1
                bad_lines[line] = why
            day = row["day"]
            style = i % 3  # the date formats practice systems write
            text = (
                day.isoformat()
                if style == 0
                else day.strftime("%m/%d/%Y")
                if style == 1
                else day.strftime("%Y%m%d")
            )
            writer.writerow(
                [f"C{i}", text, row["code"], row["modifier"], row["units"], row["provider"], "1"]
            )
            line += 1
    return good, bad_lines


def _expected_flat(good: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Independent sum per month: work RVU of the file row x units x modifier credit."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in good:
        component = row["modifier"] if row["modifier"] in ("26", "TC") else ""
        value = work(row["day"], row["code"], component) * row["units"] * CREDIT[row["modifier"]]
        out[row["day"].strftime("%Y-%m")] += value
    return out


def _expected_mppr(good: list[dict[str, Any]]) -> Decimal:
    """Independent sum with the multiple-procedure rule: per provider and day, the highest
    ranked listed procedure's first unit at 100%, every other unit at 50%."""
    groups: dict[tuple[str, date], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for index, row in enumerate(good):
        groups[(row["provider"], row["day"])].append((index, row))
    total = Decimal(0)
    for lines in groups.values():
        valued = []
        for index, row in lines:
            component = row["modifier"] if row["modifier"] in ("26", "TC") else ""
            unit = work(row["day"], row["code"], component) * CREDIT[row["modifier"]]
            listed = mult_proc(row["day"], row["code"], component) in ("2", "3")
            valued.append((unit, index, row["units"], listed))
        ranked = sorted((v for v in valued if v[3]), key=lambda v: (-v[0], v[1]))
        primary = ranked[0][1] if ranked else None
        for unit, index, units, listed in valued:
            if not listed:
                total += unit * units
            elif index == primary:
                total += unit * (1 + (units - 1) * Decimal("0.5"))
            else:
                total += unit * units * Decimal("0.5")
    return total


@pytest.fixture(scope="module")
def generated(log_store_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "practice_export.csv"
    with Checker.open(log_store_path, build=False) as checker:
        good, bad_lines = _generate(checker, path)
        first = checker.log_import(path)
        again = checker.log_import(path)
    (folder / "flat.yaml").write_text(CONTRACT)
    (folder / "mppr.yaml").write_text(CONTRACT_MPPR)
    return {"path": path, "good": good, "bad": bad_lines, "first": first, "again": again,
            "folder": folder}  # fmt: skip


def _report(checker: Checker, contract: Path, **options: Any) -> list[Any]:
    return [
        checker.log_report(provider=p, contract=contract, payments=False, **options)
        for p in PROVIDERS
    ]


def test_import_keeps_good_rows_and_names_each_bad_line(generated: dict[str, Any]) -> None:
    first = generated["first"]
    assert first.added == len(generated["good"]) >= 10_000
    rejected = {p.line: p.field for p in first.problems if p.status == "rejected"}
    assert rejected == generated["bad"]
    assert first.rejected == len(generated["bad"])
    seen: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in generated["good"]:
        seen[tuple(row.values())] += 1
    flagged = [p for p in first.problems if p.status == "flagged"]
    assert len(flagged) == sum(n - 1 for n in seen.values()) >= 1
    assert all("same procedure" in p.reason for p in flagged)
    assert first.columns["code"] == "CPT" and first.columns["date"] == "DOS"


def test_reimporting_the_same_file_adds_nothing(generated: dict[str, Any]) -> None:
    again = generated["again"]
    assert again.added == 0
    assert again.duplicates == len(generated["good"])
    assert again.rejected == len(generated["bad"])


def test_totals_match_an_independent_sum_of_the_rvu_files(
    checker: Checker, generated: dict[str, Any]
) -> None:
    expected = _expected_flat(generated["good"])
    reports = _report(checker, generated["folder"] / "flat.yaml", by="month")
    total = sum(r.total_wrvu for r in reports)
    assert total == pytest.approx(float(sum(expected.values())), abs=1e-6)
    months: dict[str, float] = defaultdict(float)
    for report in reports:
        assert report.procedures > 0
        assert {r.split("RVU")[1][:2] for r in report.releases} == {"22", "23"}
        for row in report.rows:
            months[row.group] += row.wrvu
    assert set(months) == set(expected)
    for month, value in expected.items():
        assert months[month] == pytest.approx(float(value), abs=0.03), month  # rows: 2 decimals


def test_multiple_procedure_rule_matches_an_independent_ranking(
    checker: Checker, generated: dict[str, Any]
) -> None:
    reports = _report(checker, generated["folder"] / "mppr.yaml", by="quarter")
    flat = _report(checker, generated["folder"] / "flat.yaml", by="quarter")
    total = sum(r.total_wrvu for r in reports)
    assert total == pytest.approx(float(_expected_mppr(generated["good"])), abs=1e-6)
    assert total < sum(r.total_wrvu for r in flat)


def test_compare_year_values_the_same_log_under_the_other_years_files(
    checker: Checker, generated: dict[str, Any]
) -> None:
    rows_2022 = [r for r in generated["good"] if r["day"].year == 2022]
    expected = Decimal(0)
    missing = 0
    for row in rows_2022:
        day = row["day"].replace(year=2023)
        component = row["modifier"] if row["modifier"] in ("26", "TC") else ""
        table = rows(file_for(day))
        if (row["code"], component) not in table and (row["code"], "") not in table:
            missing += 1
            continue
        expected += work(day, row["code"], component) * row["units"] * CREDIT[row["modifier"]]
    reports = _report(
        checker, generated["folder"] / "flat.yaml", by="month", compare_year=2023,
        start=date(2022, 1, 1), end=date(2022, 12, 31),
    )  # fmt: skip
    assert sum(r.compare_total_wrvu or 0 for r in reports) == pytest.approx(float(expected),
                                                                            abs=1e-6)  # fmt: skip
    assert sum(r.compare_unvalued for r in reports) == missing
    for report in reports:
        for row in report.rows:
            assert row.compare_difference == pytest.approx(
                (row.compare_wrvu or 0) - row.wrvu, abs=0.011
            )


def test_report_json_and_charts(
    checker: Checker, generated: dict[str, Any], tmp_path: Path
) -> None:
    provider = PROVIDERS[0]
    report = checker.log_report(provider=provider, by="week", rate=52.5, payments=True)
    data = report.to_dict()
    assert data["total_wrvu"] == pytest.approx(sum(r["wrvu"] for r in data["rows"]), abs=0.5)
    assert data["total_compensation"] == pytest.approx(data["total_wrvu"] * 52.5, abs=0.01)
    assert data["total_medicare_payment"] > 0
    assert all(r["group"] <= "2023-12-31" for r in data["rows"])
    paths = checker.log_chart(tmp_path, provider=provider, by="month")
    names = {p.name for p in paths}
    assert {"wrvu_over_time.png", "wrvu_by_code.png", "wrvu_charts.html"} <= names
    for path in paths:
        assert path.stat().st_size > 5_000
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "wrvu_charts.html").read_text()
    # interactive offline: the chart library is inside the file, not fetched
    assert "plotly" in html.lower() and '<script src="http' not in html
