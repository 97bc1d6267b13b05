"""What the CMS edit findings do to the recommended claim.

Each deny finding's rule declares its effect as data (the registry): suppress
the line, remove or add a modifier, cap the units. Two refinements the note
supports come first: a column-2 code of another anatomic site keeps its line
with XS (distinct.py), and an add-on billed without its only primary becomes
that primary (10008 alone is 10007).
"""

from __future__ import annotations

from clearclaim.checker.distinct import separate_structure
from clearclaim.checker.ptp_dates import unconfirmed_ptp
from clearclaim.models import Finding
from clearclaim.rules import default_rules
from clearclaim.rules.engine import ClaimState, Line, Suppressed
from clearclaim.rules.registry import registry
from clearclaim.store import Store


def _sole_primary(finding: Finding, line: Line, state: ClaimState) -> str | None:
    """The one primary code the CMS add-on file lists for an intended add-on billed
    without it, when the add-on has exactly one (10008 -> 10007, 64484 -> 64483)."""
    if finding.kind != "add_on" or line.origin != "intended":
        return None
    if finding.details.get("n_primaries") != "1":
        return None
    primary = str(finding.details.get("primaries", "")).strip()
    if not primary or primary in state.codes():
        return None
    return primary


def apply_edit_findings(store: Store, state: ClaimState, findings: list[Finding]) -> bool:
    """Change the claim as the rules of deny findings declare (their ``effect`` in
    the registry); True when something changed."""
    changed = False
    rules = registry()
    rule_set = default_rules()
    by_number = dict(enumerate(list(state.lines), start=1))
    # an add-on that goes first takes its PTP edits with it: a code bundled into
    # an add-on billed without its primary is judged again without it
    for finding in sorted(findings, key=lambda f: f.kind != "add_on"):
        if finding.severity != "deny" or finding.line is None:
            continue
        if unconfirmed_ptp(finding, state.day):
            continue
        related = by_number.get(finding.related_line) if finding.related_line else None
        if related is not None and related not in state.lines:
            # its column-1 code was just dropped: the next pass judges it again
            continue
        line = by_number.get(finding.line)
        if line is None or line not in state.lines:
            continue
        effect = rules.rule(finding.rule_id).effect if finding.rule_id in rules else "none"
        if effect == "suppress" and finding.kind == "add_on" and line.origin == "proposed":
            # the user gave no codes, so the primary procedure is theirs to add: the
            # proposed add-on stays, with what it needs (the finding stays a risk)
            note = f"{finding.rule_id}: an add-on code; bill it with its primary procedure code"
            if note not in line.rationale:
                line.rationale.append(note)
            continue
        if effect == "suppress" and separate_structure(store, state, finding, line, rule_set):
            state.applied.append(finding.model_copy(update={"effect": "add_modifier"}))
            changed = True
            continue
        sole_primary = _sole_primary(finding, line, state)
        if effect == "suppress" and sole_primary:
            # "each additional" billed without the first (10008 alone, 64484 alone):
            # the add-on's only listed primary is the code for the one performed
            applied = finding.model_copy(update={"effect": "replace"})
            state.suppressed.append(Suppressed(line.code, applied, replaced_by=sole_primary))
            state.applied.append(applied)
            line.code = sole_primary
            line.origin = "replacement"
            line.rule_ids.append(finding.rule_id)
            line.rationale.append(
                f"{finding.rule_id}: replaces the add-on billed without it (its only primary)"
            )
            changed = True
            continue
        applied = finding.model_copy(update={"effect": effect})
        if effect == "suppress":
            state.lines.remove(line)
            state.suppressed.append(Suppressed(line.code, applied))
            state.applied.append(applied)
            changed = True
        elif effect == "remove_modifier":
            line.modifiers = [m for m in line.modifiers if m not in ("26", "TC")]
            line.rationale.append(f"{finding.rule_id}: {finding.rule_name}")
            state.applied.append(applied)
            changed = True
        elif effect == "add_modifier" and "26" not in line.modifiers:
            line.modifiers = [m for m in line.modifiers if m != "TC"] + ["26"]
            line.rationale.append(f"{finding.rule_id}: {finding.rule_name}")
            state.applied.append(applied)
            changed = True
        elif effect == "cap_units":
            limit = finding.details.get("limit")
            if limit and limit.isdigit() and line.units > int(limit) > 0:
                excess = line.units - int(limit)
                state.suppressed.append(
                    Suppressed(
                        line.code,
                        applied,
                        units=excess,
                        reason=f"{excess} unit(s) over the MUE of {limit}: {finding.message}",
                    )
                )
                state.applied.append(applied)
                line.units = int(limit)
                line.rationale.append(f"{finding.rule_id}: units capped at the MUE ({limit})")
                changed = True
    return changed
