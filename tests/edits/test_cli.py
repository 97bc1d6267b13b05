"""``clearclaim edits`` and ``clearclaim scrub`` through a Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from clearclaim.cli.edits_cmd import edits_command, scrub_command
from clearclaim.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("edits")(edits_command)
    app.command("scrub")(scrub_command)
    return app


def test_edits_json(app: typer.Typer, full_store: Store):
    result = runner.invoke(
        app,
        ["edits", "62321", "77003", "--date", "2024-08-01", "--json", "--db", full_store.location],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["release_in_force"] is True
    [edit] = data["edits"]
    assert (edit["column_1"], edit["column_2"], edit["modifier_indicator"]) == (
        "62321",
        "77003",
        "1",
    )
    assert edit["in_force"] is True and edit["deletion_date"] is None
    assert edit["rationale"] == "CPT Manual or CMS manual coding instruction"


def test_edits_text_for_a_deleted_edit_and_other_dates(app: typer.Typer, full_store: Store):
    args = ["edits", "77002", "27093", "--db", full_store.location]
    now = runner.invoke(app, [*args, "--date", "2024-08-01"])
    assert now.exit_code == 0
    assert "not in force (deleted 2010-03-31" in now.stdout
    assert "type 1 add-on code of 27093" in now.stdout
    then = runner.invoke(app, [*args, "--date", "2009-05-01", "--setting", "facility"])
    assert then.exit_code == 0
    assert "IN FORCE" in then.stdout and "77002 is denied" in then.stdout
    assert "warning: no NCCI PTP edits, outpatient hospital loaded is in force" in then.stdout


def test_edits_bad_input_exits_2(app: typer.Typer, full_store: Store):
    bad_date = runner.invoke(app, ["edits", "62321", "77003", "--date", "2024-02-30",
                                   "--db", full_store.location])  # fmt: skip
    assert bad_date.exit_code == 2 and "--date" in bad_date.stderr
    bad_setting = runner.invoke(app, ["edits", "62321", "77003", "--setting", "home",
                                      "--db", full_store.location])  # fmt: skip
    assert bad_setting.exit_code == 2 and "setting" in bad_setting.stderr


def test_scrub_writes_findings_and_errors(app: typer.Typer, full_store: Store, tmp_path: Path):
    source = tmp_path / "claims.csv"
    source.write_text(
        "claim_id,line,date_of_service,pos,code,modifiers,units\n"
        "C1,1,2024-08-01,11,62321,,1\n"
        "C1,2,2024-08-01,11,77003,,1\n"
        "C1,3,2024-08-01,11,77002,,2\n"
        "C2,1,31/12/2024,11,62321,,1\n"  # day first: no month 31
        "C3,1,2024-08-01,22,76000,,1\n"
    )
    out, errors = tmp_path / "findings.csv", tmp_path / "errors.csv"
    result = runner.invoke(
        app,
        ["scrub", str(source), "--out", str(out), "--errors", str(errors),
         "--db", full_store.location, "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rejected rows: 1" in result.stderr
    findings = pl.read_csv(out, infer_schema=False)
    assert {"claim_id", "line", "code", "rule", "severity", "related_code", "message",
            "source"} <= set(findings.columns)  # fmt: skip
    got = set(findings.select("claim_id", "code", "rule", "related_code").iter_rows())
    assert ("C1", "77003", "PTP01", "62321") in got
    assert ("C1", "77002", "MUE03", None) in got
    assert ("C3", "76000", "PCTC02", None) in got
    assert not [r for r in got if r[0] == "C2"]
    rejected = pl.read_csv(errors, infer_schema=False)
    assert rejected.select("line_number", "field").rows() == [("5", "date_of_service")]
    assert "YYYY-MM-DD" in rejected.item(0, "reason")


def test_scrub_json_summary_and_missing_file(app: typer.Typer, full_store: Store, tmp_path: Path):
    source = tmp_path / "c.csv"
    source.write_text(
        "claim_id,line,date_of_service,pos,code,modifiers,units\nZ,1,2024-08-01,11,77002,,1\n"
    )
    result = runner.invoke(app, ["scrub", str(source), "--json", "--db", full_store.location])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["lines_checked"] == 1 and summary["by_rule"] == {"AOC01": 1}
    assert Path(summary["out"]) == tmp_path / "c.findings.csv"
    missing = runner.invoke(app, ["scrub", str(tmp_path / "nope.csv"), "--db", full_store.location])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
