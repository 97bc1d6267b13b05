"""The target planner: how many of which procedures reach a wRVU goal by a date.

The mix is the provider's own: each code's share of the procedures logged
(with its component, 26 or TC), the ten most frequent, renormalised. Each
procedure is worth its work RVU in the release that values the target date
(or the newest release of the log when none of that year is loaded) times the
contract's modifier credit; the multiple-procedure rule is not applied to
planned procedures, so the plan is what first procedures of a day earn.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from clearclaim.errors import FieldError, ReleaseError
from clearclaim.models import DataWarning
from clearclaim.wrvu.log import ProcedureLog
from clearclaim.wrvu.models import PlanLine, WrvuPlan
from clearclaim.wrvu.report import valued_log
from clearclaim.wrvu.value import log_frame, value_log

TOP_CODES = 10


def plan(
    log: ProcedureLog,
    *,
    goal: float,
    by: date,
    provider: str | None = None,
    start: date | None = None,
    today: date | None = None,
) -> WrvuPlan:
    if goal <= 0:
        raise FieldError(f"{goal:g} is not a wRVU goal", field="--goal")
    start = start or date(by.year, 1, 1)
    if by < start:
        raise FieldError(f"{by.isoformat()} is before {start.isoformat()}", field="--by")
    today = today or date.today()
    done_frame, warnings = valued_log(log, provider=provider, start=start, end=by)
    done = float(done_frame["wrvu"].fill_null(0).sum()) if done_frame.height else 0.0
    history, _ = valued_log(log, provider=provider)
    if history.is_empty():
        raise FieldError(
            "no procedures logged" + (f" for {provider}" if provider else ""),
            field="--provider",
            hint="the plan follows the mix of procedures already logged",
        )
    mix = (
        history.filter(pl.col("wrvu").is_not_null())
        .group_by("code", "component", "modifiers")
        .agg(pl.len().alias("n"))
        .sort(["n", "code"], descending=[True, False])
        .head(TOP_CODES)
    )
    total_n = int(mix["n"].sum())
    day = by
    choice = log.releases.choice(by)
    if choice is None:
        day = history["date_of_service"].max()  # type: ignore[assignment]
        choice = log.releases.choice(day)
        if choice is None:
            raise ReleaseError(f"no PFS release values {by.isoformat()}")
        warnings.append(
            DataWarning(
                code="plan_release",
                family="pfs_rvu",
                message=f"no PFS release of {by.year} is loaded: the plan values procedures "
                f"with {choice.release.label}",
            )
        )
    probe = log_frame(
        (i, day, code, modifiers, 1, "plan", "11")
        for i, (code, _, modifiers) in enumerate(
            mix.select("code", "component", "modifiers").iter_rows()
        )
    )
    contract = log.contract.model_copy(
        update={"multiple_procedure": log.contract.multiple_procedure.model_copy(
            update={"enabled": False})}
    )  # fmt: skip
    worth, _ = value_log(probe, log.releases, contract)
    worth = worth.sort("entry_id")
    remaining = max(goal - done, 0.0)
    shares = [n / total_n for n in mix["n"].to_list()]
    values = [float(v or 0) for v in worth["wrvu"].to_list()]
    per_mix = sum(s * v for s, v in zip(shares, values, strict=True))
    count = remaining / per_mix if per_mix > 0 else 0.0
    lines = []
    for (code, component, _), share, value, description in zip(
        mix.select("code", "component", "modifiers").iter_rows(),
        shares, values, worth["description"].to_list(), strict=True,
    ):  # fmt: skip
        n = math.ceil(share * count) if remaining > 0 else 0
        label = f"{code}-{component}" if component else code
        lines.append(PlanLine(code=label, description=description, share=round(share, 4),
                              wrvu_each=round(value, 2), procedures=n,
                              wrvu=round(n * value, 2)))  # fmt: skip
    days_left = max((by - max(today, start)).days, 0)
    weeks = days_left / 7
    return WrvuPlan(
        provider=provider,
        goal=goal,
        by=by,
        date_from=start,
        done_wrvu=round(done, 2),
        remaining_wrvu=round(remaining, 2),
        days_left=days_left,
        weeks_left=round(weeks, 1),
        per_week_wrvu=round(remaining / weeks, 2) if weeks > 0 else round(remaining, 2),
        release=choice.release.label,
        lines=lines,
        planned_wrvu=round(done + sum(line.wrvu for line in lines), 2),
        reached=done + sum(line.wrvu for line in lines) >= goal - 1e-9,
        warnings=warnings,
    )
