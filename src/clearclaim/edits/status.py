"""Whether a code is valid for Medicare on the date of service.

STAT01 / STAT04 (professional claims): the code's PFS status in the release
for the date (which statuses trigger what is data: indicators.yaml).
STAT02: the code is absent from the fee schedule release for the date and a
loaded file dates its deletion before the date (76001: no row in any 2020+
RVU file, every PTP edit naming it ended 2018-12-31). STAT03: the code is
absent from the release in force on the date and first appears later.
"""

from __future__ import annotations

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
