"""Every rule's case file, run through the engine that applies it (the policy
rules, the CMS edit engine over the full store, the bilateral check): the rule
fires on its failing context and stays quiet on its passing one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from clearclaim.checker.bilateral import bilateral_modifiers
from clearclaim.checker.components import component_modifiers
from clearclaim.checker.distinct_modifiers import place_distinct_modifiers
from clearclaim.checker.edit_effects import apply_edit_findings
from clearclaim.checker.modifier_names import unknown_modifier_findings
from clearclaim.checker.performed import drop_cancelled, drop_not_performed
from clearclaim.checker.site_units import bill_documented_implant_sites, bill_documented_joints
from clearclaim.checker.spinal_region import correct_levels
from clearclaim.checker.status_t import bundle_status_t
from clearclaim.checker.successors import succeed_by_guidance
from clearclaim.diagnosis import check_diagnoses
from clearclaim.edits import ClaimLine, engine_for
from clearclaim.notes.models import ELEMENT_NAMES, FoundElement, NoteAnalysis, Procedure, TextSpan
from clearclaim.rules import default_rules, documentation_gaps
from clearclaim.rules.engine import ClaimState, Line, RuleEngine
from clearclaim.store import Store

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
EMPTY = TextSpan(start=0, end=0, text="")


def _procedure(kind: str = "case", spinal: bool = False, **fields: Any) -> Procedure:
    """A procedure the note reader found, with the fields a case states."""
    return Procedure(type=kind, label="case", spinal=spinal, span=EMPTY, **fields)


def _analysis(facts: dict[str, Any]) -> NoteAnalysis:
    """A note reader result with exactly the facts the case states."""
    facts = dict(facts)
    missing = facts.get("element_missing") or []
    missing = [missing] if isinstance(missing, str) else list(missing)
    procedures = []
    if "procedure_spinal" in facts:
        procedures = [_procedure(spinal=facts["procedure_spinal"])]
    if facts.get("fluoroscopic_exam_of_its_own"):
        # a sniff test beside a thoracentesis placed under ultrasound
        procedures = [
            _procedure("diagnostic_fluoroscopy"),
            _procedure("pleural_drainage", by_ultrasound=True),
        ]
        facts["ultrasound_documented"] = True
    if "procedure_action" in facts:
        procedures = [_procedure(action=str(facts["procedure_action"]))]
    if "drainage_by_landmark" in facts:
        # a paracentesis by landmarks beside a thyroid FNA under ultrasound
        procedures = [
            _procedure("peritoneal_drainage", by_landmark=bool(facts["drainage_by_landmark"])),
            _procedure("biopsy_aspiration", by_ultrasound=True),
        ]
        facts["ultrasound_documented"] = True
    if "nerve_named" in facts:
        procedures = [_procedure("nerve_block", nerves=list(facts["nerve_named"]))]
    return NoteAnalysis(
        language="en",
        determinable=True,
        fluoroscopy=facts.get("fluoroscopy", "used"),
        physician_presence=facts.get("physician_presence", "affirmed"),
        has_written_report=facts.get("written_report", "interpretation_report" not in missing),
        has_tip_position="interpretation_report" not in missing,
        imaging_modalities=(
            [facts["modality_without_fluoroscopy"]]
            if "modality_without_fluoroscopy" in facts
            else ["fluoroscopy"]
        )
        + (["landmark"] if facts.get("needle_placed_by_landmark") else [])
        + (
            ["ultrasound"]
            if facts.get("vascular_ultrasound", "none") != "none"
            or facts.get("ultrasound_documented")
            else []
        ),
        # "complete": patency and a kept image; "partial": patency only; "bare": neither
        vessel_patency=facts.get("vascular_ultrasound") in ("complete", "partial"),
        elements={
            name: FoundElement(
                element=name, kinds=["written_report", "tip_position"], spans=[EMPTY]
            )
            for name in ELEMENT_NAMES
            if name not in missing
        },
        procedures=procedures,
        interpreted_elsewhere=bool(facts.get("interpreted_elsewhere", False)),
        arthrogram_series=bool(facts.get("arthrogram_series", False)),
        cross_sectional_arthrography=bool(facts.get("cross_sectional_arthrography", False)),
        ultrasound_image=facts.get(
            "ultrasound_image",
            "recorded" if facts.get("vascular_ultrasound") == "complete" else "unknown",
        ),
        needle_placed=bool(facts.get("needle_placed", False)),
        nontunneled_removal_only=bool(facts.get("nontunneled_removal_only", False)),
    )


def _state(context: dict[str, Any], note: NoteAnalysis, note_text: str = "") -> ClaimState:
    """The claim of a case's context, with a note reader result."""
    return ClaimState(
        lines=[
            Line(
                code=str(c["code"]),
                units=int(c.get("units") or 1),
                modifiers=[str(m) for m in c.get("modifiers") or []],
            )
            for c in context["codes"]
        ],
        pos=str(context.get("pos") or ""),
        equipment=context.get("equipment"),
        setting=context.get("setting", "professional"),
        day=date.fromisoformat(str(context["date"])),
        note=note,
        note_text=note_text,
    )


def _fired(context: dict[str, Any]) -> set[str]:
    day = date.fromisoformat(str(context["date"]))
    facts = context.get("note") or {}
    note = _analysis(facts)
    text = "separate site" if facts.get("distinct_site_documented") else ""
    state = _state(context, note, text)
    rules = default_rules()
    codes = {c["code"] for c in context["codes"]}
    RuleEngine(rules).apply(state)
    fired = {f.rule_id for f in state.findings} | {s.rule for s in state.suppressed}
    fired |= {rule_id for line in state.lines for rule_id in line.rule_ids}
    fluoro = sorted(codes & rules.expand(["@fluoro_codes"], on=day))
    fired |= {gap.rule for gap in documentation_gaps(note, fluoro, day, rules).gaps}
    return fired


def _claim_lines(context: dict[str, Any]) -> list[ClaimLine]:
    day = date.fromisoformat(str(context["date"]))
    return [
        ClaimLine(
            claim_id="case",
            line=i,
            date_of_service=day,
            code=str(c["code"]),
            modifiers=tuple(str(m) for m in c.get("modifiers") or []),
            units=int(c.get("units", 1)),
            pos=str(context.get("pos") or ""),
        )
        for i, c in enumerate(context["codes"], start=1)
    ]


def _fired_edits(store: Store, context: dict[str, Any]) -> set[str]:
    result = engine_for(store).check(
        _claim_lines(context), setting=context.get("setting", "professional")
    )
    return {f.rule_id for f in result.all_findings()}


def _fired_edit_effects(store: Store, context: dict[str, Any]) -> set[str]:
    """The CMS edits of the claim, and what they take off it with them (an S&I
    code whose procedure an edit denies)."""
    state = _state(context, _analysis({}))
    result = engine_for(store).check(
        _claim_lines(context), setting=context.get("setting", "professional")
    )
    apply_edit_findings(store, state, result.findings)
    return {f.rule_id for f in state.applied}


def _fired_successors(context: dict[str, Any]) -> set[str]:
    """A deleted code's successor by the note's guidance."""
    state = _state(context, _analysis(dict(context.get("note") or {})))
    succeed_by_guidance(state)
    return {f.rule_id for f in state.applied}


def _fired_performed(context: dict[str, Any]) -> set[str]:
    """A billed procedure against what the note says was done and not done."""
    facts = dict(context.get("note") or {})
    done = [
        Procedure(type=str(kind), label="case", spinal=False, span=EMPTY)
        for kind in facts.pop("procedures_done", None) or []
    ]
    not_done = [str(kind) for kind in facts.pop("procedures_not_performed", None) or []]
    cancelled = bool(facts.pop("session_cancelled", False))
    note = _analysis(facts).model_copy(
        update={
            "procedures": done,
            "not_performed": not_done,
            # the reader's verdict on a note that says the session was cancelled
            "determinable": not cancelled,
            "undetermined": ["procedure_not_performed", "procedure"] if cancelled else [],
        }
    )
    state = _state(context, note)
    drop_not_performed(state)
    drop_cancelled(state)
    return {f.rule_id for f in state.applied}


def _fired_site_units(context: dict[str, Any]) -> set[str]:
    """A code billed once per site against the sites the note documents: an
    arthrocentesis code's joints, an implant removal code's limb segments."""
    facts = dict(context.get("note") or {})
    joints = [str(j) for j in facts.pop("joints", None) or []]
    segments = [str(s) for s in facts.pop("segments", None) or []]
    procedure = Procedure(
        type="hardware_removal" if segments else "joint_injection",
        label="case",
        spinal=False,
        laterality=facts.pop("laterality", None),
        joints=joints,
        segments=segments,
        span=EMPTY,
    )
    state = _state(context, _analysis(facts).model_copy(update={"procedures": [procedure]}))
    bill_documented_joints(state)
    bill_documented_implant_sites(state)
    return {f.rule_id for f in state.applied}


def _fired_bilateral(store: Store, context: dict[str, Any]) -> set[str]:
    facts = dict(context.get("note") or {})
    side = facts.pop("laterality", None)
    joints = [str(j) for j in facts.pop("joints", None) or []]
    note = _analysis(facts)
    if side or joints:
        case = Procedure(
            type="case", label="case", spinal=False, laterality=side, joints=joints, span=EMPTY
        )
        note = note.model_copy(update={"procedures": [case]})
    state = _state(context, note)
    bilateral_modifiers(store, state)
    return {f.rule_id for f in state.findings}


def _fired_status(store: Store, context: dict[str, Any]) -> set[str]:
    """A status T code against the other codes of the claim."""
    state = _state(context, _analysis(dict(context.get("note") or {})))
    bundle_status_t(store, state)
    return {f.rule_id for f in state.applied}


def _fired_distinct(store: Store, context: dict[str, Any]) -> set[str]:
    """The CMS edits of the claim, then where its 59/X modifiers belong (the
    note's procedures, with their levels, joints and side, as the case states
    them)."""
    procedures = [
        Procedure(
            type=str(p["type"]),
            label="case",
            spinal=True,
            levels=[str(level) for level in p.get("levels") or []],
            joints=[str(joint) for joint in p.get("joints") or []],
            laterality=p.get("laterality"),
            span=EMPTY,
        )
        for p in (context.get("note") or {}).get("procedures") or []
    ]
    state = _state(context, _analysis({}).model_copy(update={"procedures": procedures}))
    result = engine_for(store).check(_claim_lines(context), setting=state.setting)
    place_distinct_modifiers(store, state, result.findings, default_rules())
    return {f.rule_id for f in state.findings}


def _fired_components(store: Store, context: dict[str, Any]) -> set[str]:
    """Modifiers 26 and TC on the claim's diagnostic codes, by place, equipment and claim."""
    state = _state(context, _analysis({}))
    component_modifiers(store, state, default_rules())
    return {f.rule_id for f in state.findings}


def _fired_regions(context: dict[str, Any]) -> set[str]:
    """The spinal region and levels of the claim's codes against the levels of one
    procedure."""
    facts = dict(context.get("note") or {})
    levels = [str(level) for level in facts.pop("levels", None) or []]
    procedure = Procedure(
        type=str(facts.pop("procedure_type")),
        label="case",
        spinal=True,
        levels=levels,
        levels_count=len(levels),
        laterality=facts.pop("laterality", None),
        span=EMPTY,
    )
    state = _state(context, _analysis(facts).model_copy(update={"procedures": [procedure]}))
    correct_levels(state)
    return {f.rule_id for f in [*state.applied, *state.findings]}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_rule_case(path: Path, request: pytest.FixtureRequest) -> None:
    spec = yaml.safe_load(path.read_text())
    rule_id = spec["rule"]
    engine = spec.get("engine", "policy")
    if engine == "policy":
        fired_in = _fired
    elif engine == "modifier_names":

        def fired_in(context: dict[str, Any]) -> set[str]:
            day = date.fromisoformat(str(context["date"]))
            lines = [(c["code"], c.get("modifiers") or []) for c in context["codes"]]
            return {f.rule_id for f in unknown_modifier_findings(lines, day)}

    elif engine == "regions":
        fired_in = _fired_regions
    elif engine == "successors":
        fired_in = _fired_successors
    elif engine == "performed":
        fired_in = _fired_performed
    elif engine == "site_units":
        fired_in = _fired_site_units
    elif engine == "diagnosis":

        def fired_in(context: dict[str, Any]) -> set[str]:
            day = date.fromisoformat(str(context["date"]))
            return {f.rule_id for f in check_diagnoses(context["diagnoses"], day).findings}

    else:
        store = request.getfixturevalue("full_store")
        run = {
            "edits": _fired_edits,
            "edit_effects": _fired_edit_effects,
            "distinct": _fired_distinct,
            "components": _fired_components,
            "status": _fired_status,
        }.get(engine, _fired_bilateral)

        def fired_in(context: dict[str, Any]) -> set[str]:
            return run(store, context)

    for case in spec.get("pass") or []:
        assert rule_id not in fired_in(case["context"]), case["description"]
    for case in spec.get("fail") or []:
        fired = fired_in(case["context"])
        assert rule_id in fired, (case["description"], sorted(fired))
        for expected in case.get("expect") or []:
            assert expected in fired, (case["description"], expected, sorted(fired))
