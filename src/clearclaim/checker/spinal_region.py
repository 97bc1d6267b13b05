"""The spinal region of a code against the levels the note documents (REG01).

CPT splits the spinal injection families into a cervical-or-thoracic code and a
lumbar-or-sacral code (64490 and 64493 for a facet injection). A 64490 billed
for an L4-5 facet injection is the wrong code: the check bills 64493 instead.
The families and their pairs are data in ``rules/data/regions.yaml``.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from clearclaim.notes.models import NoteAnalysis, Procedure
from clearclaim.rules.engine import ClaimState, Line, Suppressed, replace_line
from clearclaim.rules.registry import registry
from clearclaim.rules.templated import rule_file, templated_finding

UPPER = "cervical_thoracic"
LOWER = "lumbar_sacral"
_REGION_NAMES = {UPPER: "cervical or thoracic", LOWER: "lumbar or sacral"}


@cache
def _families() -> dict[str, tuple[frozenset[str], str, str]]:
    """code -> (procedure types, its region, the code of the other region)."""
    out: dict[str, tuple[frozenset[str], str, str]] = {}
    for family in rule_file("regions.yaml")["families"]:
        types = frozenset(family["types"])
        for upper, lower in family["pairs"].items():
            out[str(upper)] = (types, UPPER, str(lower))
            out[str(lower)] = (types, LOWER, str(upper))
    return out


def procedure_region(procedure: Procedure) -> str | None:
    """The region of the levels the note names for a procedure. A level pair
    counts by its upper vertebra: T12-L1 is thoracic (CMS billing article A58993
    for transforaminal injections; CPT's instruction for facet injections).
    None when the levels span both regions or neither levels nor words say."""
    letters = {level[0] for level in procedure.levels}
    if letters:
        if letters <= {"C", "T"}:
            return UPPER
        if letters <= {"L", "S"}:
            return LOWER
        return None
    return procedure.region if procedure.region in (UPPER, LOWER) else None


def documented_region(note: NoteAnalysis | None, code: str) -> str | None:
    """The one region the note documents for the procedures of ``code``'s family."""
    family = _families().get(code)
    if note is None or family is None:
        return None
    regions = {procedure_region(p) for p in note.procedures if p.type in family[0]}
    return next(iter(regions)) if len(regions) == 1 else None


def code_procedure_types(code: str) -> frozenset[str]:
    """The procedure types the note reader names for a code of a family."""
    family = _families().get(code)
    return family[0] if family else frozenset()


def code_region(code: str) -> str | None:
    """The spinal region a code names (regions.yaml), if it is one of a pair."""
    family = _families().get(code)
    return family[1] if family else None


def in_documented_region(note: NoteAnalysis | None, code: str) -> bool:
    """``code`` names the region the note documents for its procedures."""
    family = _families().get(code)
    return family is not None and documented_region(note, code) == family[1]


def correct_spinal_regions(state: ClaimState) -> None:
    """Replace an intended code whose region is not the documented one."""
    note = state.note
    if note is None or not note.procedures:
        return
    families = _families()
    for line in state.lines:
        family = families.get(line.code)
        if family is None or line.origin != "intended":
            continue
        types, region, counterpart = family
        note_region = documented_region(note, line.code)
        if note_region is None or note_region == region:
            continue
        levels = [lv for p in note.procedures if p.type in types for lv in p.levels]
        _replace(state, line, counterpart, ", ".join(levels) or _REGION_NAMES[note_region])


def _replace(state: ClaimState, line: Line, counterpart: str, levels: str) -> None:
    values = {"levels": levels, "replacement": counterpart}
    finding = templated_finding("regions.yaml", "REG01", state.day, line.code, values)
    replace_line(state, line, counterpart, finding, registry().rule("REG01").title)


@cache
def _further_levels() -> dict[str, str]:
    return {str(k): str(v) for k, v in rule_file("regions.yaml")["further_levels"].items()}


@cache
def _second_levels() -> dict[str, str]:
    return {str(k): str(v) for k, v in rule_file("regions.yaml")["second_levels"].items()}


def bill_other_side_as_bilateral(state: ClaimState) -> None:
    """A first-level code and its next-level add-on (64483 + 64484) for the one
    level the note documents on both sides: the first-level code with 50 (LVL02)."""
    note = state.note
    if note is None or not note.procedures:
        return
    families = _families()
    for first, second in _second_levels().items():
        firsts = [ln for ln in state.lines if ln.code == first and "50" not in ln.modifiers]
        seconds = [ln for ln in state.lines if ln.code == second and ln.origin == "intended"]
        if len(firsts) != 1 or len(seconds) != 1 or seconds[0].units != 1:
            continue
        done = [p for p in note.procedures if p.type in families[first][0]]
        if len(done) != 1 or done[0].levels_count != 1 or done[0].laterality != "bilateral":
            continue
        values = {"levels": ", ".join(done[0].levels), "primary": first}
        finding = templated_finding("regions.yaml", "LVL02", state.day, second, values)
        state.lines.remove(seconds[0])
        state.suppressed.append(Suppressed(second, finding))
        state.findings.append(finding)
        firsts[0].modifiers = [*firsts[0].modifiers, "50"]
        firsts[0].rule_ids.append("LVL02")
        firsts[0].rationale.append(f"LVL02: {registry().rule('LVL02').title}")


def bill_further_levels(state: ClaimState) -> None:
    """A second-level add-on billed twice (64491 x 2) for the three levels the
    note documents is the second and the third level (64491 + 64492)."""
    note = state.note
    if note is None or not note.procedures:
        return
    families = _families()
    for second, third in _further_levels().items():
        lines = [ln for ln in state.lines if ln.code == second and ln.origin == "intended"]
        units = sum(ln.units for ln in lines)
        if units < 2 or third in state.codes():
            continue
        types = families[second][0]
        levels = max((p.levels for p in note.procedures if p.type in types), key=len, default=[])
        if len(levels) < 3:
            continue
        values = {
            "units": str(units),
            "count": str(len(levels)),
            "levels": ", ".join(levels),
            "replacement": third,
        }
        finding = templated_finding("regions.yaml", "LVL01", state.day, second, values)
        last = lines[-1]
        if last.units > 1:
            # one unit of the line is the third level: a line of its own
            last.units -= 1
            extra = dataclasses.replace(last, units=1, rationale=list(last.rationale))
            state.lines.insert(state.lines.index(last) + 1, extra)
            last = extra
        replace_line(state, last, third, finding, registry().rule("LVL01").title)


def bill_documented_levels(state: ClaimState) -> None:
    """Next-level add-ons billed for more levels than the note documents (64636 x
    2 for two facet joints, the units counted per nerve; 64495-50 beside 64494-50
    for two joints on both sides): the excess units, the third level's first, are
    named and not billed (LVL03). Both sides count once when every line of the
    family carries 50 and the note documents the procedure on both."""
    note = state.note
    if note is None or not note.procedures:
        return
    families = _families()
    further = _further_levels()
    for first, second in _second_levels().items():
        done = [p for p in note.procedures if p.type in families[first][0]]
        if first not in state.codes() or len(done) != 1:
            continue
        procedure = done[0]
        add_ons = [c for c in (further.get(second), second) if c]  # the third level first
        family = [ln for ln in state.lines if ln.code in (first, *add_ons)]
        both = procedure.laterality == "bilateral"
        if procedure.laterality not in ("left", "right", "bilateral") or any(
            ("50" in ln.modifiers) != both for ln in family
        ):
            continue
        lines = [
            ln for ln in family if ln.code in add_ons and ln.origin in ("intended", "replacement")
        ]
        units = sum(ln.units for ln in lines)
        allowed = procedure.levels_count - 1
        if not lines or allowed < 0 or units <= allowed:
            continue
        excess = units - allowed
        for code in add_ons:
            taken = 0
            for line in reversed([ln for ln in lines if ln.code == code]):
                step = min(excess - taken, line.units)
                line.units -= step
                taken += step
                if line.units == 0:
                    state.lines.remove(line)
            if not taken:
                continue
            excess -= taken
            values = {
                "units": str(units),
                "count": str(procedure.levels_count),
                "levels": ", ".join(procedure.levels),
                "allowed": str(allowed),
                "primary": first,
            }
            finding = templated_finding("regions.yaml", "LVL03", state.day, code, values)
            state.suppressed.append(Suppressed(code, finding, units=taken))
            state.findings.append(finding)
            kept = next((ln for ln in lines if ln.code == code and ln in state.lines), None)
            if kept is not None:
                kept.rule_ids.append("LVL03")
                kept.rationale.append(f"LVL03: {registry().rule('LVL03').title}")


def correct_levels(state: ClaimState) -> None:
    """The spinal codes against the region, levels and sides the note documents
    (REG01, LVL01, LVL02, LVL03), in that order."""
    correct_spinal_regions(state)
    bill_further_levels(state)
    bill_other_side_as_bilateral(state)
    bill_documented_levels(state)
