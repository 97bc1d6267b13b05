"""Code status over a whole claim file (see status.py for the rule)."""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish


def _basis_frame(texts: dict[str, str], column: str) -> pl.DataFrame:
    return pl.DataFrame({column: list(texts), f"{column}_text": list(texts.values())})


def _fill(template_column: str) -> pl.Expr:
    """Put the dates into a basis text ("... a termination date of {deleted_on}")."""
    expr = pl.col(template_column).fill_null("")
    for name in ("deleted_on", "first_effective", "first_release"):
        expr = expr.str.replace_all(
            "{" + name + "}", pl.col(name).cast(pl.String).fill_null(""), literal=True
        )
    return expr


def batch(ctx: BatchContext, lines: pl.DataFrame) -> list[pl.DataFrame]:
    pfs = ctx.tables.get("pfs")
    if pfs is None:
        return []
    data = ctx.data
    base = lines.select("row", "claim_id", "dos", "line", "code", "cid", "pfs_rel")
    out: list[pl.DataFrame] = []
    if ctx.setting == "professional":
        statuses = pl.DataFrame(
            {
                "status": list(data.status),
                "rule": [s.rule for s in data.status.values()],
                "status_label": [s.label for s in data.status.values()],
                "status_meaning": [s.meaning for s in data.status.values()],
            }
        )
        listed = (
            base.join(
                pfs.filter(pl.col("status").is_in(list(data.status))).select(
                    "rel", "cid", "status", "pctc"
                ),
                left_on=["pfs_rel", "cid"],
                right_on=["rel", "cid"],
            )
            .join(statuses, on="status")
            .with_columns(
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
        out += [
            finish(ctx, listed, "pfs", r) for r in sorted({s.rule for s in data.status.values()})
        ]
    facts = ctx.tables.get("facts")
    if facts is None or facts.is_empty():
        return out
    absent = (
        base.join(
            pfs.select("rel", "cid"),
            left_on=["pfs_rel", "cid"],
            right_on=["rel", "cid"],
            how="anti",
        )
        .join(facts, on="cid")
        .join(ctx.in_force["pfs"], on="dos", how="left")
        .with_columns(
            rule=pl.when(
                pl.col("deleted_on").is_not_null() & (pl.col("deleted_on") < pl.col("dos"))
            )
            .then(pl.lit("STAT02"))
            .when(
                pl.col("src_in_force")
                & pl.col("first_effective").is_not_null()
                & (pl.col("first_effective") > pl.col("dos"))
            )
            .then(pl.lit("STAT03"))
            .otherwise(pl.lit(None, dtype=pl.String)),
        )
        .drop("src_in_force")
        .filter(pl.col("rule").is_not_null())
    )
    if absent.is_empty():
        return out
    absent = (
        absent.join(
            _basis_frame(data.deletion_basis, "deletion_basis"), on="deletion_basis", how="left"
        )
        .join(_basis_frame(data.first_basis, "first_basis"), on="first_basis", how="left")
        .with_columns(
            deletion_evidence=_fill("deletion_basis_text"),
            first_evidence=_fill("first_basis_text"),
            lines=pl.concat_list("line"),
            src_row=pl.lit(None, dtype=pl.String),
        )
    )
    out += [finish(ctx, absent, "pfs", r) for r in ("STAT02", "STAT03")]
    return out
