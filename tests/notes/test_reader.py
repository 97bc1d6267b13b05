"""The note reader: elements with spans, statuses, units, procedures, bad input."""

from __future__ import annotations

import pytest

from clearclaim.errors import InputError
from clearclaim.notes import Procedure, analyze_note
from clearclaim.notes.procedures import segments_named
from clearclaim.notes.vocabulary import vocabulary


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    from clearclaim.notes import warm_up

    warm_up()


def _span_ok(note: str, span) -> None:
    assert note[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("L4-5 ILESI under fluoro. fluoro 1.8 min", 108),
        ("TFESI done. FT 42 s.", 42),
        ("Fluoroscopy time: 00:38", 38),
        ("Total fluoro time 2.1 minutes.", 126),
        ("Under fluoroscopy. 42 seconds of fluoroscopy.", 42),
        ("Fluoro time 1 min 20 sec.", 80),
        ("Fluoroscopy time: vertebroplasty 7.8 min; L3 biopsy 1.2 min.", 468),
        ("Fluoro time (min): 0.3      Dose (mGy): ____", 18),
        ("Fluoro time 0,5 min", 30),
        ("fluoroscopy time was 35 seconds", 35),
        ("supervised the fluoroscopy for 80 minutes", 4800),
        ("FLUORO TIME: 12 SEC", 12),
        ("Fluoroscopy time: lumbar 0.8 min, hip 0.3 min.", 48),
        ("Fluoroscopy for the hip: 0.3 min.", 18),
        ("Fluoroscopy: [x] Yes  [ ] No    Time: 1.4 min    Air kerma: 7 mGy", 84),
        ("Total fluoroscopy time for both procedures one point nine minutes.", 114),
        ("FLUOROSCOPY TIME: seventy two minutes physician time.", 4320),
        ("Fluoroscopy: Yes - total time 1.2 min, air kerma 3.9 mGy", 72),
        ("FL time 0.3 min; DAP 1.2 Gy-cm2; 1 image saved.", 18),
        ("ADDENDUM: Fluoro time from C-arm log = 22 sec. Air kerma 0.7 mGy.", 22),
    ],
)
def test_fluoro_time_normalised_to_seconds(text: str, seconds: float) -> None:
    a = analyze_note(f"R knee injection under fluoroscopic guidance. {text}")
    el = a.elements["fluoro_time"]
    assert el.normalized_value == pytest.approx(seconds)
    assert el.normalized_unit == "s"
    for span in el.spans:
        _span_ok(f"R knee injection under fluoroscopic guidance. {text}", span)


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("DAP 12 Gy cm2", "dap", 12.0, "Gy·cm²"),
        ("DAP 145 µGy·m²", "dap", 1.45, "Gy·cm²"),
        ("KAP 3400 mGy·cm²", "dap", 3.4, "Gy·cm²"),
        ("dose area product 2.5 Gy*cm^2", "dap", 2.5, "Gy·cm²"),
        ("DAP 98 uGy m2", "dap", 0.98, "Gy·cm²"),
        ("air kerma 4.2 mGy", "air_kerma", 4.2, "mGy"),
        ("Reference point dose 1.2 Gy", "air_kerma", 1200.0, "mGy"),
        ("cumulative air kerma: 35 mGy", "air_kerma", 35.0, "mGy"),
        ("RAK 2.4 mGy", "air_kerma", 2.4, "mGy"),
        ("air kerma 7.5 milligray", "air_kerma", 7.5, "mGy"),
        ("Air kerma: four point two mGy.", "air_kerma", 4.2, "mGy"),
        # after the time it follows, and "at the reference point"
        ("fluoro 0.6 min total, 1.9 mGy", "air_kerma", 1.9, "mGy"),
        ("fluoro 1.6 min 11 mGy.", "air_kerma", 11.0, "mGy"),
        ("Cumulative air kerma at the reference point 12.3 mGy", "air_kerma", 12.3, "mGy"),
    ],
)
def test_dose_units(text: str, kind: str, value: float, unit: str) -> None:
    note = f"L5-S1 TFESI under fluoro. {text}."
    a = analyze_note(note)
    doses = [m for m in a.measurements if m.kind == kind]
    assert doses, a.measurements
    assert doses[0].normalized_value == pytest.approx(value)
    assert doses[0].normalized_unit == unit
    _span_ok(note, doses[0].span)
    assert "radiation_dose" in a.elements


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("R knee injection. No fluoro used.", "not_used"),
        ("R knee injected. Fluoroscopy was not used.", "not_used"),
        ("SI joint injection. Fluoroscopy was not required for this injection.", "not_used"),
        ("Knee injection without fluoroscopic guidance.", "not_used"),
        (
            "Knee injection, landmark. Will consider fluoroscopic guidance at next visit.",
            "hypothetical",
        ),
        ("Knee injection today. If no relief, repeat under fluoroscopy.", "hypothetical"),
        (
            "History of fluoroscopic guided ESI in 2019. Trigger point injection today.",
            "historical",
        ),
        (
            "HPI: prior fluoro-guided L4-5 TFESI helped.\nProcedure: trigger point injection.",
            "historical",
        ),
        ("Under live fluoro the needle was advanced to L4-5.", "used"),
        ("C-arm brought in, AP and lateral views obtained of the needle.", "used"),
        ("Trigger point injections x3, 1% lido.", "not_mentioned"),
        # what another facility did
        (
            "INDICATION: sacroiliitis; fluoroscopic attempt at outside facility unsuccessful.\n"
            "PROCEDURE: Under intermittent CT guidance a needle was advanced into the SI joint.",
            "historical",
        ),
        # a header copied forward from the last visit, and today's denial
        (
            "PROCEDURE: L hip injection under fluoroscopic guidance (copied fwd 11/12/2025)\n"
            "Plan today: L GT bursa injection. Landmark-guided; fluoro NOT used today.",
            "not_used",
        ),
    ],
)
def test_fluoroscopy_status(note: str, status: str) -> None:
    assert analyze_note(note).fluoroscopy == status


def test_mentions_carry_status_and_span() -> None:
    note = (
        "Under live fluoro, L5-S1 ILESI.\nPlan: will consider fluoroscopic guidance at next visit."
    )
    a = analyze_note(note)
    statuses = {m.span.text.lower(): m.status for m in a.fluoro_mentions}
    assert statuses["live fluoro"] == "affirmed"
    assert statuses["fluoroscopic"] == "hypothetical"
    for m in a.fluoro_mentions:
        _span_ok(note, m.span)


@pytest.mark.parametrize(
    ("note", "presence"),
    [
        ("76000 sniff test. I was present for the entire exam.", "affirmed"),
        ("Fluoroscopy performed by me, attending radiologist.", "affirmed"),
        ("Radiologist not present in the room; tech performed fluoroscopy.", "negated"),
        ("Attending physician was not present during fluoroscopy.", "negated"),
        ("Exam performed by the radiologic technologist. Images reviewed later.", "negated"),
        ("Fluoroscopy of the diaphragm, 1 min.", "unknown"),
        ("Patient present with daughter. Knee injection under fluoro.", "unknown"),
    ],
)
def test_physician_presence(note: str, presence: str) -> None:
    assert analyze_note(note).physician_presence == presence


def test_negated_presence_does_not_negate_fluoroscopy() -> None:
    a = analyze_note("Attending physician was not present during fluoroscopy. FT 1 min.")
    assert a.physician_presence == "negated"
    assert a.fluoroscopy == "used"


@pytest.mark.parametrize(
    ("note", "ptype", "spinal", "extra"),
    [
        (
            "L5-S1 interlaminar ESI under fluoro.",
            "epidural_interlaminar",
            True,
            {"region": "lumbar_sacral"},
        ),
        (
            "C7-T1 ILESI under fluoroscopy.",
            "epidural_interlaminar",
            True,
            {"region": "cervical_thoracic"},
        ),
        (
            "Right L4-5 and L5-S1 transforaminal epidural steroid injection.",
            "epidural_transforaminal",
            True,
            {"levels_count": 2, "laterality": "right"},
        ),
        (
            "Bilateral L4-5, L5-S1 medial branch blocks.",
            "facet_medial_branch",
            True,
            {"laterality": "bilateral"},
        ),
        ("L SI joint injection under fluoro.", "si_joint_injection", True, {"laterality": "left"}),
        (
            "R IJ chest port placement under fluoroscopy.",
            "central_venous_access",
            False,
            {"action": "placement"},
        ),
        ("Removal of R chest port.", "central_venous_access", False, {"action": "removal"}),
        ("PICC exchanged over a wire.", "central_venous_access", False, {"action": "replacement"}),
        ("R knee intra-articular injection.", "joint_injection", False, {"laterality": "right"}),
        ("Right hip injection for MR arthrogram.", "arthrography", False, {}),
        (
            "Dx: distal radius fx. Closed reduction under mini C-arm.",
            "fracture_reduction",
            False,
            {},
        ),
        ("Removal of foreign body, R foot, under fluoro.", "foreign_body_removal", False, {}),
        ("Sniff test performed.", "diagnostic_fluoroscopy", False, {}),
        ("Fluoro guided LP at L3-4.", "lumbar_puncture", True, {}),
        ("Lumbar myelogram at L2-3.", "myelography", True, {}),
        ("R genicular nerve blocks x3.", "nerve_block", False, {}),
        ("Epidural blood patch at L3-4.", "blood_patch", True, {}),
        ("P1: R knee asp/inj, US guided.", "joint_injection", False, {"laterality": "right"}),
        ("P2: L upper trap TrP, 27g, 1 mL lido.", "trigger_point_injection", False, {}),
        (
            "L ring A1 pulley tendon sheath inj by palpation.",
            "tendon_sheath_injection",
            False,
            {"laterality": "left"},
        ),
        ("R carpal tunnel inj, US-guided.", "carpal_tunnel_injection", False, {}),
        # a hyphen that ended a dictated line
        ("Right hip intra-\narticular injection.", "joint_injection", False, {}),
        ("R 1st dorsal compartment injection, 27g.", "tendon_sheath_injection", False, {}),
        (
            "Procedures:\n3. L knee: superolateral approach, 40 mg triamcinolone, 21g.",
            "joint_injection",
            False,
            {},
        ),
        ("2 - Pelvic drain exchange: 10 Fr pigtail over a wire.", "catheter_drainage", False, {}),
        ("Left upper extremity fistulagram.", "dialysis_circuit", False, {}),
        ("Angioplasty of the AV graft venous anastomosis.", "dialysis_circuit", False, {}),
        (
            "R IJ triple-lumen catheter placed.",
            "central_venous_access",
            False,
            {"action": "placement"},
        ),
    ],
)
def test_procedures(note: str, ptype: str, spinal: bool, extra: dict) -> None:
    procs = {p.type: p for p in analyze_note(note).procedures}
    assert ptype in procs, procs
    p = procs[ptype]
    assert p.spinal is spinal
    for key, value in extra.items():
        assert getattr(p, key) == value
    assert note[p.span.start : p.span.end] == p.span.text


def test_generic_esi_yields_to_transforaminal() -> None:
    a = analyze_note("R L5 TF ESI under fluoro.")
    assert [p.type for p in a.procedures] == ["epidural_transforaminal"]


def test_negative_aspiration_is_not_a_biopsy() -> None:
    a = analyze_note("L4-5 ILESI. Negative aspiration for blood and CSF.")
    assert "biopsy_aspiration" not in {p.type for p in a.procedures}


def test_elements_with_sections_and_spans() -> None:
    note = (
        "Indication: R hemidiaphragm elevation\n"
        "Fluoroscopy of the diaphragm. I was present.\n"
        "Findings: paradoxical motion of the R hemidiaphragm.\n"
        "Impression: R phrenic nerve paralysis.\n"
    )
    a = analyze_note(note)
    assert {"indication", "anatomic_site", "interpretation_report", "physician_presence"} <= set(
        a.elements
    )
    assert a.has_written_report
    for el in a.elements.values():
        for span in el.spans:
            _span_ok(note, span)
    found = a.documentation_found()
    assert found["indication"][0]["text"] == "R hemidiaphragm elevation"


@pytest.mark.parametrize(
    "note",
    [
        "Port placed via R IJ under fluoro. Catheter tip at the cavoatrial junction.",
        "Port-A-Cath via the subclavian vein. The distal tip was confirmed to be in adequate "
        "position with surgeon-interpreted fluoroscopy.",
        "GON block: AP fluoro over the occiput, 25g needle to the superior nuchal line, "
        "bone contact confirmed on fluoro R then L.",
    ],
)
def test_tip_position(note: str) -> None:
    a = analyze_note(note)
    assert a.has_tip_position
    assert "tip_position" in a.elements["interpretation_report"].kinds


def test_a_time_and_dose_on_an_earlier_session_s_line_are_not_this_one_s() -> None:
    a = analyze_note(
        "Procedure: R lumbar sympathetic block, fluoroscopic guidance, 2nd in series\n"
        "Previous block (07/10/24): fluoro time 0.8 min, dose 4 mGy - no complications.\n"
        "Prone. Oblique fluoro to square off L2. 22g needle to the anterolateral L2 body.\n"
    )
    assert "fluoro_time" not in a.elements
    assert "radiation_dose" not in a.elements


@pytest.mark.parametrize(
    "note",
    [
        "Proc: R IJ triple-lumen CVC under fluoroscopy.\n"
        "Tip position: will confirm on post-procedure portable CXR (ordered).",
        # said in a sentence; the ultrasound's image kept after a semicolon
        "Chest port. R IJ patent and compressible.\n"
        "Real-time US guided puncture of the R IJ with 21g needle; permanent image stored in "
        "PACS.\nFluoroscopy used for guidewire advancement and sheath placement.\n"
        "Final catheter tip position to be confirmed on post-procedure CXR.\n",
    ],
)
def test_a_tip_position_left_to_a_later_radiograph_is_not_documented(note: str) -> None:
    a = analyze_note(note)
    assert not a.has_tip_position
    assert "interpretation_report" not in a.elements


@pytest.mark.parametrize(
    ("note", "levels"),
    [
        # an ICD-10 code's letter and digits are no vertebra
        ("Dx: sacral metastasis (C79.51). Procedure: caudal epidural injection.", []),
        ("Procedure: interlaminar epidural steroid injection at C7-T1.", ["C7-T1"]),
        ("Procedure: L5-S1 interlaminar epidural steroid injection.", ["L5-S1"]),
        # a transforaminal's levels are foramina: the S1 foramen beside L5-S1
        (
            "Procedures: 1. Bilateral L5-S1 transforaminal epidural steroid injection.\n"
            "2. Bilateral S1 transforaminal epidural steroid injection.",
            ["L5-S1", "S1"],
        ),
        ("Procedure: right L5-S1 transforaminal epidural injection.", ["L5-S1"]),
    ],
)
def test_spinal_levels(note: str, levels: list[str]) -> None:
    assert analyze_note(note).procedures[0].levels == levels


@pytest.mark.parametrize(
    ("note", "element"),
    [
        # sites listed as a category are no site
        (
            "Joint category: [X] major (shoulder/hip/knee)\nSite: ______\n"
            "Procedure: joint injection under fluoroscopy. Fluoro time 0.3 min.",
            "anatomic_site",
        ),
        # a consent's list of risks is no indication
        (
            "Procedure: R shoulder joint injection under fluoroscopic guidance.\n"
            "Consent: written. Risks reviewed: infection, bleeding, post-injection flare.\n",
            "indication",
        ),
    ],
)
def test_words_that_document_no_element(note: str, element: str) -> None:
    assert element not in analyze_note(note).elements


def test_a_parenthesis_with_its_own_subject_keeps_its_denial() -> None:
    a = analyze_note(
        "3. Right level III lymph node core biopsy under real-time ultrasound, 3 cores to "
        "formalin (flow cytometry not needed)."
    )
    assert [p.type for p in a.procedures] == ["biopsy_aspiration"]


def test_not_english_is_undetermined() -> None:
    a = analyze_note(
        "Se realizó inyección epidural bajo fluoroscopia. El paciente toleró bien el procedimiento."
    )
    assert a.language == "es"
    assert not a.determinable
    assert a.elements == {} and a.procedures == []
    assert "language" in a.undetermined


def test_no_procedure_is_undetermined() -> None:
    a = analyze_note("Follow-up. Doing well, 70% relief. Continue home exercise program.")
    assert not a.determinable
    assert "procedure" in a.undetermined
    assert a.elements == {}


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   \n\t ",
        b"\x00\x01\x02PNG binary",
        b"\xff\xfe\xfa patient",
        "a\x01b\x02c\x03d\x04e\x05",
    ],
)
def test_bad_input_raises_without_note_text(bad: str | bytes) -> None:
    with pytest.raises(InputError) as info:
        analyze_note(bad)
    message = str(info.value)
    assert "patient" not in message and "PNG" not in message


def test_bytes_utf8_accepted() -> None:
    a = analyze_note(b"L5-S1 ILESI under fluoro, FT 30 s")
    assert a.fluoroscopy == "used"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a templated field answered "no": the form says it, not a sentence
        ("Procedure: R knee injection.\nFluoroscopy used: [ ] Yes [x] No\n", "not_used"),
        ("Procedure: R knee injection.\nFluoro: No\n", "not_used"),
        # a ticked fluoroscopy box and another field answered "none" on its line
        (
            "Procedure: R knee injection.\nGuidance: [x] Fluoroscopy  Complications: [x] None\n",
            "used",
        ),
        # the C-arm set up, and the note says fluoroscopy was not used
        (
            "Procedure: cystoscopy. The C-arm was positioned for the planned pyelogram. "
            "No contrast was injected and no fluoroscopy was used.",
            "not_used",
        ),
        (
            "Fluoroscopic guidance was set up but was not required; landmark technique used.",
            "not_used",
        ),
        # in the consent: a risk of the procedure, not its use
        (
            "Consent: radiation exposure from fluoroscopy if used. Injection by palpation.",
            "hypothetical",
        ),
    ],
)
def test_fluoroscopy_status_of_forms_and_standby(text: str, status: str) -> None:
    assert analyze_note(text).fluoroscopy == status


def test_measures_in_parentheses_after_the_guidance() -> None:
    a = analyze_note(
        "Needle advanced under intermittent fluoroscopic guidance (0.3 minutes, 1.2 mGy) "
        "to the greater trochanter."
    )
    kinds = {m.kind: m.normalized_value for m in a.measurements}
    assert kinds == {"fluoro_time": 18.0, "air_kerma": 1.2}


def test_an_earlier_ultrasound_is_no_guidance_but_a_terse_one_is() -> None:
    earlier = analyze_note(
        "PREOP DX: Right hydronephrosis on ultrasound.\nPROCEDURE: Cystoscopy only."
    )
    assert "ultrasound" not in earlier.imaging_modalities
    terse = analyze_note("R knee arthrocentesis. 18g needle under real-time US, image saved.")
    assert "ultrasound" in terse.imaging_modalities


def test_conventional_arthrogram_told_from_a_confirmation_image() -> None:
    spot = analyze_note(
        "Injection for MR arthrogram. Needle tip intra-articular, confirmed by a single spot "
        "image. No conventional arthrographic series obtained."
    )
    assert spot.cross_sectional_arthrography and not spot.arthrogram_series
    series = analyze_note(
        "Knee arthrogram followed by MR arthrogram. Conventional arthrographic AP, lateral "
        "and oblique fluoroscopic images obtained. FINDINGS: Contrast distends the joint."
    )
    assert series.arthrogram_series


@pytest.mark.parametrize(
    "sentence",
    [
        "Fluoro confirms no residual metal.",
        "Post-removal fluoro: no residual radiopaque foreign body.",
        "Fluoro impression: single subcutaneous BB, removed completely.",
    ],
)
def test_a_foreign_body_search_read_on_fluoroscopy_is_interpreted(sentence: str) -> None:
    a = analyze_note(
        "Removal of foreign body, right palm, under mini C-arm fluoroscopy. Incision, "
        f"fragment grasped and removed intact. {sentence}"
    )
    assert "interpretation_report" in a.elements


def test_a_laceration_repair_is_a_procedure_and_an_incision_closure_is_not() -> None:
    lac = analyze_note(
        "ED: closed reduction R 5th finger PIP dislocation. 3 cm forearm lac repaired."
    )
    assert "wound_repair" in {p.type for p in lac.procedures}
    port = analyze_note("Right chest port placed under fluoroscopy. Incision closed in two layers.")
    assert "wound_repair" not in {p.type for p in port.procedures}


def test_an_item_labelled_by_its_tendon_sheath_is_a_sheath_injection() -> None:
    a = analyze_note(
        "#1 Dorsal ganglion aspiration under ultrasound.\n"
        "#2 1st dorsal compartment: APL and EPB seen, 27g needle in-plane, 20 mg kenalog.\n"
    )
    assert "tendon_sheath_injection" in {p.type for p in a.procedures}
    tip = analyze_note("Trigger thumb: 25g needle, tip within the flexor sheath, 10 mg kenalog.")
    assert "tendon_sheath_injection" in {p.type for p in tip.procedures}


def test_jt_is_a_joint_and_gh_the_shoulder() -> None:
    a = analyze_note("(2) L GH jt under fluoro. 22g needle, 40 Kenalog + 5cc ropi.")
    joint = next(p for p in a.procedures if p.type == "joint_injection")
    assert (joint.joints, joint.laterality) == (["shoulder"], "left")
    # a joint's pain in the history names no injection
    assert not analyze_note("Hx: L knee jt pain. Procedure: L4-5 ILESI.").procedures[1:]


def test_a_right_hip_and_a_left_knee_are_two_joints_not_both_sides() -> None:
    a = analyze_note(
        "1) L4-5 interlaminar ESI under fluoroscopy.\n2) R hip intra-articular injection, "
        "fluoro + contrast.\n3) L knee intra-articular injection, fluoro + contrast."
    )
    sides = {p.type: p.laterality for p in a.procedures}
    assert sides["joint_injection"] is None
    # the epidural names no side of its own: the joints' sides are not its
    assert sides["epidural_interlaminar"] is None
    both = analyze_note("Bilateral knee injections under fluoroscopy: right and left knee.")
    assert {p.laterality for p in both.procedures} == {"bilateral"}


def test_an_ultrasound_that_only_marked_the_skin_guided_nothing() -> None:
    marked = analyze_note(
        "Lumbar puncture. Point-of-care ultrasound used to identify the L3-4 interspace; skin "
        "marked. Probe then removed; the puncture was performed blind using the mark."
    )
    assert "ultrasound" not in marked.imaging_modalities
    guided = analyze_note("Thoracentesis: needle seen under real-time ultrasonic guidance.")
    assert "ultrasound" in guided.imaging_modalities


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Procedure: PCNL. It was done radiation-free: no fluoroscopy was used.", "not_used"),
        ("Knee injection.\nImaging guidance: Ultrasound: No   Fluoroscopy: No\n", "not_used"),
        ("Procedure: knee injection under fluoroscopy. Complications: no.", "used"),
    ],
)
def test_a_colon_before_no(text: str, status: str) -> None:
    assert analyze_note(text).fluoroscopy == status


def test_ultrasonic_lithotripsy_is_no_imaging() -> None:
    a = analyze_note("PCNL: the stone was fragmented with ultrasonic lithotripsy. No fluoroscopy.")
    assert "ultrasound" not in a.imaging_modalities


def test_a_presence_question_answered_no_is_absence() -> None:
    a = analyze_note(
        "EXAM: FL DIAPHRAGM MOTION\nFINDINGS: Cine loops reviewed.\nTECHNOLOGIST WORKSHEET\n"
        "Radiologist present in room: [ ] Yes  [x] No - loops sent to PACS\nFluoro time: 0.9 min\n"
    )
    assert a.physician_presence == "negated"


@pytest.mark.parametrize(
    ("sentence", "image", "patent"),
    [
        (
            "The R IJ was patent and compressible; accessed under real-time US, image saved.",
            "recorded",
            True,
        ),
        ("Vein accessed under ultrasound; a permanent image was stored.", "recorded", False),
        ("R IJ patent; accessed under ultrasound (no image stored).", "not_recorded", True),
        ("Accessed under ultrasound. Ultrasound image was not saved.", "not_recorded", False),
        ("Accessed under ultrasound guidance.", "unknown", False),
        # a negation that ends at the comma is the thrombus's, not the image's
        (
            "IJ patent without thrombus and accessed under real-time ultrasound, image saved.",
            "recorded",
            True,
        ),
        ("Accessed under ultrasound, no bowel in the path, image stored.", "recorded", False),
        # a dash opens a clause of its own
        ("US of L IJ: patent, no thrombus - image stored. Accessed under US.", "recorded", True),
    ],
)
def test_what_vascular_ultrasound_guidance_asks_for(
    sentence: str, image: str, patent: bool
) -> None:
    a = analyze_note(f"PROCEDURE: Right chest port placement.\nTECHNIQUE: {sentence}")
    assert (a.ultrasound_image, a.vessel_patency) == (image, patent)


@pytest.mark.parametrize(
    ("note", "by_landmark"),
    [
        # the note says so of one procedure
        (
            "PROCEDURES: 1. L4-5 transforaminal epidural under fluoroscopic guidance.\n"
            "2. Trigger point injections, left trapezius.\n"
            "DESCRIPTION: Needle to the L4-5 foramen under fluoroscopy. Fluoro time 1.1 min. "
            "The trapezius was injected with 2 mL bupivacaine. "
            "No imaging used for the trigger points.",
            {"epidural_transforaminal": False, "trigger_point_injection": True},
        ),
        # trigger points are by palpation unless guidance is named beside them
        (
            "PROCEDURES: 1. L4-5 interlaminar epidural under fluoroscopy. "
            "2. Trigger point injections, right trapezius and levator scapulae.\n"
            "Fluoroscopy time 0.6 min.",
            {"epidural_interlaminar": False, "trigger_point_injection": True},
        ),
        # a form's guidance field below each procedure
        (
            "PROCEDURE 1 - Right cervical medial branch blocks C3-4, C4-5\n"
            "   Approach: lateral, fluoroscopic guidance\n"
            "PROCEDURE 2 - Left subacromial bursa injection\n"
            "   Guidance: none (posterior landmark approach)\n",
            {"facet_medial_branch": False, "joint_injection": True},
        ),
        # a landmark named in the procedure's own parenthesis
        (
            "Procedures: (1) R L5-S1 TFESI w/ fluoro; (2) R greater trochanteric bursa "
            "injection (landmark, no imaging)\nFluoro time 0.3 min.",
            {"epidural_transforaminal": False, "joint_injection": True},
        ),
        # the modality named beside each procedure of one line, or after its label
        (
            "PROCEDURE: R L3-4, L4-5, L5-S1 TFESI (fluoro) + L knee IA inj (landmark)\n"
            "Fluoro 1.7 min.",
            {"epidural_transforaminal": False, "joint_injection": True},
        ),
        (
            "Procedure: bilateral cervical medial branch RFA C3-4, C4-5 under fluoroscopy "
            "+ R GON block.\nR GON: landmark, medial to the occipital artery, 25g.",
            {"facet_radiofrequency": False, "nerve_block": True},
        ),
        # a paragraph headed by the procedure and what was done to it
        (
            "1. Fistulagram and angioplasty of the AV graft under fluoroscopy.\n"
            "2. TDC removal: cuff dissected free, catheter removed intact. No imaging.",
            {"dialysis_circuit": False, "central_venous_access": True},
        ),
        # a denial pointing back at the procedure just described
        (
            "Procedure 1: IVC filter placed under fluoroscopy.\n"
            "Procedure 2: right internal jugular triple-lumen catheter under ultrasound. "
            "No fluoro used for this line.",
            {"ivc_filter": False, "central_venous_access": True},
        ),
        # "landmark" in a list of technique words, then a dash
        (
            "1) C7-T1 ILESI, fluoro: 18g Tuohy, LOR, epidurogram ok. fluoro 0.7 min\n"
            "2) bilat GON blocks, landmark - medial to occ a. pulse, 25g. No imaging.",
            {"epidural_interlaminar": False, "nerve_block": True},
        ),
        # the joint's own sentence: by palpation, "injected intra-articular"
        (
            "Right L4-5 facet injection under C-arm fluoroscopy, contrast confirmed.\n"
            "Turned supine. Right knee, superolateral approach by palpation, no imaging, "
            "21 gauge needle, Kenalog 40 mg injected intra-articular.",
            {"facet_medial_branch": False, "joint_injection": True},
        ),
    ],
)
def test_which_procedures_were_placed_without_imaging(
    note: str, by_landmark: dict[str, bool]
) -> None:
    assert {p.type: p.by_landmark for p in analyze_note(note).procedures} == by_landmark


@pytest.mark.parametrize(
    "text",
    [
        "PROCEDURE: Percutaneous vertebroplasty L1 with bone biopsy. Under fluoroscopy.",
        "PROCEDURE: T12 kyphoplasty. A core biopsy was taken through the left cannula.",
        "PROCEDURE: Kyphoplasty. Bone biopsy of the T12 vertebral body under fluoroscopy.",
    ],
)
def test_a_biopsy_of_the_augmented_vertebra_is_spinal(text: str) -> None:
    types = {p.type for p in analyze_note(text).procedures}
    assert "spinal_biopsy" in types and "biopsy_aspiration" not in types


def test_one_level_aborted_is_not_a_cancelled_procedure() -> None:
    a = analyze_note(
        "PROCEDURE: Percutaneous vertebroplasty L1; attempted L2 (aborted).\n"
        "Under fluoroscopy the L1 body was filled with 3.5 mL PMMA."
    )
    assert a.determinable and "procedure_not_performed" not in a.undetermined


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        (
            "PROCEDURE: Percutaneous cholecystostomy under ultrasound and fluoroscopy.",
            "catheter_drainage",
        ),
        (
            "PROCEDURE: CT-guided drainage of hepatic abscess, 10 Fr drain left.",
            "catheter_drainage",
        ),
        ("PROCEDURE: Right nephrostomy tube placement.", "catheter_drainage"),
        (
            "PROCEDURE: Percutaneous gastrostomy tube placement, fluoroscopic guidance.",
            "enteric_tube",
        ),
    ],
)
def test_drains_and_feeding_tubes_are_procedures_of_their_own(note: str, kind: str) -> None:
    assert kind in {p.type for p in analyze_note(note).procedures}


@pytest.mark.parametrize(
    ("note", "by_ultrasound"),
    [
        # a procedure placed under ultrasound is not the fluoroscopy's
        (
            "Procedure 1 - Right stellate ganglion block, ultrasound guided.\n"
            "Procedure 2 - C7-T1 interlaminar epidural steroid injection, fluoroscopic guidance.",
            {"nerve_block": True, "epidural_interlaminar": False},
        ),
        # guidance cues named together both guide the procedure
        (
            "PROCEDURES: 1. Ultrasound-guided biopsy of the left kidney.\n"
            "2. Right IJ tunneled hemodialysis catheter, ultrasound and fluoroscopic guidance.",
            {"biopsy_aspiration": True, "central_venous_access": False},
        ),
    ],
)
def test_which_procedure_was_placed_under_ultrasound_alone(
    note: str, by_ultrasound: dict[str, bool]
) -> None:
    assert {p.type: p.by_ultrasound for p in analyze_note(note).procedures} == by_ultrasound


def test_an_si_joint_ablation_beside_a_facet_ablation_is_its_own_procedure() -> None:
    a = analyze_note(
        "PROCEDURES:\n"
        " 1. Radiofrequency ablation right L3-4 and L4-5 facet joints (L3, L4 medial branches).\n"
        " 2. Radiofrequency ablation of the right sacroiliac joint nerves (S1-S3 lateral branches)."
    )
    assert {p.type for p in a.procedures} == {"facet_radiofrequency", "si_joint_radiofrequency"}


def test_an_si_joint_injection_is_not_also_a_peripheral_joint_injection() -> None:
    a = analyze_note(
        "[x] Left SI joint injection - fluoroscopic guidance, contrast intra-articular"
    )
    assert [p.type for p in a.procedures] == ["si_joint_injection"]


def test_a_tip_position_is_not_denied_by_a_negation_after_it() -> None:
    a = analyze_note(
        "Tunneled HD catheter placed, R IJ. Wire to IVC under fluoro.\n"
        "Final fluoro spot: arterial and venous tips in mid RA, no kink in the tunnel."
    )
    assert a.has_tip_position


@pytest.mark.parametrize(
    ("sentence", "removed_only"),
    [
        ("Removal of non-tunneled right femoral dialysis catheter.", True),
        ("The left chest tunneled catheter was removed intact.", False),
    ],
)
def test_a_non_tunneled_catheter_removed(sentence: str, removed_only: bool) -> None:
    a = analyze_note(f"PROCEDURE: Tunneled dialysis catheter placement, right IJ. {sentence}")
    assert a.nontunneled_removal_only is removed_only


@pytest.mark.parametrize(
    "line",
    [
        "PERFORMING PHYSICIAN: Siobhan Carrick, MD",
        "Real-time fluoroscopy of both hemidiaphragms was performed by the radiologist.",
    ],
)
def test_a_radiology_report_names_the_physician_who_performed_it(line: str) -> None:
    a = analyze_note(
        f"EXAM: FLUOROSCOPY OF THE DIAPHRAGM (SNIFF TEST)\n{line}\nFluoro time 0.4 min."
    )
    assert a.physician_presence == "affirmed"


def test_an_image_saved_in_a_session_imaged_only_by_ultrasound_is_the_ultrasound_s() -> None:
    a = analyze_note(
        "PROCEDURE: Right stellate ganglion block, ultrasound guided. A linear transducer was "
        "placed at C6 and the carotid artery, the internal jugular vein and the longus colli were "
        "identified; a 25 g needle was advanced in plane under continuous real-time ultrasound, "
        "its tip at the prevertebral fascia superficial to the longus colli muscle. After "
        "negative aspiration 5 mL bupivacaine 0.25% was injected in small increments with spread "
        "seen deep to the fascia. Representative image with needle and spread saved to the record."
    )
    assert a.imaging_modalities == ["ultrasound"]
    assert a.ultrasound_image == "recorded"


def test_an_image_saved_in_a_probe_s_paragraph_is_the_ultrasound_s() -> None:
    a = analyze_note(
        "1. Oblique fluoroscopic view of the R C6-7 foramen; 25g needle under intermittent "
        "fluoroscopy, 1 mL contrast, 10 mg dexamethasone. Fluoro time 0.8 min.\n\n"
        "2. R wrist prepped. Linear 15 MHz probe, transverse view at the distal wrist crease: "
        "median nerve, flexor tendons and ulnar artery identified. 25g needle advanced in-plane "
        "beneath the flexor retinaculum, hydrodissection of the nerve with 3 mL 1% lidocaine "
        "and 20 mg triamcinolone, spread visualized around the nerve. Image saved.\n"
    )
    assert set(a.imaging_modalities) >= {"fluoroscopy", "ultrasound"}
    assert a.ultrasound_image == "recorded"


def test_a_field_whose_one_box_is_unticked_states_nothing() -> None:
    note = (
        "Procedure: [x] Knee injection   [ ] Hip\n"
        "Guidance: [x] Fluoroscopy  [ ] Ultrasound\n"
        "Fluoro time: 0.6 min     Dose: ______     Images saved: [ ]\n"
        "Complications: [x] none\n"
    )
    a = analyze_note(note)
    assert "interpretation_report" not in a.elements
    assert a.elements["fluoro_time"].normalized_value == pytest.approx(36)


@pytest.mark.parametrize(
    "field",
    [
        "US: R IJ patent/compressible [x]; real-time needle entry visualized [x]",
        "Guidance: [x] US  [ ] None    Site: LLQ",
    ],
)
def test_a_form_names_ultrasound_as_us(field: str) -> None:
    a = analyze_note(f"PROCEDURE: Paracentesis\n{field}\nVolume: 3.5 L\n")
    assert "ultrasound" in a.imaging_modalities


def test_a_tip_check_of_a_picc_placed_before_places_no_needle() -> None:
    note = (
        "FLUORO - PICC TIP CHECK\n"
        "Indication: R arm PICC placed at bedside yesterday; portable CXR equivocal.\n"
        "Fluoroscopy of the chest, no contrast. FT 0.3 min.\n"
        "Findings: tip over the lower SVC. Imp: PICC tip at the cavoatrial junction.\n"
    )
    a = analyze_note(note)
    assert [p.action for p in a.procedures] == ["evaluation"]
    assert a.needle_placed is False


def test_a_picc_placed_under_fluoroscopy_places_one() -> None:
    a = analyze_note("R arm PICC placed under fluoroscopy; tip check at the end: CAJ.")
    assert a.needle_placed is True


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Port under fluoroscopy. After aspiration of venous blood a J wire was passed.", False),
        ("Modified barium swallow under fluoroscopy to evaluate for aspiration.", True),
        ("Insertion of a left subclavian Tesio hemodialysis catheter under fluoroscopy.", False),
        ("Tunneled catheter under fluoroscopy for hemodialysis; ESRD.", True),
        ("LP under fluoroscopy (prior failed bedside attempts, body habitus).", True),
        (
            "Consent after discussing the risks of bleeding, infection and allergic reaction. "
            "Knee injection under fluoroscopy.",
            False,
        ),
        ("Knee injection under fluoroscopy for septic arthritis; infection suspected.", True),
        # a place, and the access a catheter went back through
        (
            "Riverbend Dialysis Access Center\nPROCEDURE: Exchange of a tunneled catheter over "
            "a guidewire under fluoroscopy, through the same venous access.",
            False,
        ),
        ("Port placed under fluoroscopy for venous access (chemotherapy).", True),
        # what the fluoroscopy showed, under its own heading in a report whose
        # history gives no reason
        (
            "EXAM: FL DIAPHRAGM MOTION (SNIFF TEST)\nCLINICAL HISTORY: None provided.\n"
            "TECHNIQUE: Real time fluoroscopy of both hemidiaphragms.\nFINDINGS:\n"
            "FLUOROSCOPY: The right hemidiaphragm moves paradoxically upward with sniffing.\n",
            False,
        ),
    ],
)
def test_an_indication_is_a_finding_not_a_device_or_a_step(text: str, found: bool) -> None:
    assert ("indication" in analyze_note(text).elements) is found


def test_a_form_field_answered_no_documents_nothing() -> None:
    note = (
        "HIP INJECTION - FLUORO\n"
        "Images saved to PACS: [ ] yes  [x] no\n"
        "Under fluoroscopic guidance a 22g spinal needle was advanced; steroid injected.\n"
    )
    assert "interpretation_report" not in analyze_note(note).elements


@pytest.mark.parametrize(
    ("narrative", "fluoroscopy"),
    [
        ("C-arm tied up in room 2 today; injected using anatomic landmarks. No imaging used.",
         "not_used"),
        ("Posterior approach under fluoroscopy; contrast confirmed intra-articular flow.", "used"),
        # the narrative silent on the imaging: the form's answer stands
        ("Posterior approach, 22g needle, 40 mg triamcinolone injected.", "used"),
    ],
)  # fmt: skip
def test_a_ticked_option_gives_way_to_a_narrative_that_says_otherwise(
    narrative: str, fluoroscopy: str
) -> None:
    note = (
        "JOINT INJECTION PROCEDURE FORM\n"
        "Joint:  [ ] Knee  [X] Shoulder\n"
        "Guidance:  [X] Fluoroscopy   [ ] Ultrasound   [ ] Landmark\n\n"
        f"Narrative: R shoulder adhesive capsulitis. {narrative}\n"
    )
    assert analyze_note(note).fluoroscopy == fluoroscopy


@pytest.mark.parametrize(
    ("second", "fluoroscopy"),
    [
        ("C-arm down for service today. Fluoroscopy was not used. Landmark technique.", "not_used"),
        (
            "C-arm positioned; 22g needle placed under fluoroscopy, contrast intra-articular.",
            "used",
        ),
    ],
)
def test_the_visit_s_scheduled_fluoroscopy_says_nothing_of_its_use(
    second: str, fluoroscopy: str
) -> None:
    note = f"Pt here for scheduled fluoro-guided R knee injection (OA). {second} 40 mg injected.\n"
    assert analyze_note(note).fluoroscopy == fluoroscopy


def test_contrast_confined_to_the_joint_places_the_needle() -> None:
    note = (
        "Wrist injection under fluoroscopy: 25g needle into the radiocarpal joint; test "
        "injection shows contrast confined to the radiocarpal joint."
    )
    assert "interpretation_report" in analyze_note(note).elements


def test_each_procedure_of_one_line_keeps_its_own_side() -> None:
    a = analyze_note(
        "PROCEDURE: R L3-4, L4-5, L5-S1 TFESI (fluoro) + L knee IA inj (landmark)\nFluoro 1.7 min."
    )
    assert {p.type: p.laterality for p in a.procedures} == {
        "epidural_transforaminal": "right",
        "joint_injection": "left",
    }


def test_findings_that_interpret_nothing_are_no_report() -> None:
    note = (
        "EXAM: FLUOROSCOPY, LEFT WRIST - FLUOROSCOPIC ASSISTANCE PROVIDED TO ORTHOPAEDICS\n"
        "TECHNIQUE: I was present and supervised fluoroscopy for the closed reduction.\n"
        "Fluoroscopy time: 0.6 min\n\n"
        "FINDINGS: Fluoroscopy provided. See operative/procedure note.\n\n"
        "IMPRESSION: Fluoroscopy provided for closed reduction, left wrist.\n"
    )
    assert "interpretation_report" not in analyze_note(note).elements
    interpreted = note.replace(
        "Fluoroscopy provided. See operative/procedure note.",
        "Distal radius fracture reduced to anatomic alignment.",
    )
    assert "interpretation_report" in analyze_note(interpreted).elements


def test_a_block_carried_forward_from_an_earlier_note_is_that_visit() -> None:
    note = (
        "Procedure: R hip intra-articular injection #2\n"
        "*** carried forward from 06/04/2024 procedure note ***\n"
        "Under fluoroscopic guidance the needle was advanced to the head-neck junction.\n"
        "Fluoro time 0.3 min.\n"
        "*** end carried forward ***\n\n"
        "TODAY: done with ultrasound, needle seen entering the recess, image saved. "
        "No fluoro used today."
    )
    a = analyze_note(note)
    assert a.fluoroscopy == "not_used"
    assert "fluoro_time" not in a.elements


@pytest.mark.parametrize(
    ("note", "ptype", "guidance"),
    [
        # a heading line in capitals owns the paragraph under it
        (
            "L KNEE ARTHROGRAM\nNeedle into the joint under fluoroscopy, contrast and air "
            "instilled.\n\nR HIP INJECTION\nSpinal needle advanced under fluoroscopy to the "
            "head-neck junction; triamcinolone injected.\n",
            "joint_injection",
            "fluoroscopy",
        ),
        # a paragraph labelled by its joint
        (
            "EXAM: RIGHT SHOULDER ARTHROGRAM; LEFT KNEE INJECTION\n"
            "TECHNIQUE: Right shoulder: needle into the joint under fluoroscopy, contrast "
            "injected.\nLeft knee: superolateral landmark approach without imaging, 40 mg "
            "triamcinolone.\n",
            "joint_injection",
            "landmark",
        ),
        # a step labelled by its landmarks
        (
            "Procedure #1: C3-4 medial branch blocks, fluoro guided.\n"
            "Procedure #2: Bilat GON blocks\n"
            "  Landmark: 1/3 of the way from EOP to mastoid, medial to the occipital artery.\n",
            "nerve_block",
            "landmark",
        ),
    ],
)
def test_a_procedure_s_own_paragraph_gives_its_guidance(
    note: str, ptype: str, guidance: str
) -> None:
    procedure = next(p for p in analyze_note(note).procedures if p.type == ptype)
    assert (procedure.by_fluoroscopy, procedure.by_landmark) == (
        guidance == "fluoroscopy",
        guidance == "landmark",
    )


def test_a_numbered_joint_item_with_a_dash_is_a_joint_injection() -> None:
    a = analyze_note(
        "#1 R KNEE - ultrasound-guided aspiration + injection\nNeedle tip seen in the recess.\n\n"
        "#2 R SHOULDER - subacromial injection, landmark guided\nNo ultrasound for this one.\n"
    )
    # the shoulder's item names its bursa: the bursa is the site, a site of its own
    by_site = {tuple(p.joints): (p.by_ultrasound, p.by_landmark) for p in a.procedures}
    assert by_site == {("knee",): (True, False), ("shoulder",): (False, True)}


@pytest.mark.parametrize(
    ("note", "side"),
    [
        # an attending's initial is no side
        ("Attending: R. Okafor MD\nProcedure: L5-S1 transforaminal ESI under fluoroscopy.", None),
        (
            "Procedure: [x] Transforaminal ESI\nLevel: L5-S1\n"
            "Laterality: [ ] L   [ ] R   [x] Bilat\nGuidance: [x] Fluoro",
            "bilateral",
        ),
    ],
)
def test_sides_of_a_form(note: str, side: str | None) -> None:
    tfesi = next(p for p in analyze_note(note).procedures if p.spinal)
    assert tfesi.laterality == side


def test_a_guided_procedure_dated_in_the_indication_is_an_earlier_one() -> None:
    a = analyze_note(
        "INDICATION: lung carcinoma (CT-guided right upper lobe biopsy 06/2024), new lytic iliac "
        "lesion.\nPROCEDURE: bone biopsy needle advanced under fluoroscopic guidance."
    )
    assert "ct" not in a.imaging_modalities


@pytest.mark.parametrize(
    "sentence",
    [
        "Procedure 1: intra-articular lidocaine, right shoulder, before the reduction.",
        "20 mL 1% lidocaine instilled into the glenohumeral joint.",
    ],
)
def test_lidocaine_into_a_joint_is_a_joint_injection(sentence: str) -> None:
    assert "joint_injection" in {p.type for p in analyze_note(sentence).procedures}


def test_a_visit_that_did_nothing_is_not_performed() -> None:
    a = analyze_note(
        "Follow-up after the L5-S1 TFESI of 06/20/2024 under fluoroscopy. Plan: repeat TFESI "
        "in 2 weeks. No procedures were performed today."
    )
    assert "procedure_not_performed" in a.undetermined


@pytest.mark.parametrize(
    ("text", "interpreted"),
    [
        # contrast that tracks along its groove reads the needle's position
        (
            "R intercostal nerve blocks T7-T9 under fluoroscopy. 25g needle off the inferior rib "
            "margin; contrast tracks along the intercostal groove, no vascular pattern.",
            True,
        ),
        ("C-arm used. Fluoro localization: two glass fragments in the subcutaneous fat.", True),
        ("Removed with forceps. Repeat fluoro images: no residual foreign body.", True),
        ("Sniff test under fluoroscopy. Formal interpretation to be dictated.", False),
        # an impression that only says the procedure went well reads no image
        (
            "Tunneled HD catheter advanced over the wire and positioned under fluoroscopy.\n\n"
            "IMPRESSION: Successful placement of a right IJ tunneled hemodialysis catheter. "
            "The catheter is ready for use.",
            False,
        ),
        (
            "Tunneled HD catheter advanced over the wire and positioned under fluoroscopy.\n\n"
            "IMPRESSION: Successful placement of a right IJ tunneled hemodialysis catheter "
            "with its tip at the cavoatrial junction.",
            True,
        ),
        # a template's position field left as "***" or an empty box states nothing
        ("Catheter advanced under fluoro.\nTip position: ***\nFluoro time 1.1 min", False),
        ("Port placed under fluoroscopy.\nTip position ..... [              ]\n", False),
        ("Port placed under fluoroscopy.\nTip position ..... cavoatrial junction\n", True),
        # a clinic note's assessment and plan judges the patient, not the images
        (
            "PROCEDURE: Dynamic fluoroscopic evaluation R wrist (mini C-arm).\n"
            "Fluoro time: 0.6 min\nFINDINGS: ***\nIMPRESSION: ***\n\n"
            "A/P: R wrist pain after a fall, r/o SL ligament injury. MR arthrogram ordered.\n",
            False,
        ),
        (
            "PROCEDURE: Dynamic fluoroscopic evaluation R wrist (mini C-arm).\n"
            "FINDINGS: scapholunate interval widens to 5 mm with clenched fist.\n\n"
            "A/P: SL ligament injury. MR arthrogram ordered.\n",
            True,
        ),
    ],
)
def test_what_a_fluoroscopy_report_says(text: str, interpreted: bool) -> None:
    assert ("interpretation_report" in analyze_note(text).elements) is interpreted


def test_a_dot_leader_form_reads_its_labels() -> None:
    note = (
        "Procedure ........ Implanted venous port placement\n"
        "Indication ....... Head and neck SCC, needs cisplatin; poor veins\n"
        "Fluoroscopy ...... [X] yes   Time: 1.3 min   Air kerma: 4 mGy\n"
    )
    a = analyze_note(note)
    assert "indication" in a.elements
    assert a.elements["fluoro_time"].normalized_value == pytest.approx(78)


def test_guidance_that_failed_at_an_earlier_attempt_is_not_this_session_s() -> None:
    a = analyze_note(
        "CLINICAL: BMI 47, fluoroscopic targets not visualised at prior attempt; CT chosen.\n"
        "Bilateral SI joint injections under intermittent CT; contrast confirms position."
    )
    assert a.fluoroscopy != "used"


@pytest.mark.parametrize(
    ("note", "guidance"),
    [
        # a list item's modality after its comma, an abbreviated nerve block
        (
            "Procedures:\n- T9-10 ILESI, fluoro\n- R ilioinguinal + iliohypogastric n block, US\n",
            {"epidural_interlaminar": "fluoroscopy", "nerve_block": "ultrasound"},
        ),
        # a needle in plane under a linear transducer is ultrasound's
        (
            "Right L4-5 TFESI under fluoroscopy.\n\nRight LFCN block: supine. Linear transducer "
            "inferomedial to the ASIS; 22 gauge needle in plane, 6 mL bupivacaine.\n",
            {"epidural_transforaminal": "fluoroscopy", "nerve_block": "ultrasound"},
        ),
        # a numbered item on a line of its own owns the steps below it
        (
            "1. C6-7 ILESI\n- under fluoro AP/CLO, 18g tuohy, LOR saline\n\n"
            "2. R piriformis inj\n- fluoro used to localize R piriformis\n- 40 mg kenalog\n",
            {"epidural_interlaminar": "fluoroscopy", "trigger_point_injection": "fluoroscopy"},
        ),
        # a paragraph that describes one procedure gives it its one kind of cue
        (
            "PROCEDURES PERFORMED:\n1. Right L4-L5 transforaminal epidural steroid injection "
            "under fluoroscopic guidance.\n2. Right greater trochanteric bursa injection.\n\n"
            "DESCRIPTION: Prone. Under live fluoroscopy a 22 gauge needle was advanced to the "
            "right L4-L5 foramen; contrast outlined the L4 nerve root.\n\n"
            "Patient was then turned. The point of maximal tenderness over the right greater "
            "trochanter was palpated and marked. No imaging was used for this portion. A 25 gauge "
            "needle was advanced and 40 mg of Kenalog was injected into the bursa.\n",
            {"epidural_transforaminal": "fluoroscopy", "joint_injection": "landmark"},
        ),
        # "without imaging" places the needle by landmarks and negates nothing after it
        (
            "1. C6-C7 interlaminar epidural under fluoroscopic guidance.\n2. Right suprascapular "
            "nerve block.\n\nThe right spine of the scapula was palpated. Prepped, and without "
            "imaging a 22 gauge needle was advanced toward the suprascapular notch.\n",
            {"epidural_interlaminar": "fluoroscopy", "nerve_block": "landmark"},
        ),
        # imaging "not used for" one procedure of two
        (
            "FNA: Under ultrasound guidance four passes into the right thyroid nodule.\n\n"
            "Paracentesis: left lower quadrant marked by percussion. Ultrasound was not used for "
            "the paracentesis. 20 gauge needle, 60 mL of fluid aspirated.\n",
            {"biopsy_aspiration": "ultrasound", "peritoneal_drainage": "landmark"},
        ),
    ],
)
def test_the_guidance_of_each_procedure_of_a_list(note: str, guidance: dict[str, str]) -> None:
    def guided_by(p: Procedure) -> str | None:
        if p.by_landmark:
            return "landmark"
        return "fluoroscopy" if p.by_fluoroscopy else "ultrasound" if p.by_ultrasound else None

    assert {p.type: guided_by(p) for p in analyze_note(note).procedures} == guidance


def test_two_nerve_blocks_listed_together_keep_their_own_guidance() -> None:
    note = (
        "Returns for a right lumbar sympathetic block plus a lateral femoral cutaneous block.\n\n"
        "Right LSB: prone. Under fluoroscopy a 22 gauge needle to the L3 vertebral body; "
        "contrast outlined the sympathetic chain.\n\n"
        "Right LFCN block: supine. Linear transducer inferomedial to the ASIS; needle in plane, "
        "6 mL bupivacaine around the nerve. Permanent image recorded.\n"
    )
    blocks = [p for p in analyze_note(note).procedures if p.type == "nerve_block"]
    assert sorted((p.nerves[0], p.by_fluoroscopy, p.by_ultrasound) for p in blocks) == [
        ("lateral femoral cutaneous", False, True),
        ("sympathetic", True, False),
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("R long PIP jt inj: dorsoradial approach, 10 mg Kenalog.", "joint_injection"),
        ("L great toe MTP aspiration, 2 mL cloudy fluid.", "joint_injection"),
        ("R long A1 pulley / flexor sheath inj, 25g, 20 mg Kenalog.", "tendon_sheath_injection"),
        # a procedure "to plan" at follow-up is not today's
        (
            "Celiac plexus block under fluoroscopy, needles to the anterolateral L1 body; "
            "contrast around the aorta.\nF/u 1 wk to plan neurolysis.",
            "nerve_block",
        ),
    ],
)
def test_the_one_procedure_a_note_names(line: str, kind: str) -> None:
    assert [p.type for p in analyze_note(line).procedures] == [kind]


@pytest.mark.parametrize(
    ("field", "ultrasound"),
    [
        ("Imaging: bedside US (Sonosite) - effusion; needle entry visualized w/ US", True),
        ("Guidance:  US [ ]   Fluoro [x]   CT [ ]", False),
        ("Guidance: Fluoroscopy [Y]   Ultrasound [N]   Contrast [N]", False),
        ("Guidance: Fluoroscopy [N]   Ultrasound [Y]", True),
    ],
)
def test_a_form_s_imaging_field(field: str, ultrasound: bool) -> None:
    a = analyze_note(f"Thoracentesis, right.\n{field}\nVolume removed: 1,100 mL\n")
    assert ("ultrasound" in a.imaging_modalities) is ultrasound


def test_a_vein_accessed_without_ultrasound_names_no_ultrasound() -> None:
    a = analyze_note(
        "Bedside PICC: R basilic vein palpable; accessed without ultrasound, modified "
        "Seldinger. Tip at the cavoatrial junction by ECG criteria. No fluoroscopy."
    )
    assert "ultrasound" not in a.imaging_modalities


def test_a_muscle_is_a_site_and_its_myogram_shows_the_needle() -> None:
    a = analyze_note(
        "S: buttock pain worse sitting.\n"
        "P: prone, AP fluoro. 22g spinal needle into the R piriformis belly, 1 mL omnipaque -> "
        "linear myogram along the fibers. 5 mL 0.25% bupivacaine injected.\n"
    )
    assert "piriformis" in a.elements["anatomic_site"].spans[0].text.lower()
    assert "tip_position" in a.elements["interpretation_report"].kinds


@pytest.mark.parametrize(
    ("joint_field", "site_named"),
    [
        ("Laterality: [  ]      Joint: [  ]", False),
        ("Laterality: [X] R     Joint: subacromial bursa", True),
    ],
)
def test_a_procedure_s_kind_names_no_site(joint_field: str, site_named: bool) -> None:
    a = analyze_note(
        "PROCEDURE: Major joint / bursa injection with fluoroscopic guidance\n"
        f"{joint_field}\n"
        "Imaging: Fluoroscopy. Contrast 2 mL: intra-articular spread confirmed, image saved.\n"
    )
    assert ("anatomic_site" in a.elements) is site_named


@pytest.mark.parametrize(
    ("sentence", "segments"),
    [
        ("Removal of syndesmotic screw and distal fibula plate.", {"ankle"}),
        ("Medial malleolus screws x2 removed.", {"ankle"}),
        ("Calcaneal plate removed; 5th metatarsal screw removed.", {"foot"}),
        ("Acetabular screw and femoral plate removed.", {"hip"}),
        ("Distal radius plate removed. Olecranon wire removed.", {"wrist", "elbow"}),
        ("Proximal phalanx K-wire pulled.", {"hand"}),
    ],
)
def test_a_bone_names_one_limb_segment(sentence: str, segments: set[str]) -> None:
    assert segments_named([sentence]) == segments


def test_every_segment_word_has_one_segment() -> None:
    # each word the pattern can match is a segment or an alias of one, so one
    # removal never counts as two sites for want of an alias
    pattern = vocabulary()["segment_names"].pattern
    aliases = vocabulary()["segment_aliases"]
    segments = set(aliases.values())
    words = pattern.removeprefix(r"\b(").removesuffix(r")\b").split("|")
    for word in words:
        for form in {word.replace("s?", ""), word.replace("s?", "s")}:
            assert form.lower() in segments or form.lower() in aliases, form


def test_a_blank_tip_field_is_not_filled_by_a_kept_image() -> None:
    form = (
        "Procedure: [x] Port placement - vein: R internal jugular\n"
        "Ultrasound: [x] real-time needle entry  [x] image archived\n"
        "Fluoroscopy: [x] used   Fluoro time: 1.3 min\n"
        "Catheter tip location: {tip}\n"
    )
    blank = analyze_note(form.format(tip="______________"))
    filled = analyze_note(form.format(tip="cavoatrial junction"))
    assert "interpretation_report" not in blank.elements
    assert "interpretation_report" in filled.elements


@pytest.mark.parametrize(
    ("note", "side"),
    [
        ("Procedures: 1) B SIJ inj under fluoroscopy  2) R GT bursa inj", "bilateral"),
        ("Procedure: B knee injections, 40 mg kenalog each.", "bilateral"),
        ("Procedure: B knees injected, 40 mg kenalog each.", "bilateral"),
        ("Procedure: R knee injection. B. Okafor, MD", "right"),
    ],
)
def test_a_capital_b_before_a_joint_says_both_sides(note: str, side: str) -> None:
    assert analyze_note(note).procedures[0].laterality == side


def test_a_biopsy_told_after_its_landmark_sentence_is_by_landmark() -> None:
    note = (
        "PROCEDURES: 1. Kyphoplasty L1. 2. Bone marrow aspiration and biopsy, right iliac crest.\n"
        "DESCRIPTION: Under biplanar fluoroscopy cannulas were placed at L1 and cement injected.\n"
        "The posterior superior iliac spine was identified by palpation, no imaging was used for "
        "this portion. Through a stab incision a Jamshidi needle was advanced, ten cc of marrow "
        "aspirate was obtained.\nIndication: anemia; rule out myeloma."
    )
    biopsy = next(p for p in analyze_note(note).procedures if p.type == "biopsy_aspiration")
    assert biopsy.by_landmark


def test_fluoroscopy_named_among_a_consent_s_risks_was_not_used() -> None:
    note = (
        "Procedure: Removal of R chest port.\n"
        "Consent: risks incl bleeding, infection, retained fragment requiring fluoroscopy"
        "/IR retrieval. Signed.\n"
        "Port body freed, catheter withdrawn intact. Pocket closed in layers."
    )
    assert analyze_note(note).fluoroscopy != "used"
