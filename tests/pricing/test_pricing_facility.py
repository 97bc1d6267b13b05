"""The facility's payment (OPPS / ASC) by place of service.

The ASC test builds a small Addendum AA in CMS's published layout (title lines
above the header, CMS header names). Its codes are real; its payment weights and
rates are INVENTED for this fixture only: no CMS ASC Addendum AA ships with
clearclaim yet (PROVENANCE: "ASC Addendum AA ... not found"), and the test is
about the import path and the pricing that reads it, not about the rates.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cms_raw import find, read_rows

from clearclaim.importers import import_paths
from clearclaim.pricing import Pricer
from clearclaim.store import Store

# invented values (see the module docstring): code, descriptor, discounting, PI, weight, rate
ASC_ROWS = [
    ("62321", "Njx interlaminar crv/thrc", "Y", "G2", "7.1234", "401.11"),
    ("64483", "Njx aa&/strd w/img tfrml lmbr", "Y", "A2", "8.9876", "505.22"),
    ("77003", "Fluoroguide for spine inject", "N", "N1", "", ""),
]


def write_addendum_aa(folder: Path, month: str = "January", year: int = 2026) -> Path:
    path = folder / f"{month}_{year}_ASC_Addendum_AA.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                f"ADDENDUM AA.--FINAL ASC COVERED SURGICAL PROCEDURES FOR CY {year} "
                "(INCLUDING SURGICAL PROCEDURES FOR WHICH PAYMENT IS PACKAGED)"
            ]
        )
        out.writerow(
            ["CPT codes and descriptions only are copyright American Medical Association."]
        )
        out.writerow([])
        out.writerow(
            [
                "HCPCS Code",
                "Short Descriptor",
                "Subject to Multiple Procedure Discounting",
                f"{month} {year} Payment Indicator",
                f"{month} {year} Payment Weight",
                f"{month} {year} Payment Rate",
                "Comment Indicator",
            ]
        )
        for row in ASC_ROWS:
            out.writerow([*row, ""])
    return path


@pytest.fixture
def asc_store(empty_store: Store, tmp_path: Path) -> Store:
    """An empty store with the July 2026 RVUs, the 2026 GPCIs, the POS codes and the AA file."""
    files = [
        find("PPRRVU2026_Jul_nonQPP.csv.gz"),
        find("GPCI2026.csv"),
        find("pos_codes_2024-06.csv"),
        write_addendum_aa(tmp_path),
    ]
    report = import_paths(empty_store, files)
    assert report.ok, [f.message for f in report.failed]
    return empty_store


def test_asc_rate_from_an_imported_addendum_aa(asc_store: Store) -> None:
    assert [r.label for r in asc_store.releases("asc_rate")] == ["2026-01-01"]
    pricer = Pricer(asc_store)
    result = pricer.price("62321", date_of_service="2026-07-15", locality="10112-00", pos="24")
    assert result.setting == "facility"
    assert result.amount is not None  # the physician's facility amount
    fac = result.facility_payment
    assert fac is not None and fac.system == "ASC"
    assert (fac.status_indicator, fac.rate, fac.weight) == (
        "G2",
        Decimal("401.11"),
        Decimal("7.1234"),
    )
    assert fac.release == "2026-01-01"
    # the January file is not in force in July: the earlier release is used, and said so
    assert "Nearest release used" in fac.note
    assert any(w.family == "asc_rate" for w in result.warnings)
    assert any(s.title == "ASC Addendum AA" and s.row == "62321" for s in result.sources)


def test_asc_packaged_code_has_no_rate(asc_store: Store) -> None:
    fac = (
        Pricer(asc_store)
        .price("77003", modifier="26", date_of_service="2026-07-15", pos="24")
        .facility_payment
    )
    assert fac is not None and fac.rate is None and "N1" in fac.note


def test_asc_code_not_in_the_addendum(asc_store: Store) -> None:
    fac = Pricer(asc_store).price("99213", date_of_service="2026-07-15", pos="24").facility_payment
    assert fac is not None and fac.rate is None and "is not in ASC Addendum AA" in fac.note


def test_opps_not_loaded_says_so_instead_of_a_number(asc_store: Store) -> None:
    fac = Pricer(asc_store).price("62321", date_of_service="2026-07-15", pos="22").facility_payment
    assert fac is not None and fac.system == "OPPS"
    assert fac.rate is None and "not loaded" in fac.note


def test_asc_file_in_force_gives_no_warning(empty_store: Store, tmp_path: Path) -> None:
    files = [
        find("PPRRVU2026_Jul_nonQPP.csv.gz"),
        find("pos_codes_2024-06.csv"),
        write_addendum_aa(tmp_path, month="July"),
    ]
    assert import_paths(empty_store, files).ok
    result = Pricer(empty_store).price("64483", date_of_service=date(2026, 7, 15), pos="24")
    fac = result.facility_payment
    assert fac is not None and fac.rate == Decimal("505.22")
    assert "Nearest" not in fac.note
    assert not any(w.family == "asc_rate" for w in result.warnings)


def test_opps_addendum_b_rate_for_hospital_outpatient(pricer: Pricer) -> None:
    raw = {r["HCPCS Code"]: r for r in read_rows(find("2025_January_Addendum_B.csv.gz"))}
    expected = raw["62321"]
    result = pricer.price("62321", date_of_service="2025-02-01", pos="22")
    fac = result.facility_payment
    assert fac is not None and fac.system == "OPPS" and fac.release == "2025-01-01"
    assert fac.status_indicator == expected["SI"]
    assert fac.apc == expected["APC"]
    assert fac.rate == Decimal(expected["Payment Rate"].replace("$", "").replace(",", ""))
    # an office visit has no facility payment section
    assert pricer.price("62321", date_of_service="2025-02-01", pos="11").facility_payment is None


def test_opps_release_after_the_date_gives_no_number(pricer: Pricer) -> None:
    fac = pricer.price("62321", date_of_service="2022-05-01", pos="19").facility_payment
    assert fac is not None and fac.rate is None
    assert "after the date of service" in fac.note
