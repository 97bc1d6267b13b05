"""The reader on sessions of several procedures: which procedure each guidance
cue belongs to, and what a note says about the imaging of another session."""

from __future__ import annotations

import pytest

from clearclaim.notes import Procedure, analyze_note


def _how(p: Procedure) -> str:
    """How a procedure's needle was placed, as the reader says."""
    flags = (
        ("landmark", p.by_landmark),
        ("ultrasound", p.by_ultrasound),
        ("fluoroscopy", p.by_fluoroscopy),
        ("ct", p.by_ct),
    )
    return next((name for name, flag in flags if flag), "-")


def _by_site(note: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(type, sites, how the needle was placed) of each procedure the note documents."""
    return sorted(
        (p.type, tuple(p.joints or p.nerves), _how(p)) for p in analyze_note(note).procedures
    )


def test_two_joints_guided_differently_are_two_injections() -> None:
    note = (
        "Ortho clinic.\n"
        "1) R knee asp/inj, US-guided: real-time needle visualization into the effusion.\n"
        "2) R GT bursa inj, landmark (point of max tenderness), 40 mg Kenalog.\n"
    )
    assert _by_site(note) == [
        ("joint_injection", ("hip",), "landmark"),
        ("joint_injection", ("knee",), "ultrasound"),
    ]


def test_two_joints_guided_alike_stay_one_procedure() -> None:
    note = "Right knee injection by palpation. Left shoulder injection by palpation."
    assert [(t, sorted(s)) for t, s, _ in _by_site(note)] == [
        ("joint_injection", ["knee", "shoulder"])
    ]


def test_two_nerves_guided_differently_are_two_blocks() -> None:
    note = (
        "1) R stellate ganglion block under fluoroscopic guidance, C6 anterior tubercle.\n"
        "2) Bilat GON blocks, landmark (no imaging), 2 mL bupivacaine each side.\n"
    )
    assert _by_site(note) == [
        ("nerve_block", ("occipital",), "landmark"),
        ("nerve_block", ("stellate",), "fluoroscopy"),
    ]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # a list item's modality after a dash; a step labelled by its landmarks
        # after a full stop, and "No image guidance."
        (
            "Procedures:\n 1. Bilateral SPG (pterygopalatine ganglion) blocks - infrazygomatic "
            "approach - fluoroscopy\n 2. R GON block. Landmark: 1/3 from EOP to mastoid, 25g "
            "needle, 3 mL bupivacaine. No image guidance.\n",
            [
                ("nerve_block", ("occipital",), "landmark"),
                ("nerve_block", ("sphenopalatine",), "fluoroscopy"),
            ],
        ),
        # the list names the bursa; the description tells it by its site's words
        (
            "Procedures: (1) Caudal epidural steroid injection, fluoroscopically guided. "
            "(2) Bilateral greater trochanteric bursa injections.\n"
            "Description: Prone. Lateral fluoroscopic view of the sacral hiatus, 20g Tuohy, "
            "80 mg methylprednisolone.\nPatient turned lateral decubitus. Point of maximal "
            "tenderness over the greater trochanter palpated, 22g needle, 40 mg triamcinolone, "
            "no imaging, repeated on the contralateral side.\n",
            [
                ("epidural_interlaminar", (), "fluoroscopy"),
                ("joint_injection", ("hip",), "landmark"),
            ],
        ),
        # a heading's "(palpation)"
        (
            "1) L SI joint injection (fluoro)\nProne. Office C-arm, 22g spinal into the "
            "inferior SIJ under fluoroscopy. 40 mg Kenalog.\n\n"
            "2) L greater trochanter bursa injection (palpation)\n"
            "R lateral decubitus. Prep. 22g to bone, 40 mg Kenalog + 5 mL 1% lido.\n",
            [
                ("joint_injection", ("hip",), "landmark"),
                ("si_joint_injection", (), "fluoroscopy"),
            ],
        ),
        # "landmark post approach"; "no US for this one"
        (
            "R knee asp/inj, US guided, 18g in-plane, 40 Kenalog. L shoulder inj, landmark post "
            "approach under acromion, 40 Kenalog into SA bursa, no US for this one.\n",
            [
                ("joint_injection", ("knee",), "ultrasound"),
                ("joint_injection", ("shoulder",), "landmark"),
            ],
        ),
        # a specific procedure's words are no cue of another
        (
            "1. Bilateral sacroiliac joint injections, fluoroscopically guided. Contrast "
            "outlined each joint; fluoroscopy 0.8 min.\n2. Right greater trochanteric bursa "
            "injection, ultrasound guided. Under real-time US the needle entered the bursa.\n",
            [
                ("joint_injection", ("hip",), "ultrasound"),
                ("si_joint_injection", (), "fluoroscopy"),
            ],
        ),
        # a cue right after one procedure's words is not the next one's
        (
            "Plan today: C5-6 CILESI under fluoro + L lateral epicondyle inj.\n\n"
            "Proc 1: C5-6 interlaminar epidural steroid injection, fluoroscopically guided. "
            "20g Tuohy, LOR at C5-6, contrast with epidural spread.\n\n"
            "Proc 2: L lateral epicondyle injection (common extensor origin). 25g needle to "
            "the extensor origin, peppered, 20 mg Kenalog. Landmark, no imaging.\n",
            [
                ("epidural_interlaminar", (), "fluoroscopy"),
                ("tendon_origin_injection", (), "landmark"),
            ],
        ),
        # a listed procedure takes the cues told under its number
        (
            "Procedures performed:\n"
            " (1) Cervical interlaminar epidural steroid injection C7-T1, fluoroscopically "
            "guided\n (2) Bilateral greater occipital nerve blocks\n\nDescription:\n"
            "(1) Prone. C7-T1 on AP fluoro, 20g Tuohy, LOR at C7-T1, epidural spread.\n\n"
            "(2) Occipital artery palpated at the superior nuchal line; 25g needle medial to "
            "it on each side, 2 mL bupivacaine each. No imaging used for this portion.\n",
            [
                ("epidural_interlaminar", (), "fluoroscopy"),
                ("nerve_block", ("occipital",), "landmark"),
            ],
        ),
    ],
)
def test_each_block_takes_its_own_guidance(
    note: str, expected: list[tuple[str, tuple[str, ...], str]]
) -> None:
    assert _by_site(note) == expected


@pytest.mark.parametrize(
    ("note", "types"),
    [
        (
            "Ultrasound-guided right thoracentesis, 1.1 L. Ultrasound-guided paracentesis, 4 L.",
            {"pleural_drainage", "peritoneal_drainage"},
        ),
        (
            "PROCEDURES: 1. Inferior vena cava filter placement. 2. Right IJ port placement.",
            {"ivc_filter", "central_venous_access"},
        ),
        ("IR 7/23/24\n#1 para: US LLQ pocket, 4.4 L off.\n#2 L5 bx: prone.", None),
    ],
)
def test_procedures_of_several_kinds(note: str, types: set[str] | None) -> None:
    found = {p.type for p in analyze_note(note).procedures}
    assert found == (types or {"peritoneal_drainage", "spinal_biopsy"})


def test_a_ct_guided_biopsy_is_placed_under_ct() -> None:
    note = "PROCEDURE: CT-guided core biopsy of the liver lesion, four cores."
    analysis = analyze_note(note)
    (biopsy,) = analysis.procedures
    assert biopsy.by_ct and not biopsy.by_ultrasound and "ct" in analysis.imaging_modalities


@pytest.mark.parametrize(
    ("note", "modalities"),
    [
        # a guidance declined in the indication was not used today
        (
            "Indication: RLL nodule; CT-guided biopsy declined by IR because of emphysema.\n"
            "PROCEDURE: Bronchoscopy with transbronchial biopsies under fluoroscopic guidance.",
            {"fluoroscopy"},
        ),
        # a dated guided procedure in the indication is an earlier one
        (
            "Indication: IV antibiotics for discitis (CT-guided disc aspiration 10/02/2025).\n"
            "PROCEDURE: PICC placement, right basilic vein, under real-time ultrasound.",
            {"ultrasound"},
        ),
        # a pre-procedure survey of the vein, then real-time guidance
        (
            "Pre-procedure US survey: R IJ patent, compressible. Under real-time US, needle "
            "entry into the R IJ visualized. Triple-lumen CVC placed.",
            {"ultrasound"},
        ),
    ],
)
def test_which_imaging_guided_this_session(note: str, modalities: set[str]) -> None:
    assert set(analyze_note(note).imaging_modalities) - {"landmark"} == modalities


def test_fluoroscopy_planned_then_not_available_was_not_used() -> None:
    note = (
        "Right IJ port placement. Fluoroscopic guidance was planned but the C-arm "
        "malfunctioned and could not be used. Tip confirmed on chest x-ray."
    )
    assert analyze_note(note).fluoroscopy != "used"


@pytest.mark.parametrize(
    "note",
    [
        "Right IJ CVC under real-time ultrasound, image saved. Post-procedure portable chest "
        "radiograph (read by radiology) shows the tip at the cavoatrial junction.",
        "PROCEDURE: Provocative discography L3-4, L4-5, L5-S1, with fluoroscopic needle "
        "guidance and interpretation of discograms. Post-discography CT lumbar spine ordered "
        "(to be performed and read by radiology).",
    ],
)
def test_a_study_of_its_own_read_by_radiology_is_not_the_guidance_read_elsewhere(
    note: str,
) -> None:
    assert not analyze_note(note).interpreted_elsewhere


@pytest.mark.parametrize(
    "note",
    [
        "Fluoroscopic images were interpreted by the radiologist in a separate report.",
        "Fluoroscopic guidance was performed and interpreted by Dr. M. Osei (Neuroradiology) - "
        "see separate radiology report for images/fluoro time.",
    ],
)
def test_the_guidance_images_read_by_the_radiologist_are_read_elsewhere(note: str) -> None:
    assert analyze_note(note).interpreted_elsewhere


@pytest.mark.parametrize(
    ("note", "organs"),
    [
        (
            "EXAM: US-GUIDED FNA OF RIGHT THYROID NODULE AND US-GUIDED CORE BIOPSY OF LEFT"
            " LEVEL IV CERVICAL LYMPH NODE",
            ["lymph node", "thyroid"],
        ),
        (
            "CT-guided core biopsies of a hepatic lesion and a left lower lobe lung nodule.",
            ["liver", "lung"],
        ),
        ("Bone marrow biopsy, right posterior iliac crest.", ["bone marrow"]),
        ("US-guided biopsy of an axillary node.", ["lymph node"]),
    ],
)
def test_a_biopsy_names_its_organs(note: str, organs: list[str]) -> None:
    (biopsy,) = [p for p in analyze_note(note).procedures if p.type == "biopsy_aspiration"]
    assert biopsy.organs == organs


_PARACENTESIS = "Paracentesis under real-time ultrasound guidance, 4 L removed.\n"


@pytest.mark.parametrize(
    ("note", "done", "not_done"),
    [
        (
            "Chest US: trace right effusion. Thoracentesis was therefore not attempted.\n"
            + _PARACENTESIS,
            ["peritoneal_drainage"],
            ["pleural_drainage"],
        ),
        (
            "Chest US: trace effusion. The thoracentesis was aborted.\n" + _PARACENTESIS,
            ["peritoneal_drainage"],
            ["pleural_drainage"],
        ),
        (
            "Thoracentesis not performed: no safe window.\n" + _PARACENTESIS,
            ["peritoneal_drainage"],
            ["pleural_drainage"],
        ),
        (
            "Paracentesis not performed today. Right thoracentesis under ultrasound, 1 L removed.",
            ["pleural_drainage"],
            ["peritoneal_drainage"],
        ),
        (
            "Planned: US-guided core liver bx + therapeutic paracentesis.\n"
            "Liver bx CANCELLED before start (INR 2.1). No needle placed in liver.\n"
            "Paracentesis done: US LLQ, 5 Fr catheter, 6.1 L removed.\n",
            ["peritoneal_drainage"],
            ["biopsy_aspiration"],
        ),
    ],
)
def test_what_a_note_says_was_not_performed(
    note: str, done: list[str], not_done: list[str]
) -> None:
    a = analyze_note(note)
    assert [p.type for p in a.procedures] == done
    assert a.not_performed == not_done


def test_an_organ_bx_is_a_biopsy() -> None:
    a = analyze_note("US-guided liver bx, 18 G, two cores to pathology.")
    assert [p.type for p in a.procedures] == ["biopsy_aspiration"]


def test_a_marrow_paragraph_takes_its_palpation() -> None:
    note = (
        "PROCEDURES: 1. LP with intrathecal methotrexate, fluoroscopic guidance.\n"
        "2. Right posterior iliac crest bone marrow aspiration and core biopsy.\n"
        "LP: using the C-arm the L3-4 interspace was localized; 22-gauge spinal needle.\n"
        "MARROW: Right posterior iliac crest identified by palpation, no imaging.\n"
    )
    (biopsy,) = [p for p in analyze_note(note).procedures if p.type == "biopsy_aspiration"]
    assert biopsy.by_landmark


def test_fluoroscopy_denied_for_one_procedure_is_that_procedure_s() -> None:
    note = (
        "LP: the L2-3 interspace was identified under fluoroscopy; 22 G spinal needle.\n"
        "Port removal: incision through the old scar, port and catheter removed intact.\n"
        "No fluoroscopy used for the removal.\n"
    )
    how = {p.type: p.by_landmark for p in analyze_note(note).procedures}
    assert how == {"lumbar_puncture": False, "central_venous_access": True}


def test_a_finding_after_fluoroscopy_denies_nothing() -> None:
    note = (
        "Tunneled hemodialysis catheter advanced with fluoroscopic guidance. "
        "Catheter checked for kinks under fluoro, none.\n"
    )
    (catheter,) = analyze_note(note).procedures
    assert not catheter.by_landmark


def test_a_plan_s_conditional_says_nothing_was_not_performed() -> None:
    note = (
        "PROCEDURE: left knee prepped; by palpation a 22-gauge needle was introduced into the "
        "suprapatellar pouch and 40 mg triamcinolone injected.\n"
        "PLAN: If this injection does not give relief, we will consider fluoroscopic guidance.\n"
    )
    assert analyze_note(note).not_performed == []


@pytest.mark.parametrize(
    ("note", "under_ultrasound"),
    [
        # a procedure heading its paragraph takes the guidance in it
        (
            "Procedures: 1) Right chest port. 2) Left thoracentesis.\n"
            "PORT: Right IJ patent on ultrasound, accessed under real-time ultrasound. "
            "Catheter advanced under fluoroscopy, tip at the cavoatrial junction.\n"
            "THORACENTESIS: Patient sitting. Ultrasound of the left hemithorax, site marked, "
            "image stored. Under ultrasound a 5 Fr catheter was placed, 900 mL removed.\n",
            "pleural_drainage",
        ),
        # the paragraph ends at the next labelled line
        (
            "Biopsy: prone. Real-time ultrasound of the right kidney, 18 g needle, two cores.\n"
            "Catheter: left IJ accessed under ultrasound; tunneled hemodialysis catheter placed "
            "through a sheath under fluoroscopic guidance, tip in the right atrium.\n",
            "biopsy_aspiration",
        ),
    ],
)
def test_a_procedure_heading_its_paragraph_takes_the_guidance_in_it(
    note: str, under_ultrasound: str
) -> None:
    guided = {p.type: p.by_ultrasound for p in analyze_note(note).procedures}
    assert guided[under_ultrasound] is True


def test_hardware_removal_names_the_limb_segments_of_its_implants() -> None:
    note = (
        "PROCEDURES:\n"
        " 1. Removal of deep hardware left distal fibula (one-third tubular plate, 7 screws)\n"
        " 2. Removal of buried K-wire right 5th metacarpal\n"
    )
    (removal,) = analyze_note(note).procedures
    assert removal.type == "hardware_removal"
    assert removal.segments == ["ankle", "hand"]


def test_a_joint_heading_its_line_as_intra_articular_is_its_injection() -> None:
    note = (
        "#2 LEFT HIP INTRA-ARTICULAR - US GUIDED\n"
        "In-plane 22g, needle tip seen under the capsule. Triamcinolone 40 mg.\n"
    )
    assert [p.type for p in analyze_note(note).procedures] == ["joint_injection"]


def test_a_list_of_two_nerve_blocks_is_no_cue_of_the_second() -> None:
    note = (
        "PROCEDURES:\n"
        "1. Left stellate ganglion block under fluoroscopic guidance.\n"
        "2. Bilateral greater occipital nerve blocks.\n\n"
        "PROCEDURE: AP fluoroscopy; needle to the left C6 anterior tubercle, contrast spread.\n\n"
        "Occipital nerve blocks: greater occipital nerves identified by palpation medial to the "
        "occipital artery, 2 mL bupivacaine each side. No imaging needed.\n"
    )
    assert _by_site(note) == [
        ("nerve_block", ("occipital",), "landmark"),
        ("nerve_block", ("stellate",), "fluoroscopy"),
    ]


def test_an_olecranon_bursa_aspiration_is_the_elbows() -> None:
    note = (
        "PROCEDURES: One, closed reduction right distal radius fracture. Two, aspiration right "
        "olecranon bursa.\n"
    )
    assert ("joint_injection", ("elbow",), "-") in _by_site(note)


# Procedures a note tells by steps under their structure's name ("Next the right
# SI joint: ... needle into the inferior joint"): read as the procedure when the
# claim's codes name that structure, and only then.
_STEPS_NOTE = (
    "Pain clinic, office.\n\n"
    "First the right L5-S1 facet: with an ipsilateral oblique view a 22 g spinal needle was "
    "walked into the inferior recess. 0.2 mL Omnipaque confirmed an intra-articular "
    "arthrogram. 1 mL 0.5% bupivacaine went in.\n\n"
    "Next the right SI joint: contralateral oblique and caudal tilt, needle into the inferior "
    "joint, 2 mL of the same mixture with 40 mg Depo-Medrol. Fluoro 0.9 min total.\n\n"
    "The left upper trapezius had a tender taut band with a twitch. I injected it with 2 mL "
    "1% lidocaine using a 25 g needle, no imaging for this.\n"
)
_FACET_SI_TPI = [
    ("facet_medial_branch", "facet_radiofrequency"),
    ("si_joint_injection", "si_joint_radiofrequency"),
    ("trigger_point_injection",),
]


def test_procedures_told_by_steps_are_read_when_the_codes_name_them() -> None:
    read = analyze_note(_STEPS_NOTE, _FACET_SI_TPI)
    found = {p.type: p for p in read.procedures}
    assert set(found) == {"facet_medial_branch", "si_joint_injection", "trigger_point_injection"}
    assert found["facet_medial_branch"].levels == ["L5-S1"]
    assert found["si_joint_injection"].laterality == "right"
    assert found["trigger_point_injection"].by_landmark
    # the facet's confirming arthrogram is no arthrography of its own
    assert "arthrography" not in found


def test_structure_words_alone_are_no_procedure() -> None:
    # without codes naming them, the structures' words do not make procedures
    assert {p.type for p in analyze_note(_STEPS_NOTE).procedures} <= {"arthrography"}
    # a diagnosis names the structure, and nothing was done to it in its sentence
    note = (
        "Indication: right sacroiliitis and L5-S1 facet arthropathy.\n"
        "Procedure: right L5 transforaminal epidural steroid injection under fluoroscopy, "
        "22 g needle, 1 mL dexamethasone.\n"
    )
    types = {p.type for p in analyze_note(note, _FACET_SI_TPI).procedures}
    assert types == {"epidural_transforaminal"}


def test_a_form_s_side_field_under_a_procedure_is_its_side() -> None:
    note = (
        "PROCEDURE TEMPLATE\n"
        "[x] Intra-articular facet\n"
        "  Levels:  [x] L4-5   [x] L5-S1        Side: [x] R  [x] L\n"
        "[x] SI joint   Side: [x] R  [ ] L\n"
        "Guidance: [x] fluoroscopy\n"
        'Needle: 22g 3.5"   Injectate: bupivacaine 0.25% / triamcinolone 10 mg per joint\n'
    )
    found = {p.type: p for p in analyze_note(note, _FACET_SI_TPI).procedures}
    assert found["facet_medial_branch"].laterality == "bilateral"
    assert found["si_joint_injection"].laterality == "right"


@pytest.mark.parametrize(
    ("note", "codes", "expected"),
    [
        # a paragraph headed by its joint and level: what follows is about it
        (
            "Right L5-S1 facet. Prone. Oblique fluoroscopic view, 22 g needle into the inferior "
            "recess. 1 mL bupivacaine with 20 mg triamcinolone.\n\n"
            "Right hip. Supine. AP fluoroscopic view, needle to the femoral head-neck junction. "
            "40 mg triamcinolone.\n",
            [("facet_medial_branch",), ("joint_injection", "arthrography")],
            [("facet_medial_branch", ()), ("joint_injection", ("hip",))],
        ),
        # labelled lines, one under a section's label
        (
            "TECHNIQUE:\nRight knee: supine, lateral approach. Sterile prep. 22G needle, "
            "40 mg triamcinolone.\nLeft knee: same approach and technique, 40 mg triamcinolone.\n",
            [("joint_injection", "arthrography")],
            [("joint_injection", ("knee",))],
        ),
        # a tendon's origin and a bursa told by their names, in a dash list
        (
            "- Olecranon bursa: prepped, 18g lateral approach, aspirated 12 cc, 20 mg Kenalog.\n"
            "- Lat epicondyle / CEO: 25g, peppered CEO origin w/ 20 mg Kenalog + 1 cc lido.\n",
            [("joint_injection", "arthrography"), ("tendon_origin_injection",)],
            [("joint_injection", ()), ("tendon_origin_injection", ())],
        ),
        # a tendon's sheath (20550) and a tendon's origin (20551): two structures
        (
            "P: Injections today after consent.\n"
            " - R thumb flexor sheath: 25g, 1/2 cc 1% lido + 10mg kenalog.\n"
            " - L lateral epicondyle, ECRB origin: peppered, 1 cc lido + 20 mg kenalog.\n",
            [("tendon_sheath_injection",), ("tendon_origin_injection",)],
            [("tendon_origin_injection", ()), ("tendon_sheath_injection", ())],
        ),
        # a drain told by where it went ("perc drain placement R pelvic collection")
        (
            "Procedures:\n A. CT guided core bx, L para-aortic LN\n"
            " B. CT guided perc drain placement R pelvic collection\n\n"
            "B - pt supine. Under CT guidance 19g needle into R pelvic collection, wire, "
            "10 Fr multipurpose drain, locked. 120 mL turbid fluid.\n",
            [("biopsy_aspiration",), ("catheter_drainage",)],
            [("biopsy_aspiration", ()), ("catheter_drainage", ())],
        ),
        # a joint labelled by side and name after a full stop ("... TO done. R knee: ...")
        (
            "63M, consented, TO done. R knee: US guided, 18g in-plane, aspirated 30cc, injected "
            "40 Kenalog. L shoulder: landmark post approach, 25g, 40 Kenalog + 4cc lido.\n",
            [("joint_injection", "arthrography"), ("joint_injection", "arthrography")],
            [("joint_injection", ("knee",)), ("joint_injection", ("shoulder",))],
        ),
        # numbered log items headed by a side and the site ("#1 L GH jt - C-arm.")
        (
            "PROC LOG\n#1 L GH jt - C-arm. Post approach. Prep. 22g spinal placed under fluoro. "
            "1cc K40 + 6cc 0.25% marc.\n#2 L biceps LH sheath - palp in bicipital groove. "
            "25g along sheath, 0.5cc K40 + 1cc lido.\n",
            [("joint_injection", "arthrography"), ("tendon_sheath_injection",)],
            [("joint_injection", ()), ("tendon_sheath_injection", ())],
        ),
    ],
)
def test_procedures_told_under_their_site_s_name(
    note: str, codes: list[tuple[str, ...]], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    found = sorted((p.type, tuple(p.joints)) for p in analyze_note(note, codes).procedures)
    assert [t for t, _ in found] == [t for t, _ in expected]
    for (_, joints), (_, want) in zip(found, expected, strict=True):
        assert set(want) <= set(joints)


def test_a_second_site_of_one_structure_is_read_when_two_codes_name_it() -> None:
    note = (
        "Procedures:\n  1) RIGHT KNEE - US-guided arthrocentesis + corticosteroid\n"
        "  2) RIGHT GREATER TROCHANTERIC BURSA - landmark guided\n\n"
        "RIGHT KNEE\nLinear transducer over the suprapatellar recess, 18g needle in plane, "
        "30 mL aspirated, 40 mg triamcinolone injected. Image saved.\n\n"
        "RIGHT GREATER TROCHANTER\nPoint of max tenderness palpated. 22g needle to bone, "
        "40 mg triamcinolone + 5 mL 1% lido injected.\n"
    )
    joint = ("joint_injection", "arthrography")
    assert len(analyze_note(note, [joint]).procedures) == 1
    # a 20611 and a 20610: the bursa's own words tell the second injection
    assert [p.type for p in analyze_note(note, [joint, joint]).procedures] == [
        "joint_injection",
        "joint_injection",
    ]
