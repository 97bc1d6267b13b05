"""The wRVU report: a selection of the log, valued, grouped, paid and benchmarked."""

from __future__ import annotations

from datetime import date

import polars as pl

from clearclaim.errors import ClearclaimError, FieldError
from clearclaim.models import DataWarning
from clearclaim.store.queries import wrvu as queries
from clearclaim.wrvu.benchmarks import benchmark_table, place
from clearclaim.wrvu.log import ProcedureLog
from clearclaim.wrvu.models import BenchmarkPlacement, GroupBy, ReportRow, WrvuReport
from clearclaim.wrvu.value import value_log

GROUPS: tuple[str, ...] = ("day", "week", "month", "quarter", "code", "provider")


def group_expr(by: str) -> pl.Expr:
    day = pl.col("date_of_service")
    if by == "day":
        return day.dt.strftime("%Y-%m-%d")
    if by == "week":  # the Monday the ISO week starts on
        return day.dt.truncate("1w").dt.strftime("%Y-%m-%d")
    if by == "month":
        return day.dt.strftime("%Y-%m")
    if by == "quarter":
        return day.dt.year().cast(pl.String) + "-Q" + day.dt.quarter().cast(pl.String)
    if by == "code":
        return pl.col("code")
    if by == "provider":
        return pl.col("provider")
    raise FieldError(f"cannot group by {by!r}", field="--by", hint=f"one of {', '.join(GROUPS)}")


def valued_log(
    log: ProcedureLog,
    *,
    provider: str | None = None,
    start: date | None = None,
    end: date | None = None,
    compare_year: int | None = None,
    payments: bool = False,
) -> tuple[pl.DataFrame, list[DataWarning]]:
    """The selection of the log with every line valued (see :func:`value_log`)."""
    frame = log.frame(provider=provider, start=start, end=end)
    valued, warnings = value_log(frame, log.releases, log.contract)
    if compare_year is not None:
        other, more = value_log(frame, log.releases, log.contract, year=compare_year)
        warnings += more
        valued = valued.join(
            other.select("entry_id", pl.col("wrvu").alias("compare_wrvu"),
                         pl.col("release").alias("compare_release")),
            on="entry_id", how="left",
        )  # fmt: skip
    if payments:
        valued, more = _payments(log, valued)
        warnings += more
    return valued, warnings


def build_report(
    log: ProcedureLog,
    *,
    provider: str | None = None,
    start: date | None = None,
    end: date | None = None,
    by: GroupBy = "month",
    rate: float | None = None,
    compare_year: int | None = None,
    payments: bool = True,
    benchmark: str | None = None,
) -> tuple[WrvuReport, pl.DataFrame]:
    if by not in GROUPS:
        group_expr(by)
    rate = rate if rate is not None else log.contract.rate_per_wrvu
    valued, warnings = valued_log(
        log, provider=provider, start=start, end=end, compare_year=compare_year,
        payments=payments,
    )  # fmt: skip
    unvalued = valued.filter(pl.col("wrvu").is_null()).height
    if unvalued:
        warnings.append(
            DataWarning(
                code="wrvu_unvalued",
                family="pfs_rvu",
                message=f"{unvalued} logged procedures have no RVU row in a release of their "
                "date's year and count 0 wRVU",
            )
        )
    grouped = (
        valued.with_columns(group_expr(by).alias("group"))
        .group_by("group")
        .agg(
            pl.len().alias("procedures"),
            pl.col("units").sum().alias("units"),
            pl.col("wrvu").fill_null(0).sum().alias("wrvu"),
            *(
                # no amount at all (NA in the setting, unpaid status) is no amount, not $0
                [
                    pl.when(pl.col("payment").is_not_null().any())
                    .then(pl.col("payment").sum())
                    .alias("medicare_payment")
                ]
                if payments
                else []
            ),
            *(
                [pl.col("compare_wrvu").fill_null(0).sum().alias("compare_wrvu")]
                if compare_year is not None
                else []
            ),
        )
        .sort("wrvu" if by == "code" else "group", descending=by == "code")
    )
    rows = []
    for item in grouped.iter_rows(named=True):
        wrvu = float(item["wrvu"])
        compare = item.get("compare_wrvu")
        rows.append(
            ReportRow(
                group=str(item["group"]),
                procedures=item["procedures"],
                units=item["units"],
                wrvu=round(wrvu, 2),
                compensation=round(wrvu * rate, 2) if rate is not None else None,
                medicare_payment=round(item["medicare_payment"], 2)
                if payments and item.get("medicare_payment") is not None
                else None,
                compare_wrvu=round(compare, 2) if compare is not None else None,
                compare_difference=round(compare - wrvu, 2) if compare is not None else None,
            )
        )
    total = float(valued["wrvu"].fill_null(0).sum()) if valued.height else 0.0
    report = WrvuReport(
        by=by,
        provider=provider,
        date_from=start,
        date_to=end,
        contract=log.contract.name,
        rate_per_wrvu=rate,
        procedures=valued.height,
        units=int(valued["units"].sum()) if valued.height else 0,
        total_wrvu=round(total, 4),
        total_compensation=round(total * rate, 2) if rate is not None else None,
        total_medicare_payment=round(float(valued["payment"].sum()), 2)
        if payments and valued.height and valued["payment"].null_count() < valued.height
        else None,
        compare_year=compare_year,
        compare_total_wrvu=round(float(valued["compare_wrvu"].fill_null(0).sum()), 4)
        if compare_year is not None
        else None,
        compare_unvalued=valued.filter(pl.col("compare_wrvu").is_null()).height
        if compare_year is not None
        else 0,
        releases=sorted(valued["release"].drop_nulls().unique().to_list()),
        rows=rows,
        benchmarks=placements(log, valued, start=start, end=end, name=benchmark),
        warnings=_unique(warnings),
    )
    return report, valued


def placements(
    log: ProcedureLog,
    valued: pl.DataFrame,
    *,
    start: date | None,
    end: date | None,
    name: str | None = None,
) -> list[BenchmarkPlacement]:
    """Each provider's annualised wRVUs placed on the benchmark table (when one is loaded)."""
    table, rows = benchmark_table(log.store, name)
    if not rows or valued.is_empty():
        return []
    settings = queries.providers(log.store)
    by_specialty: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        by_specialty.setdefault(row.specialty.casefold(), []).append(
            (row.percentile, row.annual_wrvu)
        )
    out = []
    per_provider = valued.group_by("provider").agg(
        pl.col("wrvu").fill_null(0).sum().alias("wrvu"),
        pl.col("date_of_service").min().alias("first"),
        pl.col("date_of_service").max().alias("last"),
    )
    for item in per_provider.sort("provider").iter_rows(named=True):
        first = start or item["first"]
        last = end or item["last"]
        days = max((last - first).days + 1, 1)
        annual = item["wrvu"] * 365 / days
        setting = settings.get(item["provider"])
        specialty = setting.specialty if setting else None
        points = by_specialty.get((specialty or "").casefold(), [])
        if specialty is None:
            pct, words = None, "no specialty set (clearclaim log provider P --specialty S)"
        elif not points:
            pct, words = None, f"{specialty} is not in the benchmark table {table}"
        else:
            pct, words = place(annual, points)
        out.append(
            BenchmarkPlacement(
                provider=item["provider"],
                specialty=specialty,
                benchmark=table,
                days=days,
                wrvu=round(item["wrvu"], 2),
                annualised_wrvu=round(annual, 1),
                percentile=pct,
                placement=words,
                percentiles={f"p{p:g}": w for p, w in sorted(points)},
            )
        )
    return out


def _payments(log: ProcedureLog, valued: pl.DataFrame) -> tuple[pl.DataFrame, list[DataWarning]]:
    """``payment``: the Medicare PFS amount of each line in its provider's locality and
    setting, times units (before claim-level reductions), priced by the pricing engine."""
    from clearclaim.pricing import pricer_for

    pricer = pricer_for(log.store)
    settings = queries.providers(log.store)
    combos = (
        valued.filter(pl.col("wrvu").is_not_null())
        .select("date_of_service", "code", "component", "pos", "provider")
        .unique()
    )
    prices: list[tuple[object, ...]] = []
    failed: dict[str, int] = {}
    warnings: list[DataWarning] = []
    seen: dict[tuple[str, str | None], int] = {}
    first: dict[tuple[str, str | None], DataWarning] = {}
    unpaid = 0
    for day, code, component, pos, provider in combos.iter_rows():
        setting = settings.get(provider)
        try:
            result = pricer.price(
                code,
                modifier=component or None,
                date_of_service=day,
                locality=setting.locality if setting else None,
                zip_code=setting.zip_code if setting else None,
                pos=pos,
            )
        except ClearclaimError as exc:
            failed[str(exc).split(":")[0]] = failed.get(str(exc).split(":")[0], 0) + 1
            prices.append((day, code, component, pos, provider, None))
            continue
        for warning in result.warnings:
            key = (warning.code, warning.family)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] == 1:
                first[key] = warning
        amount = float(result.amount) if result.amount is not None else None
        if amount is None:
            unpaid += 1
        prices.append((day, code, component, pos, provider, amount))
    for key, warning in first.items():
        # one warning per kind, not one per date of service
        more = seen[key] - 1
        text = warning.message + (f" (and {more} more code/date pairs)" if more else "")
        warnings.append(warning.model_copy(update={"message": text}))
    if unpaid:
        warnings.append(
            DataWarning(
                code="wrvu_payment_none",
                message=f"{unpaid} logged code/date pairs have no Medicare amount in their "
                "setting (status, or NA at that place of service)",
            )
        )
    for what, count in failed.items():
        warnings.append(
            DataWarning(
                code="wrvu_payment_missing",
                message=f"no Medicare payment for {count} logged code/date pairs ({what})",
            )
        )
    table = pl.DataFrame(
        prices,
        schema={
            "date_of_service": pl.Date(), "code": pl.String(), "component": pl.String(),
            "pos": pl.String(), "provider": pl.String(), "unit_payment": pl.Float64(),
        },
        orient="row",
    )  # fmt: skip
    valued = valued.join(
        table, on=["date_of_service", "code", "component", "pos", "provider"], how="left"
    ).with_columns((pl.col("unit_payment") * pl.col("units")).alias("payment"))
    return valued, warnings


def _unique(warnings: list[DataWarning]) -> list[DataWarning]:
    seen: list[DataWarning] = []
    for warning in warnings:
        if warning not in seen:
            seen.append(warning)
    return seen
