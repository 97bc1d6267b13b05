"""NCCI add-on code edits: an add-on code needs an eligible primary code billed on
the same date of service.

Edit types (CMS AOC file): 1, only the listed primaries are eligible (a deny
without one); 2, each contractor defines the primaries, the file lists none
('CCCCC'), so the engine can only warn (billed alone) or inform (billed with
other codes); 3, CMS lists some primaries and contractors may accept others (a
warning without a listed one). A row counts on a date of service when it is in
force then: after its effective date, and on or before its own, its add-on
code's and its primary code's deletion dates.
"""

from __future__ import annotations

from clearclaim.edits.common import Context, make_finding
from clearclaim.edits.models import Finding

#: how many primary codes a message names
SHOWN_PRIMARIES = 5


def decide(types: set[str], satisfied: bool, others: bool) -> str | None:
    """The rule an add-on line triggers, from its in-force rows' edit types."""
    if satisfied or not types:
        return None
    if "2" in types:
        return "AOC04" if others else "AOC02"
    if "3" in types:
        return "AOC03"
    if "1" in types:
        return "AOC01"
    return None


def check(ctx: Context) -> list[Finding]:
    choice = ctx.choices.get("aoc")
    if choice is None:
        return []
    contractor = ctx.data.aoc_contractor_code
    codes_billed = {line.code for line in ctx.lines}
    findings: list[Finding] = []
    for line in ctx.lines:
        rows = [r for r in ctx.lookups.aoc(choice.keys, line.code) if r.in_force(ctx.day)]
        if not rows:
            continue
        types = {r.edit_type for r in rows}
        listed = sorted({r.primary_code for r in rows if r.primary_code != contractor})
        satisfied = any(code in codes_billed for code in listed)
        others = any(code != line.code for code in codes_billed)
        rule_id = decide(types, satisfied, others)
        if rule_id is None:
            continue
        finding = make_finding(
            ctx,
            rule_id,
            choice=choice,
            lines=(line.line,),
            code=line.code,
            row=f"{line.code} (edit type {'/'.join(sorted(types))})",
            fields={
                "primaries": ", ".join(listed[:SHOWN_PRIMARIES]),
                "n_primaries": len(listed),
            },
        )
        if finding:
            findings.append(finding)
    return findings
