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
        applies = applicable_row(pair_rows, ctx.day)
        if applies is None:
            continue
        row = applies
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
