"""What the vectorised checks share: their context and how a findings frame is
finished (the rule's message and action templates rendered as Polars
expressions, the source named the way the single-claim path names it)."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import polars as pl

from clearclaim.edits.models import Setting
from clearclaim.edits.rules import EditData

#: the findings file's columns, in order ("row" is the input row, for sorting)
OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "claim_id": pl.String(),
    "line": pl.Int64(),
    "lines": pl.String(),
    "date_of_service": pl.Date(),
    "code": pl.String(),
    "rule": pl.String(),
    "rule_name": pl.String(),
    "kind": pl.String(),
    "severity": pl.String(),
    "related_code": pl.String(),
    "related_line": pl.Int64(),
    "message": pl.String(),
    "action": pl.String(),
    "source": pl.String(),
}


@dataclass
class BatchContext:
    """The edit tables a batch needs, filtered to its codes and releases."""

    data: EditData
    setting: Setting
    #: role -> table: "ptp", "mue", "aoc", "pfs", "facts"
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: role -> rel, release, src_file, src_title, src_start, src_end
    release_info: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: role -> dos, src_in_force (whether the release used is in force that day)
    in_force: dict[str, pl.DataFrame] = field(default_factory=dict)


def empty_output() -> pl.DataFrame:
    return pl.DataFrame(schema=OUTPUT_SCHEMA)


def finish(ctx: BatchContext, frame: pl.DataFrame, role: str, rule_id: str) -> pl.DataFrame:
    """Render one rule's findings: ``frame`` has row, claim_id, dos, line, lines (list),
    code, related_code, related_line, ``{role}_rel``, src_row and the rule's fields."""
    rule = ctx.data.rule(rule_id)
    if "rule" in frame.columns:
        frame = frame.filter(pl.col("rule") == rule_id)
    if rule.effective_start:
        frame = frame.filter(pl.col("dos") >= rule.effective_start)
    if rule.effective_end:
        frame = frame.filter(pl.col("dos") <= rule.effective_end)
    if frame.is_empty():
        return empty_output()
    frame = frame.join(
        ctx.release_info[role], left_on=f"{role}_rel", right_on="rel", how="left"
    ).join(ctx.in_force[role], on="dos", how="left")
    for name in (*rule.fields, "related_code", "related_line"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    frame = frame.with_columns(
        lines_csv=pl.col("lines").list.eval(pl.element().cast(pl.String)).list.join(" "),
        lines=pl.col("lines").list.eval(pl.element().cast(pl.String)).list.join(", "),
    )
    return frame.select(
        pl.col("row").cast(pl.Int64),
        "claim_id",
        pl.col("line").cast(pl.Int64),
        pl.col("lines_csv").alias("lines"),
        pl.col("dos").alias("date_of_service"),
        "code",
        pl.lit(rule.id).alias("rule"),
        pl.lit(rule.name).alias("rule_name"),
        pl.lit(rule.kind).alias("kind"),
        pl.lit(rule.severity).alias("severity"),
        pl.col("related_code").cast(pl.String),
        pl.col("related_line").cast(pl.Int64),
        template_expr(rule.message).alias("message"),
        template_expr(rule.action).alias("action"),
        source_text_expr().alias("source"),
    )


def template_expr(template: str) -> pl.Expr:
    """The template as a Polars expression over columns named like its fields."""
    parts: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name:
            parts.append(pl.col(name).cast(pl.String).fill_null(""))
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts)


def source_text_expr() -> pl.Expr:
    """:func:`source_text` over columns src_file, src_title, src_release, src_start,
    src_end, src_row and src_in_force."""
    row = (
        pl.when(pl.col("src_row").is_not_null() & (pl.col("src_row") != ""))
        .then(pl.concat_str([pl.lit(", row "), pl.col("src_row")]))
        .otherwise(pl.lit(""))
    )
    note = (
        pl.when(pl.col("src_in_force"))
        .then(pl.lit(""))
        .otherwise(pl.lit("; release not in force on the date of service"))
    )
    return pl.concat_str(
        [
            pl.col("src_file"),
            pl.lit(", "),
            pl.col("src_title"),
            pl.lit(" "),
            pl.col("src_release"),
            pl.lit(" (effective "),
            pl.col("src_start").cast(pl.String),
            pl.lit(" to "),
            pl.col("src_end").cast(pl.String),
            pl.lit(")"),
            row,
            note,
        ]
    )
