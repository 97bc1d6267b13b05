"""Professional and technical components (PFS PC/TC indicator), professional claims.

PCTC01: modifier 26 or TC on a code whose indicator does not allow it (what
each indicator allows is data: indicators.yaml). PCTC02: a diagnostic test with
both components (indicator 1) billed as the global service by a physician at a
place of service where the facility bills the technical component; PCTC03: its
technical component (TC) billed by the physician there.
"""

from __future__ import annotations

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
        elif row.pctc == SPLIT_INDICATOR and has_tc and line.pos in data.facility_pos:
            finding = make_finding(
                ctx,
                "PCTC03",
                **common,  # type: ignore[arg-type]
                fields={"pos": line.pos, "pos_name": data.facility_pos[line.pos or ""]},
            )
        if finding:
            findings.append(finding)
    return findings
