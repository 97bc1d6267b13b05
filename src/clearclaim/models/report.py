"""The check's answer, typed: the JSON every shell shows is ``Report.to_dict()``.

The keys are a contract (README, "clearclaim check"): ``context``, ``lines``,
``suppressed``, ``documentation {missing, found, gaps}``, ``findings``,
``payment``, ``denial_risks``, ``warnings``, ``note``, ``undetermined``,
``library``; added since: ``needs_review``, ``data_coverage``, ``audit_id``.
``suppressed`` entries and documentation ``gaps`` are views of the findings
that caused them (the same rule, message and sources).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.models.data import DataCoverage, DataWarning, Source
from clearclaim.models.finding import Finding, Severity


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Quote(_Value):
    """Text of the note that supports a fact, with its place in the note."""

    start: int
    end: int
    text: str
    section: str | None = None


class RequestSummary(_Value):
    """What was asked, as the report and the audit trail record it (never the note)."""

    date_of_service: str
    pos: str
    setting: str
    equipment: str | None = None
    language: str = "en"
    intended_codes: list[str] = Field(default_factory=list)
    diagnoses: list[str] = Field(default_factory=list)


class ReportLine(_Value):
    """A line to bill."""

    code: str
    units: int
    modifiers: list[str]
    rationale: str
    #: intended (the coder's), documented (the note's, a missed charge),
    #: proposed (no codes were given), replacement (for a deleted code)
    origin: str
    sources: list[Source] = Field(default_factory=list)
    #: for a documented line: the note's text that supports it
    evidence: list[Quote] = Field(default_factory=list)


class SuppressedCode(_Value):
    """A code not to bill (or units over what may be billed), with its rule."""

    code: str
    reason: str
    rule: str
    action: str = ""
    replaced_by: str | None = None
    #: units over what may be billed (the line keeps the allowed units)
    units: int | None = None
    sources: list[Source] = Field(default_factory=list)

    @classmethod
    def from_finding(
        cls,
        finding: Finding,
        code: str,
        *,
        reason: str | None = None,
        replaced_by: str | None = None,
        units: int | None = None,
    ) -> SuppressedCode:
        return cls(
            code=code,
            reason=reason or finding.message,
            rule=finding.rule_id,
            action=finding.action,
            replaced_by=replaced_by,
            units=units,
            sources=list(finding.sources),
        )


class DocumentationGap(_Value):
    """An element the note lacks for a fluoroscopy code the report recommends."""

    element: str
    rule: str
    codes: list[str]
    gap_kind: Literal["payment", "quality"]
    severity: Severity
    message: str
    action: str
    #: the query or addendum text the physician completes
    prompt: str = ""


class Documentation(_Value):
    missing: list[str] = Field(default_factory=list)
    found: dict[str, list[Quote]] = Field(default_factory=dict)
    gaps: list[DocumentationGap] = Field(default_factory=list)


class DenialRisk(_Value):
    rank: int
    severity: Severity
    code: str | None
    rule: str
    risk: str
    what_to_do: str
    source: str
    #: true when the recommended claim already avoids it (shown for the coder's
    #: information: the claim as intended would be denied or questioned)
    resolved_in_recommendation: bool = False


class Payment(_Value):
    #: each line priced for the place of service, locality and date (the price
    #: JSON of ``clearclaim price`` with units and the line amount)
    lines: list[dict[str, Any]] = Field(default_factory=list)
    total: float | None = None
    note: str = ""


class NoteSummary(_Value):
    """What the reader found, without the note's text."""

    language: str
    determinable: bool
    fluoroscopy: str
    physician_presence: str
    procedures: list[dict[str, Any]] = Field(default_factory=list)
    proposals: list[dict[str, Any]] = Field(default_factory=list)


class Report(BaseModel):
    """The answer: what to bill, what not and why, the gaps, the money and the risks."""

    context: RequestSummary
    lines: list[ReportLine]
    suppressed: list[SuppressedCode]
    documentation: Documentation
    findings: list[Finding]
    payment: Payment
    denial_risks: list[DenialRisk]
    warnings: list[DataWarning]
    note: NoteSummary
    undetermined: list[str] = Field(default_factory=list)
    #: why the report should be read by a person before the claim goes out (the
    #: note and the codes disagree, the procedure is unclear); empty when confident
    needs_review: list[str] = Field(default_factory=list)
    #: per data family: the release that answered the date, and how well
    data_coverage: list[DataCoverage] = Field(default_factory=list)
    library: list[dict[str, Any]] = Field(default_factory=list)
    #: the audit trail entry that recorded this report's decisions, when recorded
    audit_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
