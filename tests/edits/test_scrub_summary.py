"""What the scrub summary says: counts per rule and per claim, incomplete claims,
blank lines, and which data answered the file's dates (never "clean" when a
check could not be made)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from clearclaim.cli.edits_cmd import render_summary, scrub_command
from clearclaim.edits import EditEngine
from clearclaim.store import Store

HEADER = "claim_id,line,date_of_service,pos,code,modifiers,units\n"


def _primary_of(engine: EditEngine, add_on: str) -> str:
    """A type-1 primary code of an add-on code, from the loaded AOC file."""
    choices, _ = engine.choices("professional", date(2024, 8, 1))
    rows = engine.lookups.aoc(choices["aoc"].keys, add_on)
    return sorted(r.primary_code for r in rows if r.edit_type == "1")[0]


def test_a_claim_with_a_rejected_line_is_not_judged_complete(engine: EditEngine, tmp_path: Path):
    primary = _primary_of(engine, "22552")
    claims = tmp_path / "claims.csv"
    claims.write_text(
        HEADER
        + f"K,1,2024-08-01,22,{primary},,one\n"  # the primary's row is rejected
        + "K,2,2024-08-01,22,22552,,1\n"
        + "L,1,2024-08-01,22,22552,,1\n"  # really billed alone
    )
    out = tmp_path / "f.csv"
    report = engine.scrub(claims, out=out)
    found = pl.read_csv(out, infer_schema=False)
    # no false "add-on without primary" on K; L's stands
    assert set(found.select("claim_id", "rule").iter_rows()) == {("L", "AOC01")}
    assert report.incomplete_claims == 1 and report.withheld == {"AOC01": 1}
    assert not report.clean
    text = render_summary(report)
    assert "incomplete claims (a row rejected): 1" in text and "1 AOC01" in text
    # with the primary's row fixed, K is complete and not flagged
    claims.write_text(HEADER + f"K,1,2024-08-01,22,{primary},,1\nK,2,2024-08-01,22,22552,,1\n")
    report = engine.scrub(claims, out=out)
    assert report.incomplete_claims == 0 and "AOC01" not in report.by_rule


def test_counts_per_rule_and_per_claim_and_blank_lines(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        HEADER
        + "A,1,2024-08-01,11,62321,,1\nA,2,2024-08-01,11,77003,,1\n\n"
        + "B,1,2024-08-01,11,62321,,1\nB,2,2024-08-01,11,77003,,1\n,,,,,,\n"
        + "C,1,2024-08-01,11,62321,,1\n\n"
    )
    out = tmp_path / "f.csv"
    report = engine.scrub(claims, out=out)
    found = pl.read_csv(out, infer_schema=False)
    assert report.rows_rejected == 0 and report.blank_lines == 3
    assert report.errors_out is None and not (tmp_path / "claims.errors.csv").exists()
    expected_rules = dict(found.group_by("rule").len().iter_rows())
    assert report.by_rule == expected_rules and report.by_rule["PTP01"] == 2
    expected_claims = dict(found.group_by("rule").agg(pl.col("claim_id").n_unique()).iter_rows())
    assert report.claims_by_rule == expected_claims
    assert report.claims_by_severity["deny"] == 2
    assert sum(report.claims_by_severity.values()) == report.claims == 3


def test_data_coverage_names_each_family_and_the_file_dates(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        HEADER + "A,1,2024-08-01,11,62321,,1\nA,2,2024-08-01,11,77003,,1\n"
        "B,1,2015-03-02,11,62321,,1\n"
    )
    report = engine.scrub(claims, out=tmp_path / "f.csv")
    families = {span["family"] for span in report.data_coverage}
    assert {"ptp_practitioner", "mue_practitioner", "aoc", "pfs_rvu", "hcpcs_record"} <= families
    for span in report.data_coverage:
        expected = engine.store.coverage(span["family"], date.fromisoformat(span["first_dos"]))
        assert (span["state"], span["release"]) == (expected.state, expected.release)
    ptp = [s for s in report.data_coverage if s["family"] == "ptp_practitioner"]
    assert {s["first_dos"] for s in ptp} == {"2015-03-02", "2024-08-01"}
    assert {s["state"] for s in ptp} == {"in_force", "nearest"}
    assert report.checks_not_made == []


def test_a_missing_family_is_never_clean(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CLEARCLAIM_EDITS_CACHE", str(tmp_path / "cache"))
    store = Store.open(str(tmp_path / "empty.sqlite"))
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11,62321,,1\n")
    report = EditEngine(store).scrub(claims, out=tmp_path / "f.csv")
    assert report.findings == 0 and not report.clean
    assert any(s["state"] == "missing" for s in report.data_coverage)
    assert any(c.startswith("PTP edits") for c in report.checks_not_made)
    text = render_summary(report)
    assert "NOT CHECKED: PTP edits" in text and "not clean" in text
    assert "clean: no findings" not in text
    store.close()


def test_json_summary_carries_the_new_keys(full_store: Store, tmp_path: Path):
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("scrub")(scrub_command)
    app.command("other")(lambda: None)
    claims = tmp_path / "c.csv"
    claims.write_text(HEADER + "Z,1,2024-08-01,11,76000,,1\n")
    result = CliRunner().invoke(
        app, ["scrub", str(claims), "--json", "--db", full_store.location, "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    for key in ("by_rule", "claims_by_rule", "claims_by_severity", "blank_lines",
                "incomplete_claims", "withheld", "data_coverage", "checks_not_made", "clean",
                "columns"):  # fmt: skip
        assert key in summary, key
    assert summary["clean"] == (summary["findings"] == 0)
