"""Fixtures for the edit engine tests: one engine over the full store, and the
raw CMS NCCI rows read straight from the shipped files (not through the store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clearclaim.edits import EditEngine
from clearclaim.store import Store

#: a date inside the shipped PTP/MUE release (2024-07-01 to 2024-09-30)
IN_QUARTER = date(2024, 8, 1)


@pytest.fixture(scope="session")
def engine(full_store: Store) -> EditEngine:
    return EditEngine(full_store)


def _raw(data_dir: Path, pattern: str) -> pl.DataFrame:
    paths = sorted((data_dir / "ncci").glob(pattern))
    assert paths, f"no shipped file matches ncci/{pattern}"
    return pl.read_csv(paths[0], infer_schema=False)


@pytest.fixture(scope="session")
def raw_ptp_practitioner(data_dir: Path) -> pl.DataFrame:
    return _raw(data_dir, "ncci_ptp_practitioner_*.csv.gz")


@pytest.fixture(scope="session")
def raw_ptp_outpatient(data_dir: Path) -> pl.DataFrame:
    return _raw(data_dir, "ncci_ptp_outpatient_hospital_*.csv.gz")


@pytest.fixture(scope="session")
def raw_mue_practitioner(data_dir: Path) -> pl.DataFrame:
    return _raw(data_dir, "ncci_mue_practitioner_*.csv")
