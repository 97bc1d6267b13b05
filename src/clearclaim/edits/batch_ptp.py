"""NCCI procedure-to-procedure edits over a whole claim file (see ptp.py for the rule)."""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish


def pair_key(release: str, code_1: str, code_2: str) -> pl.Expr:
    """One integer for (release index, column 1, column 2): codes are below 2**26
    (base 36 of five characters), so the release index starts at bit 52. One
    integer key joins about twice as fast as two columns."""
    return (
        pl.col(release).cast(pl.Int64) * (1 << 52)
        + pl.col(code_1).cast(pl.Int64) * (1 << 26)
        + pl.col(code_2).cast(pl.Int64)
    )


def batch(ctx: BatchContext, lines: pl.DataFrame) -> list[pl.DataFrame]:
    """Pairs of lines on the same claim and date (a self-join on the claim-date group,
    integers only, so millions of pairs stay small), joined to the PTP table on one
    integer key per (column 1, column 2); then the few hits get their line details."""
    edits = ctx.tables.get("ptp")
    if edits is None or edits.is_empty():
        return []
    data = ctx.data
    slim = lines.select("row", "grp", "cid", "dos", "ptp_rel")
    left = slim.filter(pl.col("cid").is_in(edits.get_column("k1").unique().implode())).select(
        "grp", "dos", "ptp_rel", pl.col("row").alias("row_a"), pl.col("cid").alias("cid_a")
    )
    right = slim.filter(pl.col("cid").is_in(edits.get_column("k2").unique().implode())).select(
        "grp", pl.col("row").alias("row_b"), pl.col("cid").alias("cid_b")
    )
    hits = (
        left.lazy()
        .join(right.lazy(), on="grp")
        .filter(pl.col("row_a") != pl.col("row_b"))
        .select("row_a", "row_b", "dos", "ptp_rel", rkey=pair_key("ptp_rel", "cid_a", "cid_b"))
        .join(edits.lazy().drop("k1", "k2"), on="rkey")
        .filter(
            (pl.col("dos") <= pl.col("deletion"))
            & (pl.col("effective").is_null() | (pl.col("effective") <= pl.col("dos")))
        )
        .collect()
    )
    if hits.is_empty():
        return []
    # the row of each pair in force: the first deletion date on or after the date
    hits = hits.sort(["row_a", "row_b", "deletion", "mi"]).unique(
        subset=["row_a", "row_b"], keep="first", maintain_order=True
    )
    hits = hits.with_columns(pl.col("mi").cast(pl.String), pl.col("rationale").cast(pl.String))
    applies = [k for k, v in data.modifier_indicators.items() if v.applies]
    bypass_ok = [k for k, v in data.modifier_indicators.items() if v.applies and v.bypass]
    detail = lines.select("row", "claim_id", "line", "code", "byp")
    hits = (
        hits.filter(pl.col("mi").is_in(applies))
        .join(detail.rename(lambda c: f"{c}_a"), on="row_a")
        .join(detail.rename(lambda c: f"{c}_b"), on="row_b")
    )
    modifier = pl.coalesce("byp_b", "byp_a")
    hits = hits.with_columns(
        rule=pl.when(~pl.col("mi").is_in(bypass_ok))
        .then(pl.lit("PTP02"))
        .when(modifier.is_not_null())
        .then(pl.lit("PTP03"))
        .otherwise(pl.lit("PTP01")),
        modifier=modifier,
    )
    meanings = pl.DataFrame(
        {
            "mi": list(data.modifier_indicators),
            "mi_meaning": [v.meaning for v in data.modifier_indicators.values()],
        }
    )
    docs = pl.DataFrame(
        {"modifier": list(data.bypass_docs), "documentation": list(data.bypass_docs.values())}
    )
    hits = (
        hits.join(meanings, on="mi", how="left")
        .join(docs, on="modifier", how="left")
        .select(
            pl.col("row_b").alias("row"),
            pl.col("claim_id_b").alias("claim_id"),
            "dos",
            pl.col("line_b").alias("line"),
            pl.concat_list("line_b", "line_a").alias("lines"),
            pl.col("code_b").alias("code"),
            pl.col("code_a").alias("related_code"),
            pl.col("line_a").alias("related_line"),
            "rule",
            "ptp_rel",
            "rationale",
            "mi_meaning",
            "modifier",
            "documentation",
            pl.concat_str(
                [
                    pl.col("code_a"),
                    pl.lit(","),
                    pl.col("code_b"),
                    pl.lit(","),
                    pl.col("deletion").cast(pl.String).fill_null(""),
                    pl.lit(","),
                    pl.col("mi"),
                ]
            ).alias("src_row"),
        )
    )
    return [finish(ctx, hits, "ptp", rule_id) for rule_id in ("PTP01", "PTP02", "PTP03")]
