"""``clearclaim scrub`` on the files users really have, and where it writes.

Each test replays a reported case: the answer is right or the error is one
clean line (exit code 2), and nothing the user had is lost or overwritten.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from clearclaim.cli.edits_cmd import scrub_command
from clearclaim.edits import EditEngine
from clearclaim.edits import batch as batch_module
from clearclaim.edits.batch import read_claims
from clearclaim.errors import InputError
from clearclaim.store import Store

runner = CliRunner()
HEADER = "claim_id,line,date_of_service,pos,code,modifiers,units\n"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command("scrub")(scrub_command)
    app.command("other")(lambda: None)  # two commands: "scrub" stays a subcommand
    return app


def scrub(app: typer.Typer, store: Store, *args: str):
    return runner.invoke(app, ["scrub", *args, "--db", store.location, "--no-progress"])


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and len(text) < 400


# -- where scrub writes ---------------------------------------------------------------


def test_output_may_never_be_the_input(app, full_store: Store, tmp_path: Path):
    claims = tmp_path / "same.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11,62321,,1\nA,2,2024-08-01,11,77003,,1\n")
    before = claims.read_bytes()
    for args in (
        ["--out", str(claims)],
        ["--errors", str(claims)],
        ["--out", str(tmp_path / "x.csv"), "--errors", str(tmp_path / "x.csv")],
        ["--out", str(tmp_path / "sub" / ".." / "same.csv")],
    ):
        result = scrub(app, full_store, str(claims), *args)
        assert result.exit_code == 2, (args, result.output)
        assert one_line(result.stderr) and "Traceback" not in result.output
    assert claims.read_bytes() == before


def test_out_folder_gets_the_default_name_and_a_missing_folder_is_refused(
    app, full_store: Store, tmp_path: Path
):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11,62321,,1\nA,2,2024-08-01,11,77003,,1\n")
    folder = tmp_path / "results"
    folder.mkdir()
    for given in (f"{folder}/", str(folder)):
        result = scrub(app, full_store, str(claims), "--out", given, "--json")
        assert result.exit_code == 0, result.output
        assert Path(json.loads(result.stdout)["out"]) == folder / "claims.findings.csv"
    assert (folder / "claims.findings.csv").stat().st_size > 0
    for missing in (tmp_path / "nope" / "x.csv", Path("/nonexistent/x.csv")):
        result = scrub(app, full_store, str(claims), "--out", str(missing))
        assert result.exit_code == 2 and "does not exist" in result.stderr
        assert one_line(result.stderr)
        assert not missing.parent.exists()
    result = scrub(app, full_store, str(claims), "--errors", f"{tmp_path / 'nofolder'}/")
    assert result.exit_code == 2 and "no such folder" in result.stderr


def test_a_failed_scrub_leaves_the_old_findings_whole(
    engine: EditEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11,62321,,1\nA,2,2024-08-01,11,77003,,1\n")
    out = tmp_path / "findings.csv"
    out.write_text("the findings of yesterday\n")

    def boom(*args, **kwargs):
        raise RuntimeError("killed half way")

    monkeypatch.setattr(batch_module, "_tally", boom)
    with pytest.raises(RuntimeError):
        engine.scrub(claims, out=out)
    assert out.read_text() == "the findings of yesterday\n"
    assert {p.name for p in tmp_path.iterdir()} == {"claims.csv", "findings.csv"}


def test_a_killed_scrub_process_leaves_the_old_file(full_store: Store, tmp_path: Path):
    """A real process killed while it writes: the old findings file is whole."""
    claims = tmp_path / "claims.csv"
    rows = [f"C{i},1,2024-08-01,11,62321,,1\nC{i},2,2024-08-01,11,77003,,1\n" for i in range(5)]
    claims.write_text(HEADER + "".join(rows))
    out = tmp_path / "findings.csv"
    out.write_text("old\n")
    code = (
        "import sys, time\n"
        "from clearclaim.edits import batch, EditEngine\n"
        "from clearclaim.store import Store\n"
        "real = batch.run_checks\n"
        "def slow(ctx, part, **kw):\n"
        "    found = real(ctx, part, **kw)\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "    return found\n"
        "batch.run_checks = slow\n"
        "EditEngine(Store.open(sys.argv[1])).scrub(sys.argv[2], out=sys.argv[3])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, full_store.location, str(claims), str(out)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"writing"
    # the temporary file is there, beside the old one
    assert any(p.name.startswith(".findings.csv.") for p in tmp_path.iterdir())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert out.read_text() == "old\n"


# -- reading the file ---------------------------------------------------------------


def test_line_numbers_are_physical_lines(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    # CRLF, a quoted field over two lines, a blank line, an empty row
    claims.write_bytes(
        b"claim_id,line,date_of_service,pos,code,modifiers,units,note\r\n"
        b'A,1,2024-08-01,11,62321,,1,"two\r\nlines"\r\n'
        b"A,2,2024-08-01,11,77003,,x,\r\n"
        b"\r\n"
        b",,,,,,,\r\n"
        b"B,1,2024-08-01,11,7700,,1,\r\n"
    )
    errors = tmp_path / "e.csv"
    report = engine.scrub(claims, out=tmp_path / "f.csv", errors=errors)
    rejected = pl.read_csv(errors, infer_schema=False)
    assert rejected.select("line_number", "field").rows() == [("4", "units"), ("7", "code")]
    assert report.blank_lines == 2 and report.lines_checked == 1


def test_crlf_without_quotes_counts_lines_too(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_bytes(
        HEADER.replace("\n", "\r\n").encode()
        + b"A,1,2024-08-01,11,62321,,1\r\n\r\nA,2,2024-08-01,11,77003,,0\r\n"
    )
    errors = tmp_path / "e.csv"
    engine.scrub(claims, out=tmp_path / "f.csv", errors=errors)
    assert pl.read_csv(errors, infer_schema=False).item(0, "line_number") == "4"


def test_a_latin1_byte_is_read_as_windows_1252_with_its_line(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_bytes(
        HEADER.encode()
        + b"A,1,2024-08-01,11,62321,,1\n"
        + "Jos\xe9,1,2024-08-01,11,62321,,1\nJos\xe9,2,2024-08-01,11,77003,,1\n".encode("latin-1")
        + "Zoë,1,2024-08-01,11,62321,,1\nZoë,2,2024-08-01,11,77003,,1\n".encode()  # UTF-8
    )
    out = tmp_path / "f.csv"
    report = engine.scrub(claims, out=out)
    assert report.lines_checked == 5 and report.rows_rejected == 0
    [warning] = [w for w in report.warnings if w.code == "not_utf8"]
    assert "line(s) 3, 4 " in warning.message and "Windows-1252" in warning.message
    ids = set(pl.read_csv(out, infer_schema=False).get_column("claim_id"))
    assert {"José", "Zoë"} <= ids


def test_an_unclosed_quote_is_one_short_line_without_row_contents(
    app, full_store: Store, tmp_path: Path
):
    claims = tmp_path / "claims.csv"
    secret = "SECRET-PATIENT-NAME"
    rows = [f"P{i},1,2024-08-01,11,62321,,1" for i in range(3)]
    rows.append('Q,1,2024-08-01,11,"62321,,1')
    rows += [f"R{i},1,2024-08-01,11,62321,,1,{secret}" for i in range(50_000)]
    claims.write_text(HEADER + "\n".join(rows) + "\n")
    result = scrub(app, full_store, str(claims))
    assert result.exit_code == 2
    assert one_line(result.stderr) and secret not in result.output
    assert "line 5" in result.stderr and "quoted field is never closed" in result.stderr


def test_error_values_are_cut_short(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11," + "9" * 500 + ",,1\n")
    errors = tmp_path / "e.csv"
    engine.scrub(claims, out=tmp_path / "f.csv", errors=errors)
    value = pl.read_csv(errors, infer_schema=False).item(0, "value")
    assert len(value) <= 40 and value.endswith("…")


def test_a_row_with_more_fields_than_the_header_is_rejected_not_cut(
    engine: EditEngine, tmp_path: Path
):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + 'A,1,2024-08-01,11,62321,,1\n"B",1,2024-08-01,11,62321,,1,extra\n')
    errors = tmp_path / "e.csv"
    report = engine.scrub(claims, out=tmp_path / "f.csv", errors=errors)
    assert report.lines_checked == 1 and report.rows_rejected == 1
    row = pl.read_csv(errors, infer_schema=False).row(0, named=True)
    assert row["line_number"] == "3" and "8 fields" in row["reason"]


def test_practice_export_headers_and_us_dates(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "export.csv"
    claims.write_text(
        "Claim ID,DOS,CPT,Modifier 1,Modifier 2,Qty,Place of Service\n"
        "C1,8/1/2024,62321,,,1,22\n"
        "C1,08/01/2024,77003,,,1,22\n"
        "C2,20240801,77002,26,XS,1,\n"
        "C3,8/1/24,76000,,,1,11\n"
        "C4,2/30/2024,76000,,,1,11\n"
    )
    out, errors = tmp_path / "f.csv", tmp_path / "e.csv"
    report = engine.scrub(claims, out=out, errors=errors)
    assert report.columns["claim_id"] == ["Claim ID"]
    assert report.columns["modifiers"] == ["Modifier 1", "Modifier 2"]
    assert report.columns["line"] == []
    assert report.lines_checked == 4 and report.rows_rejected == 1
    found = pl.read_csv(out, infer_schema=False)
    assert ("C1", "77003", "PTP01") in set(found.select("claim_id", "code", "rule").iter_rows())
    assert set(found.get_column("date_of_service")) == {"2024-08-01"}
    assert pl.read_csv(errors, infer_schema=False).item(0, "field") == "date_of_service"


def test_map_names_other_columns_and_bad_maps_are_one_line(app, full_store: Store, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text("Acct,Svc,Proc\nE1,2024-08-01,62321\nE1,2024-08-01,77003\n")
    result = scrub(app, full_store, str(claims))
    assert result.exit_code == 2 and one_line(result.stderr)
    assert "no column for claim_id" in result.stderr and "--map" in result.stderr
    result = scrub(
        app, full_store, str(claims), "--map", "claim_id=Acct,date_of_service=Svc,code=Proc",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by_rule"].get("PTP01") == 1
    for bad in ("claim=Acct", "claim_id", "claim_id=Nope"):
        result = scrub(app, full_store, str(claims), "--map", bad)
        assert result.exit_code == 2 and one_line(result.stderr), bad


def test_two_columns_for_one_field_are_refused(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text("Claim ID,DOS,CPT,HCPCS\nA,2024-08-01,62321,62321\n")
    with pytest.raises(InputError, match="could each be the code"):
        read_claims(claims)


def test_xlsx_with_a_title_row(engine: EditEngine, tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Charges report"])
    sheet.append([])
    sheet.append(["Encounter", "Service Date", "Procedure Code", "Mod 1", "Units", "POS"])
    sheet.append(["E1", datetime(2024, 8, 1), 62321, None, 1, 22])
    sheet.append(["E1", datetime(2024, 8, 1), 77003, None, 1.0, 22])
    sheet.append([None] * 6)
    sheet.append(["E2", "08/01/2024", "7700", None, 1, 22])
    path = tmp_path / "export.xlsx"
    book.save(path)
    out, errors = tmp_path / "f.csv", tmp_path / "e.csv"
    report = engine.scrub(path, out=out, errors=errors)
    assert report.lines_checked == 2 and report.blank_lines == 1
    assert pl.read_csv(errors, infer_schema=False).select("line_number", "field").rows() == [
        ("7", "code")
    ]
    found = pl.read_csv(out, infer_schema=False)
    assert ("E1", "77003", "PTP01") in set(found.select("claim_id", "code", "rule").iter_rows())


# -- what scrub writes -----------------------------------------------------------------


def test_formulas_are_neutralised_in_findings_and_errors(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        HEADER + '"=HYPERLINK(""http://x"",""y"")",1,2024-08-01,11,62321,,1\n'
        '"=HYPERLINK(""http://x"",""y"")",2,2024-08-01,11,77003,,1\n'
        "+SUM(1),1,2024-08-01,11,62321,,=1+2\n"
        "@cmd,1,2024-08-01,11,-77003,,1\n"
    )
    out, errors = tmp_path / "f.csv", tmp_path / "e.csv"
    engine.scrub(claims, out=out, errors=errors)
    for path in (out, errors):
        frame = pl.read_csv(path, infer_schema=False)
        cells = [c for col in frame.columns for c in frame.get_column(col).drop_nulls()]
        assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    found = pl.read_csv(out, infer_schema=False)
    assert '\'=HYPERLINK("http://x","y")' in set(found.get_column("claim_id"))
    rejected = pl.read_csv(errors, infer_schema=False)
    assert {"'=1+2", "'-77003"} <= set(rejected.get_column("value"))


def test_files_are_written_whole_with_a_new_name_only_at_the_end(
    engine: EditEngine, tmp_path: Path
):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "A,1,2024-08-01,11,62321,,1\n")
    engine.scrub(claims)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["claims.csv", "claims.findings.csv"]
    assert (tmp_path / "claims.findings.csv").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_line_number_column_of_the_file_is_its_line(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "Claim Number,Line Number,Service Date,CPT\n"
        "A,7,2024-08-01,62321\nA,9,2024-08-01,77003\nA,9,2024-08-01,77002\n"
    )
    out, errors = tmp_path / "f.csv", tmp_path / "e.csv"
    report = engine.scrub(claims, out=out, errors=errors)
    assert report.columns["line"] == ["Line Number"]
    assert pl.read_csv(errors, infer_schema=False).select("line_number", "line").rows() == [
        ("4", "9")
    ]
    found = pl.read_csv(out, infer_schema=False)
    assert ("9", "77003", "7") in set(found.select("line", "code", "related_line").iter_rows())


def test_a_header_only_file_and_an_empty_file(engine: EditEngine, tmp_path: Path):
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER)
    report = engine.scrub(claims, out=tmp_path / "f.csv")
    assert report.lines_checked == 0 and report.findings == 0
    assert (tmp_path / "f.csv").exists()
    claims.write_text("")
    with pytest.raises(InputError, match="is empty"):
        engine.scrub(claims, out=tmp_path / "f.csv")
    folder = tmp_path / "a_folder.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        engine.scrub(folder, out=tmp_path / "f.csv")
