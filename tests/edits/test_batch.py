"""The batch path: the same findings as the single-claim path, word for word;
malformed rows to the errors file; Parquet input; the Parquet cache reused."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearclaim.edits import ClaimLine, EditEngine
from clearclaim.edits import batch as batch_module
from clearclaim.edits.batch import read_claims, validate
from clearclaim.edits.batch_input import column_spec
from clearclaim.edits.cache import EditTables
from clearclaim.edits.synthetic import claims_frame

COMPARED = [
    "claim_id", "line", "lines", "date_of_service", "code", "rule", "rule_name", "kind",
    "severity", "related_code", "related_line", "message", "action", "source",
]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic_csv(engine: EditEngine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "claims.csv"
    claims_frame(engine.store, 6000, seed=5).write_csv(path)
    return path


def _single_path_rows(engine: EditEngine, path: Path) -> pl.DataFrame:
    good, _ = validate(read_claims(path).frame)
    rows = []
    for _, group in good.group_by("claim_id", maintain_order=True):
        lines = [
            ClaimLine(
                claim_id=r["claim_id"],
                line=r["line"],
                date_of_service=r["dos"],
                code=r["code"],
                modifiers=r["mods"],
                units=r["units"],
                pos=r["pos"],
            )
            for r in group.iter_rows(named=True)
        ]
        rows += [f.to_row() for f in engine.check(lines).findings]
    return pl.DataFrame(rows).select(pl.col(c).cast(pl.String) for c in COMPARED)


def _as_set(frame: pl.DataFrame) -> set[tuple]:
    return set(frame.select(COMPARED).fill_null("").iter_rows())


def test_batch_and_single_claim_paths_write_the_same_findings(
    engine: EditEngine, synthetic_csv: Path, tmp_path: Path
):
    out, errors = tmp_path / "findings.csv", tmp_path / "errors.csv"
    report = engine.scrub(synthetic_csv, out=out, errors=errors)
    batch = pl.read_csv(out, infer_schema=False)
    single = _single_path_rows(engine, synthetic_csv)
    # a claim that lost a row to the errors file is judged without it: the findings
    # that depend on its other lines (an add-on's primary) are withheld, and counted
    incomplete = set(pl.read_csv(errors, infer_schema=False).get_column("claim_id").drop_nulls())
    assert report.incomplete_claims == len(incomplete) > 0
    held = single.filter(
        pl.col("claim_id").is_in(list(incomplete))
        & pl.col("rule").is_in(list(column_spec().needs_whole_claim))
    )
    assert sum(report.withheld.values()) == held.height
    single = single.join(held, on=COMPARED, how="anti", nulls_equal=True)
    assert report.findings == batch.height == single.height
    assert set(batch.get_column("claim_complete")) <= {"true", "false"}
    assert _as_set(batch) == _as_set(single)
    # the synthetic mix reaches every kind of rule
    assert {"ptp", "mue", "add_on", "pc_tc", "status"} <= set(batch.get_column("kind"))
    assert report.by_severity.get("deny", 0) > 0


def test_chunked_run_gives_the_same_findings(
    engine: EditEngine, synthetic_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    whole = tmp_path / "whole.csv"
    engine.scrub(synthetic_csv, out=whole)
    monkeypatch.setattr(batch_module, "CHUNK_LINES", 1000)
    chunked = tmp_path / "chunked.csv"
    engine.scrub(synthetic_csv, out=chunked, progress=True)
    assert _as_set(pl.read_csv(whole, infer_schema=False)) == _as_set(
        pl.read_csv(chunked, infer_schema=False)
    )


def test_parquet_input_gives_the_same_findings(
    engine: EditEngine, synthetic_csv: Path, tmp_path: Path
):
    parquet = tmp_path / "claims.parquet"
    frame = pl.read_csv(synthetic_csv, infer_schema=False).with_columns(
        pl.col("line").cast(pl.Int64),
        pl.col("units").cast(pl.Int64, strict=False),
    )
    frame.write_parquet(parquet)
    engine.scrub(parquet, out=tmp_path / "p.csv")
    engine.scrub(synthetic_csv, out=tmp_path / "c.csv")
    assert _as_set(pl.read_csv(tmp_path / "p.csv", infer_schema=False)) == _as_set(
        pl.read_csv(tmp_path / "c.csv", infer_schema=False)
    )


def test_malformed_rows_go_to_the_errors_file(engine: EditEngine, tmp_path: Path):
    source = tmp_path / "claims.csv"
    source.write_text(
        "claim_id,line,date_of_service,pos,code,modifiers,units\n"
        "A,1,2024-08-01,11,62321,,1\n"
        "A,2,2024-08-01,11,77003,,1\n"
        "A,3,2024-02-30,11,76000,,1\n"  # no such date
        "B,1,2024-08-01,11,7700,,1\n"  # four characters
        "B,2,2024-08-01,11,77002,26;XSS,1\n"  # three-character modifier
        "B,3,2024-08-01,11,77002,,two\n"  # units not a number
        "A,2,2024-08-01,11,77002,,1\n"  # duplicate line number
        ",1,2024-08-01,111,77002,,0\n"  # no claim, bad POS, zero units
    )
    out, errors = tmp_path / "f.csv", tmp_path / "e.csv"
    report = engine.scrub(source, out=out, errors=errors)
    assert report.lines_read == 8 and report.lines_checked == 2 and report.rows_rejected == 6
    rejected = pl.read_csv(errors, infer_schema=False)
    got = {(int(r["line_number"]), r["field"]) for r in rejected.iter_rows(named=True)}
    assert got == {
        (4, "date_of_service"),
        (5, "code"),
        (6, "modifiers"),
        (7, "units"),
        (8, "line"),
        (9, "claim_id"),
        (9, "pos"),
        (9, "units"),
    }
    assert all(r for r in rejected.get_column("reason"))
    found = pl.read_csv(out, infer_schema=False)
    assert ("A", "77003", "PTP01") in set(found.select("claim_id", "code", "rule").iter_rows())


def test_missing_columns_are_an_input_error(engine: EditEngine, tmp_path: Path):
    from clearclaim.errors import InputError

    source = tmp_path / "bad.csv"
    source.write_text("claim_id,line,code\nA,1,62321\n")
    with pytest.raises(InputError, match="date_of_service"):
        engine.scrub(source, out=tmp_path / "f.csv")


def test_edit_tables_are_reused_from_parquet(engine: EditEngine):
    first = EditTables(engine.store)
    first.build_all()
    files = sorted(p.name for p in first.folder.glob("*.parquet"))
    assert any(name.startswith("ptp_ptp_practitioner-") for name in files)
    second = EditTables(engine.store)
    mtimes = {p.name: p.stat().st_mtime_ns for p in second.folder.glob("*.parquet")}
    assert second.mue.height == first.mue.height
    assert second.ptp("ptp_practitioner").select(pl.len()).collect().item() > 1_000_000
    assert {p.name: p.stat().st_mtime_ns for p in second.folder.glob("*.parquet")} == mtimes
