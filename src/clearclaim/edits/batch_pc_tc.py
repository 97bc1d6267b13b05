"""PC/TC modifier rules over a whole claim file (see pc_tc.py for the rule)."""

from __future__ import annotations

import polars as pl

from clearclaim.edits import pc_tc
from clearclaim.edits.batch_frames import BatchContext, finish


def batch(ctx: BatchContext, lines: pl.DataFrame) -> list[pl.DataFrame]:
    pfs = ctx.tables.get("pfs")
    if pfs is None or pfs.is_empty() or ctx.setting != "professional":
        return []
    data = ctx.data
    semantics = pl.DataFrame(
        {
            "pctc": list(data.pctc),
            "allows_26": [v.allows_26 for v in data.pctc.values()],
            "allows_tc": [v.allows_tc for v in data.pctc.values()],
            "pctc_label": [v.label for v in data.pctc.values()],
            "pctc_action": [v.action for v in data.pctc.values()],
        }
    )
    facility = pl.DataFrame(
        {"pos": list(data.facility_pos), "pos_name": list(data.facility_pos.values())}
    )
    joined = (
        lines.filter(
            pl.col("has26") | pl.col("hasTC") | pl.col("pos").is_in(list(data.facility_pos))
        )
        .select("row", "claim_id", "dos", "line", "code", "cid", "pos", "has26", "hasTC", "pfs_rel")
        .join(
            pfs.select("rel", "cid", "status", "pctc"),
            left_on=["pfs_rel", "cid"],
            right_on=["rel", "cid"],
        )
        .join(semantics, on="pctc")
    )
    if joined.is_empty():
        return []
    bad_26 = pl.col("has26") & ~pl.col("allows_26")
    bad_tc = pl.col("hasTC") & ~pl.col("allows_tc")
    frame = (
        joined.join(facility, on="pos", how="left")
        .with_columns(
            modifier=pl.when(bad_26 & bad_tc)
            .then(pl.lit("26 and TC"))
            .when(bad_26)
            .then(pl.lit("26"))
            .when(bad_tc)
            .then(pl.lit("TC"))
            .otherwise(pl.lit(None, dtype=pl.String)),
        )
        .with_columns(
            rule=pl.when(pl.col("modifier").is_not_null())
            .then(pl.lit("PCTC01"))
            .when(
                (pl.col("pctc") == pc_tc.SPLIT_INDICATOR)
                & ~pl.col("has26")
                & ~pl.col("hasTC")
                & pl.col("pos_name").is_not_null()
            )
            .then(pl.lit("PCTC02"))
            .when(
                (pl.col("pctc") == pc_tc.SPLIT_INDICATOR)
                & pl.col("hasTC")
                & pl.col("pos_name").is_not_null()
            )
            .then(pl.lit("PCTC03"))
            .otherwise(pl.lit(None, dtype=pl.String)),
            lines=pl.concat_list("line"),
            src_row=pl.concat_str(
                [
                    pl.col("code"),
                    pl.lit(", status "),
                    pl.col("status"),
                    pl.lit(", PC/TC "),
                    pl.col("pctc"),
                ]
            ),
        )
    )
    return [finish(ctx, frame, "pfs", r) for r in ("PCTC01", "PCTC02", "PCTC03")]
