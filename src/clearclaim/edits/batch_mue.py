"""Medically unlikely edits over a whole claim file (see mue.py for the rule)."""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish


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
