"""``clearclaim log`` through the registered command: output, JSON keys and exit codes."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from rvu_files import work
from typer.testing import CliRunner

from clearclaim.cli.main import build_app


@pytest.fixture
def run(log_store_path: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLEARCLAIM_DB", log_store_path)
    runner = CliRunner()
    app = build_app("log")

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["log", *args])

    return invoke


def test_add_report_json_and_csv(run, provider: str) -> None:  # type: ignore[no-untyped-def]
    day = date(2022, 9, 14)
    result = run("add", "--date", day.isoformat(), "--code", "99214", "--units", "2",
                 "--provider", provider)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "logged entry" in result.output
    result = run("report", "--provider", provider, "--by", "month", "--rate", "50", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = float(work(day, "99214") * 2)
    assert data["total_wrvu"] == pytest.approx(expected)
    assert data["rows"] == [
        {
            "group": "2022-09",
            "procedures": 1,
            "units": 2,
            "wrvu": pytest.approx(expected),
            "compensation": pytest.approx(expected * 50, abs=0.01),
            "medicare_payment": data["rows"][0]["medicare_payment"],
            "compare_wrvu": None,
            "compare_difference": None,
        }
    ]
    assert data["rows"][0]["medicare_payment"] > 0
    result = run("report", "--provider", provider, "--by", "code", "--csv", "--no-payment")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert rows[0]["group"] == "99214" and float(rows[0]["wrvu"]) == pytest.approx(expected)
    text = run("report", "--provider", provider, "--compare-year", "2023")
    assert text.exit_code == 0 and "under 2023 RVUs" in text.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2022-09-14", "--code", "ZZZZZ"], "unknown code 'ZZZZZ'"),
        (["--date", "2019-01-02", "--code", "99213"], "no PFS relative value file of 2019"),
        (["--date", "2022-09-14", "--code", "99213", "--units", "-2"], "field units"),
        (["--date", "2022-09-14", "--code", "99213", "--units", "5000"], "max_units"),
        (["--date", "14/09/2022", "--code", "99213"], "not a date"),
    ],
)
def test_bad_add_exits_2_with_one_line(run, provider: str, args, message) -> None:  # type: ignore[no-untyped-def]
    result = run("add", *args, "--provider", provider)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_import_reports_lines_and_exits_2(run, provider: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    path.write_text(
        "CPT,DOS,Provider,Units\n"
        f"99213,03/01/2022,{provider},1\n"
        f"99213,20220302,{provider},0\n"
        f"ABCDE,2022-03-03,{provider},1\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 2
    assert "export.csv, line 3: field units" in result.output
    assert "export.csv, line 4: field code" in result.output
    assert "1 added, 2 rejected" in result.output
    again = run("import", str(path))
    assert again.exit_code == 2
    assert "0 added, 2 rejected, 1 already logged" in again.output


def test_edit_void_history_export_chart_plan(run, provider: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for day, code in (("2022-02-01", "99214"), ("2022-02-02", "99213"), ("2022-06-01", "99215")):
        result = run("add", "--date", day, "--code", code, "--provider", provider, "--json")
        ids.append(json.loads(result.output)["entry_id"])
    assert (
        run("edit", str(ids[0]), "--units", "2", "--reason", "two", "--user", "mgr").exit_code == 0
    )
    assert run("void", str(ids[1]), "--reason", "wrong day").exit_code == 0
    history = json.loads(run("history", str(ids[0]), "--json").output)
    assert [(h["field"], h["new_value"], h["changed_by"]) for h in history] == [
        ("units", "2", "mgr")
    ]
    listed = json.loads(run("list", "--provider", provider, "--all", "--json").output)
    assert [(e["units"], e["voided"]) for e in listed] == [(2, False), (1, True), (1, False)]
    out = tmp_path / "log.parquet"
    assert run("export", str(out)).exit_code == 0 and out.exists()
    result = run("chart", "--out", str(tmp_path / "charts"), "--provider", provider)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "charts" / "wrvu_over_time.png").exists()
    plan = run("plan", "--goal", "50", "--by", "2022-12-31", "--provider", provider, "--json")
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.output)["reached"] is True
    assert run("void", str(ids[1]), "--reason", "again").exit_code == 2


def test_benchmarks_load_reports_bad_rows(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "synthetic.csv"
    table.write_text("specialty,p50,p90\nSynthetic A,100,200\nSynthetic B,abc,300\n")
    result = run("benchmarks", "load", str(table), "--name", "cli-synthetic")
    assert result.exit_code == 2
    assert "line 3" in result.output and "3 percentile rows" in result.output
