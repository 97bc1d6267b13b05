"""Claim-level reductions. The percentages are the RVU25D readme's (Multiple Procedure
indicators 2 and 4), written here as the specification the engine must meet."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from clearclaim.errors import FieldError
from clearclaim.pricing import Pricer, price_claim
from clearclaim.store import Store

DAY = date(2026, 7, 15)
LOC = "13202-01"


def _pct(amount: Decimal, percent: int) -> Decimal:
    return (amount * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _codes(store: Store, where: str, count: int, status: str = "A") -> list[str]:
    choice = store.release_for("pfs_rvu", DAY)
    rows = store.fetchall(
        f"SELECT hcpcs FROM pfs_rvu WHERE {choice.sql_in()} AND modifier = ''"
        f" AND status_code = '{status}' AND {where} ORDER BY hcpcs",
        choice.ids,
    )
    assert len(rows) >= count, where
    step = len(rows) // count
    return [rows[i * step][0] for i in range(count)]


def test_standard_multiple_procedure_reduction(full_store: Store, pricer: Pricer) -> None:
    codes = _codes(full_store, "mult_proc = '2' AND na_non_facility IS NULL", 3)
    singles = {c: pricer.price(c, date_of_service=DAY, locality=LOC).amount for c in codes}
    claim = price_claim(pricer, codes, date_of_service=DAY, locality=LOC)
    ranked = sorted(codes, key=lambda c: singles[c], reverse=True)  # type: ignore[arg-type, return-value]
    allowed = {line.code: line.allowed for line in claim.lines}
    assert allowed[ranked[0]] == singles[ranked[0]]
    for code in ranked[1:]:
        assert allowed[code] == _pct(singles[code], 50)  # type: ignore[arg-type]
    assert claim.total == sum(allowed.values())  # type: ignore[arg-type]
    assert any("MPPR01" in note for note in claim.notes)


def test_a_single_procedure_is_not_reduced(pricer: Pricer) -> None:
    claim = price_claim(pricer, ["62321"], date_of_service=DAY, locality=LOC)
    assert claim.lines[0].allowed == claim.lines[0].fee_schedule_amount
    assert claim.lines[0].reductions == []


def test_diagnostic_imaging_reduces_tc_by_half_and_pc_by_five_percent(
    full_store: Store, pricer: Pricer
) -> None:
    codes = _codes(full_store, "mult_proc = '4' AND pctc_indicator = '1'", 3)

    def amount(code: str, mod: str | None) -> Decimal:
        value = pricer.price(code, modifier=mod, date_of_service=DAY, locality=LOC).amount
        assert value is not None
        return value

    tc = {c: amount(c, "TC") for c in codes}
    pc = {c: amount(c, "26") for c in codes}
    claim = price_claim(pricer, codes, date_of_service=DAY, locality=LOC)
    tc_rank = sorted(codes, key=lambda c: tc[c], reverse=True)
    pc_rank = sorted(codes, key=lambda c: pc[c], reverse=True)
    for line in claim.lines:
        expected_cut = Decimal(0)
        if line.code != tc_rank[0]:
            expected_cut += tc[line.code] - _pct(tc[line.code], 50)
        if line.code != pc_rank[0]:
            expected_cut += pc[line.code] - _pct(pc[line.code], 95)
        assert line.fee_schedule_amount is not None
        assert line.allowed == line.fee_schedule_amount - expected_cut, line.code
    rules = {r.rule_id for line in claim.lines for r in line.reductions}
    assert rules == {"MPPR02", "MPPR03"}


def test_status_t_is_bundled_with_another_service(full_store: Store, pricer: Pricer) -> None:
    t_code = _codes(full_store, "na_non_facility IS NULL", 1, status="T")[0]
    alone = price_claim(pricer, [t_code], date_of_service=DAY)
    assert alone.lines[0].allowed == alone.lines[0].fee_schedule_amount
    together = price_claim(pricer, [t_code, "99213"], date_of_service=DAY)
    t_line = next(line for line in together.lines if line.code == t_code)
    assert t_line.allowed == 0
    assert any("status T" in note for note in t_line.notes)


def test_units_count_as_procedures_and_lines_carry_their_modifier(pricer: Pricer) -> None:
    claim = price_claim(
        pricer,
        [{"code": "64483", "units": 2}, "76000-26"],
        date_of_service=DAY,
        locality=LOC,
    )
    assert [(line.code, line.unit, line.modifier) for line in claim.lines] == [
        ("64483", 1, None), ("64483", 2, None), ("76000", 1, "26"),
    ]  # fmt: skip
    first, second = claim.lines[0], claim.lines[1]
    assert first.allowed == first.fee_schedule_amount
    assert second.allowed == _pct(second.fee_schedule_amount, 50)  # type: ignore[arg-type]


def test_unpriced_lines_stay_on_the_claim(pricer: Pricer) -> None:
    claim = price_claim(pricer, ["76000", "62321"], date_of_service=DAY, pos="22")
    global_76000 = claim.lines[0]
    assert global_76000.allowed is None and "-26" in global_76000.notes[0]
    assert claim.total == claim.lines[1].allowed


def test_an_empty_claim_is_an_input_error(pricer: Pricer) -> None:
    with pytest.raises(FieldError):
        price_claim(pricer, [], date_of_service=DAY)
