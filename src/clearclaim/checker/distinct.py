"""Two procedures at different sites in one session: the second is billed with XS.

An epidural and a hip injection in one visit are two services. NCCI pairs
62323 with 20610 and with 77002 (modifier indicator 1: a modifier is allowed
for a distinct service), and the epidural's code includes its own imaging
guidance; the hip injection's guidance is still the hip's. When the note
documents a spinal procedure and a procedure away from the spine, a code of
the other site is not bundled into the spinal one: it keeps its line, with XS
(separate structure) where a PTP edit would otherwise deny it.

Which side a code is on comes from the rule code lists (spinal procedures and
the injections that take 77003) and, for a guidance add-on, from the primary
code on the claim that the CMS add-on file lists for it.
"""

from __future__ import annotations

from datetime import date

from clearclaim.models import Finding
from clearclaim.notes import NoteAnalysis
from clearclaim.rules.engine import ClaimState, Line, Suppressed
from clearclaim.rules.loader import RuleSet
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries

#: the modifier for a separate structure (organ or anatomic site)
SEPARATE_STRUCTURE = "XS"
#: modifiers that already say the service is distinct
DISTINCT_MODIFIERS = frozenset({"59", "XE", "XP", "XS", "XU"})
_SPINAL_LISTS = (
    "@spinal_procedures",
    "@includes_fluoro_guidance_spinal",
    "@spinal_77003_primary",
    "@vertebral_augmentation",
)
_GUIDANCE = ("77001", "77002", "77003")


def two_sites(note: NoteAnalysis | None) -> bool:
    """The note documents a spinal procedure and one away from the spine."""
    return note is not None and {p.spinal for p in note.procedures} == {True, False}


def two_sites_documented(state: ClaimState) -> bool:
    return two_sites(state.note)


def spinal_codes(rules: RuleSet, day: date) -> set[str]:
    """The codes of procedures on the spine (the rule code lists)."""
    return set(rules.expand(list(_SPINAL_LISTS), on=day))


def _side(store: Store, state: ClaimState, code: str, spinal: set[str]) -> bool | None:
    """True for the spine, False away from it, None when the claim cannot say."""
    if code not in _GUIDANCE:
        return code in spinal
    primaries = queries.add_on_primaries(store, code, state.day)
    sides = {c in spinal for c in state.codes() if c in primaries and c not in _GUIDANCE}
    return next(iter(sides)) if len(sides) == 1 else None


def restore_guidance_of_other_site(
    store: Store, state: ClaimState, before: list[Line], rules: RuleSet
) -> None:
    """Put back a guidance code a spinal code's "includes guidance" rule removed
    when it guides the other site's procedure (77002 for the hip, beside 62323)."""
    if not two_sites_documented(state):
        return
    spinal = spinal_codes(rules, state.day)
    kept: list[Suppressed] = []
    for item in state.suppressed:
        original = next((ln for ln in before if ln.code == item.code), None)
        if (
            item.rule == "FLU03"
            and original is not None
            and item.code in _GUIDANCE
            and _side(store, state, item.code, spinal) is False
            and original not in state.lines
        ):
            original.rule_ids.append("FLU03")
            original.rationale.append(
                f"guides the procedure away from the spine, not the spinal one ({item.code})"
            )
            state.lines.append(original)
            state.findings = [f for f in state.findings if not _is(f, "FLU03", item.code)]
            continue
        kept.append(item)
    state.suppressed = kept


def _is(finding: Finding, rule_id: str, code: str) -> bool:
    return finding.rule_id == rule_id and finding.code == code


def separate_structure(
    store: Store, state: ClaimState, finding: Finding, line: Line, rules: RuleSet
) -> bool:
    """Append XS to a PTP column-2 line of the other site; True when appended."""
    if finding.rule_id != "PTP01" or not two_sites_documented(state):
        return False
    if DISTINCT_MODIFIERS & set(line.modifiers) or not finding.related_code:
        return False
    spinal = spinal_codes(rules, state.day)
    mine = _side(store, state, line.code, spinal)
    theirs = _side(store, state, finding.related_code, spinal)
    if mine is None or theirs is None or mine == theirs:
        return False
    line.modifiers = [*line.modifiers, SEPARATE_STRUCTURE]
    line.rule_ids.append(finding.rule_id)
    line.rationale.append(
        f"{finding.rule_id}: XS, a separate structure from {finding.related_code} "
        "(the note documents both sites)"
    )
    return True
