"""The imaging a note documents that the intended codes leave out.

A note that documents fluoroscopy (or ultrasound guidance) during a procedure
puts on the claim the code that imaging is coded as, as a ``documented`` line:
judged by the same rules and CMS edits as an intended code, it is named as not
billable where the procedure includes it, and billed as a missed charge where
it is separately reportable and the fluoroscopy is named explicitly. Which code
a procedure's imaging is coded as is data (``rules/data/imaging.yaml``) and the
CMS add-on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from clearclaim.checker.distinct import (
    ct_structures,
    fluoroscopy_structures,
    is_surgical,
    spinal_codes,
    structure_of_code,
    two_sites,
    ultrasound_structures,
    unguided_structures,
)
from clearclaim.notes import NoteAnalysis
from clearclaim.rules.engine import ClaimState, Line
from clearclaim.rules.imaging import ImagingFamily, imaging_map
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries
from clearclaim.store.queries.edits import CONTRACTOR_DEFINED

GUIDANCE_ADD_ONS = ("77002", "77003", "77001")
#: fluoroscopy as a service of its own (76001 until 2018)
STANDALONE_FLUOROSCOPY = frozenset({"76000", "76001"})
#: which guidance add-on a procedure takes when the add-on file lists it for several
_PREFERRED_BY_FAMILY = {"spinal": "77003", "vascular_access": "77001"}
#: which side of a two-site session a guidance code guides (True: the spine)
_GUIDANCE_SIDE = {"77003": True, "77002": False, "77001": False}
#: the structure of a central venous catheter (structures.yaml)
_CENTRAL_VEIN = "central_vein"


def _imaging_evidence(note: NoteAnalysis) -> tuple[str | None, list[dict[str, Any]]]:
    """How strongly the note documents fluoroscopy during this procedure.

    ``explicit``: fluoroscopy named as used (or a fluoroscopy time); ``imaging``:
    intraoperative x-ray views with no modality named; None: neither.
    """
    if note.fluoroscopy == "used":
        spans = [m.span for m in note.fluoro_mentions if m.status == "affirmed"]
        return "explicit", [s.model_dump(mode="json") for s in spans[:3]]
    if note.fluoroscopy in ("not_used", "hypothetical", "historical"):
        return None, []
    if note.intraoperative_imaging:
        return "imaging", [s.model_dump(mode="json") for s in note.intraoperative_imaging[:3]]
    return None, []


def _wrong_add_ons_only(store: Store, present: set[str], fluoro: set[str], day: date) -> bool:
    """Whether every fluoroscopy code billed is a guidance add-on whose CMS add-on
    file lists none of the claim's codes as its primary."""
    billed = present & fluoro
    if not billed or not billed <= set(GUIDANCE_ADD_ONS):
        return False
    others = present - fluoro
    return all(not others & queries.add_on_primaries(store, code, day) for code in billed)


@dataclass(frozen=True)
class _Imaging:
    """The code a procedure's fluoroscopy is coded as, and how sure that is."""

    code: str
    evidence: str
    rank: int  # 0: a guidance add-on the CMS file lists; 1: the family's code
    why: str
    family: ImagingFamily | None


def _imaging_of(
    store: Store, note: NoteAnalysis, billed: str, code_now: str, day: date, rules: Any
) -> _Imaging | None:
    """The code the fluoroscopy of ``billed`` (judged as ``code_now``, its successor
    if deleted) is coded as, if any."""
    family = imaging_map().family_for(code_now, day, rules)
    # a guidance add-on guides a needle or catheter: with none placed, the
    # procedure's fluoroscopy is judged by its family
    listed = [
        g
        for g in GUIDANCE_ADD_ONS
        if note.needle_placed and code_now in queries.add_on_primaries(store, g, day)
    ]
    if listed:
        preferred = _PREFERRED_BY_FAMILY.get(family.name if family else "")
        code = preferred if preferred in listed else listed[0]
        why = f"{code} is the guidance add-on the CMS add-on file lists for {billed}"
        return _Imaging(code, "explicit", 0, why, family)
    if family is not None:
        why = f"the fluoroscopy of {billed} is coded {family.imaging}"
        return _Imaging(family.imaging, family.evidence, 1, why, family)
    return None


def documented_imaging(
    store: Store, note: NoteAnalysis, claim: list[Line], day: date, rules: Any
) -> list[Line]:
    """The fluoroscopy code the note documents, for the claim's procedures.

    It is put on the claim as a ``documented`` line and judged by the same rules
    and edits as an intended code: suppressed where the procedure includes it
    (the report then names it as not billable), a missed charge where it is
    separately reportable (only when the note names fluoroscopy explicitly; see
    :func:`drop_unsupported`). One fluoroscopy is one code: the guidance add-on
    a procedure takes comes before stand-alone fluoroscopy. When the coder
    intended a fluoroscopy code, it reports the note's fluoroscopy, and a code is
    added only for the families that say so (a spinal injection's fluoroscopy is
    named 77003 even when 76000 or 77002 was billed for it).
    """
    if not note.determinable:
        return []
    fluoro = rules.expand(["@fluoro_codes"])  # deleted ones too: 76005 in 2008 is one
    present = {line.code for line in claim}
    intended_fluoro = bool(present & fluoro)
    # 76000 billed for what was guidance (a port placed under fluoroscopy): the
    # guidance code is what the claim should say (FLU01's action), so the family's
    # guidance add-on is judged too; the stand-alone code is judged by its rules
    standalone_only = intended_fluoro and present & fluoro <= STANDALONE_FLUOROSCOPY
    level, spans = _imaging_evidence(note)
    # two sites in one session (an ESI and a hip injection) are two fluoroscopies:
    # a site whose guidance the intended codes do not cover gets its own code
    spinal = spinal_codes(rules, day) if two_sites(note) else None
    covered = {_GUIDANCE_SIDE[c] for c in present if c in _GUIDANCE_SIDE}
    candidates: list[tuple[int, bool | None, Line]] = []
    successors = rules.replacements(day)
    by_landmark = unguided_structures(note)
    # a procedure done under ultrasound beside one done under fluoroscopy (a renal
    # biopsy beside a tunneled catheter): the fluoroscopy is the other's
    by_ultrasound = ultrasound_structures(note)
    worked_on = {
        structure_of_code(successors.get(ln.code, ln.code)) for ln in claim if ln.code not in fluoro
    }
    if not worked_on - {None} - by_ultrasound - by_landmark:
        # every needle went in under ultrasound: the fluoroscopy placed a central
        # catheter's tip (a PICC beside a renal biopsy), or else any procedure's
        by_ultrasound = by_ultrasound - {_CENTRAL_VEIN} if _CENTRAL_VEIN in by_ultrasound else set()
    # a needle placed under CT (a drain beside a PICC): the fluoroscopy is not its
    by_ultrasound |= ct_structures(note)
    if spinal is not None and len(covered) == 1:
        # the intended fluoroscopy code names one side of a two-site session, yet
        # every procedure on that side was placed by palpation (77002 beside an
        # SI joint under fluoroscopy and a bursa by landmark): it is the other's
        sides = {
            code_now in spinal
            for ln in claim
            if ln.code not in fluoro
            and structure_of_code(code_now := successors.get(ln.code, ln.code)) not in by_landmark
        }
        if len(sides) == 1:
            covered = sides
    under_fluoroscopy = fluoroscopy_structures(note)
    coded = {
        line.code: imaging
        for line in claim
        if line.code not in fluoro
        and (
            imaging := _imaging_of(
                store, note, line.code, successors.get(line.code, line.code), day, rules
            )
        )
    }
    # the coder's fluoroscopy code is another procedure's guidance (77001 of a
    # PICC beside a gastrostomy): the gastrostomy's own fluoroscopy is named too
    owners: dict[str, set[str]] = {}
    for procedure, imaging in coded.items():
        if structure_of_code(successors.get(procedure, procedure)) in by_landmark:
            continue  # placed by palpation: the coder's code guided something else
        owners.setdefault(imaging.code, set()).add(procedure)
    # a guidance add-on none of whose primaries is billed (77003 for a shoulder
    # injection) is the wrong add-on: the one the procedure takes is judged
    # instead; not one a procedure of the claim takes (77001, whose primaries
    # the MACs define, beside a central line)
    wrong_add_on = _wrong_add_ons_only(store, present, fluoro, day) and not any(
        CONTRACTOR_DEFINED in queries.add_on_primaries(store, code, day)
        for code in present & fluoro & owners.keys()
    )
    for line in claim:
        if line.code not in coded:
            continue
        # a deleted code is judged as the code that replaced it (27370 -> 27369)
        code_now = successors.get(line.code, line.code)
        structure = structure_of_code(code_now)
        if structure in by_landmark | by_ultrasound:
            continue  # its needle was placed by palpation or under ultrasound
        imaging = coded[line.code]
        code, evidence, rank, family = imaging.code, imaging.evidence, imaging.rank, imaging.family
        why = imaging.why
        if code in present:
            continue
        another_procedures = structure in under_fluoroscopy and all(
            {structure_of_code(o) for o in owners.get(f, set())} - {structure, None}
            for f in present & fluoro
        )
        # the family's own code is judged instead of a wrong add-on even when it is
        # stand-alone fluoroscopy (77001 billed for a catheter repositioning: 76000)
        instead = not another_procedures and (
            (standalone_only and code in GUIDANCE_ADD_ONS) or wrong_add_on
        )
        also = bool(family and family.also_when_intended)
        side = (code_now in spinal) if spinal is not None else None
        other_site = side is not None and side not in covered and code in GUIDANCE_ADD_ONS
        if intended_fluoro and not (also or instead or other_site or another_procedures):
            continue
        if evidence == "inherent":
            if note.fluoroscopy in ("not_used", "hypothetical", "historical"):
                continue
            support, shown = "inherent", spans
        elif level is None or (evidence == "explicit" and level != "explicit"):
            continue
        else:
            support, shown = level, spans
        # ", " between the quotes: "; " separates the parts of a line's reason
        quoted = ", ".join(dict.fromkeys(f'"{s["text"]}"' for s in shown[:2]))
        candidates.append(
            (
                rank,
                side,
                Line(
                    code=code,
                    origin="documented",
                    instead_of_intended=instead and not also,
                    # three parts, each a phrase the report's language rewrites
                    rationale=[
                        f"documented in the note ({quoted})"
                        if quoted
                        else "documented in the note (the examination is fluoroscopic)",
                        why,
                        "not among the intended codes",
                    ],
                    evidence=shown,
                    support=support,
                ),
            )
        )
    if not candidates:
        return []
    # one fluoroscopy, one code: a guidance add-on the CMS file lists for one of
    # the procedures, else the family of the first procedure that has one (per
    # site, when the note documents two)
    best: dict[bool | None, tuple[int, Line]] = {}
    for rank, side, line in candidates:
        if side not in best or rank < best[side][0]:
            best[side] = (rank, line)
    return [line for _, line in best.values()]


def documented_companions(
    note: NoteAnalysis, claim: list[Line], setting: str = "professional"
) -> list[Line]:
    """The S&I code of a procedure whose code leaves its imaging out (74740 with
    58340, 75984 with 49423), when the note names the fluoroscopy explicitly and
    no intended line reports it (imaging.yaml, ``companions``). Not on a
    physician's claim whose note gives the images to another physician to read
    ("will be interpreted separately by radiology"): the S&I is the reader's."""
    if not note.determinable or (setting == "professional" and note.interpreted_elsewhere):
        return []
    level, spans = _imaging_evidence(note)
    fluoroscopy = note.fluoroscopy == "used" and level == "explicit"
    present = {line.code for line in claim}
    quoted = ", ".join(dict.fromkeys(f'"{s["text"]}"' for s in spans[:2]))
    out = []
    for companion in imaging_map().companions:
        if companion.procedure not in present or companion.code in present:
            continue
        if fluoroscopy and "fluoroscopy" in companion.modalities:
            shown = f"documented in the note ({quoted})"
        elif other := [m for m in _guided_by(note) if m in companion.modalities]:
            shown, spans = f"documented in the note ({other[0]} guidance)", []
        else:
            continue
        out.append(
            Line(
                code=companion.code,
                origin="documented",
                rationale=[
                    shown,
                    f"{companion.code} is the radiological supervision and interpretation of "
                    f"{companion.procedure}",
                    "not among the intended codes",
                ],
                evidence=spans,
                support="explicit",
            )
        )
    return out


def _guided_by(note: NoteAnalysis) -> list[str]:
    """The modalities other than fluoroscopy that guided a needle in the note."""
    if not note.needle_placed:
        return []
    return [m for m in ("ultrasound", "ct") if m in note.imaging_modalities]


def _reported_by_companion(claim: list[Line], modality: str) -> bool:
    """A procedure on the claim whose companion code reports this modality's
    guidance (32550's 75989 is its ultrasound guidance too)."""
    present = {line.code for line in claim}
    return any(
        c.procedure in present and modality in c.modalities and c.modalities != ["fluoroscopy"]
        for c in imaging_map().companions
    )


def documented_ultrasound(
    store: Store, note: NoteAnalysis, claim: list[Line], day: date, rules: Any
) -> list[Line]:
    """The ultrasound guidance code of ultrasound the note documents: named where
    the procedure includes it (see imaging.yaml), and billed as a missed charge
    only when the note shows what the code asks beyond real-time guidance: for
    76937 the vessel's patency and a permanent recording of the image, for 76942
    the permanent recording."""
    if "ultrasound" not in note.imaging_modalities or not note.needle_placed:
        return []
    if _reported_by_companion(claim, "ultrasound"):
        return []  # one ultrasound, one code: the companion reports it
    spec = imaging_map().ultrasound
    present = {line.code for line in claim}
    if not present:
        return []
    vascular = rules.code_set(spec.vascular, on=day)
    others = {c for c in present if c not in vascular and is_surgical(c)}
    guided = ultrasound_structures(note)
    if spec.needle_code in present:
        # the coder's 76942 reports a needle's ultrasound; a vein the note shows
        # patent and entered under ultrasound, image kept, beside it (a port beside
        # a peritoneal catheter) has its own
        if (
            spec.vascular_code in present
            or not present & vascular
            or note.vascular_ultrasound != "complete"
        ):
            return []
        return [_documented_ultrasound_line(note, spec.vascular_code, spec.vascular_code)]
    # the vein's ultrasound is billed: only a needle the note also places under
    # ultrasound into another structure (a thoracentesis beside the port) has
    # an ultrasound of its own, judged as 76942
    if spec.vascular_code in present and not {structure_of_code(c) for c in others} & guided:
        return []
    code = spec.needle_code if spec.vascular_code in present else spec.code_for(present, day, rules)
    if code == spec.vascular_code and others and not note.vessel_patency:
        # a catheter beside a paracentesis, and no vessel's patency: the
        # ultrasound guided the other procedure's needle
        code = spec.needle_code
    codes = [code]
    if code == spec.vascular_code and {structure_of_code(c) for c in others} & guided:
        # a vein and another structure both entered under ultrasound (a port
        # beside a paracentesis): two ultrasounds, two codes
        codes.append(spec.needle_code)
    return [_documented_ultrasound_line(note, spec.vascular_code, c) for c in codes]


def _documented_ultrasound_line(note: NoteAnalysis, vascular_code: str, code: str) -> Line:
    # what each code asks beyond real-time guidance: 76937 the vessel's patency
    # and a kept image, 76942 a kept image (the permanent recording)
    complete = (
        note.vascular_ultrasound == "complete"
        if code == vascular_code
        else note.ultrasound_image == "recorded"
    )
    return Line(
        code=code,
        origin="documented",
        rationale=["documented in the note (ultrasound guidance); not among the intended codes"],
        support="explicit" if complete else "ultrasound",
    )


def documented_ct(note: NoteAnalysis, claim: list[Line]) -> list[Line]:
    """The CT guidance code of CT guidance the note documents for a needle, when
    the claim reports none (imaging.yaml): the PTP edits then say whether the
    procedure includes it (32408) or it is a missed charge (47000)."""
    present = {line.code for line in claim}
    spec = imaging_map().ct
    if "ct" not in note.imaging_modalities or not note.needle_placed:
        return []
    if present & set(spec.reported_by) or not any(is_surgical(c) for c in present):
        return []
    return [
        Line(
            code=spec.code,
            origin="documented",
            rationale=["documented in the note (CT guidance)", "not among the intended codes"],
            support="explicit",
        )
    ]


def drop_unsupported(state: ClaimState, instead: set[str]) -> None:
    """A documented code billed only on explicit fluoroscopy: imaging inferred from
    x-ray views or from the kind of exam says what is not billable, never what is.

    A guidance code judged in place of the coder's 76000 that is not billable
    either is not named again: the suppressed 76000 already says the note's
    fluoroscopy is not billed (one fluoroscopy, one code)."""
    # documented ultrasound is billed only with what its code asks (imaging.yaml)
    state.lines = [
        line for line in state.lines if line.origin != "documented" or line.support == "explicit"
    ]
    billed = {line.code for line in state.lines}
    unnamed = instead - billed
    state.suppressed = [item for item in state.suppressed if item.code not in unnamed]
    state.findings = [f for f in state.findings if not f.codes or not set(f.codes) <= unnamed]
    state.applied = [f for f in state.applied if not f.codes or not set(f.codes) <= unnamed]


def drop_fluoroscopy_billed_by_a_rule(
    state: ClaimState, documented: list[Line], fluoro: frozenset[str] | set[str]
) -> None:
    """A documented fluoroscopy not billed is not named when a rule put the
    session's fluoroscopy on the claim as another code (20611 under fluoroscopy
    is 20610 with 77002): one fluoroscopy is one code."""
    by_rule = [
        line
        for line in state.lines
        if line.origin == "replacement" and line.code in fluoro and line not in documented
    ]
    if not by_rule:
        return
    for line in documented:
        if line in state.lines or line.code not in fluoro:
            continue
        _forget(state, line.code)


def _forget(state: ClaimState, code: str) -> None:
    """Take ``code`` out of what the report names as not billable, with its findings."""
    state.suppressed = [item for item in state.suppressed if item.code != code]
    state.findings = [f for f in state.findings if f.code != code]
    state.applied = [f for f in state.applied if f.code != code]


def drop_guidance_of_bundled(store: Store, state: ClaimState, documented: list[Line]) -> None:
    """A guidance code the note documents for a procedure that is itself not
    billable (a bone biopsy included in the kyphoplasty) is not named: the
    procedure's own suppression says it, and the session's fluoroscopy is named
    with the code that includes it."""
    billed = {line.code for line in state.lines}
    gone = {item.code for item in state.suppressed} - billed
    # a billed procedure placed by palpation or under ultrasound took no
    # fluoroscopic guidance (the marrow biopsy "without imaging" beside the
    # kyphoplasty whose cannula took the vertebral biopsy)
    unguided = unguided_structures(state.note) | ultrasound_structures(state.note)
    guidable = {
        code
        for code in billed - set(GUIDANCE_ADD_ONS)
        if state.note is None or structure_of_code(code) not in unguided
    }
    for line in documented:
        primaries = queries.add_on_primaries(store, line.code, state.day)
        guides_bundled = bool(primaries & gone)
        guides_billed = bool(primaries & guidable)
        if not guides_bundled or guides_billed:
            continue
        if line in state.lines:
            state.lines.remove(line)
        _forget(state, line.code)
