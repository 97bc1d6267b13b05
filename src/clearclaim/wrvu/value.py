"""Valuing a procedure log: wRVUs by the release in force on each date of service.

Vectorised with Polars: each distinct date of service is given its PFS release
by the store's own lookup (:meth:`Store.release_for`), the RVU rows of every
release used are read once, and the log is joined to them on (release, code,
component). Then the contract (:mod:`clearclaim.wrvu.contract`) turns the work
RVU into credit:

    wrvu = work RVU of the row x units x modifier credit x multiple-procedure factor

- the row is the professional-component row (``-26``) for a line with modifier
  26, the ``-TC`` row (no work RVUs) for TC, else the global row;
- the modifier credit is the product of the contract's credit of each modifier;
- the multiple-procedure rule ranks one provider's procedures of one date whose
  MULT PROC indicator the contract lists by work RVU: the first unit of the
  highest gets ``primary``, every other unit ``secondary``.

A date is valued only by a release of its own calendar year (RVUs change every
January): a date whose release lookup answers with another year's release is
left unvalued, and an import rejects it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from clearclaim.errors import ReleaseError
from clearclaim.models import DataWarning
from clearclaim.store import Store
from clearclaim.store.queries import wrvu as queries
from clearclaim.store.store import ReleaseChoice
from clearclaim.wrvu.contract import Contract

#: the columns a log frame must have
LOG_SCHEMA: dict[str, pl.DataType] = {
    "entry_id": pl.Int64(),
    "date_of_service": pl.Date(),
    "code": pl.String(),
    "modifiers": pl.String(),
    "units": pl.Int64(),
    "provider": pl.String(),
    "pos": pl.String(),
}

_RVU_SCHEMA: dict[str, pl.DataType] = {
    "hcpcs": pl.String(),
    "modifier": pl.String(),
    "description": pl.String(),
    "status_code": pl.String(),
    "work_rvu": pl.Float64(),
    "pctc_indicator": pl.String(),
    "mult_proc": pl.String(),
}


@dataclass
class ReleaseMap:
    """Which PFS release values each date of service (cached per store state)."""

    store: Store
    choices: dict[date, ReleaseChoice | None] = field(default_factory=dict)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    codes: dict[str, frozenset[str]] = field(default_factory=dict)

    def choice(self, day: date) -> ReleaseChoice | None:
        """The release for ``day``, or None when no release of the date's year answers."""
        if day not in self.choices:
            try:
                found: ReleaseChoice | None = self.store.release_for("pfs_rvu", day)
            except ReleaseError:
                found = None
            if found is not None and not _same_year(found, day):
                found = None
            self.choices[day] = found
        return self.choices[day]

    def rows(self, choice: ReleaseChoice) -> pl.DataFrame:
        label = choice.release.label
        if label not in self.frames:
            frame = pl.DataFrame(
                queries.rvu_rows(self.store, choice), schema=_RVU_SCHEMA, orient="row"
            ).with_columns(
                pl.col("modifier").fill_null("").str.strip_chars().str.to_uppercase(),
                pl.col("work_rvu").fill_null(0.0),
                pl.col("mult_proc").fill_null("").str.strip_chars(),
                pl.lit(label).alias("release"),
            )
            self.frames[label] = frame.unique(["hcpcs", "modifier"], keep="first")
            self.codes[label] = frozenset(frame["hcpcs"].to_list())
        return self.frames[label]

    def known(self, choice: ReleaseChoice, code: str) -> bool:
        self.rows(choice)
        return code in self.codes[choice.release.label]

    def row_modifiers(self, choice: ReleaseChoice, code: str) -> set[str]:
        frame = self.rows(choice)
        return set(frame.filter(pl.col("hcpcs") == code)["modifier"].to_list())


def _same_year(choice: ReleaseChoice, day: date) -> bool:
    info = choice.release
    if choice.in_force:
        return True
    return info.effective_start.year <= day.year <= info.effective_end.year


def shift_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def component_expr() -> pl.Expr:
    """The RVU row a line takes: -26 for modifier 26, -TC for TC, else the global row."""
    mods = pl.col("modifiers").fill_null("").str.split(",")
    return (
        pl.when(mods.list.contains("26"))
        .then(pl.lit("26"))
        .when(mods.list.contains("TC"))
        .then(pl.lit("TC"))
        .otherwise(pl.lit(""))
    )


def value_log(
    log: pl.DataFrame,
    releases: ReleaseMap,
    contract: Contract,
    *,
    year: int | None = None,
) -> tuple[pl.DataFrame, list[DataWarning]]:
    """The log with ``release``, ``work_rvu`` (of one unit), ``mp_factor``,
    ``modifier_credit`` and ``wrvu`` (credited). ``year`` values every date under the
    release of the same day in that year instead (``--compare-year``).

    Lines with no release of their year or an unknown code keep ``wrvu`` null.
    """
    warnings: dict[str, DataWarning] = {}
    days = log["date_of_service"].unique().to_list()
    day_release: list[tuple[date, str | None]] = []
    used: dict[str, ReleaseChoice] = {}
    for day in days:
        target = shift_year(day, year) if year is not None else day
        choice = releases.choice(target)
        if choice is None:
            day_release.append((day, None))
            continue
        if choice.warning is not None:
            warnings.setdefault(choice.release.label, choice.warning)
        used[choice.release.label] = choice
        day_release.append((day, choice.release.label))
    dates = pl.DataFrame(
        day_release,
        schema={"date_of_service": pl.Date(), "release": pl.String()},
        orient="row",
    )
    if used:
        rvu = pl.concat([releases.rows(c) for c in used.values()])
    else:
        rvu = pl.DataFrame(schema={**_RVU_SCHEMA, "release": pl.String()})
    keyed = rvu.select(
        "release", "hcpcs", "modifier", "work_rvu", "mult_proc", "description", "status_code"
    )
    globals_ = keyed.filter(pl.col("modifier") == "").select(
        "release",
        "hcpcs",
        pl.col("work_rvu").alias("global_work"),
        pl.col("mult_proc").alias("global_mult_proc"),
        pl.col("description").alias("global_description"),
        pl.col("status_code").alias("global_status"),
    )
    frame = (
        log.join(dates, on="date_of_service", how="left")
        .with_columns(component_expr().alias("component"))
        .join(
            keyed,
            left_on=["release", "code", "component"],
            right_on=["release", "hcpcs", "modifier"],
            how="left",
        )
        .join(globals_, left_on=["release", "code"], right_on=["release", "hcpcs"], how="left")
        .with_columns(
            # a component row the file lacks: the global row (its work RVU is the physician's)
            pl.when(pl.col("component") == "TC")
            .then(pl.col("work_rvu").fill_null(0.0))
            .otherwise(pl.coalesce("work_rvu", "global_work"))
            .alias("work_rvu"),
            pl.coalesce("mult_proc", "global_mult_proc").alias("mult_proc"),
            pl.coalesce("description", "global_description").alias("description"),
            pl.coalesce("status_code", "global_status").alias("status_code"),
            (pl.col("global_work").is_not_null() | pl.col("work_rvu").is_not_null()).alias("known"),
        )
        .drop("global_work", "global_mult_proc", "global_description", "global_status")
    )
    frame = frame.with_columns(
        pl.when(pl.col("known")).then(pl.col("work_rvu")).otherwise(None).alias("work_rvu")
    )
    frame = _modifier_credit(frame, contract)
    frame = _multiple_procedure(frame, contract)
    frame = frame.with_columns(
        (
            pl.col("work_rvu") * pl.col("units") * pl.col("modifier_credit") * pl.col("mp_factor")
        ).alias("wrvu")
    )
    return frame, list(warnings.values())


def _modifier_credit(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    combos = frame["modifiers"].fill_null("").unique().to_list()
    credit: dict[str, float] = {}
    for combo in combos:
        factor = 1.0
        for modifier in _split(combo):
            factor *= contract.credit(modifier)
        credit[combo] = factor
    return frame.with_columns(
        pl.col("modifiers")
        .fill_null("")
        .replace_strict(credit, return_dtype=pl.Float64)
        .alias("modifier_credit")
    )


def _multiple_procedure(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    rule = contract.multiple_procedure
    if not rule.enabled or not rule.indicators:
        return frame.with_columns(pl.lit(1.0).alias("mp_factor"))
    eligible = pl.col("mult_proc").is_in(list(rule.indicators)) & pl.col("work_rvu").is_not_null()
    mods = pl.col("modifiers").fill_null("").str.split(",")
    for modifier in rule.exempt_modifiers:
        eligible = eligible & ~mods.list.contains(modifier)
    frame = frame.with_columns(
        eligible.alias("_eligible"),
        (pl.col("work_rvu") * pl.col("modifier_credit")).alias("_rank_value"),
    )
    ranked = (
        frame.filter(pl.col("_eligible"))
        .sort(
            ["provider", "date_of_service", "_rank_value", "entry_id"],
            descending=[False, False, True, False],
        )
        .with_columns(
            (pl.int_range(pl.len()).over(["provider", "date_of_service"]) == 0).alias("_primary")
        )
        .select("entry_id", "_primary")
    )
    primary, secondary = rule.primary, rule.secondary
    return (
        frame.join(ranked, on="entry_id", how="left")
        .with_columns(
            pl.when(~pl.col("_eligible"))
            .then(pl.lit(1.0))
            .when(pl.col("_primary"))
            .then((primary + (pl.col("units") - 1) * secondary) / pl.col("units"))
            .otherwise(pl.lit(secondary))
            .alias("mp_factor")
        )
        .drop("_eligible", "_primary", "_rank_value")
    )


def _split(modifiers: str) -> list[str]:
    return [m for m in modifiers.split(",") if m]


def log_frame(rows: Iterable[tuple[object, ...]]) -> pl.DataFrame:
    """A log frame (``LOG_SCHEMA``) from (entry_id, date, code, modifiers, units, provider,
    pos) tuples."""
    return pl.DataFrame(list(rows), schema=LOG_SCHEMA, orient="row")
