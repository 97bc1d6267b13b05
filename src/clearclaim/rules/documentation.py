"""Documentation gaps: which elements a note lacks for the fluoroscopy codes billed.

The requirements per code are the DOC rules (data/documentation.yaml); the note
facts come from the note reader. ``documentation_gaps(analysis, codes, date)``
gives the report's ``documentation`` part: ``missing`` (element names) and
``found`` (element -> supporting text spans), plus one gap per element with
its rule, codes and kind (payment or quality).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.models import DocumentationGap
from clearclaim.notes.models import ELEMENT_NAMES, NoteAnalysis, TextSpan
from clearclaim.rules.loader import Requirement, Rule, RuleSet, default_rules


class DocumentationReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    missing: list[str] = Field(default_factory=list)
    found: dict[str, list[TextSpan]] = Field(default_factory=dict)
    gaps: list[DocumentationGap] = Field(default_factory=list)
    determinable: bool = True


def _satisfied(analysis: NoteAnalysis, element: str, req: Requirement) -> bool:
    if element == "physician_presence":
        return analysis.physician_presence == "affirmed"
    if element == "interpretation_report":
        if req.sense == "written_report":
            return analysis.has_written_report
        # the guidance codes need the tip position; a written report of the
        # imaging (findings) also documents it
        return analysis.has_tip_position or analysis.has_written_report
    return element in analysis.elements


def documentation_gaps(
    analysis: NoteAnalysis,
    codes: Iterable[str],
    date_of_service: date | None = None,
    rules: RuleSet | None = None,
    positioned_elsewhere: Iterable[str] = (),
) -> DocumentationReport:
    """Elements missing for the fluoroscopy ``codes`` the report recommends.

    With no fluoroscopy code among ``codes``, nothing is missing. A note the
    reader could not read (another language, no procedure) gives no gaps and
    ``determinable=False``: gaps are never guessed. ``positioned_elsewhere`` are
    guidance codes whose needle's position the note gives only for another
    procedure of the session: their interpretation is missing.
    """
    ruleset = rules or default_rules()
    billed = {c.strip().upper()[:5] for c in codes}
    found = {name: list(el.spans) for name, el in sorted(analysis.elements.items())}
    if not analysis.determinable:
        return DocumentationReport(found=found, determinable=False)
    in_force = ruleset.rules if date_of_service is None else ruleset.in_force(date_of_service)
    doc_rules: list[Rule] = [r for r in in_force if r.id.startswith("DOC")]
    gaps: list[DocumentationGap] = []
    elsewhere = {c.strip().upper()[:5] for c in positioned_elsewhere}
    for rule in doc_rules:
        element = rule.element or ""
        for req in rule.requirements:
            hit = sorted(billed & ruleset.code_set(req.codes, date_of_service))
            if hit and _satisfied(analysis, element, req):
                # the tip position said is another procedure's needle's
                tip_sense = element == "interpretation_report" and req.sense != "written_report"
                hit = [code for code in hit if code in elsewhere] if tip_sense else []
            if not hit:
                continue
            gaps.append(
                DocumentationGap(
                    element=element,
                    rule=rule.id,
                    codes=hit,
                    gap_kind=req.gap_kind,
                    severity=rule.severity if req.gap_kind == "payment" else "info",
                    message=" ".join(rule.message.split()),
                    action=" ".join(rule.action.split()),
                    prompt=" ".join((rule.prompt or "").split()),
                )
            )
    missing = [name for name in ELEMENT_NAMES if any(g.element == name for g in gaps)]
    return DocumentationReport(missing=missing, found=found, gaps=gaps)
