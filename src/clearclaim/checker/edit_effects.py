"""What the CMS edit findings do to the recommended claim.

Each deny finding's rule declares its effect as data (the registry): suppress
the line, remove or add a modifier, cap the units. Two refinements the note
supports come first: a column-2 code of another anatomic site keeps its line
with XS (distinct.py), and an add-on billed without its primary is billed with
it, or becomes it (10008 alone is 10007).
"""

from __future__ import annotations

from clearclaim.checker.distinct import (
    DISTINCT_MODIFIERS,
    guided_elsewhere,
    guides_another_procedure,
    separate_structure,
    separate_structure_of,
    structure_of_code,
)
from clearclaim.checker.ptp_dates import unconfirmed_ptp
from clearclaim.checker.spinal_region import code_procedure_types, in_documented_region
from clearclaim.models import Finding
from clearclaim.rules import default_rules
from clearclaim.rules.engine import ClaimState, Line, Suppressed, replace_line
from clearclaim.rules.imaging import imaging_map
from clearclaim.rules.registry import Registry, registry
from clearclaim.rules.templated import templated_finding
from clearclaim.store import Store
from clearclaim.store.queries.checker import add_on_primaries, add_ons_of


def _drop_companion(state: ClaimState, procedure: str, rule_id: str) -> None:
    """The S&I code of a procedure just taken off the claim goes with it, unless
    another of its procedures stays billed (SI01). One the note documented and
    the coder did not bill is not named: the procedure's own finding says it."""
    billed = state.codes()
    for companion in imaging_map().companions:
        if companion.procedure != procedure or companion.code not in billed:
            continue
        if imaging_map().procedures_of(companion.code) & billed:
            continue
        lines = [ln for ln in state.lines if ln.code == companion.code]
        for line in lines:
            state.lines.remove(line)
        if all(line.origin == "documented" for line in lines):
            continue
        values = {"procedure": procedure, "rule": rule_id}
        finding = templated_finding("companions.yaml", "SI01", state.day, companion.code, values)
        state.suppressed.append(Suppressed(companion.code, finding))
        state.applied.append(finding)


def _first_level_primary(
    store: Store, finding: Finding, line: Line, state: ClaimState
) -> str | None:
    """The code an intended add-on billed without its primary stands for, when the
    CMS add-on file makes it clear: the add-on's only listed primary (10008 ->
    10007), else the listed primary numbered just before it when no other listed
    first-level code is within three numbers (64494 -> 64493, not 64490): CPT
    numbers an "each additional" code right after its first one. Of several near
    first-level codes, the one of the spinal region the note documents (22515 with
    T11 and T12 is 22513 + 22515); without one, 22512 (22510 or 22511) stays for
    the coder to choose."""
    if finding.kind != "add_on" or line.origin != "intended":
        return None
    primaries = add_on_primaries(store, line.code, state.day)
    if not primaries or not line.code.isdigit():
        return None
    if len(primaries) == 1:
        primary = next(iter(primaries))
    else:
        first_levels = {p for p in primaries if not add_on_primaries(store, p, state.day)}
        before = f"{int(line.code) - 1:05d}"
        near = {p for p in first_levels if p.isdigit() and 0 < int(line.code) - int(p) <= 3}
        # 22515 after 22513 (thoracic) or 22514 (lumbar): the region the note documents
        regional = {p for p in near if in_documented_region(state.note, p)}
        # 22515 beside 22510 is a vertebroplasty's wrong add-on, not a missing 22513
        siblings = {structure_of_code(c) for c in state.codes() if c != line.code}
        if len(regional) == 1 and structure_of_code(line.code) not in siblings:
            primary = next(iter(regional))
        elif near == {before}:
            primary = before
        else:
            return None
    return None if primary in state.codes() else primary


def _chained(store: Store, line: Line, state: ClaimState) -> bool:
    """Another intended add-on on the claim takes this add-on as its primary
    (64495, "third and any additional level", with 64494): the claim counts
    levels past the first, so the first level was done too."""
    return any(
        other is not line
        and other.origin == "intended"
        and line.code in add_on_primaries(store, other.code, state.day)
        for other in state.lines
    )


def _bill_primary(
    store: Store, state: ClaimState, finding: Finding, line: Line, primary: str
) -> None:
    """An intended add-on billed without its primary: the first level is billed.

    With levels or lesions past the first counted on the claim (a second add-on
    chained to this one) or in the note (two transforaminal levels for 64484
    alone) the primary is added; with several units of the add-on,
    one of them is the first (10006 x2 for two nodules is 10005 + 10006); one
    unit alone is the one performed (10008 alone is 10007)."""
    chained = _chained(store, line, state)
    # the note counts more levels than the add-on's units (64484 alone for the
    # L4-5 and L5-S1 transforaminal injections): the first level is added
    levels = _documented_levels(state, primary)
    if chained or line.units > 1 or levels > line.units:
        applied = finding.model_copy(update={"effect": "add_code"})
        added = Line(
            primary,
            modifiers=[m for m in line.modifiers if m in ("26", "TC")],
            origin="added",
            rule_ids=[finding.rule_id],
        )
        if not chained and levels <= line.units:
            line.units -= 1
            state.suppressed.append(Suppressed(line.code, applied, replaced_by=primary, units=1))
            added.rationale.append(
                f"{finding.rule_id}: the first of the {line.code} units billed, as its primary"
            )
        elif chained:
            added.rationale.append(
                f"{finding.rule_id}: the primary that {line.code} adds on to (the claim "
                "counts levels past the first)"
            )
        else:
            added.rationale.append(
                f"{finding.rule_id}: the primary that {line.code} adds on to (the note "
                f"documents {levels} levels)"
            )
        state.lines.insert(state.lines.index(line), added)
        state.applied.append(applied)
        return
    # "each additional" billed without the first (10008 alone, 64484 alone):
    # the add-on's primary is the code for the one performed
    applied = finding.model_copy(update={"effect": "replace"})
    reason = "replaces the add-on billed without it (its primary)"
    replace_line(state, line, primary, applied, reason)


def _documented_levels(state: ClaimState, primary: str) -> int:
    """The levels the note documents for the spinal family of ``primary`` (0
    when it is not a spinal family's, or the note names none)."""
    types = code_procedure_types(primary)
    if state.note is None or not types:
        return 0
    return max((p.levels_count for p in state.note.procedures if p.type in types), default=0)


def _sibling_add_on(store: Store, finding: Finding, line: Line, state: ClaimState) -> str | None:
    """The add-on that a second first-level code stands for: 22514 beside 22513
    (an edit no modifier bypasses) is the second vertebral body of the session,
    22515, whose only listed primaries are the two. None when no add-on lists
    exactly the two codes."""
    if finding.rule_id != "PTP02" or not finding.related_code or line.origin != "intended":
        return None
    pair = {line.code, finding.related_code}
    for add_on in add_ons_of(store, finding.related_code, state.day):
        if add_on_primaries(store, add_on, state.day) == pair:
            return add_on
    return None


def _title(rules: Registry, finding: Finding) -> str:
    return rules.rule(finding.rule_id).title if finding.rule_id in rules else finding.rule_name


def apply_edit_findings(store: Store, state: ClaimState, findings: list[Finding]) -> bool:
    """Change the claim as the rules of deny findings declare (their ``effect`` in
    the registry); True when something changed."""
    changed = False
    rules = registry()
    rule_set = default_rules()
    by_number = dict(enumerate(list(state.lines), start=1))
    # an add-on that goes first takes its PTP edits with it: a code bundled into
    # an add-on billed without its primary is judged again without it; so does a
    # column-1 code that is itself another edit's column 2 (77012 beside 75989,
    # which 49405 bundles): the edit is judged after its column-1 code's own
    denied = {f.line for f in findings if f.severity == "deny" and f.kind == "ptp"}
    # and after the S&I code of a procedure an edit denies (75901 with 36595),
    # which goes with it (SI01)
    companions = imaging_map()
    denied |= {
        number
        for number, line in by_number.items()
        if any(
            by_number[d].code in companions.procedures_of(line.code)
            for d in denied
            if d in by_number
        )
    }
    for finding in sorted(findings, key=lambda f: (f.kind != "add_on", f.related_line in denied)):
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
        if (
            finding.rule_id == "PTP01"
            and DISTINCT_MODIFIERS & set(line.modifiers)
            and finding.related_code
            and (
                separate_structure_of(store, state, line.code, finding.related_code, rule_set)
                or guided_elsewhere(store, state, findings, finding, line)
            )
        ):
            # the XS this pass gave the line for one column-1 code bypasses its
            # other edits where the sites differ as well (64490 beside 64635 and
            # 64636; the renal biopsy's ultrasound beside the catheter's 36558 and
            # 76937); not an edit of two guidance codes of one procedure
            continue
        if effect == "suppress" and guides_another_procedure(store, state, findings, finding, line):
            state.applied.append(finding.model_copy(update={"effect": "add_modifier"}))
            changed = True
            continue
        if effect == "suppress" and separate_structure(store, state, finding, line, rule_set):
            state.applied.append(finding.model_copy(update={"effect": "add_modifier"}))
            changed = True
            continue
        sibling = _sibling_add_on(store, finding, line, state) if effect == "suppress" else None
        if sibling is not None:
            applied = finding.model_copy(update={"effect": "replace"})
            reason = f"the session's second level, the add-on of {finding.related_code}"
            replace_line(state, line, sibling, applied, reason)
            changed = True
            continue
        primary = _first_level_primary(store, finding, line, state)
        if effect == "suppress" and primary:
            _bill_primary(store, state, finding, line, primary)
            changed = True
            continue
        applied = finding.model_copy(update={"effect": effect})
        if effect == "suppress":
            state.lines.remove(line)
            state.suppressed.append(Suppressed(line.code, applied))
            state.applied.append(applied)
            _drop_companion(state, line.code, finding.rule_id)
            changed = True
        elif effect == "remove_modifier":
            line.modifiers = [m for m in line.modifiers if m not in ("26", "TC")]
            line.rationale.append(f"{finding.rule_id}: {_title(rules, finding)}")
            state.applied.append(applied)
            changed = True
        elif effect == "add_modifier" and "26" not in line.modifiers:
            line.modifiers = [m for m in line.modifiers if m != "TC"] + ["26"]
            line.rationale.append(f"{finding.rule_id}: {_title(rules, finding)}")
            state.applied.append(applied)
            changed = True
        elif effect == "cap_units":
            limit = finding.details.get("limit")
            if not (limit and limit.isdigit() and int(limit) > 0):
                continue
            # an MUE per line (MAI 1) caps the line; one per date of service (MAI 2
            # and 3) caps the code's lines together, the last ones first
            lines = [line] if finding.rule_id == "MUE01" else _lines_of(state, line.code)
            excess = sum(ln.units for ln in lines) - int(limit)
            if excess <= 0:
                continue
            state.suppressed.append(
                Suppressed(
                    line.code,
                    applied,
                    units=excess,
                    reason=f"{excess} unit(s) over the MUE of {limit}: {finding.message}",
                )
            )
            state.applied.append(applied)
            for capped in reversed(lines):
                taken = min(capped.units - (capped is lines[0]), excess)
                if taken == 0:
                    continue
                excess -= taken
                capped.units -= taken
                if capped.units == 0:
                    state.lines.remove(capped)  # a line of the excess units only
                else:
                    capped.rationale.append(f"{finding.rule_id}: units capped at the MUE ({limit})")
            changed = True
    return changed


def _lines_of(state: ClaimState, code: str) -> list[Line]:
    return [ln for ln in state.lines if ln.code == code]
