"""Reading the shipped CMS files directly (csv/gzip), for independent expected values.

Nothing here uses clearclaim: the column names are the ones printed in the
files (CMS's, or the snake_case of the history files, see PROVENANCE.md), and
every number stays the text the file holds, turned into a Decimal.
"""

from __future__ import annotations

import csv
import gzip
import io
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from clearclaim.config import shipped_data_dir

DATA = shipped_data_dir()
assert DATA is not None


def find(name: str) -> Path:
    matches = sorted(DATA.rglob(name))
    assert matches, f"{name} is not in {DATA}"
    return matches[0]


def read_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        for row in csv.DictReader(io.StringIO(text))
    ]


def dec(text: str) -> Decimal:
    return Decimal(text) if text.strip() else Decimal(0)


def pick(row: dict[str, str], *names: str) -> str:
    for name in names:
        if name in row:
            return row[name]
    raise KeyError(f"none of {names} in {sorted(row)}")


@cache
def rvu_rows(file_name: str) -> dict[tuple[str, str], dict[str, str]]:
    """(HCPCS, MOD) -> row of a PPRRVU file (CMS header or history snake_case)."""
    out = {}
    for row in read_rows(find(file_name)):
        out[(pick(row, "HCPCS", "hcpcs"), pick(row, "MOD", "mod"))] = row
    return out


def rvu_values(row: dict[str, str], setting: str) -> dict[str, Decimal | str]:
    pe_names = (
        ("FACILITY PE RVU", "facility_pe_rvu")
        if setting == "facility"
        else ("NON-FAC PE RVU", "non_fac_pe_rvu")
    )
    na_names = (
        ("FACILITY NA INDICATOR", "facility_indicator")
        if setting == "facility"
        else ("NON-FAC NA INDICATOR", "non_fac_indicator")
    )
    opps_pe_names = (
        ("FACILITY PE USED FOR OPPS PAYMENT AMOUNT", "facility_pe_used_for_opps_payment_amount")
        if setting == "facility"
        else (
            "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT",
            "non_facility_pe_used_for_opps_payment_amount",
        )
    )
    return {
        "status": pick(row, "STATUS CODE", "status_code"),
        "work": dec(pick(row, "WORK RVU", "work_rvu")),
        "pe": dec(pick(row, *pe_names)),
        "mp": dec(pick(row, "MP RVU", "mp_rvu")),
        "na": pick(row, *na_names),
        "cf": dec(pick(row, "CONV FACTOR", "conv_factor")),
        "opps_pe": dec(pick(row, *opps_pe_names)),
        "opps_mp": dec(
            pick(row, "MP USED FOR OPPS PAYMENT AMOUNT", "mp_used_for_opps_payment_amount")
        ),
        "pctc": pick(row, "PCTC IND", "pctc_ind"),
    }


@cache
def gpci_rows(file_name: str, release: str | None) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    """(MAC, locality) -> (work, PE, MP GPCI). ``release`` filters the stacked history
    files (their 'release' column, e.g. rvu24a); the work GPCI is the floored one."""
    out = {}
    for row in read_rows(find(file_name)):
        if "release" in row and release is not None and row["release"].lower() != release:
            continue
        mac = pick(row, "Medicare Administrative Contractor (MAC)", "mac").zfill(5)
        loc = pick(row, "Locality Number", "locality_number").zfill(2)
        work_name = next(
            (k for k in row if "PW GPCI" in k and "with 1.0 Floor" in k and "without" not in k),
            "gpci_work",
        )
        pe_name = next((k for k in row if k.endswith("PE GPCI")), "gpci_pe")
        mp_name = next((k for k in row if k.endswith("MP GPCI")), "gpci_mp")
        out[(mac, loc)] = (dec(row[work_name]), dec(row[pe_name]), dec(row[mp_name]))
    return out


@cache
def cap_rows(
    file_name: str, release: str | None
) -> dict[tuple[str, str, str, str], dict[str, str]]:
    out = {}
    for row in read_rows(find(file_name)):
        # history cap files name each quarter's rows 'rvu24a_jan', 'rvu24ar_jan' ...
        if (
            "release" in row
            and release is not None
            and row["release"].lower().split("_")[0] != release
        ):
            continue
        key = (
            pick(row, "HCPCS", "hcpcs"),
            pick(row, "MOD", "mod"),
            pick(row, "CARRIER", "carrier").zfill(5),
            pick(row, "LOCALITY", "locality").zfill(2),
        )
        out[key] = row
    return out


@cache
def zip_rows() -> dict[str, tuple[str, str]]:
    return {
        row["Zip Code"]: (row["Carrier"], row["Pricing Locality"])
        for row in read_rows(find("ZIP5_OCT2025.csv.gz"))
    }


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_amount(rvu: dict[str, Decimal | str], gpci: tuple[Decimal, ...]) -> Decimal:
    """The readme formula, exact, rounded half up to the cent at the end."""
    work, pe, mp = rvu["work"], rvu["pe"], rvu["mp"]
    assert isinstance(work, Decimal) and isinstance(pe, Decimal) and isinstance(mp, Decimal)
    cf = rvu["cf"]
    assert isinstance(cf, Decimal)
    return cents((work * gpci[0] + pe * gpci[1] + mp * gpci[2]) * cf)
