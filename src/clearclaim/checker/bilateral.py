"""Modifier 50: allowed by the code's PFS bilateral indicator, and documented?

The rules (BIL01, BIL02) are data in ``rules/data/bilateral.yaml``; their IDs,
sources and effect are in the registry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clearclaim.checker.distinct import joint_sizes, structure_of_code, structures
from clearclaim.checker.spinal_region import code_procedure_types
from clearclaim.models import Finding
from clearclaim.rules.engine import ClaimState, Line
from clearclaim.rules.registry import registry
from clearclaim.rules.templated import rule_file, templated_finding
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries


def _bilateral_rules() -> dict[str, Any]:
    return rule_file("bilateral.yaml")


def _sides(state: ClaimState, code: str | None = None) -> set[str]:
    """The sides the note documents: of the procedures on ``code``'s structure
    (structures.yaml) when it names any (a right facet ablation beside a left SI
    joint injection is one side each), else of every procedure."""
    if state.note is None:
        return set()
    every: set[str] = {p.laterality for p in state.note.procedures if p.laterality}
    structure = structure_of_code(code) if code else None
    if structure is None or code is None:
        return every
    # the code's own procedure where its family names one (64636 is the facet
    # ablation's, not the medial branch block's beside it on the other side)
    kinds = set(code_procedure_types(code)) or set(structures()[structure].procedures)
    own: set[str] = {
        p.laterality for p in state.note.procedures if p.laterality and p.type in kinds
    }
    return own or every


def _both(sides: set[str]) -> bool:
    return "bilateral" in sides or {"left", "right"} <= sides


def _two_joints(state: ClaimState, code: str | None = None) -> list[str]:
    """The joints of a joint procedure the note names on different joints, not
    on both sides of one (a right shoulder and a left knee); of ``code``'s size
    when given (both knees and a wrist: 20610's joints are the knees)."""
    if state.note is None:
        return []
    size = joint_sizes().get(code or "")
    for procedure in state.note.procedures:
        own = [j for j in procedure.joints if size is None or j in size]
        if len(own) > 1 and procedure.laterality != "bilateral":
            return own
        # the reader's one procedure per joint (each sentence naming its own)
        joints = {
            j
            for p in state.note.procedures
            if p.type == procedure.type
            for j in p.joints
            if size is None or j in size
        }
        if len(joints) > 1:
            return sorted(joints)
    return []


def bilateral_modifiers(store: Store, state: ClaimState) -> None:
    """Modifier 50: allowed by the code's PFS bilateral indicator, and documented?
    And both sides billed as units of a code Medicare pays as one line with 50?"""
    _right_and_left_as_one_line(store, state)
    _both_sides_as_units(store, state)
    lines = [line for line in state.lines if "50" in line.modifiers]
    if not lines:
        return
    spec = _bilateral_rules()
    for line in lines:
        sides = _sides(state, line.code)
        one_side = len(sides) == 1 and sides <= {"left", "right"}
        indicator, release = queries.bilateral_indicator(store, line.code, state.day)
        values = {"bilateral_indicator": str(indicator), "release": release}
        if indicator is not None and str(indicator) in spec["rules"]["BIL01"]["indicators"]:
            rule_id = "BIL01"
            values["why"] = spec["rules"]["BIL01"]["indicators"][str(indicator)]
        elif joints := _two_joints(state, line.code):
            rule_id = "BIL04"
            values["joints"] = ", ".join(joints)
            line.units = max(line.units, len(joints))
        elif one_side:
            rule_id = "BIL02"
            values["side"] = next(iter(sides))
        else:
            continue
        line.modifiers = [m for m in line.modifiers if m != "50"]
        line.rule_ids.append(rule_id)
        line.rationale.append(f"{rule_id}: {registry().rule(rule_id).title}")
        state.findings.append(_finding(rule_id, state.day, line.code, values))


def _finding(rule_id: str, day: date, code: str, values: dict[str, str]) -> Finding:
    """The finding of a bilateral rule: its message rendered from the template in
    the data with ``values`` (kept in ``details``, so that a translation renders too)."""
    return templated_finding("bilateral.yaml", rule_id, day, code, values)


def _right_and_left_as_one_line(store: Store, state: ClaimState) -> None:
    """BIL03: a code billed on two lines, one RT and one LT, whose bilateral
    indicator Medicare pays as one line with modifier 50 (64493-RT + 64493-LT is
    64493-50), unless the note documents one side only."""
    rule_spec = _bilateral_rules()["rules"]["BIL03"]
    for right in list(state.lines):
        if "RT" not in right.modifiers or "50" in right.modifiers or right not in state.lines:
            continue
        left = next(
            (
                ln
                for ln in state.lines
                if ln.code == right.code and "LT" in ln.modifiers and "50" not in ln.modifiers
            ),
            None,
        )
        if left is None or right.units != 1 or left.units != 1:
            continue
        sides = _sides(state, right.code)
        if sides and not _both(sides):
            continue  # the note says one side: BIL02's question, not a merge
        if _two_joints(state, right.code):
            continue  # a right hip and a left knee: two joints, each its own line
        indicator, release = queries.bilateral_indicator(store, right.code, state.day)
        if indicator is None or str(indicator) not in rule_spec["indicators"]:
            continue
        state.lines.remove(left)
        right.modifiers = [m for m in right.modifiers if m != "RT"]
        _as_one_line(
            state,
            right,
            {"bilateral_indicator": str(indicator), "release": release, "units": "2"},
        )


def _both_sides_as_units(store: Store, state: ClaimState) -> None:
    """BIL03: two units of a bilateral-indicator-1 code for a procedure the note
    documents on both sides are one line with modifier 50 and one unit."""
    if not _both(_sides(state)):
        return
    if _two_joints(state):
        return  # a right knee and a left shoulder: two joints, one side each
    rule_spec = _bilateral_rules()["rules"]["BIL03"]
    for line in state.lines:
        if line.units < 2 or "50" in line.modifiers or {"LT", "RT"} & set(line.modifiers):
            continue
        if not _both(_sides(state, line.code)):
            continue
        indicator, release = queries.bilateral_indicator(store, line.code, state.day)
        if indicator is None or str(indicator) not in rule_spec["indicators"]:
            continue
        values = {"bilateral_indicator": str(indicator), "release": release}
        _as_one_line(state, line, values | {"units": str(line.units)})


def _as_one_line(state: ClaimState, line: Line, values: dict[str, str]) -> None:
    """BIL03's change: the line is both sides, one unit with modifier 50.

    The second side is billed on this line (Medicare pays 150% of one side), so
    it is not named in ``suppressed``, which lists what must not be billed: the
    finding and the line's rationale say what changed."""
    rule = registry().rule("BIL03")
    finding = _finding(rule.id, state.day, line.code, values)
    line.units = 1
    line.modifiers = [*line.modifiers, "50"]
    line.rule_ids.append(rule.id)
    line.rationale.append(f"{rule.id}: {rule.title}")
    state.findings.append(finding)
