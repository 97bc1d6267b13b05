"""``clearclaim price`` through typer's CliRunner: output, JSON shape and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from clearclaim.cli.price_cmd import price_command
from clearclaim.store import Store


def _app() -> typer.Typer:
    """The real ``clearclaim`` app when it registers ``price``, else a bare one with it."""
    try:
        from clearclaim.cli.main import app as main_app

        names = {c.name for c in main_app.registered_commands}
        if "price" in names:
            return main_app
    except ImportError:
        pass
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """clearclaim (test shell)"""

    app.command("price")(price_command)
    return app


@pytest.fixture
def run(full_store: Store, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    runner = CliRunner()
    app = _app()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["price", *args])

    return invoke


def test_text_output_explains_the_arithmetic(run) -> None:  # type: ignore[no-untyped-def]
    result = run("76000", "--locality", "13202-01", "--date", "2026-07-15")
    assert result.exit_code == 0, result.output
    assert "amount $50.82" in result.output
    assert "x CF 33.4009" in result.output
    assert "rounded half up" in result.output
    assert "MANHATTAN" in result.output


def test_json_is_a_list_with_the_documented_keys(run) -> None:  # type: ignore[no-untyped-def]
    result = run("76000", "77003-26", "--date", "2026-07-15", "--zip", "10001", "--pos", "22",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    first, second = data
    for key in ("code", "modifier", "date_of_service", "release", "locality", "pos", "setting",
                "rvu", "gpci", "conversion_factor", "amount", "opps_cap_applied", "warnings",
                "sources"):  # fmt: skip
        assert key in first
    assert first["amount"] is None and "-26" in first["reason"]
    assert second["modifier"] == "26" and second["amount"] > 0
    assert second["locality"]["mac"] == "13202" and second["locality"]["number"] == "01"
    assert second["setting"] == "facility"
    assert second["facility_payment"]["system"] == "OPPS"
    assert any(w["family"] == "zip_locality" for w in second["warnings"])


def test_claim_option(run) -> None:  # type: ignore[no-untyped-def]
    result = run("62321", "64483", "--claim", "--date", "2026-07-15", "--json")
    assert result.exit_code == 0, result.output
    claim = json.loads(result.stdout)
    assert claim["total"] < sum(line["fee_schedule_amount"] for line in claim["lines"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("7600", "--date", "2026-07-15"), "closest codes: 76000"),
        (("76000", "--zip", "1234"), "not a ZIP code"),
        (("76000", "--locality", "01112-99", "--date", "2026-07-15"), "not in the GPCI file"),
        (("76000", "--date", "2019-06-30"), "before the oldest PFS release"),
        (("76000", "--date", "yesterday"), "not a real date"),
        (("99213", "--modifier", "26", "--date", "2026-07-15"), "not valid with 99213"),
        (("76000", "--pos", "28"), "unassigned"),
        (("--all",), "needs --out"),
        ((), "give one or more codes"),
    ],
    ids=[
        "unknown-code",
        "zip",
        "locality",
        "old-date",
        "bad-date",
        "modifier",
        "pos",
        "all",
        "none",
    ],
)
def test_bad_input_exits_2_with_one_line(run, args, message) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_all_export(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "fee.csv"
    result = run("--all", "--date", "2026-07-15", "--locality", "10112-00", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists() and "wrote" in result.output
    header = out.read_text().splitlines()[0].split(",")
    assert {"hcpcs", "modifier", "non_facility_amount", "facility_amount"} <= set(header)
