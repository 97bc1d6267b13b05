"""NCCI procedure-to-procedure edits.

A column-2 code billed with its column-1 code on the same date of service is
denied, unless the edit's modifier indicator is 1 and an NCCI-associated
modifier is on either line. An edit is in force through its deletion date;
when a pair has several rows (the edit was deleted and re-added, or its
indicator changed), the row in force is the one whose deletion date is the
first on or after the date of service: earlier rows were replaced by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish
from clearclaim.edits.common import Context, make_finding
from clearclaim.edits.lookups import PtpRow
from clearclaim.edits.models import Finding
from clearclaim.edits.rules import EditData


def applicable_row(rows: Iterable[PtpRow], day: date) -> PtpRow | None:
    """The row of one (column 1, column 2) pair in force on ``day``, if any."""
    live = [
        r
        for r in rows
        if (r.deletion_date is None or day <= r.deletion_date)
        and (r.effective_date is None or r.effective_date <= day)
    ]
    if not live:
        return None
    return min(live, key=lambda r: (r.deletion_date or date.max, r.modifier_indicator))


def verdict(data: EditData, indicator: str, bypass: str | None) -> str | None:
    """The rule a pair triggers: PTP02 (indicator 0), PTP01 (1, no modifier), PTP03
    (1, modifier present), or None when the indicator says the edit does not apply."""
    meaning = data.modifier_indicators.get(indicator)
    if meaning is None or not meaning.applies:
        return None
    if not meaning.bypass:
        return "PTP02"
    return "PTP03" if bypass else "PTP01"


def check(ctx: Context) -> list[Finding]:
    choice = ctx.choices.get("ptp")
    if choice is None:
        return []
    codes = sorted({line.code for line in ctx.lines})
    rows = ctx.lookups.ptp_rows(choice.keys, codes)
    by_pair: dict[tuple[str, str], list[PtpRow]] = {}
    for row in rows:
        by_pair.setdefault((row.column_1, row.column_2), []).append(row)
    findings: list[Finding] = []
    data = ctx.data
    for (col1, col2), pair_rows in by_pair.items():
        row = applicable_row(pair_rows, ctx.day)
        if row is None:
            continue
        for first in (ln for ln in ctx.lines if ln.code == col1):
            for second in (ln for ln in ctx.lines if ln.code == col2):
                if first.line == second.line:
                    continue
                bypass = data.first_bypass(second.modifiers, first.modifiers)
                rule_id = verdict(data, row.modifier_indicator, bypass)
                if rule_id is None:
                    continue
                mi = data.modifier_indicators[row.modifier_indicator]
                finding = make_finding(
                    ctx,
                    rule_id,
                    choice=choice,
                    lines=(second.line, first.line),
                    code=col2,
                    related_code=col1,
                    related_line=first.line,
                    row=row.row_text(),
                    fields={
                        "rationale": row.rationale,
                        "mi_meaning": mi.meaning,
                        "modifier": bypass,
                        "documentation": data.bypass_docs.get(bypass or "", ""),
                    },
                )
                if finding:
                    findings.append(finding)
    return findings


# -- batch ---------------------------------------------------------------------


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
