"""NCCI medically unlikely edits: the most units of a code per line (MAI 1) or per
date of service (MAI 2 and 3, units summed over the claim's lines of that date).
"""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish
from clearclaim.edits.common import Context, make_finding
from clearclaim.edits.models import ClaimLine, Finding


def check(ctx: Context) -> list[Finding]:
    choice = ctx.choices.get("mue")
    if choice is None:
        return []
    by_code: dict[str, list[ClaimLine]] = {}
    for line in ctx.lines:
        by_code.setdefault(line.code, []).append(line)
    findings: list[Finding] = []
    for code, lines in by_code.items():
        row = ctx.lookups.mue(choice.keys, code)
        if row is None:
            continue
        mai = ctx.data.mai.get(row.mai)
        if mai is None:
            continue
        if mai.scope == "line":
            groups = [(ln.units, (ln.line,)) for ln in lines if ln.units > row.units]
        else:
            total = sum(ln.units for ln in lines)
            ordered = tuple(sorted(ln.line for ln in lines))
            groups = [(total, ordered)] if total > row.units else []
        for units, numbers in groups:
            finding = make_finding(
                ctx,
                mai.rule,
                choice=choice,
                lines=numbers,
                code=code,
                row=row.row_text(),
                fields={
                    "units": units,
                    "limit": row.units,
                    "mai_meaning": mai.meaning,
                    "mue_rationale": row.rationale,
                },
            )
            if finding:
                findings.append(finding)
    return findings


def batch(ctx: BatchContext, lines: pl.DataFrame) -> list[pl.DataFrame]:
    table = ctx.tables.get("mue")
    if table is None or table.is_empty():
        return []
    data = ctx.data
    scopes = pl.DataFrame(
        {
            "mai": list(data.mai),
            "per_line": [m.scope == "line" for m in data.mai.values()],
            "rule": [m.rule for m in data.mai.values()],
            "mai_meaning": [m.meaning for m in data.mai.values()],
        }
    )
    joined = (
        lines.select("row", "grp", "cid", "units", "mue_rel")
        .join(
            table.select("rel", "cid", "limit", "mai"),
            left_on=["mue_rel", "cid"],
            right_on=["rel", "cid"],
        )
        .join(scopes.select("mai", "per_line"), on="mai")
    )
    if joined.is_empty():
        return []
    # integers only until the few lines over their limit are known
    over_line = joined.filter(pl.col("per_line") & (pl.col("units") > pl.col("limit")))
    over_day = (
        joined.filter(~pl.col("per_line"))
        .with_columns(total=pl.col("units").sum().over("grp", "cid"))
        .filter(pl.col("total") > pl.col("limit"))
    )
    detail = lines.select("row", "claim_id", "dos", "line", "code")
    rules = table.select("rel", "cid", "mue_rationale")
    src_row = pl.concat_str(
        [pl.col("code"), pl.lit(","), pl.col("limit").cast(pl.String), pl.lit(","), pl.col("mai")]
    )
    per_line = over_line.join(detail, on="row").with_columns(lines=pl.concat_list("line"))
    per_day = (
        over_day.join(detail, on="row")
        .sort("line")
        .group_by("grp", "cid")
        .agg(
            pl.col("row").min(),
            pl.col("claim_id", "dos", "code", "mue_rel", "limit", "mai").first(),
            pl.col("line").alias("lines"),
            pl.col("units").sum(),
        )
        .with_columns(line=pl.col("lines").list.first())
    )
    columns = [
        "row",
        "claim_id",
        "dos",
        "line",
        "lines",
        "code",
        "cid",
        "mue_rel",
        "units",
        "limit",
        "mai",
    ]
    frame = (
        pl.concat([per_line.select(columns), per_day.select(columns)])
        .join(scopes.select("mai", "rule", "mai_meaning"), on="mai")
        .join(rules, left_on=["mue_rel", "cid"], right_on=["rel", "cid"])
        .with_columns(src_row=src_row)
    )
    return [finish(ctx, frame, "mue", r) for r in sorted({m.rule for m in data.mai.values()})]
