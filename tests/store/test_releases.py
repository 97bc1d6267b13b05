"""Release names, effective ranges and the choice of release by date of service."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

import pytest

from clearclaim.errors import ReleaseError
from clearclaim.store.releases import (
    date_in_name,
    effective_quarter,
    julian_to_iso,
    parse_rvu_name,
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("pprrvu_rvu24ar_jan.csv.gz", "RVU24AR"),
        ("pprrvu_rvu20c_v0618.csv.gz", "RVU20C"),
        ("PPRRVU2025_Oct.csv.gz", "RVU25D"),
        ("PPRRVU2026_Jul_nonQPP.csv.gz", "RVU26C"),
        ("PPRRVU24_JAN.csv", "RVU24A"),
        ("RVU26A.zip", "RVU26A"),
        ("RVU18C1", "RVU18C"),
    ],
)
def test_rvu_names(text: str, label: str) -> None:
    name = parse_rvu_name(text)
    assert name is not None and name.label == label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ncci_ptp_practitioner_2024-07-01.csv.gz", date(2024, 7, 1)),
        ("MCR_MUE_PractitionerServices_Eff_07-01-2024.csv", date(2024, 7, 1)),
        ("AOC_V2026Q2-MCR.xlsx", date(2026, 4, 1)),
        ("hcpcs_level2_2024-07.csv.gz", date(2024, 7, 1)),
        ("OPPSCAP_Oct2025.csv.gz", date(2025, 10, 1)),
        ("2025_January_Addendum_B.csv.gz", date(2025, 1, 1)),
        ("GPCI2025.csv", None),
    ],
)
def test_dates_in_names(text: str, expected: date | None) -> None:
    assert date_in_name(text) == expected


def test_posted_dates_take_effect_next_quarter() -> None:
    assert effective_quarter(date(2024, 7, 1)) == (2024, 3)
    assert effective_quarter(date(2024, 6, 3)) == (2024, 3)
    assert effective_quarter(date(2024, 12, 2)) == (2025, 1)


def test_julian_dates() -> None:
    assert julian_to_iso("2024183") == "2024-07-01"
    assert julian_to_iso("2013091") == "2013-04-01"
    assert julian_to_iso("2025365") == "2025-12-31"
    with pytest.raises(ValueError):
        julian_to_iso("2024400")


def _raw_rvu_row(path: Path, code: str, modifier: str = "") -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            hcpcs = row.get("HCPCS") or row.get("hcpcs")
            mod = row.get("MOD") if "MOD" in row else row.get("mod")
            if hcpcs == code and (mod or "") == modifier:
                return row
    raise AssertionError(f"{code} not in {path}")


def test_date_of_service_picks_the_release_in_force(full_store, data_dir: Path) -> None:
    """27093's facility PE RVU changed between the 2025 and 2026 files."""
    raw_2025 = _raw_rvu_row(data_dir / "pfs" / "PPRRVU2025_Oct.csv.gz", "27093")
    raw_2026 = _raw_rvu_row(data_dir / "pfs" / "PPRRVU2026_Jul_nonQPP.csv.gz", "27093")
    assert raw_2025["FACILITY PE RVU"] != raw_2026["FACILITY PE RVU"]

    def facility_pe(day: date) -> tuple[str, float]:
        choice = full_store.release_for("pfs_rvu", day)
        value = full_store.scalar(
            f"SELECT pe_rvu_facility FROM pfs_rvu WHERE {choice.sql_in()}"
            " AND hcpcs = ? AND modifier = ''",
            (*choice.ids, "27093"),
        )
        return choice.release.label, value

    assert facility_pe(date(2025, 11, 3)) == ("RVU25D", float(raw_2025["FACILITY PE RVU"]))
    assert facility_pe(date(2026, 8, 14)) == ("RVU26C", float(raw_2026["FACILITY PE RVU"]))
    # the revised January 2024 file took effect on 2024-03-09
    assert full_store.release_for("pfs_rvu", date(2024, 3, 8)).release.label == "RVU24A"
    assert full_store.release_for("pfs_rvu", date(2024, 3, 9)).release.label == "RVU24AR"


def test_no_release_in_force_uses_the_nearest_and_says_so(full_store) -> None:
    later = full_store.release_for("pfs_rvu", date(2026, 11, 24))
    assert not later.in_force and later.release.label == "RVU26C"
    assert later.warning is not None and "RVU26C" in later.warning.message
    assert "2026-11-24" in later.warning.message
    earlier = full_store.release_for("pfs_rvu", date(2019, 6, 1))
    assert not earlier.in_force and earlier.release.label == "RVU20A"
    exact = full_store.release_for("pfs_rvu", date(2025, 12, 1))
    assert exact.in_force and exact.warning is None


def test_annual_gpci_falls_back_to_the_newest_earlier_year(full_store) -> None:
    assert full_store.release_for("gpci", date(2026, 8, 1)).release.label == "RVU26A"
    gap = full_store.release_for("gpci", date(2027, 2, 1))
    assert gap.release.label == "RVU26A" and gap.warning is not None


def test_deleted_ptp_edit_is_not_in_force_for_a_2024_date(full_store) -> None:
    day = date(2024, 8, 1)
    choice = full_store.release_for("ptp_practitioner", day)
    assert choice.in_force
    rows = full_store.fetchall(
        f"SELECT deletion_date, modifier_indicator FROM ptp WHERE {choice.sql_in()}"
        " AND column_1 = ? AND column_2 = ?",
        (*choice.ids, "27093", "77002"),
    )
    assert rows == [("2010-03-31", "1")]
    in_force = [r for r in rows if date.fromisoformat(r[0]) >= day]
    assert in_force == []
    # while an active edit is in force on the same date
    active = full_store.scalar(
        f"SELECT deletion_date FROM ptp WHERE {choice.sql_in()} AND column_1 = ? AND column_2 = ?",
        (*choice.ids, "62321", "77003"),
    )
    assert active == "9999-12-31"


def test_unknown_family_is_a_release_error(full_store) -> None:
    with pytest.raises(ReleaseError, match="ASC Addendum AA"):
        full_store.release_for("asc_rate", date(2026, 1, 1))
