"""NCCI add-on code edits over a whole claim file (see add_on.py for the rule)."""

from __future__ import annotations

import polars as pl

from clearclaim.edits import add_on
from clearclaim.edits.batch_frames import BatchContext, finish


def batch(ctx: BatchContext, lines: pl.DataFrame) -> list[pl.DataFrame]:
    """Add-on lines first meet the other codes of their claim and date (a few per
    line) to find a listed primary; only the lines left without one get their
    in-force rows read for edit types and the primaries a message names."""
    table = ctx.tables.get("aoc")
    if table is None or table.is_empty():
        return []
    in_force = (
        (pl.col("effective").is_null() | (pl.col("effective") <= pl.col("dos")))
        & (pl.col("deletion").is_null() | (pl.col("dos") <= pl.col("deletion")))
        & (pl.col("addon_del").is_null() | (pl.col("dos") <= pl.col("addon_del")))
        & (pl.col("primary_del").is_null() | (pl.col("dos") <= pl.col("primary_del")))
    )
    rows = table.select(
        "rel",
        "addon_cid",
        "edit_type",
        "primary",
        "primary_cid",
        "effective",
        "deletion",
        "addon_del",
        "primary_del",
    )
    addons = lines.filter(
        pl.col("cid").is_in(table.get_column("addon_cid").unique().implode())
    ).select("row", "grp", "dos", "cid", "aoc_rel")
    if addons.is_empty():
        return []
    others = lines.select("grp", pl.col("cid").alias("primary_cid"))
    satisfied = (
        addons.join(others, on="grp")
        .join(
            rows.filter(pl.col("primary_cid").is_not_null()),
            left_on=["aoc_rel", "cid", "primary_cid"],
            right_on=["rel", "addon_cid", "primary_cid"],
        )
        .filter(in_force)
        .select("row")
        .unique()
    )
    contractor = ctx.data.aoc_contractor_code
    listed = pl.col("primary").filter(pl.col("primary") != contractor).unique().sort()
    group_size = (
        lines.join(addons.select("grp").unique(), on="grp", how="semi")
        .group_by("grp")
        .agg(pl.col("cid").n_unique().alias("n_codes"))
    )
    per_line = (
        addons.join(satisfied, on="row", how="anti")
        .join(rows, left_on=["aoc_rel", "cid"], right_on=["rel", "addon_cid"])
        .filter(in_force)
        .group_by("row")
        .agg(
            pl.col("grp", "aoc_rel").first(),
            pl.col("edit_type").unique().sort().alias("types"),
            listed.alias("listed"),
        )
        .join(group_size, on="grp", how="left")
        .join(lines.select("row", "claim_id", "dos", "line", "code"), on="row")
        .with_columns(
            others=pl.col("n_codes") > 1,
            t1=pl.col("types").list.contains("1"),
            t2=pl.col("types").list.contains("2"),
            t3=pl.col("types").list.contains("3"),
        )
        .with_columns(
            rule=pl.when(pl.col("t2") & pl.col("others"))
            .then(pl.lit("AOC04"))
            .when(pl.col("t2"))
            .then(pl.lit("AOC02"))
            .when(pl.col("t3"))
            .then(pl.lit("AOC03"))
            .when(pl.col("t1"))
            .then(pl.lit("AOC01"))
            .otherwise(pl.lit(None, dtype=pl.String)),
            lines=pl.concat_list("line"),
            primaries=pl.col("listed").list.head(add_on.SHOWN_PRIMARIES).list.join(", "),
            n_primaries=pl.col("listed").list.len(),
            src_row=pl.concat_str(
                [
                    pl.col("code"),
                    pl.lit(" (edit type "),
                    pl.col("types").list.join("/"),
                    pl.lit(")"),
                ]
            ),
        )
    )
    return [finish(ctx, per_line, "aoc", r) for r in ("AOC01", "AOC02", "AOC03", "AOC04")]
