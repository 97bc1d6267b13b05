"""What the single-claim checks share: their context and how a finding is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from clearclaim.edits.lookups import Lookups
from clearclaim.edits.models import ClaimLine, Finding, Setting
from clearclaim.edits.releases import ROLE_FAMILIES, Choice, Resolver
from clearclaim.edits.rules import EditData, policy_source


@dataclass
class Context:
    """One claim date of service being checked, with the engine's lookups."""

    data: EditData
    lookups: Lookups
    resolver: Resolver
    setting: Setting
    claim_id: str
    day: date
    lines: list[ClaimLine]
    #: role ("ptp", "mue", "aoc", "pfs") -> release chosen for this date; a role
    #: with no release loaded is absent (the engine reports it as a warning)
    choices: dict[str, Choice]

    def family(self, role: str) -> str:
        return ROLE_FAMILIES[self.setting][role]


def lines_text(lines: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in lines)


def make_finding(
    ctx: Context,
    rule_id: str,
    *,
    choice: Choice,
    lines: tuple[int, ...],
    code: str,
    row: str | None,
    fields: dict[str, Any],
    related_code: str | None = None,
    related_line: int | None = None,
) -> Finding | None:
    """A finding of ``rule_id``, or None when the rule is not in effect on the date."""
    rule = ctx.data.rule(rule_id)
    if not rule.applies_on(ctx.day):
        return None
    values: dict[str, Any] = {
        "code": code,
        "line": lines[0],
        "lines": lines_text(lines),
        "dos": ctx.day.isoformat(),
        "related_code": related_code,
        "related_line": related_line,
        "release": choice.label,
        **fields,
    }
    message, action = rule.render(values)
    details = {name: "" if fields.get(name) is None else str(fields[name]) for name in rule.fields}
    details["release_in_force"] = "yes" if choice.in_force else "no"
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        claim_id=ctx.claim_id,
        date_of_service=ctx.day,
        lines=lines,
        code=code,
        related_code=related_code,
        related_line=related_line,
        message=message,
        action=action,
        citation=rule.citation,
        sources=(choice.source(row), policy_source(rule)),
        details=details,
    )
