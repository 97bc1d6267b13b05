"""Status codes, NA indicators, PC/TC modifiers, the OPPS cap, ZIP look-up and the
nearest-release warnings. Codes are found in the store or raw files by their
indicators, so the tests follow the data rather than a list typed in here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cms_raw import cap_rows, cents, find, gpci_rows, rvu_rows, rvu_values, zip_rows

from clearclaim.errors import (
    FieldError,
    InputError,
    InvalidModifierError,
    UnknownCodeError,
    UnknownLocalityError,
)
from clearclaim.importers import import_paths
from clearclaim.knowledge import indicator_label
from clearclaim.pricing import Pricer, price
from clearclaim.store import Store

DAY_2026 = date(2026, 7, 15)
DAY_2025 = date(2025, 11, 1)


def _code_with(
    store: Store, day: date, where: str, params: tuple[object, ...] = ()
) -> tuple[str, str]:
    choice = store.release_for("pfs_rvu", day)
    row = store.fetchone(
        f"SELECT hcpcs, modifier FROM pfs_rvu WHERE {choice.sql_in()} AND {where}"
        " ORDER BY hcpcs, modifier",
        (*choice.ids, *params),
    )
    assert row is not None, where
    return row[0], row[1]


# -- status codes -------------------------------------------------------------


@pytest.mark.parametrize("status", ["B", "C", "I", "N", "X", "E", "P", "M", "J"])
def test_status_without_payment_gives_no_amount_and_says_why(
    full_store: Store, pricer: Pricer, status: str
) -> None:
    code, mod = _code_with(full_store, DAY_2026, "status_code = ?", (status,))
    result = pricer.price(code, modifier=mod or None, date_of_service=DAY_2026)
    label = indicator_label("status", status)
    assert label is not None
    assert result.amount is None
    assert result.amounts["facility"].amount is None
    assert result.reason is not None and label.label in result.reason
    assert f"status {status}" in result.reason


def test_status_b_with_rvus_still_pays_nothing(full_store: Store, pricer: Pricer) -> None:
    code, mod = _code_with(
        full_store, DAY_2026, "status_code = 'B' AND work_rvu + pe_rvu_non_facility + mp_rvu > 0"
    )
    result = pricer.price(code, modifier=mod or None, date_of_service=DAY_2026)
    assert result.rvu.total > 0
    assert result.amount is None and "Bundled" in (result.reason or "")


def test_status_t_is_priced_with_its_condition(full_store: Store, pricer: Pricer) -> None:
    code, mod = _code_with(full_store, DAY_2026, "status_code = 'T' AND na_non_facility IS NULL")
    result = pricer.price(code, modifier=mod or None, date_of_service=DAY_2026)
    assert result.amount is not None and result.amount > 0
    assert any(w.code == "status_note" and "Status T" in w.message for w in result.warnings)


def test_status_r_priced_only_with_rvus(full_store: Store, pricer: Pricer) -> None:
    with_rvus = _code_with(
        full_store, DAY_2026, "status_code = 'R' AND work_rvu + pe_rvu_non_facility + mp_rvu > 0"
        " AND na_non_facility IS NULL",
    )  # fmt: skip
    without = _code_with(
        full_store, DAY_2026, "status_code = 'R' AND work_rvu + pe_rvu_non_facility + mp_rvu = 0"
    )
    paid = pricer.price(with_rvus[0], modifier=with_rvus[1] or None, date_of_service=DAY_2026)
    assert paid.amount is not None and paid.amount > 0
    unpaid = pricer.price(without[0], modifier=without[1] or None, date_of_service=DAY_2026)
    assert unpaid.amount is None and "MAC prices it" in (unpaid.reason or "")


# -- NA indicators ------------------------------------------------------------


def test_na_non_facility_has_no_office_amount(full_store: Store, pricer: Pricer) -> None:
    code, mod = _code_with(
        full_store, DAY_2026, "status_code = 'A' AND na_non_facility = 'NA' AND na_facility IS NULL"
    )
    office = pricer.price(code, modifier=mod or None, date_of_service=DAY_2026, pos="11")
    assert office.amount is None and (office.reason or "").startswith("NA")
    hospital = pricer.price(code, modifier=mod or None, date_of_service=DAY_2026, pos="22")
    assert hospital.setting == "facility"
    assert hospital.amount is not None and hospital.amount > 0


def test_76000_global_in_a_hospital_points_to_the_professional_component(pricer: Pricer) -> None:
    result = pricer.price("76000", date_of_service=DAY_2026, pos="22")
    assert result.amount is None
    assert "-26" in (result.reason or "")
    assert pricer.price("76000", modifier="26", date_of_service=DAY_2026, pos="22").amount


@pytest.mark.parametrize(("pos", "setting"), [("11", "non_facility"), ("19", "facility"),
                                              ("21", "facility"), ("22", "facility"),
                                              ("23", "facility"), ("24", "facility"),
                                              ("12", "non_facility")])  # fmt: skip
def test_setting_comes_from_the_place_of_service_table(
    full_store: Store, pricer: Pricer, pos: str, setting: str
) -> None:
    result = pricer.price("77003", modifier="26", date_of_service=DAY_2026, pos=pos)
    assert result.setting == setting
    table = full_store.fetchone("SELECT pos_type FROM place_of_service WHERE pos_code = ?", (pos,))
    assert table is not None
    assert (table[0] == "Facility") == (setting == "facility")


# -- PC/TC ----------------------------------------------------------------------


def test_components_come_from_the_modifier_rows(pricer: Pricer) -> None:
    raw = rvu_rows("PPRRVU2026_Jul_nonQPP.csv.gz")
    for mod in ("26", "TC"):
        values = rvu_values(raw[("76000", mod)], "non_facility")
        result = pricer.price("76000", modifier=mod, date_of_service=DAY_2026)
        assert result.modifier == mod
        assert (result.rvu.work, result.rvu.pe, result.rvu.mp) == (
            values["work"], values["pe"], values["mp"],
        )  # fmt: skip
        expected = cents((values["work"] + values["pe"] + values["mp"]) * values["cf"])  # type: ignore[operator]
        assert result.amount == expected


@pytest.mark.parametrize("pctc", ["0", "2", "3", "4", "9"])
def test_26_and_tc_rejected_where_the_pctc_indicator_forbids_them(
    full_store: Store, pricer: Pricer, pctc: str
) -> None:
    code, _ = _code_with(
        full_store, DAY_2026, "pctc_indicator = ? AND status_code = 'A' AND modifier = ''", (pctc,)
    )
    for mod in ("26", "TC"):
        with pytest.raises(InvalidModifierError) as caught:
            pricer.price(code, modifier=mod, date_of_service=DAY_2026)
        assert f"PC/TC indicator {pctc}" in str(caught.value)
        assert caught.value.exit_code == 2


def test_26_on_99213_names_the_reason(pricer: Pricer) -> None:
    with pytest.raises(InvalidModifierError, match="modifier 26 is not valid with 99213"):
        pricer.price("99213", modifier="26", date_of_service=DAY_2026)


def test_lab_interpretation_codes_pay_only_their_26(full_store: Store, pricer: Pricer) -> None:
    """PC/TC 6: the -26 row is a physician service; the test itself (the global row, status X
    in the file) is paid under the lab fee schedule, not the PFS."""
    code, mod = _code_with(full_store, DAY_2026, "pctc_indicator = '6'")
    assert mod == "26"
    professional = pricer.price(code, modifier="26", date_of_service=DAY_2026)
    assert professional.amount is not None and professional.amount > 0
    with pytest.raises(InvalidModifierError, match="PC/TC indicator"):
        pricer.price(code, modifier="TC", date_of_service=DAY_2026)
    test_itself = pricer.price(code, date_of_service=DAY_2026)
    assert test_itself.amount is None and test_itself.status_code != "A"


def test_a_modifier_without_a_row_is_rejected(pricer: Pricer) -> None:
    with pytest.raises(InvalidModifierError, match="does not change the fee schedule amount"):
        pricer.price("76000", modifier="51", date_of_service=DAY_2026)


# -- OPPS cap -------------------------------------------------------------------


def _binding_cap_row() -> tuple[tuple[str, str, str, str], dict[str, str]]:
    """A row of the raw October 2025 OPPSCAP file where the cap is below the PFS amount."""
    raw_rvus = rvu_rows("PPRRVU2025_Oct.csv.gz")
    gpcis = gpci_rows("GPCI2025.csv", None)
    for key, row in sorted(cap_rows("OPPSCAP_Oct2025.csv.gz", None).items()):
        code, mod, mac, loc = key
        if row["PROCSTAT"] != "A" or (mac, loc) not in gpcis or mod not in ("", "TC"):
            continue
        values = rvu_values(raw_rvus[(code, mod)], "non_facility")
        g = gpcis[(mac, loc)]
        pfs = cents(
            (values["work"] * g[0] + values["pe"] * g[1] + values["mp"] * g[2]) * values["cf"]
        )  # type: ignore[operator]
        if Decimal(row["NON-FACILTY PRICE"]) < pfs:
            return key, row
    raise AssertionError("no binding cap row in OPPSCAP_Oct2025")


def test_opps_cap_pays_the_lower_amount(pricer: Pricer) -> None:
    (code, mod, mac, loc), row = _binding_cap_row()
    result = pricer.price(
        code, modifier=mod or None, date_of_service=DAY_2025, locality=f"{mac}-{loc}"
    )
    assert result.release == "RVU25D"
    assert result.opps_cap_applied
    assert result.amount == Decimal(row["NON-FACILTY PRICE"])
    assert result.amounts["non_facility"].pfs_amount > result.amount  # type: ignore[operator]
    assert (result.amounts["non_facility"].opps_cap_source or "").startswith("OPPSCAP file")
    assert any(
        s.title == "OPPS cap file" and s.file == "OPPSCAP_Oct2025.csv.gz" for s in result.sources
    )
    assert any("OPPS cap" in line for line in result.arithmetic)


def test_opps_cap_not_applied_to_the_professional_component(pricer: Pricer) -> None:
    (code, _mod, mac, loc), _row = _binding_cap_row()
    try:
        result = pricer.price(
            code, modifier="26", date_of_service=DAY_2025, locality=f"{mac}-{loc}"
        )
    except InvalidModifierError:
        pytest.skip(f"{code} has no -26 row")
    assert not result.opps_cap_applied
    assert result.amounts["non_facility"].opps_cap_amount is None


def test_national_cap_uses_the_readme_formula(pricer: Pricer) -> None:
    (code, mod, _mac, _loc), _row = _binding_cap_row()
    raw = rvu_values(rvu_rows("PPRRVU2025_Oct.csv.gz")[(code, mod)], "non_facility")
    opps = cents((raw["work"] + raw["opps_pe"] + raw["opps_mp"]) * raw["cf"])  # type: ignore[operator]
    pfs = cents((raw["work"] + raw["pe"] + raw["mp"]) * raw["cf"])  # type: ignore[operator]
    result = pricer.price(code, modifier=mod or None, date_of_service=DAY_2025)
    assert result.amounts["non_facility"].opps_cap_amount == opps
    assert result.amount == min(opps, pfs)
    assert result.opps_cap_applied == (opps < pfs)


# -- localities ----------------------------------------------------------------


def test_zip_finds_its_locality(pricer: Pricer) -> None:
    carrier, loc = zip_rows()["10001"]
    for text in ("10001", "10001-1234", " 100011234 "):
        result = pricer.price("76000", modifier="26", date_of_service=DAY_2025, zip_code=text)
        assert (result.locality.mac, result.locality.number) == (carrier, loc)
        assert result.locality.chosen_by == "zip" and result.locality.zip_code == "10001"
        assert any(s.title == "ZIP to locality file" and s.row == "10001" for s in result.sources)


@pytest.mark.parametrize("text", ["1000", "ABCDE", "100011", "10001-12"])
def test_malformed_zip_is_an_input_error(pricer: Pricer, text: str) -> None:
    with pytest.raises(FieldError, match="not a ZIP code") as caught:
        pricer.price("76000", date_of_service=DAY_2025, zip_code=text)
    assert caught.value.exit_code == 2


def test_zip_not_in_the_file(pricer: Pricer) -> None:
    known = zip_rows()
    missing = next(f"{n:05d}" for n in range(100000) if f"{n:05d}" not in known)
    with pytest.raises(UnknownLocalityError, match=f"ZIP {missing} is not in"):
        pricer.price("76000", date_of_service=DAY_2025, zip_code=missing)


def test_locality_not_in_the_file(pricer: Pricer) -> None:
    with pytest.raises(UnknownLocalityError) as caught:
        pricer.price("76000", date_of_service=DAY_2026, locality="01112-99")
    assert "not in the GPCI file" in caught.value.message
    assert "05" in (caught.value.hint or "")
    with pytest.raises(FieldError):
        pricer.price("76000", date_of_service=DAY_2026, locality="0111")


def test_zip_and_locality_together_are_refused(pricer: Pricer) -> None:
    with pytest.raises(InputError):
        pricer.price("76000", date_of_service=DAY_2026, zip_code="10001", locality="13202-01")


# -- codes and dates -----------------------------------------------------------


def test_unknown_code_offers_the_closest(pricer: Pricer) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        pricer.price("7600", date_of_service=DAY_2026)
    assert caught.value.closest[0] == "76000"
    assert caught.value.exit_code == 2


def test_code_of_another_year_says_where_it_is(pricer: Pricer) -> None:
    # 0266T is in the 2025 file and gone from July 2026 (PROVENANCE trust notes)
    assert "0266T" in {c for c, _ in rvu_rows("PPRRVU2025_Oct.csv.gz")}
    assert "0266T" not in {c for c, _ in rvu_rows("PPRRVU2026_Jul_nonQPP.csv.gz")}
    with pytest.raises(UnknownCodeError) as caught:
        pricer.price("0266T", date_of_service=DAY_2026)
    assert "RVU25D" in (caught.value.hint or "")
    assert pricer.price("0266T", date_of_service=DAY_2025).release == "RVU25D"


def test_date_before_the_oldest_release_is_an_input_error(pricer: Pricer) -> None:
    with pytest.raises(FieldError, match="before the oldest PFS release") as caught:
        pricer.price("76000", date_of_service="2019-12-31")
    assert caught.value.exit_code == 2
    with pytest.raises(FieldError, match="not a date"):
        pricer.price("76000", date_of_service="2026-13-01")


def test_nearest_release_is_of_the_same_year_and_says_so(pricer: Pricer) -> None:
    # no RVU file covers 2025-03-01: RVU25D (the same fee schedule year, later) is used,
    # not RVU24C (earlier, but with 2024's RVUs and conversion factor)
    result = pricer.price("76000", date_of_service="2025-03-01", locality="13202-01")
    assert result.release == "RVU25D"
    families = {w.family for w in result.warnings if w.code == "release_not_in_force"}
    assert "pfs_rvu" in families
    assert result.gpci.release == "2025"  # the GPCIs in force that day are used
    # after the newest release: the newest, with a warning
    late = pricer.price("76000", date_of_service="2026-12-01")
    assert late.release == "RVU26C"
    assert any(w.family == "pfs_rvu" for w in late.warnings)


def test_zip_file_from_another_quarter_is_a_warning(pricer: Pricer) -> None:
    result = pricer.price("76000", modifier="26", date_of_service=DAY_2026, zip_code="10001")
    assert any(w.family == "zip_locality" for w in result.warnings)


def test_conversion_factor_is_the_release_s(pricer: Pricer) -> None:
    before = pricer.price("76000", date_of_service="2024-03-08")
    after = pricer.price("76000", date_of_service="2024-03-09")
    assert (before.release, after.release) == ("RVU24A", "RVU24AR")
    raw_a = rvu_values(rvu_rows("pprrvu_rvu24a_jan.csv.gz")[("76000", "")], "non_facility")
    raw_ar = rvu_values(rvu_rows("pprrvu_rvu24ar_jan.csv.gz")[("76000", "")], "non_facility")
    assert (before.conversion_factor, after.conversion_factor) == (raw_a["cf"], raw_ar["cf"])
    # the CF history agrees with both, so there is no cross-check warning
    assert not any(
        w.code == "conversion_factor_differs" for w in (*before.warnings, *after.warnings)
    )


def test_module_function_and_json_shape(full_store: Store) -> None:
    result = price(full_store, "77003", modifier="26", date_of_service=DAY_2026,
                   locality="13202-01", pos="22")  # fmt: skip
    data = result.model_dump(mode="json")
    for key in ("code", "modifier", "date_of_service", "release", "locality", "pos", "setting",
                "rvu", "gpci", "conversion_factor", "amount", "opps_cap_applied", "warnings",
                "sources", "facility_payment", "indicators", "arithmetic"):  # fmt: skip
        assert key in data, key
    assert set(data["locality"]) >= {"mac", "number", "name"}
    assert set(data["rvu"]) == {"work", "pe", "mp", "total"}
    assert isinstance(data["amount"], float)
    assert data["facility_payment"]["system"] == "OPPS"
    assert data["indicators"]["supervision"]["code"] == "09"


def test_missing_gpci_year_uses_the_earlier_release(empty_store: Store) -> None:
    """With GPCIs for 2024 and 2026 but not 2025, a 2025 date uses 2024's (the earlier),
    never 2026's, and says so."""
    files = [find(name) for name in ("PPRRVU2025_Oct.csv.gz", "gpci_2024.csv", "GPCI2026.csv",
                                     "pos_codes_2024-06.csv")]  # fmt: skip
    assert import_paths(empty_store, files).ok
    result = Pricer(empty_store).price("76000", date_of_service=DAY_2025, locality="13202-01")
    assert result.release == "RVU25D"
    assert result.gpci.release == "RVU24C"
    raw = gpci_rows("gpci_2024.csv", "rvu24c")[("13202", "01")]
    assert (result.gpci.work, result.gpci.pe, result.gpci.mp) == raw
    warning = next(w for w in result.warnings if w.family == "gpci")
    assert "RVU24C" in warning.message and "nearest" in warning.message
