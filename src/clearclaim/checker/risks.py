"""Denial risks: what would be denied or questioned, ranked, in plain words."""

from __future__ import annotations

from typing import Any

from clearclaim.edits import Finding
from clearclaim.rules import DocumentationReport
from clearclaim.rules.engine import ClaimState

SEVERITY_RANK = {"deny": 1, "warn": 2, "info": 3}


def _source(finding: Finding) -> str:
    if finding.sources:
        first = finding.sources[0]
        return " ".join(part for part in (first.title, first.release, first.row) if part)
    return finding.citation


def denial_risks(
    intended: list[Finding], final: list[Finding], state: ClaimState, docs: DocumentationReport
) -> list[dict[str, Any]]:
    risks: list[dict[str, Any]] = []
    final_keys = {(f.rule_id, f.code, f.related_code) for f in final}
    for finding in intended:
        if finding.severity == "info":
            continue
        still = (finding.rule_id, finding.code, finding.related_code) in final_keys
        start = finding.sources[0].effective_start if finding.sources else None
        if (
            still
            and start is not None
            and finding.rule_id.startswith("PTP")
            and (start - state.day).days > 366
        ):
            risks.append(
                {
                    "severity": "warn",
                    "code": finding.code,
                    "rule": finding.rule_id,
                    "risk": (
                        f"{finding.message} This edit is in the NCCI file effective "
                        f"{start.isoformat()}, which does not say when the edit began: it may "
                        "not have been in force on the date of service, so the line was kept."
                    ),
                    "what_to_do": "Check the NCCI release in force on the date of service.",
                    "source": _source(finding),
                    "resolved_in_recommendation": False,
                }
            )
            continue
        risks.append(
            {
                "severity": finding.severity,
                "code": finding.code,
                "rule": finding.rule_id,
                "risk": (
                    f"{finding.message}"
                    if still
                    else f"As intended, {finding.code} would be denied or questioned: "
                    f"{finding.message} The recommended claim avoids this."
                ),
                "what_to_do": finding.action,
                "source": _source(finding),
                "resolved_in_recommendation": not still,
            }
        )
    intended_keys = {(f.rule_id, f.code, f.related_code) for f in intended}
    for finding in final:
        if (
            finding.severity == "info"
            or (finding.rule_id, finding.code, finding.related_code) in intended_keys
        ):
            continue
        risks.append(
            {
                "severity": finding.severity,
                "code": finding.code,
                "rule": finding.rule_id,
                "risk": finding.message,
                "what_to_do": finding.action,
                "source": _source(finding),
                "resolved_in_recommendation": False,
            }
        )
    for item in state.suppressed:
        if any(r["code"] == item.code and r["rule"] == item.rule for r in risks):
            continue
        citation = item.citations[0] if item.citations else {}
        risks.append(
            {
                "severity": "deny",
                "code": item.code,
                "rule": item.rule,
                "risk": f"If billed, {item.code} is likely to be denied: {item.reason}",
                "what_to_do": item.action,
                "source": " ".join(
                    str(v) for v in (citation.get("source"), citation.get("section")) if v
                ),
                "resolved_in_recommendation": True,
            }
        )
    for gap in docs.gaps:
        risks.append(
            {
                "severity": gap.severity if gap.gap_kind == "payment" else "info",
                "code": ",".join(gap.codes),
                "rule": gap.rule,
                "risk": (f"Documentation gap ({gap.gap_kind}): {gap.message}"),
                "what_to_do": gap.action,
                "source": gap.rule,
                "resolved_in_recommendation": False,
            }
        )
    for policy in state.findings:
        if policy.severity == "info":
            continue
        risks.append(
            {
                "severity": policy.severity,
                "code": ",".join(policy.codes),
                "rule": policy.rule,
                "risk": policy.message,
                "what_to_do": policy.action,
                "source": policy.citations[0].get("source", "") if policy.citations else "",
                "resolved_in_recommendation": False,
            }
        )
    risks.sort(key=lambda r: (r["resolved_in_recommendation"], SEVERITY_RANK.get(r["severity"], 4)))
    for rank, risk in enumerate(risks, start=1):
        risk["rank"] = rank
    return risks
