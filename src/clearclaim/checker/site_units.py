"""Units of a code billed once per site, over the sites the note documents:
a joint injection code over the joints injected (JNT01,
``rules/data/joint_units.yaml``: 20610 x 2 for a knee aspiration beside the
lidocaine a shoulder reduction used, or for a shoulder joint and its bursa), and
an implant removal code over the limb segments hardware came out of (IMP01,
``rules/data/implant_units.yaml``: a fibular plate and its syndesmotic screws
are one ankle)."""

from __future__ import annotations

from clearclaim.checker.distinct import joint_sizes, structures
from clearclaim.rules.engine import ClaimState, Line, Suppressed
from clearclaim.rules.templated import templated_finding

#: the procedure types whose injected joints the note names
_INJECTIONS = ("joint_injection",)
#: the structure whose codes are billed once per anatomic site (structures.yaml)
_IMPLANT = "implant"


def _intended_lines(state: ClaimState, code: str) -> list[Line]:
    # a bilateral line (50) is one line for two sides: left to the bilateral rules
    return [
        ln
        for ln in state.lines
        if ln.code == code and ln.origin == "intended" and "50" not in ln.modifiers
    ]


def _cut_units(state: ClaimState, lines: list[Line], allowed: int) -> int:
    """Take units off the last lines until ``allowed`` remain; the units taken."""
    excess = sum(ln.units for ln in lines) - allowed
    taken = 0
    for line in reversed(lines):
        step = min(excess - taken, line.units)
        line.units -= step
        taken += step
        if line.units == 0:
            state.lines.remove(line)
    return taken


def _suppress_excess(
    state: ClaimState, file: str, rule_id: str, code: str, allowed: int, named: dict[str, str]
) -> None:
    """Keep ``allowed`` units of an intended code and name the excess under the
    rule; ``named`` says which sites the note documents, for the message."""
    lines = _intended_lines(state, code)
    units = sum(ln.units for ln in lines)
    if not lines or allowed == 0 or units <= allowed:
        return
    taken = _cut_units(state, lines, allowed)
    values = {"units": str(units), "allowed": str(allowed)} | named
    finding = templated_finding(file, rule_id, state.day, code, values)
    state.suppressed.append(Suppressed(code, finding, units=taken))
    state.applied.append(finding)


def bill_documented_joints(state: ClaimState) -> None:
    """Cut an arthrocentesis code's units to the joints of its size the note
    documents as injected or aspirated, each on one named side; the excess is
    named and not billed. Only when every injection names its joints and one side
    (a bilateral or unsided note is left to the bilateral rules)."""
    note = state.note
    if note is None:
        return
    injections = [p for p in note.procedures if p.type in _INJECTIONS]
    if not injections or any(
        not p.joints or p.laterality not in ("left", "right") for p in injections
    ):
        return
    documented = {(joint, p.laterality) for p in injections for joint in p.joints}
    for code, sizes in joint_sizes().items():
        named = sorted((joint, side) for joint, side in documented if joint in sizes)
        joints = ", ".join(f"{side} {joint}" for joint, side in named)
        _suppress_excess(state, "joint_units.yaml", "JNT01", code, len(named), {"joints": joints})


def bill_documented_implant_sites(state: ClaimState) -> None:
    """Cut an implant removal code's units to the limb segments (on their sides)
    the note documents hardware removed from; the excess is named and not billed.
    Only when every removal names its segments and one side."""
    implant = structures()[_IMPLANT]
    removals = implant.done_in(state.note)
    if not removals or any(
        not p.segments or p.laterality not in ("left", "right") for p in removals
    ):
        return
    named = sorted({(segment, p.laterality) for p in removals for segment in p.segments})
    sites = ", ".join(f"{side} {segment}" for segment, side in named)
    for code in sorted({ln.code for ln in state.lines if implant.holds(ln.code)}):
        _suppress_excess(state, "implant_units.yaml", "IMP01", code, len(named), {"sites": sites})
