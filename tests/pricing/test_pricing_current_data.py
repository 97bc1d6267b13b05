"""Issue reproducers: the right fee schedule year for a date, the data behind each
price (data_coverage), the non-participating amount and limiting charge, deleted
codes, NA amounts in words. Expected values are computed from the raw CMS files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cms_raw import cents, rvu_rows, rvu_values

from clearclaim.errors import FieldError
from clearclaim.pricing import Pricer
from clearclaim.store import Store


def _national(file_name: str, code: str, setting: str) -> tuple[Decimal, Decimal]:
    raw = rvu_values(rvu_rows(file_name)[(code, "")], setting)
    total = raw["work"] + raw["pe"] + raw["mp"]  # type: ignore[operator]
    return cents(total * raw["cf"]), raw["cf"]  # type: ignore[operator]


def test_a_2026_date_before_the_first_2026_release_is_priced_with_2026_values(
    pricer: Pricer,
) -> None:
    """76000 on 2026-03-01: RVU26C (the 2026 RVUs and conversion factor), not RVU25D."""
    expected, cf = _national("PPRRVU2026_Jul_nonQPP.csv.gz", "76000", "non_facility")
    result = pricer.price("76000", date_of_service="2026-03-01")
    assert result.release == "RVU26C"
    assert result.amount == expected
    assert result.conversion_factor == cf
    stale, _ = _national("PPRRVU2025_Oct.csv.gz", "76000", "non_facility")
    assert result.amount != stale
    # the report names the release and why it was chosen
    (warning,) = [w for w in result.warnings if w.family == "pfs_rvu"]
    assert "RVU26C" in warning.message and "same fee schedule year (2026)" in warning.message
    (pfs,) = [c for c in result.data_coverage if c.family == "pfs_rvu"]
    assert pfs.state == "nearest" and pfs.release == "RVU26C"
    assert pfs.days_away == (date(2026, 7, 1) - date(2026, 3, 1)).days


def test_a_2025_date_before_the_first_2025_release_gets_the_2025_factor(
    pricer: Pricer,
) -> None:
    expected, cf = _national("PPRRVU2025_Oct.csv.gz", "76000", "non_facility")
    result = pricer.price("76000", date_of_service="2025-02-10")
    assert result.release == "RVU25D"
    assert (result.amount, result.conversion_factor) == (expected, cf)


def test_an_in_force_release_is_in_force_in_the_coverage(pricer: Pricer) -> None:
    result = pricer.price("76000", date_of_service="2026-07-15", zip_code="10001", pos="22")
    by_family = {c.family: c for c in result.data_coverage}
    assert by_family["pfs_rvu"].state == "in_force"
    assert {"pfs_rvu", "gpci", "zip_locality", "oppscap", "opps_rate", "place_of_service"} <= set(
        by_family
    )
    # no OPPS Addendum B of 2026 is shipped: the October 2025 one is the nearest
    assert by_family["opps_rate"].state == "nearest"
    assert by_family["opps_rate"].release == "2025-10-01"


def test_non_participating_and_limiting_charge_92626_2024(pricer: Pricer) -> None:
    """The PFS Look-up Tool's figures for 92626 in 2024: $85.88, $81.59, $93.83."""
    result = pricer.price("92626", date_of_service="2024-07-15")
    amounts = result.amounts["non_facility"]
    assert (amounts.amount, amounts.non_participating, amounts.limiting_charge) == (
        Decimal("85.88"),
        Decimal("81.59"),
        Decimal("93.83"),
    )
    # the same rounding from the stored file, for the other setting too
    facility = result.amounts["facility"]
    assert facility.amount is not None
    assert facility.non_participating == cents(facility.amount * Decimal("0.95"))
    assert facility.limiting_charge == cents(facility.non_participating * Decimal("1.15"))


def test_a_deleted_code_says_when_and_what_instead(pricer: Pricer) -> None:
    with pytest.raises(FieldError) as raised:
        pricer.price("76001", date_of_service="2026-03-01")
    assert "76001 was deleted on 2019-01-01, use 76000" in str(raised.value)


def test_a_code_never_loaded_is_still_unknown(pricer: Pricer) -> None:
    from clearclaim.errors import UnknownCodeError

    with pytest.raises(UnknownCodeError) as raised:
        pricer.price("7600X", date_of_service="2026-03-01")
    assert "7600X" in str(raised.value)


def test_no_facility_amount_says_why(pricer: Pricer) -> None:
    result = pricer.price("77003", date_of_service="2026-07-15", pos="22")
    assert result.amount is None
    assert result.reason and "NA" in result.reason and "-26" in result.reason


def test_coverage_of_a_date_names_missing_families(full_store: Store) -> None:
    coverage = full_store.coverage("asc_rate", date(2026, 5, 1))
    assert coverage.state == "missing" and "no ASC Addendum AA is loaded" in coverage.why


def test_claims_and_exports_carry_coverage(full_store: Store, pricer: Pricer) -> None:
    from clearclaim.pricing import price_claim
    from clearclaim.pricing.export import fee_schedule

    claim = price_claim(
        full_store, [("76000", None), ("77003", "26")], date_of_service="2026-03-01"
    )
    (pfs,) = [c for c in claim.data_coverage if c.family == "pfs_rvu"]
    assert (pfs.state, pfs.release) == ("nearest", "RVU26C")
    _, info = fee_schedule(full_store, date_of_service="2026-03-01", locality="13202-01")
    assert {c.family: c.state for c in info.data_coverage}["pfs_rvu"] == "nearest"
