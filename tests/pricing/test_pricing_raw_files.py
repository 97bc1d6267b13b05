"""The engine's amounts against an independent calculation from the raw CMS files.

The expected values are computed here from the shipped CSV rows (read with
csv/gzip, not through the importer or the store): the readme formula with the
file's RVUs, GPCIs and CONV FACTOR, exact decimals, rounded half up at the end.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from cms_raw import (
    cap_rows,
    cents,
    expected_amount,
    gpci_rows,
    rvu_rows,
    rvu_values,
)

from clearclaim.pricing import Pricer, PriceResult
from clearclaim.store import Store

ONE = Decimal(1)
POS_SETTING = {"11": "non_facility", "22": "facility", "19": "facility", "21": "facility"}


def _source(result: PriceResult, title: str) -> tuple[str, str]:
    found = [s for s in result.sources if s.title == title]
    assert len(found) == 1, (title, result.sources)
    assert found[0].file and found[0].release
    return found[0].file, found[0].release


def _raw_gpci(result: PriceResult) -> tuple[Decimal, ...]:
    if result.locality.national:
        return (ONE, ONE, ONE)
    file_name, label = _source(result, "GPCI")
    # the history files stack every quarter's GPCIs: their 'release' column names it
    return gpci_rows(file_name, label.lower())[(result.locality.mac, result.locality.number)]


def _raw_cap(
    result: PriceResult, raw: dict[str, Decimal | str], gpci: tuple[Decimal, ...], setting: str
) -> Decimal:
    """The OPPS cap from the raw OPPSCAP row, or the readme formula over the raw OPPS columns."""
    chosen = result.amounts[setting]  # type: ignore[index]
    if (chosen.opps_cap_source or "").startswith("OPPSCAP"):
        file_name, label = _source(result, "OPPS cap file")
        loc = result.locality
        row = cap_rows(file_name, label.lower())[
            (result.code, result.modifier or "", loc.mac, loc.number)
        ]
        column = "facility_price" if setting == "facility" else "non_facility_price"
        cms = "FACILITY PRICE" if setting == "facility" else "NON-FACILTY PRICE"
        return Decimal(row.get(cms) or row[column])
    work, pe, mp, cf = raw["work"], raw["opps_pe"], raw["opps_mp"], raw["cf"]
    return cents((work * gpci[0] + pe * gpci[1] + mp * gpci[2]) * cf)  # type: ignore[operator]


def _draws(store: Store, count: int, seed: int) -> list[tuple[str, str, str | None, date, str]]:
    """(code, modifier, locality, date, pos): codes and localities picked from what the store
    holds for the date, so every draw is priceable; amounts come from the raw files."""
    rng = random.Random(seed)
    start, end = date(2020, 1, 1), date(2026, 12, 31)
    draws = []
    while len(draws) < count:
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        pfs = store.release_for("pfs_rvu", day)
        gpci = store.release_for("gpci", day)
        codes = store.fetchall(
            f"SELECT hcpcs, modifier FROM pfs_rvu WHERE {pfs.sql_in()} AND status_code = 'A'"
            " ORDER BY hcpcs, modifier",
            pfs.ids,
        )
        localities = store.fetchall(
            f"SELECT mac, locality FROM gpci WHERE {gpci.sql_in()} ORDER BY mac, locality",
            gpci.ids,
        )
        for _ in range(10):
            code, mod = rng.choice(codes)
            mac, loc = rng.choice(localities)
            locality = None if rng.random() < 0.1 else f"{mac}-{loc}"
            draws.append((code, mod, locality, day, rng.choice(list(POS_SETTING))))
    return draws[:count]


def test_random_draws_match_raw_files_to_the_cent(full_store: Store, pricer: Pricer) -> None:
    checked = capped = national = 0
    releases = set()
    for code, mod, locality, day, pos in _draws(full_store, 400, seed=20261124):
        result = pricer.price(
            code, modifier=mod or None, date_of_service=day, locality=locality, pos=pos
        )
        setting = POS_SETTING[pos]
        assert result.setting == setting
        rvu_file, rvu_label = _source(result, "PFS relative value file")
        releases.add(rvu_label)
        raw = rvu_values(rvu_rows(rvu_file)[(code, mod)], setting)
        assert raw["status"] == "A"
        assert result.conversion_factor == raw["cf"]
        gpci = _raw_gpci(result)
        assert (result.gpci.work, result.gpci.pe, result.gpci.mp) == gpci
        chosen = result.amounts[setting]
        if raw["na"] == "NA":
            assert result.amount is None and "NA" in (result.reason or "")
            continue
        expected = expected_amount(raw, gpci)
        assert chosen.pfs_amount == expected, (code, mod, locality, day, pos)
        if chosen.opps_cap_amount is None:
            assert result.amount == expected
        else:
            capped += chosen.opps_cap_applied
            assert result.amount == min(expected, _raw_cap(result, raw, gpci, setting))
        national += result.locality.national
        checked += 1
    assert checked > 250
    assert national > 10
    assert len(releases) > 10, releases


@pytest.mark.parametrize(
    ("locality", "mac", "number"),
    [(None, None, None), ("13202-01", "13202", "01"), ("10112-00", "10112", "00")],
    ids=["national", "manhattan", "alabama"],
)
def test_76000_2026_non_facility_global(
    pricer: Pricer, locality: str | None, mac: str | None, number: str | None
) -> None:
    raw = rvu_values(rvu_rows("PPRRVU2026_Jul_nonQPP.csv.gz")[("76000", "")], "non_facility")
    gpci = (ONE, ONE, ONE) if mac is None else gpci_rows("GPCI2026.csv", None)[(mac, number)]
    work, pe, mp = raw["work"], raw["pe"], raw["mp"]
    assert isinstance(work, Decimal) and isinstance(pe, Decimal) and isinstance(mp, Decimal)
    expected = cents((work * gpci[0] + pe * gpci[1] + mp * gpci[2]) * raw["cf"])  # type: ignore[operator]

    result = pricer.price("76000", date_of_service="2026-07-15", locality=locality, pos="11")

    assert result.release == "RVU26C"
    assert result.setting == "non_facility"
    assert result.amount == expected
    assert result.conversion_factor == raw["cf"]
    assert not result.opps_cap_applied
    assert result.rvu.total == work + pe + mp
    if mac is None:
        assert result.locality.national and result.warnings == []
    else:
        assert (result.locality.mac, result.locality.number) == (mac, number)
        assert result.gpci.release == "RVU26A"


def test_rounding_is_half_up_at_the_end_like_cms() -> None:
    """CMS's own computed amounts (OPPSCAP RVU25D, capped rows) are reproduced by the
    engine's arithmetic; rounding the adjusted RVUs first would not reproduce them."""
    raw_rvus = rvu_rows("PPRRVU2025_Oct.csv.gz")
    raw_gpcis = gpci_rows("GPCI2025.csv", None)
    matched = early_rounding_matches = 0
    for (code, mod, mac, loc), row in sorted(cap_rows("OPPSCAP_Oct2025.csv.gz", None).items()):
        if row["PROCSTAT"] != "A" or (mac, loc) not in raw_gpcis:
            continue
        rvu = rvu_values(raw_rvus[(code, mod)], "non_facility")
        g = raw_gpcis[(mac, loc)]
        opps = rvu["work"] * g[0] + rvu["opps_pe"] * g[1] + rvu["opps_mp"] * g[2]  # type: ignore[operator]
        target = Decimal(row["NON-FACILTY PRICE"])
        matched += cents(opps * rvu["cf"]) == target  # type: ignore[operator]
        early_rounding_matches += cents(cents(opps) * rvu["cf"]) == target  # type: ignore[operator]
        if matched == 200:
            break
    assert matched == 200
    assert early_rounding_matches < 50
