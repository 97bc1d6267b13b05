"""Units of a joint injection code over the joints the note documents (JNT01,
``rules/data/joint_units.yaml``): 20610 x 2 for a knee aspiration beside the
lidocaine a shoulder reduction used, or for a shoulder joint and its bursa."""

from __future__ import annotations

from clearclaim.checker.distinct import joint_sizes
from clearclaim.rules.engine import ClaimState, Suppressed
from clearclaim.rules.templated import templated_finding

#: the procedure types whose injected joints the note names
_INJECTIONS = ("joint_injection",)


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
        lines = [
            ln
            for ln in state.lines
            if ln.code == code and ln.origin == "intended" and "50" not in ln.modifiers
        ]
        allowed = len({(joint, side) for joint, side in documented if joint in sizes})
        units = sum(ln.units for ln in lines)
        if not lines or allowed == 0 or units <= allowed:
            continue
        excess = units - allowed
        taken = 0
        for line in reversed(lines):
            step = min(excess - taken, line.units)
            line.units -= step
            taken += step
            if line.units == 0:
                state.lines.remove(line)
        named = sorted((joint, side) for joint, side in documented if joint in sizes)
        joints = ", ".join(f"{side} {joint}" for joint, side in named)
        values = {"units": str(units), "allowed": str(allowed), "joints": joints}
        finding = templated_finding("joint_units.yaml", "JNT01", state.day, code, values)
        state.suppressed.append(Suppressed(code, finding, units=taken))
        state.applied.append(finding)
