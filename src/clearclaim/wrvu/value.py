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

import weakref
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
    modifiers: dict[str, dict[str, set[str]]] = field(default_factory=dict)

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
        """The modifier rows (``''`` global, ``26``, ``TC`` ...) the release has for ``code``."""
        label = choice.release.label
        if label not in self.modifiers:
            table: dict[str, set[str]] = {}
            for hcpcs, modifier in self.rows(choice).select("hcpcs", "modifier").iter_rows():
                table.setdefault(hcpcs, set()).add(modifier)
            self.modifiers[label] = table
        return self.modifiers[label].get(code, set())


_MAPS: weakref.WeakKeyDictionary[Store, tuple[int, ReleaseMap]] = weakref.WeakKeyDictionary()


def release_map_for(store: Store) -> ReleaseMap:
    """A shared :class:`ReleaseMap` for ``store``, renewed when its releases change
    (reading a release's RVU rows costs about 0.1 s: once per process, not per report)."""
    token = hash(tuple((r.release_key, r.imported_at) for r in store.releases("pfs_rvu")))
    cached = _MAPS.get(store)
    if cached is None or cached[0] != token:
        cached = (token, ReleaseMap(store))
        _MAPS[store] = cached
    return cached[1]


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


def component_of(modifiers: str) -> str:
    """The RVU row a line takes: -26 for modifier 26, -TC for TC, else the global row."""
    mods = _split(modifiers)
    return "26" if "26" in mods else "TC" if "TC" in mods else ""


def component_expr() -> pl.Expr:
    """:func:`component_of` as an expression over the ``modifiers`` column."""
    mods = pl.col("modifiers").fill_null("").str.split(",")
    return (
        pl.when(mods.list.contains("26"))
        .then(pl.lit("26"))
        .when(mods.list.contains("TC"))
        .then(pl.lit("TC"))
        .otherwise(pl.lit(""))
    )


def _lookup(rvu: pl.DataFrame) -> pl.DataFrame:
    """(release, code, component) -> the values a line takes: the component's own row,
    else for 26 the global row (its work RVU is the physician's) and for TC no work."""
    keep = ["release", "hcpcs", "modifier", "work_rvu", "mult_proc", "description", "status_code"]
    rows = rvu.select(keep).filter(pl.col("modifier").is_in(["", "26", "TC"]))
    globals_ = rows.filter(pl.col("modifier") == "")
    parts = [rows]
    for component in ("26", "TC"):
        own = rows.filter(pl.col("modifier") == component).select("release", "hcpcs")
        missing = globals_.join(own, on=["release", "hcpcs"], how="anti").with_columns(
            pl.lit(component).alias("modifier")
        )
        if component == "TC":
            missing = missing.with_columns(pl.lit(0.0).alias("work_rvu"))
        parts.append(missing)
    return pl.concat(parts).rename({"hcpcs": "code", "modifier": "component"})


def value_log(
    log: pl.DataFrame,
    releases: ReleaseMap,
    contract: Contract,
    *,
    year: int | None = None,
) -> tuple[pl.DataFrame, list[DataWarning]]:
    """The log with ``release``, ``component``, ``work_rvu`` (of one unit),
    ``modifier_credit``, ``mp_factor`` and ``wrvu`` (credited), in entry order.
    ``year`` values every date under the release of the same day in that year instead
    (``--compare-year``).

    Lines with no release of their year or an unknown code keep ``wrvu`` null.
    """
    warnings: dict[str, DataWarning] = {}
    release_of: dict[date, str | None] = {}
    used: dict[str, ReleaseChoice] = {}
    for day in log["date_of_service"].unique().to_list():
        target = shift_year(day, year) if year is not None else day
        choice = releases.choice(target)
        if choice is None:
            release_of[day] = None
            continue
        if choice.warning is not None:
            warnings.setdefault(choice.release.label, choice.warning)
        used[choice.release.label] = choice
        release_of[day] = choice.release.label
    if used:
        lookup = _lookup(pl.concat([releases.rows(c) for c in used.values()]))
    else:
        lookup = _lookup(pl.DataFrame(schema={**_RVU_SCHEMA, "release": pl.String()}))

    # what depends on the modifiers is computed once per distinct combination
    combos = log["modifiers"].fill_null("").unique().to_list()
    rule = contract.multiple_procedure
    component = {m: component_of(m) for m in combos}
    credit = {m: _credit(m, contract) for m in combos}
    exempt = {m: any(x in _split(m) for x in rule.exempt_modifiers) for m in combos}
    dates = pl.DataFrame(
        {"date_of_service": list(release_of), "release": list(release_of.values())},
        schema={"date_of_service": pl.Date(), "release": pl.String()},
    )
    mods = pl.col("modifiers").fill_null("")
    frame = (
        log.lazy()
        .join(dates.lazy(), on="date_of_service", how="left")
        .with_columns(
            mods.replace_strict(component, default="", return_dtype=pl.String).alias("component"),
            mods.replace_strict(credit, default=1.0, return_dtype=pl.Float64).alias(
                "modifier_credit"
            ),
            mods.replace_strict(exempt, default=False, return_dtype=pl.Boolean).alias("_exempt"),
        )
        .join(lookup.lazy(), on=["release", "code", "component"], how="left")
    )
    if rule.enabled and rule.indicators:
        eligible = (
            pl.col("mult_proc").is_in(list(rule.indicators))
            & pl.col("work_rvu").is_not_null()
            & ~pl.col("_exempt")
        )
        frame = frame.with_columns(
            eligible.alias("_eligible"),
            (pl.col("work_rvu") * pl.col("modifier_credit")).alias("_rank"),
        )
        # in each provider's day, the highest listed procedure (ties: the one logged first)
        primaries = (
            frame.filter(pl.col("_eligible"))
            .group_by("provider", "date_of_service")
            .agg(
                pl.col("entry_id")
                .sort_by(["_rank", "entry_id"], descending=[True, False])
                .first()
                .alias("entry_id")
            )
            .select("entry_id", pl.lit(True).alias("_primary"))
        )
        frame = (
            frame.join(primaries, on="entry_id", how="left")
            .with_columns(
                pl.when(~pl.col("_eligible"))
                .then(pl.lit(1.0))
                .when(pl.col("_primary").fill_null(False))
                .then((rule.primary + (pl.col("units") - 1) * rule.secondary) / pl.col("units"))
                .otherwise(pl.lit(rule.secondary))
                .alias("mp_factor")
            )
            .drop("_eligible", "_rank", "_primary")
        )
    else:
        frame = frame.with_columns(pl.lit(1.0).alias("mp_factor"))
    frame = frame.drop("_exempt").with_columns(
        (
            pl.col("work_rvu") * pl.col("units") * pl.col("modifier_credit") * pl.col("mp_factor")
        ).alias("wrvu")
    )
    return frame.sort("entry_id").collect(), list(warnings.values())


def _credit(modifiers: str, contract: Contract) -> float:
    factor = 1.0
    for modifier in _split(modifiers):
        factor *= contract.credit(modifier)
    return factor


def _split(modifiers: str) -> list[str]:
    return [m for m in modifiers.split(",") if m]


def log_frame(rows: Iterable[tuple[object, ...]]) -> pl.DataFrame:
    """A log frame (``LOG_SCHEMA``) from (entry_id, date, code, modifiers, units, provider,
    pos) tuples."""
    return pl.DataFrame(list(rows), schema=LOG_SCHEMA, orient="row")
