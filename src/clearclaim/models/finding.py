"""The one Finding: everything a rule says about a claim, in every shell.

A PTP edit, a policy rule, a bilateral check, a documentation gap, a diagnosis
code and a data gap are all a ``Finding``: the rule's ID and kind, how serious
it is, the lines and codes involved, what it says and what to do, its sources
(with release and effective dates) and what it did to the recommended claim.
``Finding.to_dict()`` and ``Finding.from_dict()`` round-trip it exactly.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.models.data import Source

Severity = Literal["deny", "warn", "info"]
RuleKind = Literal[
    "ptp",
    "mue",
    "add_on",
    "pc_tc",
    "status",
    "policy",
    "bilateral",
    "documentation",
    "diagnosis",
    "data",
]
#: what a finding did to the recommended claim (declared by its rule, as data)
Effect = Literal[
    "none",
    "suppress",
    "replace",
    "add_code",
    "add_modifier",
    "remove_modifier",
    "set_units",
    "cap_units",
]
SEVERITY_ORDER: dict[str, int] = {"deny": 0, "warn": 1, "info": 2}


class Finding(BaseModel):
    """One thing wrong (or worth knowing) about a claim, with why and what to do."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    rule_name: str
    kind: RuleKind
    severity: Severity
    claim_id: str = "claim"
    date_of_service: date | None = None
    #: every line involved; the first is the line the finding is about
    lines: tuple[int, ...] = ()
    #: every code involved (the code it is about first)
    codes: tuple[str, ...] = ()
    code: str | None = None
    related_code: str | None = None
    related_line: int | None = None
    message: str
    action: str
    effect: Effect = "none"
    citation: str = ""
    sources: tuple[Source, ...] = ()
    #: where sources disagree or the rule is unsure, said in words
    uncertainty: str | None = None
    #: rule-specific facts (modifier indicator, MUE, MAI, status ...), as text
    details: dict[str, str] = Field(default_factory=dict)

    @property
    def line(self) -> int | None:
        return self.lines[0] if self.lines else None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls.model_validate(data)

    def source_text(self) -> str:
        """The first source in one line (what a CSV cell or a risk shows)."""
        return self.sources[0].text() if self.sources else self.citation

    def to_row(self) -> dict[str, Any]:
        """The flat row the batch scrub writes (the same columns, the same text)."""
        return {
            "claim_id": self.claim_id,
            "line": self.line,
            "lines": " ".join(str(n) for n in self.lines),
            "date_of_service": self.date_of_service,
            "code": self.code,
            "rule": self.rule_id,
            "rule_name": self.rule_name,
            "kind": self.kind,
            "severity": self.severity,
            "related_code": self.related_code,
            "related_line": self.related_line,
            "message": self.message,
            "action": self.action,
            "source": (
                self.sources[0].cell_text(in_force=self.details.get("release_in_force") != "no")
                if self.sources
                else ""
            ),
        }
