"""Bad input to the check, through the Python API and the CLI: a clear
InputError (exit 2) naming the field, never the note's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim import Checker, InputError
from clearclaim.cli.main import build_app

NOTE = "SECRET-PATIENT-TEXT L4-5 interlaminar epidural under fluoroscopy, FT 0.4 min."


@pytest.mark.parametrize(
    "bad",
    [
        {"note": 123},
        {"note": NOTE, "pos": "ABC"},
        {"note": NOTE, "date_of_service": "2024-02-30"},
        {"note": NOTE, "diagnoses": ["M54.16" * 5]},
        "a string",
        None,
    ],
)
def test_the_api_raises_input_errors_without_the_note(full_store, bad) -> None:
    with pytest.raises(InputError) as err:
        Checker(full_store).check(bad)
    assert "SECRET-PATIENT-TEXT" not in str(err.value)


@pytest.mark.parametrize(
    "args",
    [
        ["--zip", "abcde"],
        ["--locality", "garbage"],
        ["--zip", "10001", "--locality", "13202-01"],
        ["--dx", "M54.16" * 5],
    ],
)
def test_the_cli_exits_2_on_bad_locality_and_diagnoses(
    full_store, tmp_path: Path, monkeypatch, args: list[str]
) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    result = CliRunner().invoke(
        build_app("check"),
        ["check", str(note), "--codes", "62323", "--pos", "22", "--date", "2026-05-01",
         "--no-audit", *args],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "SECRET-PATIENT-TEXT" not in result.output


def test_dx_documents_the_indication_and_names_headings(full_store) -> None:
    note = "Interlaminar epidural L4-5 under fluoroscopy, FT 0.4 min, DAP 1 Gy cm2."
    report = (
        Checker(full_store)
        .check(
            {
                "note": note,
                "codes": [{"code": "20610"}, {"code": "77002"}],
                "pos": "11",
                "equipment": "physician",
                "date_of_service": "2026-05-01",
                "diagnoses": ["M54.16", "M54.1"],
            }
        )
        .to_dict()
    )
    rules = {f["rule_id"] for f in report["findings"]}
    assert "DX02" in rules  # M54.1 is a heading
    assert "indication" not in report["documentation"]["missing"]
    assert "icd10cm" in {c["family"] for c in report["data_coverage"]}


def test_the_code_page_says_which_release_answered(full_store) -> None:
    page = Checker(full_store).code_page("76000")
    states = {c["family"]: c["state"] for c in page["data_coverage"]}
    assert {"pfs_rvu", "ptp_practitioner", "mue_practitioner"} <= set(states)
    assert set(states.values()) <= {"in_force", "nearest", "missing"}


def test_warm_up_checks_nothing_of_the_users(full_store, tmp_path: Path) -> None:
    """A server warms each worker with a made-up note: no audit entry, no library."""
    trail = tmp_path / "audit.jsonl"
    checker = Checker(full_store, library=tmp_path / "library", audit_path=trail)
    checker.warm_up()
    assert not trail.exists()
    assert not (tmp_path / "library").exists()
    assert checker.audit_log() == []
