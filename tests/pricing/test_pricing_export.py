"""The vectorised fee schedule export agrees with the engine, pair by pair."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clearclaim.errors import FieldError
from clearclaim.pricing import Pricer, export_fee_schedule, fee_schedule
from clearclaim.store import Store


@pytest.mark.parametrize("day", ["2020-02-01", "2024-03-10", "2025-11-01", "2026-07-15"])
def test_export_matches_the_engine(full_store: Store, pricer: Pricer, day: str) -> None:
    frame, info = fee_schedule(full_store, date_of_service=day)
    gpci = full_store.release_for("gpci", date.fromisoformat(day))
    localities = full_store.scalar(f"SELECT COUNT(*) FROM gpci WHERE {gpci.sql_in()}", gpci.ids)
    assert info.localities == localities + 1  # every locality, and national
    assert frame.select("mac", "locality").unique().height == info.localities
    sample = pl.concat(
        [frame.filter(pl.col("non_facility_opps_cap_applied")).head(40), frame.sample(300, seed=7)]
    )
    for row in sample.iter_rows(named=True):
        national = row["mac"] == "00000"
        for pos, column in (("11", "non_facility_amount"), ("22", "facility_amount")):
            result = pricer.price(
                row["hcpcs"],
                modifier=row["modifier"] or None,
                date_of_service=day,
                locality=None if national else f"{row['mac']}-{row['locality']}",
                pos=pos,
            )
            assert result.amount == row[column], (row["hcpcs"], row["modifier"], row["mac"], pos)
            cap_column = column.replace("amount", "opps_cap_applied")
            assert result.opps_cap_applied == row[cap_column]


def test_one_locality_and_files(full_store: Store, tmp_path: Path) -> None:
    frame, info = fee_schedule(full_store, date_of_service="2026-07-15", locality="13202-01")
    assert info.localities == 1 and set(frame["mac"]) == {"13202"}
    row = frame.filter((pl.col("hcpcs") == "76000") & (pl.col("modifier") == "")).row(0, named=True)
    assert str(row["non_facility_amount"]) == "50.82"  # PROVENANCE's worked check, and the engine's
    assert row["facility_amount"] is None  # NA

    csv_info = export_fee_schedule(
        full_store, tmp_path / "fs.csv", date_of_service="2026-07-15", zip_code="10001"
    )
    written = pl.read_csv(tmp_path / "fs.csv", infer_schema_length=0)
    assert written.height == csv_info.rows == frame.height
    assert any(w.family == "zip_locality" for w in csv_info.warnings)
    parquet = export_fee_schedule(
        full_store, tmp_path / "fs.parquet", date_of_service="2026-07-15", locality="13202-01"
    )
    assert pl.read_parquet(tmp_path / "fs.parquet").height == parquet.rows
    with pytest.raises(FieldError, match=r"\.csv or \.parquet"):
        export_fee_schedule(full_store, tmp_path / "fs.xlsx", date_of_service="2026-07-15")


def test_unpaid_statuses_are_not_exported(full_store: Store) -> None:
    frame, _ = fee_schedule(full_store, date_of_service="2026-07-15", locality="10112-00")
    assert set(frame["status_code"]) <= {"A", "R", "T"}
    both_na = frame.filter(
        pl.col("non_facility_amount").is_null() & pl.col("facility_amount").is_null()
    )
    assert both_na.height == 0
