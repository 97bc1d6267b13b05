"""Professional and technical components (PFS PC/TC indicator), professional claims.

PCTC01: modifier 26 or TC on a code whose indicator does not allow it (what
each indicator allows is data: indicators.yaml). PCTC02: a diagnostic test with
both components (indicator 1) billed as the global service by a physician at a
place of service where the facility bills the technical component.
"""

from __future__ import annotations

import polars as pl

from clearclaim.edits.batch_frames import BatchContext, finish
from clearclaim.edits.common import Context, make_finding
from clearclaim.edits.models import Finding
from clearclaim.edits.rules import EditData

#: the PC/TC indicator of a diagnostic test with both components
SPLIT_INDICATOR = "1"


def offending(data: EditData, pctc: str, has_26: bool, has_tc: bool) -> str | None:
    """The modifier(s) the indicator does not allow, as the message names them."""
    meaning = data.pctc.get(pctc)
    if meaning is None:
        return None
    bad = [
        mod
        for mod, present, allowed in (
            ("26", has_26, meaning.allows_26),
            ("TC", has_tc, meaning.allows_tc),
        )
        if present and not allowed
    ]
    return " and ".join(bad) or None


def pfs_row_text(code: str, status: str, pctc: str) -> str:
    return f"{code}, status {status}, PC/TC {pctc}"


def check(ctx: Context) -> list[Finding]:
    choice = ctx.choices.get("pfs")
    if choice is None or ctx.setting != "professional":
        return []
    data = ctx.data
    findings: list[Finding] = []
    for line in ctx.lines:
        row = ctx.lookups.pfs(choice.keys, line.code)
        if row is None or row.pctc not in data.pctc:
            continue
        meaning = data.pctc[row.pctc]
        has_26, has_tc = "26" in line.modifiers, "TC" in line.modifiers
        bad = offending(data, row.pctc, has_26, has_tc)
        common = {
            "choice": choice,
            "lines": (line.line,),
            "code": line.code,
            "row": pfs_row_text(line.code, row.status, row.pctc),
        }
        finding = None
        if bad:
            finding = make_finding(
                ctx,
                "PCTC01",
                **common,  # type: ignore[arg-type]
                fields={
                    "modifier": bad,
                    "pctc": row.pctc,
                    "pctc_label": meaning.label,
                    "pctc_action": meaning.action,
                },
            )
        elif (
            row.pctc == SPLIT_INDICATOR
            and not has_26
            and not has_tc
            and line.pos in data.facility_pos
        ):
            finding = make_finding(
                ctx,
                "PCTC02",
                **common,  # type: ignore[arg-type]
                fields={"pos": line.pos, "pos_name": data.facility_pos[line.pos or ""]},
            )
        if finding:
            findings.append(finding)
    return findings


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
                (pl.col("pctc") == SPLIT_INDICATOR)
                & ~pl.col("has26")
                & ~pl.col("hasTC")
                & pl.col("pos_name").is_not_null()
            )
            .then(pl.lit("PCTC02"))
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
    return [finish(ctx, frame, "pfs", r) for r in ("PCTC01", "PCTC02")]
