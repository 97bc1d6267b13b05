"""The fee schedule of one date: every priced code in one or every locality, vectorised.

Each store table is read with one query into Polars; the amounts are computed
for all code x locality pairs at once, in exact integer arithmetic: every
stored number is scaled to an integer by the number of decimals it was
written with (RVUs 2, GPCIs 3, CF 4 in the CMS files), so

    cents = round_half_up((sum of RVU x GPCI) x CF)

is computed without floating point, and gives the same cents as the Decimal
engine in :mod:`clearclaim.pricing.pfs` (a test checks this pair by pair).
The rules are the engine's: status codes, NA indicators, the OPPS cap (the
OPPSCAP file where it lists the locality, else the readme's OPPS formula).
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field

from clearclaim.errors import FieldError, ReleaseError
from clearclaim.models import DataCoverage, DataWarning
from clearclaim.pricing.localities import NATIONAL_MAC, NATIONAL_NUMBER, clean_name
from clearclaim.pricing.pfs import Pricer, parse_day, pricer_for
from clearclaim.pricing.rules import payment_rules
from clearclaim.store import ReleaseChoice, Store
from clearclaim.store.queries import pricing as queries

INT = pl.Int128
RVU_NUMBERS = (
    "work_rvu", "pe_rvu_non_facility", "pe_rvu_facility", "mp_rvu", "conversion_factor",
    "opps_pe_non_facility", "opps_pe_facility", "opps_mp",
)  # fmt: skip
GPCI_NUMBERS = ("work_gpci", "pe_gpci", "mp_gpci")


class ExportInfo(BaseModel):
    """What an export wrote, from which releases."""

    path: str | None
    rows: int
    date_of_service: date
    release: str
    gpci_release: str | None
    oppscap_release: str | None
    localities: int
    codes: int
    seconds: float
    warnings: list[DataWarning] = Field(default_factory=list)
    #: the RVU, GPCI and OPPS cap releases used and their state on the date
    data_coverage: list[DataCoverage] = Field(default_factory=list)


def _decimals(values: pl.Series) -> int:
    """How many decimals the column's numbers were written with (max over its values)."""
    places = 0
    for value in values.drop_nulls().unique().to_list():
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            places = -exponent
    return places


def _scaled(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[pl.DataFrame, dict[str, int]]:
    """Add ``<col>_i`` = the column as an exact integer of 10^-scale units."""
    scales = {c: _decimals(frame[c]) for c in columns}
    frame = frame.with_columns(
        (pl.col(c).fill_null(0) * (10 ** scales[c])).round(0).cast(INT).alias(f"{c}_i")
        for c in columns
    )
    return frame, scales


def _adjusted(work: str, pe: str, mp: str, scales: dict[str, int]) -> tuple[pl.Expr, int]:
    """Sum of RVU x GPCI as an integer at one common scale, and that scale."""
    terms = [(work, "work_gpci"), (pe, "pe_gpci"), (mp, "mp_gpci")]
    common = max(scales[r] + scales[g] for r, g in terms)
    expr = pl.lit(0, dtype=INT)
    for rvu, gpci in terms:
        shift = 10 ** (common - scales[rvu] - scales[gpci])
        expr = expr + pl.col(f"{rvu}_i") * pl.col(f"{gpci}_i") * pl.lit(shift, dtype=INT)
    return expr, common


def _to_cents(adjusted: pl.Expr, scale: int, cf_scale: int) -> pl.Expr:
    """(adjusted x CF) rounded half up to the cent; amounts are never negative."""
    total = adjusted * pl.col("conversion_factor_i")
    places = scale + cf_scale
    if places <= 2:
        return total * pl.lit(10 ** (2 - places), dtype=INT)
    divisor = 10 ** (places - 2)
    return (total + pl.lit(divisor // 2, dtype=INT)) // pl.lit(divisor, dtype=INT)


def _money(cents: str) -> pl.Expr:
    text = (
        (pl.col(cents) // 100).cast(pl.String)
        + "."
        + (pl.col(cents) % 100).cast(pl.String).str.zfill(2)
    )
    return text.str.to_decimal(scale=2)


def _frame(rows: list[tuple[object, ...]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def fee_schedule(
    store: Store,
    *,
    date_of_service: date | str,
    locality: str | None = None,
    zip_code: str | None = None,
    national: bool = True,
) -> tuple[pl.DataFrame, ExportInfo]:
    """Every priced code on ``date_of_service``, in one locality or in all of them.

    With neither ``locality`` nor ``zip_code``, every locality of the GPCI release
    (plus the national amounts when ``national``) is priced.
    """
    started = time.perf_counter()
    pricer = pricer_for(store)
    day = parse_day(date_of_service)
    pfs = pricer.pfs_choice(day)
    warnings: list[DataWarning] = [w for w in (pfs.warning,) if w]

    rvu_schema: dict[str, pl.DataType] = {
        "hcpcs": pl.String(), "modifier": pl.String(), "description": pl.String(),
        "status_code": pl.String(), "na_non_facility": pl.String(), "na_facility": pl.String(),
        "pctc_indicator": pl.String(), "global_days": pl.String(), "mult_proc": pl.String(),
        **{c: pl.Float64() for c in RVU_NUMBERS},
    }  # fmt: skip
    rvu = _frame(queries.rvu_table(store, pfs, list(rvu_schema)), rvu_schema)
    rules = payment_rules()
    paid = [s for s, r in rules.status_payment.items() if r.paid is not False]
    needs_rvus = [s for s, r in rules.status_payment.items() if r.paid == "when_rvus"]
    rvu = rvu.filter(pl.col("status_code").is_in(paid)).with_columns(
        pl.col("modifier").fill_null("")
    )
    if rvu["conversion_factor"].null_count():
        # as the engine does: a row without CONV FACTOR takes the CF history's value
        history = pricer.cf_history(day)
        if history is not None:
            rvu = rvu.with_columns(pl.col("conversion_factor").fill_null(float(history[0])))

    gpci_release: str | None = None
    places = _places(pricer, day, locality, zip_code, national, warnings)
    if places.height and places["release"].drop_nulls().len():
        gpci_release = places["release"].drop_nulls()[0]
    places = places.drop("release")

    cap_choice: ReleaseChoice | None
    try:
        cap_choice = pricer.choice("oppscap", day)
    except ReleaseError:
        cap_choice = None
    if cap_choice is not None and cap_choice.warning:
        warnings.append(cap_choice.warning)

    rvu, rscales = _scaled(rvu, RVU_NUMBERS)
    places, gscales = _scaled(places, GPCI_NUMBERS)
    scales = {**rscales, **gscales}
    grid = rvu.join(places, how="cross")
    cf_scale = scales["conversion_factor"]
    for setting, pe, opps_pe in (
        ("non_facility", "pe_rvu_non_facility", "opps_pe_non_facility"),
        ("facility", "pe_rvu_facility", "opps_pe_facility"),
    ):
        adjusted, scale = _adjusted("work_rvu", pe, "mp_rvu", scales)
        opps_adjusted, opps_scale = _adjusted("work_rvu", opps_pe, "opps_mp", scales)
        grid = grid.with_columns(
            _to_cents(adjusted, scale, cf_scale).alias(f"{setting}_pfs_cents"),
            pl.when((pl.col(f"{opps_pe}_i") > 0) | (pl.col("opps_mp_i") > 0))
            .then(_to_cents(opps_adjusted, opps_scale, cf_scale))
            .otherwise(None)
            .alias(f"{setting}_formula_cents"),
        )

    grid = _apply_cap_file(store, grid, cap_choice)
    for setting, na in (("non_facility", "na_non_facility"), ("facility", "na_facility")):
        pfs_cents, cap_cents = pl.col(f"{setting}_pfs_cents"), pl.col(f"{setting}_cap_cents")
        capped = cap_cents.is_not_null() & (cap_cents < pfs_cents)
        no_amount = (pl.col(na).fill_null("").str.to_uppercase() == "NA") | (
            pl.col("status_code").is_in(needs_rvus) & (pfs_cents == 0)
        )
        grid = grid.with_columns(
            pl.when(no_amount).then(None).when(capped).then(cap_cents).otherwise(pfs_cents)
            .alias(f"{setting}_cents"),
            (capped & ~no_amount).alias(f"{setting}_opps_cap_applied"),
        )  # fmt: skip
    grid = grid.filter(
        pl.col("non_facility_cents").is_not_null() | pl.col("facility_cents").is_not_null()
    )
    out = grid.select(
        pl.lit(day).alias("date_of_service"),
        pl.lit(pfs.release.label).alias("release"),
        "mac", "locality", "locality_name", "hcpcs", "modifier", "description", "status_code",
        "pctc_indicator", "global_days", "mult_proc",
        "work_rvu", "pe_rvu_non_facility", "pe_rvu_facility", "mp_rvu",
        "work_gpci", "pe_gpci", "mp_gpci", "conversion_factor",
        _money("non_facility_cents").alias("non_facility_amount"),
        _money("facility_cents").alias("facility_amount"),
        "non_facility_opps_cap_applied", "facility_opps_cap_applied",
    ).sort("mac", "locality", "hcpcs", "modifier")  # fmt: skip
    info = ExportInfo(
        path=None,
        rows=out.height,
        date_of_service=day,
        release=pfs.release.label,
        gpci_release=gpci_release,
        oppscap_release=cap_choice.release.label if cap_choice else None,
        localities=places.height,
        codes=out.select("hcpcs", "modifier").unique().height,
        seconds=round(time.perf_counter() - started, 3),
        warnings=warnings,
        data_coverage=[store.coverage(f, day) for f in ("pfs_rvu", "gpci", "oppscap")],
    )
    return out, info


def _places(
    pricer: Pricer,
    day: date,
    locality: str | None,
    zip_code: str | None,
    national: bool,
    warnings: list[DataWarning],
) -> pl.DataFrame:
    """The localities to price, with their GPCIs (one query for all of them)."""
    schema: dict[str, pl.DataType] = {
        "mac": pl.String(), "locality": pl.String(), "locality_name": pl.String(),
        "work_gpci": pl.Float64(), "pe_gpci": pl.Float64(), "mp_gpci": pl.Float64(),
        "release": pl.String(),
    }  # fmt: skip
    if locality or zip_code:
        where = pricer.localities.resolve(day, zip_code=zip_code, locality=locality)
        warnings.extend(where.warnings)
        loc, g = where.locality, where.gpci
        row = (loc.mac, loc.number, loc.name, float(g.work), float(g.pe), float(g.mp), g.release)
        return pl.DataFrame([row], schema=schema, orient="row")
    choice = pricer.choice("gpci", day)
    if choice.warning:
        warnings.append(choice.warning)
    rows = queries.gpci_rows(pricer.store, choice)
    frame = pl.DataFrame(
        [(*r[:2], clean_name(r[3]), *r[4:], choice.release.label) for r in rows],
        schema=schema,
        orient="row",
    ).filter(pl.col("work_gpci").is_not_null() & pl.col("pe_gpci").is_not_null())
    if national:
        one = pl.DataFrame(
            [(NATIONAL_MAC, NATIONAL_NUMBER, "National", 1.0, 1.0, 1.0, None)],
            schema=schema,
            orient="row",
        )
        frame = pl.concat([one, frame])
    return frame


def _apply_cap_file(store: Store, grid: pl.DataFrame, choice: ReleaseChoice | None) -> pl.DataFrame:
    """``<setting>_cap_cents``: the OPPSCAP price where the file lists the locality (no row
    there means no cap), else the readme formula (national, localities it lists under
    another MAC)."""
    if choice is None:
        return grid.with_columns(
            pl.col("non_facility_formula_cents").alias("non_facility_cap_cents"),
            pl.col("facility_formula_cents").alias("facility_cap_cents"),
        )
    schema: dict[str, pl.DataType] = {
        "hcpcs": pl.String(), "modifier": pl.String(), "mac": pl.String(),
        "locality": pl.String(), "facility_price": pl.Float64(), "non_facility_price": pl.Float64(),
    }  # fmt: skip
    cap = _frame(queries.oppscap_rows(store, choice), schema).with_columns(
        pl.col("modifier").fill_null(""),
        # prices are dollars and cents in the file: exact cents
        (pl.col("facility_price") * 100).round(0).cast(INT).alias("facility_file_cents"),
        (pl.col("non_facility_price") * 100).round(0).cast(INT).alias("non_facility_file_cents"),
    )
    listed = cap.select("mac", "locality").unique().with_columns(pl.lit(True).alias("listed"))
    grid = grid.join(
        cap.select("hcpcs", "modifier", "mac", "locality", "facility_file_cents",
                   "non_facility_file_cents").with_columns(pl.lit(True).alias("in_file")),
        on=["hcpcs", "modifier", "mac", "locality"],
        how="left",
    ).join(listed, on=["mac", "locality"], how="left")  # fmt: skip
    national = (pl.col("mac") == NATIONAL_MAC) & (pl.col("locality") == NATIONAL_NUMBER)
    in_file = pl.col("in_file").fill_null(False) & ~national
    listed_expr = pl.col("listed").fill_null(False) & ~national
    for setting in ("non_facility", "facility"):
        file_cents = pl.col(f"{setting}_file_cents")
        grid = grid.with_columns(
            pl.when(in_file)
            .then(pl.when(file_cents > 0).then(file_cents).otherwise(None))
            .when(listed_expr)
            .then(None)
            .otherwise(pl.col(f"{setting}_formula_cents"))
            .alias(f"{setting}_cap_cents")
        )
    return grid


def export_fee_schedule(
    store: Store,
    out: str | Path,
    *,
    date_of_service: date | str,
    locality: str | None = None,
    zip_code: str | None = None,
    national: bool = True,
) -> ExportInfo:
    """Write :func:`fee_schedule` to ``out`` (.csv or .parquet, by its suffix)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise FieldError(
            f"cannot write {path.name}: the export is .csv or .parquet",
            field="out",
            value=str(out),
        )
    started = time.perf_counter()
    frame, info = fee_schedule(
        store, date_of_service=date_of_service, locality=locality, zip_code=zip_code,
        national=national,
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return info.model_copy(
        update={"path": str(path), "seconds": round(time.perf_counter() - started, 3)}
    )
