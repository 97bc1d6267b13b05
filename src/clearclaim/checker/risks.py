"""Denial risks: what the claim as recommended could still be denied or questioned
for, ranked, in plain words, each with its source.

What the report already fixed is not a risk: a suppressed code is named in
``suppressed`` (with its rule), a modifier the report added or removed is on the
line. A risk is a finding that holds on the recommended claim, an edit that may
not have applied on an old date, or a documentation gap.
"""

from __future__ import annotations

from clearclaim.models import DenialRisk, Finding
from clearclaim.rules.engine import ClaimState

SEVERITY_RANK = {"deny": 1, "warn": 2, "info": 3}


def denial_risks(
    intended: list[Finding],
    final: list[Finding],
    state: ClaimState,
    gaps: list[Finding],
) -> list[DenialRisk]:
    risks: list[tuple[int, DenialRisk]] = []
    final_keys = {(f.rule_id, f.code, f.related_code) for f in final}

    def add(finding: Finding, risk: str, *, severity: str | None = None) -> None:
        level = severity or finding.severity
        risks.append(
            (
                SEVERITY_RANK.get(level, 4),
                DenialRisk(
                    rank=0,
                    severity=level,
                    code=",".join(finding.codes) if finding.codes else finding.code,
                    rule=finding.rule_id,
                    risk=risk,
                    what_to_do=finding.action,
                    source=finding.source_text(),
                ),
            )
        )

    for finding in intended:
        start = finding.sources[0].effective_start if finding.sources else None
        still = (finding.rule_id, finding.code, finding.related_code) in final_keys
        if (
            still
            and finding.severity != "info"
            and start is not None
            and finding.rule_id.startswith("PTP")
            and (start - state.day).days > 366
        ):
            add(
                finding,
                f"{finding.message} This edit is in the NCCI file effective "
                f"{start.isoformat()}, which does not say when the edit began: it may "
                "not have been in force on the date of service, so the line was kept.",
                severity="warn",
            )
    for finding in final:
        if finding.severity == "info":
            continue
        if any(r.rule == finding.rule_id and r.code == finding.code for _, r in risks):
            continue
        add(finding, finding.message)
    for finding in state.findings:
        if finding.severity == "info" or finding.effect != "none":
            continue  # an effect the report applied is not a risk left on the claim
        add(finding, finding.message)
    for gap in gaps:
        kind = gap.details.get("gap_kind", "payment")
        add(
            gap,
            f"Documentation gap ({kind}): {gap.message}",
            severity=gap.severity if kind == "payment" else "info",
        )
    ordered = sorted(risks, key=lambda pair: pair[0])
    return [risk.model_copy(update={"rank": i}) for i, (_, risk) in enumerate(ordered, start=1)]
