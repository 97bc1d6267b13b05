"""NCCI medically unlikely edits: the most units of a code per line (MAI 1) or per
date of service (MAI 2 and 3, units summed over the claim's lines of that date).
"""

from __future__ import annotations

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
        groups: list[tuple[int, tuple[int, ...]]]
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
