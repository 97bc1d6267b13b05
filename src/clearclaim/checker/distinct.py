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
code on the claim that the CMS add-on file lists for it. Beyond the two sides,
structures.yaml names the structure each procedure works on (the spinal canal,
a facet or SI joint, a nerve, a muscle ...): two documented procedures on two
structures are separate services too (an SI joint injection beside an
epidural; a stellate ganglion block's 77003 beside a cervical epidural).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from clearclaim._yaml import load_yaml
from clearclaim.checker.spinal_region import (
    code_procedure_types,
    code_region,
    in_documented_region,
)
from clearclaim.models import Finding
from clearclaim.notes import NoteAnalysis, Procedure
from clearclaim.rules.engine import ClaimState, Line, Suppressed
from clearclaim.rules.imaging import imaging_map
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
#: rules that take a fluoroscopic guidance code off the claim because a procedure
#: code on it includes its imaging: the session's other procedure may keep it
_INCLUDES_FLUOROSCOPY = frozenset({"FLU03", "FLU18", "FLU40"})


STRUCTURES_PATH = Path(__file__).resolve().parent / "structures.yaml"


class Structure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    procedures: list[str]
    codes: list[str]
    guided_by: list[str] = []
    #: two codes of this structure on the two sides the note names are two sites
    #: (a left chest port removed and a right jugular catheter removed)
    sided: bool = False
    #: two codes of this structure for the two limb segments the note names are
    #: two sites (an ankle's plate and a toe's buried K-wire taken out)
    by_segment: bool = False
    #: the nerves whose blocks work on this structure (the sympathetic chain's);
    #: a block of these nerves works on no other structure of its procedure type
    nerves: frozenset[str] = frozenset()

    def holds(self, code: str) -> bool:
        for item in self.codes:
            low, _, high = item.partition("-")
            if code == low or (high and low <= code <= high and len(code) == len(low)):
                return True
        return False

    def done_in(self, note: NoteAnalysis | None) -> list[Procedure]:
        """The note's procedures on this structure."""
        if note is None:
            return []
        return [p for p in note.procedures if p.type in self.procedures and self._owns(p)]

    def _owns(self, procedure: Procedure) -> bool:
        named = set(procedure.nerves)
        if self.nerves:
            return bool(named & self.nerves)
        return not named or not named <= _nerves_of_their_own()


@cache
def _structures_file() -> dict[str, Any]:
    """structures.yaml, read once for every table in it."""
    data: dict[str, Any] = load_yaml(STRUCTURES_PATH.read_text(encoding="utf-8"))
    return data


@cache
def structures() -> dict[str, Structure]:
    data = _structures_file()
    return {name: Structure.model_validate(s) for name, s in data["structures"].items()}


@cache
def _nerves_of_their_own() -> frozenset[str]:
    """The nerves a structure of their own claims (structures.yaml ``nerves``)."""
    return frozenset(n for s in structures().values() for n in s.nerves)


@lru_cache(maxsize=8192)
def structures_of_code(code: str) -> tuple[str, ...]:
    """Every structure a procedure code may work on (20225, a deep bone biopsy:
    a vertebra or another bone's lesion)."""
    return tuple(name for name, s in structures().items() if s.holds(code))


def structure_of_code(code: str) -> str | None:
    """The structure a procedure code works on (structures.yaml), if listed: the
    first listed, for a code of several."""
    found = structures_of_code(code)
    return found[0] if found else None


def procedure_types_of_codes(codes: Iterable[str]) -> list[tuple[str, ...]]:
    """The note's procedure types of the structure each code names (one
    structure's types together, once per code), for the reader to look for what
    the codes say."""
    every = structures()
    named = [name for code in codes for name in structures_of_code(code)[:1]]
    return [tuple(every[name].procedures) for name in named]


def structure_in_note(note: NoteAnalysis | None, code: str) -> str | None:
    """The structure a code works on in this session: of a code of several, the
    one the note documents (a femur's lesion biopsied with 20225)."""
    found = structures_of_code(code)
    if len(found) > 1:
        documented = [name for name in found if name in documented_structures(note)]
        if len(documented) == 1:
            return documented[0]
    return found[0] if found else None


def documented_structures(note: NoteAnalysis | None) -> set[str]:
    """The structures of the procedures the note documents as done."""
    return {name for name, s in structures().items() if s.done_in(note)}


def unguided_structures(note: NoteAnalysis | None) -> set[str]:
    """Structures whose documented procedures were all placed by palpation or
    landmarks: the session's fluoroscopy guided none of them."""
    return _structures_where(note, lambda p: p.by_landmark)


def ultrasound_structures(note: NoteAnalysis | None) -> set[str]:
    """Structures whose documented procedures were all placed under ultrasound,
    with no fluoroscopy named beside them (the renal biopsy beside the tunneled
    catheter placed under fluoroscopy)."""
    return _structures_where(note, lambda p: p.by_ultrasound)


def ct_structures(note: NoteAnalysis | None) -> set[str]:
    """Structures whose documented procedures were all placed under CT."""
    return _structures_where(note, lambda p: p.by_ct)


def fluoroscopy_structures(note: NoteAnalysis | None) -> set[str]:
    """Structures with a documented procedure the note places under fluoroscopy."""
    return {
        name
        for name, structure in structures().items()
        if any(p.by_fluoroscopy for p in structure.done_in(note))
    }


def _structures_where(note: NoteAnalysis | None, each: Callable[[Procedure], bool]) -> set[str]:
    out = set()
    for name, structure in structures().items():
        done = structure.done_in(note)
        if done and all(each(p) for p in done):
            out.add(name)
    return out


def _primaries_on_claim(store: Store, state: ClaimState, code: str) -> list[str]:
    """The claim's procedure codes that the CMS add-on file lists as primaries of
    the guidance add-on ``code``: the procedures it may guide."""
    primaries = queries.add_on_primaries(store, code, state.day)
    return [c for c in state.codes() if c in primaries and c not in _GUIDANCE]


def _guided_structure(store: Store, state: ClaimState, code: str, includes: set[str]) -> str | None:
    """The structure a guidance code guides on this claim: that of the one
    listed primary on the claim whose code does not include guidance itself."""
    owners = {
        structure_in_note(state.note, c)
        for c in _primaries_on_claim(store, state, code)
        if c not in includes
    }
    owners.discard(None)
    if not owners:
        return _structure_naming(state, code)
    if len(owners) > 1:
        # fluoroscopy guided no needle placed under ultrasound or by landmarks
        owners -= ultrasound_structures(state.note) | unguided_structures(state.note)
    return next(iter(owners)) if len(owners) == 1 else None


def _structure_naming(state: ClaimState, code: str) -> str | None:
    """An add-on whose primaries the MACs define (77001, 76937): the structure
    that names it as its guidance, when one of the claim's codes works on it."""
    owners = {
        name
        for name, s in structures().items()
        if code in s.guided_by
        and any(s.holds(c) for c in state.codes())
        and not _removed_unguided(state.note, s)
    }
    return next(iter(owners)) if len(owners) == 1 else None


def _removed_unguided(note: NoteAnalysis | None, structure: Structure) -> bool:
    """The note's procedures on the structure are all removals with no imaging
    named beside them (a port cut out through its incision): its guidance codes
    guided none of them."""
    done = structure.done_in(note)
    return bool(done) and all(
        p.action == "removal" and not (p.by_fluoroscopy or p.by_ultrasound) for p in done
    )


def _structure(store: Store, state: ClaimState, code: str, includes: set[str]) -> str | None:
    if code in _GUIDANCE:
        return _guided_structure(store, state, code, includes)
    if code in _GUIDANCE_BY_MODALITY:
        return _modality_structure(state, code)
    own = structure_in_note(state.note, code)
    if own is None:
        # a radiological S&I code is its procedure's (75984 the drain exchange's)
        companions = imaging_map().procedures_of(code) & state.codes()
        of_claim = {structure_of_code(c) for c in companions} - {None}
        if len(of_claim) == 1:
            return of_claim.pop()
    if code == "76000" and _repositioning(state):
        # a catheter repositioning's fluoroscopy is 76000 (CPT's parenthetical
        # under 36597): the central vein's, not an examination of its own
        return _structure_naming(state, code) or own
    return own or _structure_naming(state, code)


def _modality_structure(state: ClaimState, code: str) -> str | None:
    """The structure an ultrasound or CT guidance code (76942, 77012) guides: the
    one claim structure whose documented procedures were all placed under that
    modality (the occipital nerves under ultrasound beside a hip under
    fluoroscopy)."""
    under = (
        ultrasound_structures(state.note)
        if _GUIDANCE_BY_MODALITY[code] == "ultrasound"
        else ct_structures(state.note)
    )
    held = {structure_in_note(state.note, c) for c in state.codes() if c != code}
    owners = under & held
    return next(iter(owners)) if len(owners) == 1 else _structure_naming(state, code)


def _repositioning(state: ClaimState) -> bool:
    note = state.note
    return note is not None and any(p.action == "repositioning" for p in note.procedures)


def _includes_guidance(rules: RuleSet, day: date) -> set[str]:
    return set(
        rules.expand(["@includes_fluoro_guidance", "@includes_fluoro_guidance_spinal"], on=day)
    )


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
    sides = {c in spinal for c in _primaries_on_claim(store, state, code)}
    return next(iter(sides)) if len(sides) == 1 else None


def restore_guidance_of_other_site(
    store: Store, state: ClaimState, before: list[Line], rules: RuleSet
) -> bool:
    """Put back a guidance code a spinal code's "includes guidance" rule removed
    when it guides the other site's procedure (77002 for the hip, beside 62323);
    True when one was put back."""
    note = state.note
    if note is None or not any(
        item.rule in _INCLUDES_FLUOROSCOPY and item.code in _GUIDANCE for item in state.suppressed
    ):
        return False
    documented = documented_structures(note)
    two_places = two_sites_documented(state) or len(documented) >= 2
    # fluoroscopy guided neither a needle placed by palpation nor one under ultrasound
    guided = {p.type for p in note.procedures if not (p.by_landmark or p.by_ultrasound)}
    includes = _includes_guidance(rules, state.day)
    spinal = spinal_codes(rules, state.day)
    restored = False
    for item in list(state.suppressed):
        original = next((ln for ln in before if ln.code == item.code), None)
        if item.rule not in _INCLUDES_FLUOROSCOPY or original is None or item.code not in _GUIDANCE:
            continue
        # or one structure at levels the note keeps apart (a biopsy of L3 beside
        # the T12 and L1 kyphoplasty)
        if not two_places and not any(
            _other_levels(store, state, item.code, c) for c in state.codes() if c in includes
        ):
            continue
        # the procedure it guides: away from the spine, or on another structure
        # that the note documents and whose code does not include guidance
        other_side = (
            two_sites_documented(state)
            and _side(store, state, item.code, spinal) is False
            and any(not p.spinal for p in note.procedures if p.type in guided)
        )
        structure = _guided_structure(store, state, item.code, includes)
        # a structure whose own guidance this is (a port's 77001 places the
        # catheter's tip, whatever imaging found the vein)
        other_structure = (
            structure is not None
            and structure in documented
            and (
                bool(set(structures()[structure].procedures) & guided)
                or item.code in structures()[structure].guided_by
            )
        )
        if (other_side or other_structure) and original not in state.lines:
            _put_back(
                state,
                original,
                item,
                f"guides the session's other procedure, not the one whose code includes "
                f"guidance ({item.code})",
            )
            restored = True
    return restored


#: the rule that takes 77002 off beside an arthrogram's radiological S&I code
_ARTHROGRAM_INCLUDES_FLUOROSCOPY = "FLU09"


def restore_fluoroscopy_of_other_joint(
    store: Store, state: ClaimState, before: list[Line], rules: RuleSet
) -> bool:
    """Put back the 77002 FLU09 removed beside an arthrogram's S&I code when it
    guided an injection of another joint (a knee arthrogram and a hip injection
    under fluoroscopy): the S&I code includes its own exam's fluoroscopy, not
    the other joint's guidance; True when put back. Its PTP edit with the S&I
    code is then judged as another joint's service (XS)."""
    note = state.note
    item = next(
        (
            i
            for i in state.suppressed
            if i.code == "77002" and i.rule == _ARTHROGRAM_INCLUDES_FLUOROSCOPY
        ),
        None,
    )
    original = next((ln for ln in before if ln.code == "77002"), None)
    if note is None or item is None or original is None or original in state.lines:
        return False
    guided = _joint_of(store, state, "77002", rules)
    exams = rules.code_set(["@radiology_si_with_fluoro"], on=state.day)
    examined = {_joint_of(store, state, c, rules) for c in state.codes() if c in exams}
    if guided is None or not examined or None in examined or guided in examined:
        return False
    # the note places the other joint's needle under fluoroscopy
    if not any(
        p.type == "joint_injection"
        and p.by_fluoroscopy
        and guided in {_bursa_or_joint(p, j) for j in p.joints}
        for p in note.procedures
    ):
        return False
    _put_back(
        state,
        original,
        item,
        "guides the injection of another joint, not the arthrogram whose code includes "
        "its fluoroscopy (77002)",
    )
    return True


#: rules that take imaging off the claim because a procedure code on it includes it
_INCLUDES_IMAGING = {
    "FLU03": "@includes_fluoro_guidance",
    "FLU18": "@gu_catheter_includes_imaging",
    "FLU65": "@nerve_blocks_including_imaging",
    "FLU68": "@includes_ultrasound_guidance",
    "FLU69": "@fascial_plane_blocks_including_imaging",
}


def restore_ultrasound_of_other_procedure(
    store: Store, state: ClaimState, before: list[Line], rules: RuleSet
) -> bool:
    """Put back the 76942 a rule removed because a catheter or injection code
    includes its imaging, when the ultrasound guided the session's other
    procedure: one the note places under ultrasound alone, on a structure of its
    own, whose code does not include the guidance (the renal mass biopsy beside
    the nephrostomy exchange); True when put back. Its PTP edit with the code
    that includes it is then judged as another procedure's guidance (XS)."""
    note = state.note
    item = next(
        (i for i in state.suppressed if i.code == "76942" and i.rule in _INCLUDES_IMAGING), None
    )
    original = next((ln for ln in before if ln.code == "76942"), None)
    if note is None or item is None or original is None or original in state.lines:
        return False
    including = rules.code_set(
        [*_INCLUDES_IMAGING.values(), "@includes_fluoro_guidance_spinal"], on=state.day
    )
    under_ultrasound = {p.type for p in note.procedures if p.by_ultrasound}
    if set(note.imaging_modalities) - {"landmark"} == {"ultrasound"}:
        # ultrasound the session's only imaging: every needle not placed by
        # landmarks was placed with it (two nerve blocks under one probe)
        under_ultrasound |= {p.type for p in note.procedures if not p.by_landmark}
    guided = [
        code
        for code in state.codes()
        if is_surgical(code)
        and code not in including
        and (structure := structure_of_code(code)) is not None
        and set(structures()[structure].procedures) & under_ultrasound
        and _may_guide("76942", code)
        and not WITH_GUIDANCE["ultrasound"].search(queries.short_descriptor(store, code, state.day))
    ]
    if not guided:
        return False
    _put_back(
        state,
        original,
        item,
        f"the ultrasound guidance of {', '.join(sorted(guided))}, not of the code whose "
        f"descriptor includes imaging ({item.rule})",
    )
    return True


def _put_back(state: ClaimState, line: Line, item: Suppressed, reason: str) -> None:
    """Bill again a line a rule took off, with the reason: ``item`` leaves
    ``state.suppressed`` and the rule's finding on the line goes."""
    state.suppressed.remove(item)
    line.rule_ids.append(item.rule)
    line.rationale.append(reason)
    state.lines.append(line)
    state.findings = [f for f in state.findings if not _is(f, item.rule, item.code)]


def _is(finding: Finding, rule_id: str, code: str) -> bool:
    return finding.rule_id == rule_id and finding.code == code


#: how the check marks an XS it added (its rationale), so that one whose reason has
#: gone can be taken off again (distinct_modifiers: an XS with nothing to bypass)
_ADDED_XS = re.compile(rf"\w+: {SEPARATE_STRUCTURE}, ")


def _add_xs(line: Line, finding: Finding, reason: str) -> None:
    line.modifiers = [*line.modifiers, SEPARATE_STRUCTURE]
    line.rule_ids.append(finding.rule_id)
    line.rationale.append(f"{finding.rule_id}: {SEPARATE_STRUCTURE}, {reason}")


def remove_added_xs(line: Line) -> bool:
    """Take off the XS the check added to ``line``; True when it had one."""
    added = [r for r in line.rationale if _ADDED_XS.match(r)]
    if not added or SEPARATE_STRUCTURE not in line.modifiers:
        return False
    line.modifiers = [m for m in line.modifiers if m != SEPARATE_STRUCTURE]
    line.rationale = [r for r in line.rationale if r not in added]
    return True


def separate_structure(
    store: Store, state: ClaimState, finding: Finding, line: Line, rules: RuleSet
) -> bool:
    """Append XS to a PTP column-2 line of the other site; True when appended."""
    if finding.rule_id != "PTP01":
        return False
    if DISTINCT_MODIFIERS & set(line.modifiers) or not finding.related_code:
        return False
    if not separate_structure_of(store, state, line.code, finding.related_code, rules):
        return False
    _add_xs(
        line,
        finding,
        f"a separate structure from {finding.related_code} (the note documents both sites)",
    )
    return True


#: imaging guidance billed as a code of its own (not an add-on), and the
#: modality the note must name for it
_GUIDANCE_BY_MODALITY = {"76942": "ultrasound", "77012": "ct"}
_MODALITY_NAMES = {"ultrasound": "ultrasound", "ct": "CT"}

#: "Fna bx w/us gdn 1st les", "Drain/inj joint/bursa w/us", "Bx breast 1st lesion
#: us imag", "Fna bx w/ct gdn 1st les": a CMS short descriptor naming the
#: modality's guidance as part of the code
WITH_GUIDANCE = {
    "ultrasound": re.compile(r"\bw/\s?us\b|\bus (?:gdn|guid\w*|imag\w*)\b", re.IGNORECASE),
    "ct": re.compile(r"\bw/\s?ct\b|\bct (?:gdn|guid\w*|imag\w*)\b", re.IGNORECASE),
}


def guided_elsewhere(
    store: Store, state: ClaimState, findings: list[Finding], finding: Finding, line: Line
) -> set[str]:
    """The session's other procedures that ultrasound or CT guidance guided when one
    procedure's code includes it (PTP 49083/76942): the claim's surgical codes
    (CPT 10004-69990) that no edit pairs with the guidance and whose needle the
    note places with it (a renal biopsy beside the paracentesis)."""
    modality = _GUIDANCE_BY_MODALITY.get(line.code)
    note = state.note
    if modality is None or finding.rule_id != "PTP01" or note is None:
        return set()
    # two biopsies of different organs (a lung and a liver) are one kind of
    # procedure for the note reader, two codes on the claim
    biopsies = {c for c in state.codes() if structure_of_code(c) == "bone_or_lesion"}
    # a lung's and a bone's, told as one biopsy or as two
    two_organs = len({organ for p in note.procedures for organ in p.organs}) > 1
    if modality not in note.imaging_modalities or (
        len({p.type for p in note.procedures}) < 2 and len(biopsies) < 2 and not two_organs
    ):
        return set()  # the note must show the modality and the session's two procedures
    number = finding.line
    paired = {
        f.related_code if f.line == number else f.code
        for f in findings
        if f.kind == "ptp" and number in (f.line, f.related_line)
    }
    # nor a needle placed by landmarks, nor one placed under another modality
    # alone (a vertebral biopsy under fluoroscopy beside the ultrasound-guided
    # paracentesis; a liver biopsy under ultrasound beside the CT-guided drain)
    elsewhere = unguided_structures(note)
    if modality == "ultrasound":
        elsewhere |= _structures_where(note, lambda p: p.by_fluoroscopy or p.by_ct)
    else:
        elsewhere |= _structures_where(note, lambda p: p.by_fluoroscopy or p.by_ultrasound)
    return {
        other.code
        for other in state.lines
        if other is not line
        and is_surgical(other.code)
        and other.code not in paired
        and structure_of_code(other.code) not in elsewhere
        and _may_guide(line.code, other.code)
        # a code that is itself the procedure with this guidance (10006, 20611)
        and not WITH_GUIDANCE[modality].search(
            queries.short_descriptor(store, other.code, state.day)
        )
    }


def is_surgical(code: str) -> bool:
    """A CPT surgery code (10004-69990): a procedure, not an imaging or other service."""
    return code.isdigit() and "10004" <= code <= "69990"


def _may_guide(guidance: str, code: str) -> bool:
    """Whether ``guidance`` may be the guidance of ``code``: not when the code's
    structure names its own (a port's is 77001 and 76937, not a CT's 77012)."""
    structure = structure_of_code(code)
    guided_by = structures()[structure].guided_by if structure else []
    return not guided_by or guidance in guided_by


def guides_another_procedure(
    store: Store, state: ClaimState, findings: list[Finding], finding: Finding, line: Line
) -> bool:
    """Guidance that one procedure includes but that guided the session's other
    procedure, which no edit pairs it with (``guided_elsewhere``): the line keeps
    XS; True when added."""
    if DISTINCT_MODIFIERS & set(line.modifiers):
        return False
    free = guided_elsewhere(store, state, findings, finding, line)
    if not free:
        return False
    modality = _MODALITY_NAMES[_GUIDANCE_BY_MODALITY[line.code]]
    _add_xs(
        line,
        finding,
        f"the {modality} guidance of {', '.join(sorted(free))}, not of "
        f"{finding.related_code}, whose code includes it",
    )
    return True


def same_site(state: ClaimState, code: str, other: str) -> list[str] | None:
    """The levels two codes of one structure share, when the note documents
    their procedures there and one's levels are all among the other's."""
    structure = structure_of_code(code)
    if structure is None or structure != structure_of_code(other) or state.note is None:
        return None
    kinds = set(structures()[structure].procedures)
    done = [p for p in state.note.procedures if p.type in kinds]
    if structure == _ANY_JOINT_STRUCTURE:
        return _one_joint(done)
    if len({p.type for p in done}) < 2:
        return None  # the note does not show two procedures there
    # each procedure's levels, the smallest within every other's (a biopsy of
    # one of the two vertebrae augmented)
    levels = sorted({frozenset(p.levels) for p in done}, key=len)
    if not levels[0] or any(not levels[0] <= other for other in levels[1:]):
        return None
    return sorted(levels[0])


def _one_joint(done: list[Procedure]) -> list[str] | None:
    """The one joint, on one side, that all the note's joint procedures name (a
    knee arthrogram and a steroid injected through its needle; a bursa is a site
    of its own)."""
    joints = {_bursa_or_joint(p, joint) for p in done for joint in p.joints}
    sides = {p.laterality for p in done}
    if len(joints) != 1 or len(sides) != 1 or sides & {None, "bilateral"}:
        return None
    side = sides.pop()
    return [f"{side} {joints.pop()}"]


def joint_injected_and_treated(
    store: Store, state: ClaimState, code: str, other: str, rules: RuleSet
) -> list[str] | None:
    """The one joint, on one side, that a closed treatment code works on (27560,
    a kneecap's dislocation) and that the note's joint injections all enter
    (lidocaine instilled into the dislocated knee to reduce it): one site, so a
    coder's 59 between them says nothing distinct; None otherwise."""
    if state.note is None:
        return None
    pair = {code, other}
    injection = next((c for c in pair if _ANY_JOINT.holds(c)), None)
    treated = next((c for c in pair if c != injection), None)
    if injection is None or treated is None or structure_of_code(treated) is not None:
        return None
    joint = _joint_of(store, state, treated, rules)
    injected = [p for p in state.note.procedures if p.type == "joint_injection"]
    if joint is None or not injected or {j for p in injected for j in p.joints} != {joint}:
        return None
    # the sides the injections, the closed treatments and the two lines name
    treatments = [p for p in state.note.procedures if p.type == "fracture_reduction"]
    sides = (
        {p.laterality for p in injected}
        | {p.laterality for p in treatments if p.laterality}
        | {
            _MODIFIER_SIDES[m]
            for line in state.lines
            if line.code in pair
            for m in line.modifiers
            if m in _MODIFIER_SIDES
        }
    )
    if len(sides) != 1 or sides & {None, "bilateral"}:
        return None
    return [f"{sides.pop()} {joint}"]


def separate_structure_of(
    store: Store, state: ClaimState, code: str, other: str, rules: RuleSet
) -> bool:
    """``code`` and ``other`` work on two sites or structures the note documents
    (not when it documents both at one site: a biopsy of the augmented vertebra)."""
    if same_site(state, code, other) is not None:
        return False
    return (
        _other_side(store, state, code, other, rules)
        or _other_structure(store, state, code, other, rules)
        or _other_joint(store, state, code, other, rules)
        or _two_sites_of_one_structure(state, code, other)
        or _other_organ(state, code, other)
        or _other_region(state, code, other)
        or _other_levels(store, state, code, other)
    )


def _family_types(store: Store, state: ClaimState, code: str) -> frozenset[str]:
    """The procedure types of a code's spinal family, or of its primaries' for an
    add-on (22515: the kyphoplasty's)."""
    types = code_procedure_types(code)
    if types:
        return types
    primaries = queries.add_on_primaries(store, code, state.day)
    return frozenset(t for p in primaries for t in code_procedure_types(p))


def _procedure_types(store: Store, state: ClaimState, code: str, other: str) -> frozenset[str]:
    """The procedure types of a code: its spinal family's, else those of its
    structure that the other code's family does not name (20225 beside 22513:
    the vertebra's biopsy, not its augmentation)."""
    if code in _GUIDANCE:
        # a guidance add-on: the types of the one procedure it guides on the claim
        guided = _primaries_on_claim(store, state, code)
        if len(guided) != 1:
            return frozenset()
        code = guided[0]
    types = _family_types(store, state, code)
    if types:
        return types
    structure = structure_of_code(code)
    if structure is None:
        return frozenset()
    return frozenset(structures()[structure].procedures) - _family_types(store, state, other)


def _other_levels(store: Store, state: ClaimState, code: str, other: str) -> bool:
    """Two spinal procedures of different kinds at levels the note keeps apart
    (a C7-T1 interlaminar epidural and C5-6, C6-7 transforaminal injections)."""
    mine = _procedure_types(store, state, code, other)
    theirs = _procedure_types(store, state, other, code)
    if state.note is None or not mine or not theirs or mine & theirs:
        return False
    here = {lv for p in state.note.procedures if p.type in mine for lv in p.levels}
    there = {lv for p in state.note.procedures if p.type in theirs for lv in p.levels}
    return bool(here) and bool(there) and not here & there


def _other_region(state: ClaimState, code: str, other: str) -> bool:
    """Two spinal codes of different regions (a lumbar radiofrequency ablation
    and cervical medial branch blocks), each region the one the note documents
    for its procedure."""
    mine, theirs = code_region(code), code_region(other)
    return (
        mine is not None
        and theirs is not None
        and mine != theirs
        and in_documented_region(state.note, code)
        and in_documented_region(state.note, other)
    )


@cache
def _code_joints() -> dict[str, Structure]:
    """The joint of a code whose short descriptor names none (structures.yaml)."""
    data = _structures_file()
    return {
        joint: Structure(procedures=[], codes=list(codes))
        for joint, codes in (data.get("code_joints") or {}).items()
    }


@cache
def _joint_words() -> dict[str, re.Pattern[str]]:
    """The joints or limb segments a CMS short descriptor names, in full or
    abbreviated as CMS does ("Arthrs kne srg mnisectmy m/l", "Cltx sho dslc",
    "Cltx dst rdl fx"): ``joint_words`` in structures.yaml."""
    data = _structures_file()
    return {joint: re.compile(word, re.IGNORECASE) for joint, word in data["joint_words"].items()}


#: a laceration's repair (structures.yaml)
_WOUND = "skin_wound"
#: the side an anatomic modifier names
_MODIFIER_SIDES = {"LT": "left", "RT": "right"}
#: the structure of every joint's codes (structures.yaml): which joint is read
#: from the code's descriptor or the note
_ANY_JOINT_STRUCTURE = "peripheral_joint"
#: codes of an injection into a joint, whatever the joint: the note says which
_ANY_JOINT = Structure(procedures=["joint_injection", "arthrography"], codes=["20600-20611"])


def _joint_of(store: Store, state: ClaimState, code: str, rules: RuleSet) -> str | None:
    """The joint a code works on: named in its CMS short descriptor, or for an
    injection into any joint the one the note names; a guidance code's is the
    joint of the procedure it guides on the claim (not an arthrogram injection
    whose radiological S&I code, billed too, includes its fluoroscopy)."""
    if code in _GUIDANCE:
        primaries = set(_primaries_on_claim(store, state, code))
        if any(
            c in rules.code_set(["@radiology_si_with_fluoro"], on=state.day) for c in state.codes()
        ):
            injections = rules.code_set(["@arthrography_injection"], on=state.day)
            primaries = {c for c in primaries if c not in injections}
        guided = {
            joint for c in primaries if (joint := _joint_of(store, state, c, rules)) is not None
        }
        return guided.pop() if len(guided) == 1 else None
    listed = next((j for j, codes in _code_joints().items() if codes.holds(code)), None)
    if listed is not None:
        return listed
    text = queries.short_descriptor(store, code, state.day)
    named = {joint for joint, word in _joint_words().items() if word.search(text)}
    if len(named) == 1:
        return named.pop()
    if _ANY_JOINT.holds(code) and state.note is not None:
        # the joint injected, before a joint an arthrogram named (a wrist
        # arthrogram and an elbow injection: 20605 is the elbow's); of joints
        # injected under ultrasound and without it, the one this code names
        # (20611 "w/us" the knee under ultrasound, 20610 the bursa by landmarks),
        # or the one an arthrogram does not enter (the hip's needle is 27093's)
        with_us = bool(WITH_GUIDANCE["ultrasound"].search(text))
        procedures = state.note.procedures
        arthrogram = {j for p in procedures if p.type == "arthrography" for j in p.joints}
        for kinds in (("joint_injection",), _ANY_JOINT.procedures):
            done = [p for p in state.note.procedures if p.type in kinds]
            for pool in (
                done,
                [p for p in done if p.by_ultrasound == with_us],
                [p for p in done if not set(p.joints) & arthrogram],
            ):
                injected = {_bursa_or_joint(p, joint) for p in pool for joint in p.joints}
                # only joints of the code's size (a knee is not 20605's)
                injected &= joint_sizes().get(code, injected)
                if len(injected) == 1:
                    return injected.pop()
    return None


@cache
def joint_sizes() -> dict[str, set[str]]:
    """arthrocentesis code -> the joints (and bursae) of its size: ``joint_sizes``
    in structures.yaml."""
    data = _structures_file()
    return {str(code): set(joints) for code, joints in data["joint_sizes"].items()}


@cache
def _bursae() -> dict[str, tuple[re.Pattern[str], str]]:
    """joint -> (the words of a bursa beside it, the bursa's name): ``bursae`` in
    structures.yaml."""
    data = _structures_file()
    return {
        joint: (re.compile(b["words"], re.IGNORECASE), str(b["name"]))
        for joint, b in data["bursae"].items()
    }


def _bursa_or_joint(procedure: Procedure, joint: str) -> str:
    """The bursa the note names as an injection's site, else the joint."""
    bursa = _bursae().get(joint)
    if bursa is not None and bursa[0].search(procedure.anatomic_site or ""):
        return bursa[1]
    return joint


def _other_joint(store: Store, state: ClaimState, code: str, other: str, rules: RuleSet) -> bool:
    """A surgery on one joint and an injection of another (a knee arthroscopy and
    a hip injection), each joint known from the code or the note."""
    mine = _joint_of(store, state, code, rules)
    theirs = _joint_of(store, state, other, rules)
    return mine is not None and theirs is not None and mine != theirs


@cache
def _biopsy_organs() -> list[tuple[Structure, str]]:
    """(codes, organ) of each organ-specific biopsy code: ``biopsy_organs`` in
    structures.yaml."""
    data = _structures_file()
    return [
        (Structure(procedures=[], codes=[str(codes)]), str(organ))
        for codes, organ in data["biopsy_organs"].items()
    ]


def biopsy_organ(code: str) -> str | None:
    """The organ a needle biopsy code is for; None for a code of any site."""
    return next((organ for codes, organ in _biopsy_organs() if codes.holds(code)), None)


def _other_organ(state: ClaimState, code: str, other: str) -> bool:
    """Two biopsy codes for two organs the note's biopsies name (a thyroid
    nodule's FNA, 10005, and a neck node's core, 38505); a code for any site
    takes an organ named beside the other code's."""
    if state.note is None or not (
        structure_of_code(code) == structure_of_code(other) == "bone_or_lesion"
    ):
        return False
    named = {o for p in state.note.procedures if p.type == "biopsy_aspiration" for o in p.organs}
    mine, theirs = biopsy_organ(code), biopsy_organ(other)
    if mine is not None and theirs is not None:
        return mine != theirs and {mine, theirs} <= named
    specific = mine or theirs
    return specific is not None and specific in named and len(named - {specific}) > 0


def _two_sites_of_one_structure(state: ClaimState, code: str, other: str) -> bool:
    """Two different codes of a sided structure (structures.yaml) whose
    procedures the note places on both sides, or in two limb segments: two
    devices, one at each site."""
    name = structure_of_code(code)
    if code == other or name is None or name != structure_of_code(other) or state.note is None:
        return False
    structure = structures()[name]
    done = [p for p in state.note.procedures if p.type in structure.procedures]
    sides = {p.laterality for p in done}
    segments = {s for p in done for s in p.segments}
    # a line billed for both sides (50) is on each side: the sides tell nothing
    # apart (a bilateral nephrostomy and its bilateral nephrostogram)
    both = any("50" in ln.modifiers for ln in state.lines if ln.code in (code, other))
    return (
        structure.sided and not both and ("bilateral" in sides or {"left", "right"} <= sides)
    ) or (structure.by_segment and len(segments) > 1)


def _other_side(store: Store, state: ClaimState, code: str, other: str, rules: RuleSet) -> bool:
    """The two codes are on the two sides (spine, away from it) the note documents."""
    if not two_sites_documented(state):
        return False
    spinal = spinal_codes(rules, state.day)
    mine = _side(store, state, code, spinal)
    theirs = _side(store, state, other, spinal)
    return mine is not None and theirs is not None and mine != theirs


def _two_procedures(state: ClaimState) -> bool:
    return state.note is not None and len({p.type for p in state.note.procedures}) > 1


def _other_structure(
    store: Store, state: ClaimState, code: str, other: str, rules: RuleSet
) -> bool:
    """The two codes work on two structures, both documented in the note."""
    documented = documented_structures(state.note)
    if len(documented) < 2 and _WOUND not in documented:
        return False
    includes = _includes_guidance(rules, state.day)
    mine = _structure(store, state, code, includes)
    theirs = _structure(store, state, other, includes)
    if _WOUND in {mine, theirs} and mine != theirs and _WOUND in documented:
        # a laceration repaired beside another procedure the note documents (a
        # chin laceration and a closed wrist reduction): a wound of its own
        return is_surgical(code) and is_surgical(other) and _two_procedures(state)
    return len(documented) > 1 and (
        mine is not None and theirs is not None and mine != theirs and {mine, theirs} <= documented
    )
