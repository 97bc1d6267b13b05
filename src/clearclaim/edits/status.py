"""Whether a code is valid for Medicare on the date of service.

STAT01 / STAT04 (professional claims): the code's PFS status in the release
for the date (which statuses trigger what is data: indicators.yaml).
STAT02: the code is absent from the fee schedule release for the date and a
loaded file dates its deletion before the date (76001: no row in any 2020+
RVU file, every PTP edit naming it ended 2018-12-31). STAT03: the code is
absent from the release in force on the date and first appears later.
"""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish
from clearclaim.edits.common import Context, make_finding
from clearclaim.edits.lookups import CodeFacts
from clearclaim.edits.models import Finding
from clearclaim.edits.pc_tc import pfs_row_text
from clearclaim.edits.rules import EditData


def absent_rule(facts: CodeFacts, day_iso: str, release_in_force: bool) -> str | None:
    """STAT02 or STAT03 for a code the fee schedule release does not list."""
    if facts.deleted_on and facts.deleted_on.isoformat() < day_iso:
        return "STAT02"
    if release_in_force and facts.first_effective and facts.first_effective.isoformat() > day_iso:
        return "STAT03"
    return None


def evidence_fields(data: EditData, facts: CodeFacts) -> dict[str, str]:
    values = {
        "deleted_on": facts.deleted_on.isoformat() if facts.deleted_on else "",
        "first_effective": facts.first_effective.isoformat() if facts.first_effective else "",
        "first_release": facts.first_release or "",
    }
    deletion = data.deletion_basis.get(facts.deletion_basis or "", "")
    first = data.first_basis.get(facts.first_basis or "", "")
    return {
        "deleted_on": values["deleted_on"],
        "deletion_evidence": deletion.format(**values),
        "first_effective": values["first_effective"],
        "first_evidence": first.format(**values),
    }


def check(ctx: Context) -> list[Finding]:
    choice = ctx.choices.get("pfs")
    if choice is None:
        return []
    data = ctx.data
    day_iso = ctx.day.isoformat()
    findings: list[Finding] = []
    for line in ctx.lines:
        row = ctx.lookups.pfs(choice.keys, line.code)
        finding = None
        if row is not None:
            status = data.status.get(row.status)
            if status is not None and ctx.setting == "professional":
                finding = make_finding(
                    ctx,
                    status.rule,
                    choice=choice,
                    lines=(line.line,),
                    code=line.code,
                    row=pfs_row_text(line.code, row.status, row.pctc),
                    fields={
                        "status": row.status,
                        "status_label": status.label,
                        "status_meaning": status.meaning,
                    },
                )
        else:
            facts = ctx.lookups.facts(line.code)
            rule_id = absent_rule(facts, day_iso, choice.in_force)
            if rule_id:
                finding = make_finding(
                    ctx,
                    rule_id,
                    choice=choice,
                    lines=(line.line,),
                    code=line.code,
                    row=None,
                    fields=evidence_fields(data, facts),
                )
        if finding:
            findings.append(finding)
    return findings


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
