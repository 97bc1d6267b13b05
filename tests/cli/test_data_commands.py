"""The `clearclaim data` commands through the CLI, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clearclaim.cli.main import app

runner = CliRunner()


def test_import_then_status_json(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", str(tmp_path / "store.sqlite"))
    folder = tmp_path / "cms"
    folder.mkdir()
    for name in ("GPCI2025.csv", "ANES2025.csv"):
        (folder / name).write_bytes((data_dir / "pfs" / name).read_bytes())
    (folder / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = runner.invoke(app, ["data", "import", str(folder), "--json"])
    assert result.exit_code == 1  # one file could not be read at all
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)}
    assert files["GPCI2025.csv"]["status"] == "imported"
    assert files["broken.csv.gz"]["status"] == "failed"

    status = runner.invoke(app, ["data", "status", "--json"])
    assert status.exit_code == 0
    data = json.loads(status.stdout)
    assert {r["family"] for r in data["releases"]} == {"gpci", "anesthesia_cf"}
    gpci = next(f for f in data["files"] if f["name"] == "GPCI2025.csv")
    assert gpci["rows_read"] == 109 and len(gpci["sha256"]) == 64
    assert gpci["releases"][0]["effective_start"] == "2025-01-01"

    again = runner.invoke(app, ["data", "import", str(folder / "GPCI2025.csv"), "--json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)[0]["status"] == "unchanged"


def test_bad_effective_date_is_exit_2(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", str(tmp_path / "store.sqlite"))
    result = runner.invoke(app, ["data", "import", str(tmp_path), "--effective", "2024-13-01"])
    assert result.exit_code == 2
    assert "--effective" in result.output and "Traceback" not in result.output
