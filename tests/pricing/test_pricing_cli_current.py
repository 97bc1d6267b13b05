"""``clearclaim price``: coverage, participation amounts and input rules in the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearclaim.cli.main import build_app
from clearclaim.store import Store


@pytest.fixture
def run(full_store: Store, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    runner = CliRunner()
    app = build_app("price")

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["price", *args])

    return invoke


def test_json_carries_participation_and_coverage(run) -> None:  # type: ignore[no-untyped-def]
    result = run("92626", "--date", "2024-07-15", "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    amounts = entry["amounts"]["non_facility"]
    assert (amounts["amount"], amounts["non_participating"], amounts["limiting_charge"]) == (
        85.88,
        81.59,
        93.83,
    )
    assert "non_participating" in entry["amounts"]["facility"]
    families = {c["family"]: c for c in entry["data_coverage"]}
    assert families["pfs_rvu"]["state"] == "in_force"
    assert families["pfs_rvu"]["release"] == "RVU24C"


def test_text_names_the_release_state(run) -> None:  # type: ignore[no-untyped-def]
    result = run("76000", "--date", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "RVU26C, NEAREST" in result.stdout
    assert "limiting charge" in result.stdout


def test_no_amount_is_explained_in_words(run) -> None:  # type: ignore[no-untyped-def]
    result = run("77003", "--pos", "22", "--date", "2026-07-15")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "amount: none" in x)
    assert "because NA in the facility setting" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("76000", "--zip", "10001", "--locality", "13202-01"), "--zip or --locality, not both"),
        (("76000", "--date", "2026-02-30"), "not a real date"),
        (("76001", "--date", "2026-03-01"), "76001 was deleted on 2019-01-01, use 76000"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args, message) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr
