"""The check report's contract and behaviour on real notes and real CMS data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim.checker import ClaimContext, check, parse_codes
from clearclaim.cli.main import app
from clearclaim.errors import FieldError, InputError, UnknownCodeError

runner = CliRunner()

KNEE_NOTE = """PROCEDURE: Right knee intra-articular injection under fluoroscopic guidance.
INDICATION: Right knee osteoarthritis, failed conservative care.
The physician was present for the entire procedure. Under intermittent fluoroscopy a
22g spinal needle was advanced into the right knee joint; needle tip position confirmed
with 1 mL contrast. Injected 40 mg triamcinolone.
Fluoro time 0.4 min. DAP 1.2 Gy cm2.
IMPRESSION: Successful intra-articular injection, right knee.
"""
TOP_KEYS = {"lines", "suppressed", "documentation", "findings", "payment", "denial_risks",
            "warnings"}  # fmt: skip


def _context(**kw) -> ClaimContext:
    base = dict(note=KNEE_NOTE, codes=parse_codes("20610,77002"), pos="22",
                equipment="facility", date_of_service=date(2024, 8, 20))  # fmt: skip
    base.update(kw)
    return ClaimContext(**base)


def _report(store, note: str, codes: str, **kw) -> dict:
    """The report, as data, of ``note`` with ``codes`` (the other fields as ``_context``)."""
    return check(store, _context(note=note, codes=parse_codes(codes), **kw)).to_dict()


def test_report_keys_and_modifier_by_setting(full_store) -> None:
    report = check(full_store, _context()).to_dict()
    assert set(report) >= TOP_KEYS
    lines = {line["code"]: line for line in report["lines"]}
    assert lines["77002"]["modifiers"] == ["26"]  # hospital outpatient: professional part only
    assert set(report["documentation"]) >= {"missing", "found"}
    office = check(full_store, _context(pos="11", equipment="physician")).to_dict()
    assert {line["code"]: line for line in office["lines"]}["77002"]["modifiers"] == []


def test_found_elements_carry_their_text_span(full_store) -> None:
    report = check(full_store, _context()).to_dict()
    found = report["documentation"]["found"]
    assert "fluoro_time" in found
    for spans in found.values():
        for span in spans:
            assert KNEE_NOTE[span["start"] : span["end"]] == span["text"]


def test_payment_is_priced_from_the_store(full_store) -> None:
    report = check(full_store, _context(pos="11", equipment="physician")).to_dict()
    priced = {p["code"]: p for p in report["payment"]["lines"]}
    assert priced["77002"]["amount"] > 0 and priced["77002"]["setting"] == "non_facility"
    assert report["payment"]["total"] == pytest.approx(
        sum(p["line_amount"] for p in report["payment"]["lines"])
    )


def test_included_guidance_is_suppressed_with_its_rule(full_store) -> None:
    note = KNEE_NOTE.replace("Right knee intra-articular injection", "L4-5 interlaminar ESI")
    report = check(full_store, _context(note=note, codes=parse_codes("62323,77003"))).to_dict()
    suppressed = {s["code"]: s for s in report["suppressed"]}
    assert "77003" in suppressed and suppressed["77003"]["sources"]
    assert [line["code"] for line in report["lines"]] == ["62323"]
    # named in suppressed with its rule, so not repeated as a risk on the claim
    assert not any(r["code"] == "77003" for r in report["denial_risks"])


def test_negated_fluoroscopy_supports_no_fluoroscopy_code(full_store) -> None:
    note = (
        KNEE_NOTE.replace("under fluoroscopic guidance", "by palpation")
        .replace("Under intermittent fluoroscopy a", "No fluoroscopy was used. A")
        .replace("Fluoro time 0.4 min. DAP 1.2 Gy cm2.\n", "")
    )
    report = check(full_store, _context(note=note)).to_dict()
    assert "77002" in {s["code"] for s in report["suppressed"]}
    assert report["documentation"]["missing"] == []


def test_bad_input(full_store) -> None:
    with pytest.raises(UnknownCodeError) as err:
        check(full_store, _context(codes=parse_codes("77004")))
    assert "77003" in err.value.closest or "77002" in err.value.closest
    with pytest.raises(InputError, match="place-of-service"):
        check(full_store, _context(pos="98"))
    with pytest.raises(FieldError):
        parse_codes("77002--26")
    with pytest.raises(InputError):
        check(full_store, _context(note="   "))


def test_cli_json_and_errors(full_store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    note = tmp_path / "note.txt"
    note.write_text(KNEE_NOTE)
    args = ["check", str(note), "--codes", "20610,77002", "--pos", "22"]
    args += ["--equipment", "facility", "--date", "2024-08-20", "--json"]
    result = runner.invoke(app, args)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) >= TOP_KEYS
    binary = tmp_path / "scan.bin"
    binary.write_bytes(b"\x89PNG\x00\x00")
    for args in (
        [str(binary)],
        [str(note), "--date", "2024-02-30"],
        [str(note), "--codes", "7700X"],
        [str(note), "--pos", "1234"],
        [str(note), "--lang", "xx"],
        [str(tmp_path / "missing.txt")],
    ):
        bad = runner.invoke(app, ["check", *args])
        assert bad.exit_code == 2, (args, bad.output)
        assert "Traceback" not in bad.output
        assert "triamcinolone" not in bad.output  # note text never in an error


def test_check_prints_no_note_text_to_logs(full_store, capsys, caplog) -> None:
    check(full_store, _context())
    captured = capsys.readouterr()
    assert "triamcinolone" not in captured.out + captured.err
    assert "triamcinolone" not in caplog.text


def test_findings_quote_the_users_library(full_store, tmp_path: Path) -> None:
    from clearclaim.library import Library

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "library"
    note = KNEE_NOTE.replace("Right knee intra-articular injection", "L4-5 interlaminar ESI")
    with Library(tmp_path / "library.sqlite", embedder=None) as library:
        library.add([fixtures / "acme-health-fluoroscopy-policy.md"])
        report = check(
            full_store, _context(note=note, codes=parse_codes("62323,77003")), library=library
        ).to_dict()
    assert report["library"], "a suppressed 77003 should find the policy's passage on it"
    about_77003 = [item for item in report["library"] if item["about"] == "77003"]
    assert any("includes imaging guidance" in item["passage"]["quote"] for item in about_77003)
    source_text = " ".join((fixtures / "acme-health-fluoroscopy-policy.md").read_text().split())
    for item in report["library"]:
        assert " ".join(item["passage"]["quote"].split()) in source_text  # quoted, never reworded


def test_without_codes_the_supported_guidance_code_is_proposed(full_store) -> None:
    report = check(full_store, _context(codes=[])).to_dict()
    assert [(ln["code"], ln["modifiers"], ln["origin"]) for ln in report["lines"]] == [
        ("77002", ["26"], "proposed")
    ]
    esi = KNEE_NOTE.replace("Right knee intra-articular injection", "L4-5 interlaminar ESI")
    esi = esi.replace("into the right knee joint", "into the L4-5 epidural space")
    included = check(full_store, _context(note=esi, codes=[])).to_dict()
    assert included["lines"] == []  # the epidural codes include their imaging guidance


def test_audit_trail_records_decisions_not_the_note(
    full_store, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    trail = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CLEARCLAIM_AUDIT", str(trail))
    trail.write_text('{"id": "earlier"}\n')
    note = tmp_path / "note.txt"
    note.write_text(KNEE_NOTE)
    args = ["check", str(note), "--codes", "20610,77002,77003", "--pos", "22", "--json"]
    result = runner.invoke(app, [*args, "--date", "2024-08-20"])
    assert result.exit_code == 0, result.output
    lines = trail.read_text().splitlines()
    assert lines[0] == '{"id": "earlier"}'  # nothing already saved is lost
    entry = json.loads(lines[1])
    assert entry["id"] == json.loads(result.stdout)["audit_id"]
    assert {"code": "77002", "units": 1, "modifiers": ["26"]} in entry["lines"]
    assert entry["request"]["pos"] == "22"
    for word in ("triamcinolone", "osteoarthritis", "contrast", "knee joint"):
        assert word not in lines[1]
    runner.invoke(app, [*args, "--no-audit"])
    assert len(trail.read_text().splitlines()) == 2


def test_modifier_50_follows_the_pfs_indicator_and_the_note(full_store, data_dir: Path) -> None:
    import csv
    import gzip

    with gzip.open(data_dir / "pfs" / "history" / "pprrvu_rvu24c_jul.csv.gz", "rt") as handle:
        indicator = {
            row["hcpcs"]: row["bilat_surg"] for row in csv.DictReader(handle) if not row["mod"]
        }
    assert indicator["64517"] == "0" and indicator["20610"] == "1"
    plexus = (
        "PROCEDURE: Superior hypogastric plexus block, bilateral approach, under fluoroscopic"
        " guidance.\nINDICATION: chronic pelvic pain.\nNeedle tips at the L5-S1 anterolateral"
        " margin confirmed with contrast. Fluoro time 1.2 min. Air kerma 8 mGy.\n"
    )
    report = check(full_store, _context(note=plexus, codes=parse_codes("64517-50,77003"))).to_dict()
    lines = {line["code"]: line for line in report["lines"]}
    assert lines["64517"]["modifiers"] == []  # BIL01: indicator 0
    assert "BIL01" in {f["rule_id"] for f in report["findings"]}

    one_knee = check(full_store, _context(codes=parse_codes("20610-50,77002"))).to_dict()
    lines = {line["code"]: line for line in one_knee["lines"]}
    assert lines["20610"]["modifiers"] == []  # BIL02: the note treats the right knee only
    assert "BIL02" in {f["rule_id"] for f in one_knee["findings"]}


def test_cli_reads_the_note_from_stdin(full_store, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    args = ["check", "-", "--codes", "20610,77003", "--pos", "11", "--equipment", "physician"]
    result = runner.invoke(app, [*args, "--date", "2024-08-20", "--json"], input=KNEE_NOTE)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [line["code"] for line in report["lines"]] == ["20610", "77002"]
    assert report["context"]["intended_codes"] == ["20610", "77003"]
    empty = runner.invoke(app, ["check", "-"], input="")
    assert empty.exit_code == 2 and "empty" in empty.output


FACET_NOTE = """PROCEDURE: Right L3-4, L4-5 and L5-S1 medial branch blocks under fluoroscopy.
INDICATION: Lumbar facet pain. Needles to the L3, L4 and L5 medial branches and the
sacral ala; positions confirmed on AP and oblique views. Fluoroscopy 1.1 min, 6.8 mGy.
"""
FNA_NOTE = """Ultrasound-guided FNA of two thyroid nodules. Nodule 1 (right): 25G x 4 passes
under real-time ultrasound, needle tip in nodule, images saved. Nodule 2 (left): 25G x 3
passes under real-time ultrasound, images saved.
"""


def _check(store, note: str, codes: str, pos: str, equipment: str, day: date):
    return check(
        store,
        ClaimContext(
            note=note,
            codes=parse_codes(codes),
            pos=pos,
            equipment=equipment,
            date_of_service=day,
        ),
    )


def test_add_ons_without_their_primary_get_it(full_store) -> None:
    """CMS's add-on file decides the primary; the claim decides add or recode."""
    # 64494 and 64495 count levels past the first: the first level (64493) is added
    chained = _check(full_store, FACET_NOTE, "64494,64495", "24", "facility", date(2025, 9, 30))
    lines = {(ln.code, ln.units, ln.origin) for ln in chained.lines}
    assert lines == {("64493", 1, "added"), ("64494", 1, "intended"), ("64495", 1, "intended")}
    assert not chained.suppressed or {s.code for s in chained.suppressed} <= {"77003"}
    # two units of "each additional lesion": one of them is the first lesion
    split = _check(full_store, FNA_NOTE, "10006,10006", "11", "physician", date(2025, 7, 15))
    assert {(ln.code, ln.units) for ln in split.lines} == {("10005", 1), ("10006", 1)}
    recoded = next(s for s in split.suppressed if s.code == "10006")
    assert recoded.replaced_by == "10005" and recoded.units == 1


KYPHOPLASTY_NOTE = """PROCEDURE: Balloon kyphoplasty T12 and L1.
INDICATION: Painful osteoporotic compression fractures of T12 and L1.
Under biplane fluoroscopy, bipedicular 11-gauge cannulas were placed in T12, balloons
inflated and 4 mL PMMA instilled; the same was done at L1 with 4.5 mL.
Fluoro time 4.1 min. Air kerma 52 mGy.
"""


def test_a_second_primary_of_the_session_becomes_its_add_on(full_store) -> None:
    """22513 + 22514 (an edit no modifier bypasses) is 22513 + 22515: the add-on
    whose only listed primaries are the two codes."""
    context = _context(
        note=KYPHOPLASTY_NOTE,
        codes=parse_codes("22513,22514"),
        date_of_service=date(2025, 9, 10),
    )
    report = check(full_store, context).to_dict()
    assert sorted(line["code"] for line in report["lines"]) == ["22513", "22515"]
    replaced = {s["code"]: s for s in report["suppressed"]}["22514"]
    assert replaced["replaced_by"] == "22515"


FACET_NOTE = """PROCEDURE: Right L4-5 and L5-S1 facet joint injections under fluoroscopy.
INDICATION: Lumbar facet arthropathy with axial low back pain.
Under fluoroscopic guidance 22g needles were placed into the right L4-5 and L5-S1 facet
joints; contrast confirmed intra-articular spread. Fluoro time 0.6 min, 12 mGy.
"""


def test_a_code_of_the_other_spinal_region_is_replaced(full_store) -> None:
    """REG01: 64490/64491 (cervical or thoracic) for lumbar levels are 64493/64494."""
    report = _report(full_store, FACET_NOTE, "64490,64491")
    assert sorted(line["code"] for line in report["lines"]) == ["64493", "64494"]
    assert {s["code"]: s["replaced_by"] for s in report["suppressed"]} == {
        "64490": "64493",
        "64491": "64494",
        "77003": None,
    }


def test_the_distinct_modifier_moves_to_the_column_two_code(full_store) -> None:
    """MOD10: 20553-59 beside 64483 (edit 20553/64483) is 20553 + 64483-XS when the
    note documents the two structures."""
    note = (
        "PROCEDURES: 1. Left L5-S1 transforaminal epidural under fluoroscopic guidance.\n"
        "2. Trigger point injections, left trapezius, levator scapulae and rhomboid.\n"
        "INDICATION: L5 radiculopathy; myofascial pain of the upper back.\n"
        "Under fluoroscopy a 22g needle was placed at the left L5-S1 foramen; contrast showed "
        "epidural spread. Fluoro time 0.9 min. Three muscles were injected with "
        "bupivacaine. No imaging used for the trigger points.\n"
    )
    report = _report(full_store, note, "64483,20553-59")
    lines = {line["code"]: line["modifiers"] for line in report["lines"]}
    assert lines == {"64483": ["XS"], "20553": []}
    assert "MOD10" in {f["rule_id"] for f in report["findings"]}


def test_an_injection_of_another_joint_than_the_surgery_keeps_its_line(full_store) -> None:
    """A knee arthroscopy and a hip injection under fluoroscopy in one session:
    the joints come from the CMS short descriptor (29881, knee) and the note
    (20610, hip), so the injection and its guidance keep their lines with XS."""
    note = (
        "PROCEDURES: 1. Right knee arthroscopy with partial medial meniscectomy.\n"
        "2. Left hip intra-articular injection under fluoroscopic guidance.\n"
        "INDICATION: Medial meniscus tear, right knee; left hip osteoarthritis.\n"
        "After the arthroscopy the left hip was prepped; under fluoroscopy a 22g spinal "
        "needle was placed into the left hip joint, contrast confirmed intra-articular "
        "spread and 40 mg triamcinolone was injected. Fluoro time 0.3 min. 1.1 mGy.\n"
    )
    report = _report(full_store, note, "29881,20610,77002-26", pos="24")
    lines = {line["code"]: line["modifiers"] for line in report["lines"]}
    assert lines == {"29881": [], "20610": ["XS"], "77002": ["26", "XS"]}


def test_a_date_of_service_mue_caps_the_code_over_its_lines(full_store) -> None:
    """77012's MUE is a date-of-service edit (MAI 3): a second line of it, even with
    59, is the unit over the limit; the first line stays."""
    note = (
        "PROCEDURES: CT-guided core biopsy of a pancreatic head mass and CT-guided celiac "
        "plexus neurolysis. Under intermittent CT an 18 g needle was placed in the mass, "
        "three cores. A 22 g needle was then placed anterior to the aorta at the celiac "
        "axis under CT; contrast spread confirmed; 20 mL dehydrated alcohol injected."
    )
    codes = parse_codes("48102,64680,77012-26,77012-26-59")
    report = check(full_store, _context(note=note, codes=codes, date_of_service=date(2026, 6, 2)))
    billed = [(line.code, line.units) for line in report.lines if line.code == "77012"]
    assert billed == [("77012", 1)]
    over = [s for s in report.suppressed if s.code == "77012"]
    assert [(s.rule, s.units) for s in over] == [("MUE03", 1)]


def test_two_access_devices_are_two_sites_only_on_two_sides(full_store) -> None:
    both = (
        "Left chest port: incision over the scar, port and catheter removed intact.\n"
        "{side} IJ tunneled dialysis catheter: cuff freed at the exit site, catheter removed.\n"
        "No imaging used."
    )

    def lines(side: str) -> dict[str, list[str]]:
        report = _report(full_store, both.format(side=side), "36590,36589")
        return {line["code"]: line["modifiers"] for line in report["lines"]}

    # the catheter on the other side: a site of its own past the PTP edit 36590/36589
    assert lines("Right") == {"36590": [], "36589": ["XS"]}
    # both on the left: one site, the edit stands
    assert "36589" not in lines("Left")


def test_a_sympathetic_block_and_a_somatic_nerve_block_are_two_structures(full_store) -> None:
    note = (
        "Right lumbar sympathetic block plus a lateral femoral cutaneous block.\n\n"
        "Right LSB: prone. Under fluoroscopy a 22 gauge needle to the anterolateral L3 vertebral "
        "body; contrast outlined the sympathetic chain. Fluoro time 0.8 min, 6 mGy.\n\n"
        "Right LFCN block: supine. Linear transducer inferomedial to the ASIS; needle in plane, "
        "6 mL bupivacaine around the nerve. Permanent image recorded.\n"
    )
    report = _report(full_store, note, "64520,64450,76942-26,77003-26")
    lines = {line["code"]: line["modifiers"] for line in report["lines"]}
    # the ultrasound guided the femoral cutaneous nerve, the fluoroscopy the
    # sympathetic chain: 77003 keeps its line past the PTP edit 76942/77003
    assert lines["76942"] == ["26"]
    assert lines["77003"] == ["26", "XS"]


def test_a_right_hip_and_a_left_knee_are_two_lines_not_one_bilateral(full_store) -> None:
    note = (
        "Procedures: 1. R hip intra-articular injection under fluoroscopic guidance\n"
        "2. L knee intra-articular injection, landmark technique\n\n"
        "R HIP: Supine. C-arm AP view; 22g spinal needle advanced under intermittent "
        "fluoroscopy to the femoral head-neck junction, 40 mg Kenalog injected.\n"
        "L KNEE: Seated. Inferolateral soft spot palpated. 21g needle, 40 mg Kenalog + 5 mL "
        "1% lido injected.\n"
    )
    report = _report(full_store, note, "20610-RT,20610-LT")
    joints = sorted(
        (line["units"], line["modifiers"]) for line in report["lines"] if line["code"] == "20610"
    )
    # two joints, one on each side: not 20610-50 (BIL03), and no side named as merged
    assert joints == [(1, ["LT"]), (1, ["RT"])]
    assert not [s for s in report["suppressed"] if s["code"] == "20610"]


@pytest.mark.parametrize(
    ("note", "codes", "pos", "day", "billed", "named", "absent"),
    [
        # both needles placed under ultrasound; the fluoroscopy placed the PICC's
        # tip, and 36573 includes it (77001), not the biopsy's 77002
        (
            "Procedures: 1) US-guided renal allograft biopsy 2) US-guided L arm PICC placement\n"
            "Indication: rising creatinine, ? rejection; CMV viremia needing IV ganciclovir.\n\n"
            "1) Lower pole cortex targeted under real-time ultrasound, 18G core device, 3 passes. "
            "US image of the needle in the cortex saved.\n\n"
            "2) Basilic vein patent and compressible on ultrasound; accessed under real-time US, "
            "image stored. 5 Fr PICC, 46 cm, tip at the cavoatrial junction confirmed with a "
            "fluoroscopic spot image.\n",
            "50200,76942,36573,76937",
            "21",
            date(2026, 2, 4),
            set(),
            {"77001"},
            {"77002"},
        ),
        # the coder's 76942 is the peritoneal catheter's (and included in 49418); the
        # port's vein, patent and entered under ultrasound, image kept, is 76937
        (
            "PROCEDURES: 1. Tunneled peritoneal drainage catheter, ultrasound guided. "
            "2. Right IJ chest port.\n"
            "INDICATION: malignant ascites; starting chemotherapy, needs a port.\n\n"
            "1. Under real-time ultrasound guidance an 18G needle was advanced into the ascites, "
            "catheter tunneled and inserted, 2.8 L drained.\n\n"
            "2. Chest port: right IJ patent and compressible on ultrasound; ultrasound-guided "
            "micropuncture access, permanent image saved. Port catheter advanced under "
            "fluoroscopy, tip at the cavoatrial junction.\nFluoro time 1.1 min. "
            "Air kerma 7.2 mGy.\n",
            "49418,76942,36561,77001",
            "22",
            date(2024, 12, 10),
            {"76937"},
            {"76942"},
            set(),
        ),
    ],
)
def test_which_procedure_the_session_s_imaging_belongs_to(
    full_store,
    note: str,
    codes: str,
    pos: str,
    day: date,
    billed: set[str],
    named: set[str],
    absent: set[str],
) -> None:
    report = _report(full_store, note, codes, pos=pos, date_of_service=day)
    lines = {line["code"] for line in report["lines"]}
    suppressed = {s["code"] for s in report["suppressed"]}
    assert billed <= lines
    assert named <= suppressed
    assert not absent & (lines | suppressed)


@pytest.mark.parametrize(
    ("note", "codes", "day", "with_xs", "without_xs"),
    [
        # 32408 includes its CT guidance; the iliac bone's 20225 does not: 77012
        # stays as the bone's guidance, with XS past the 32408/77012 edit
        (
            "CT GUIDED BIOPSIES: RIGHT LOWER LOBE LUNG MASS AND LEFT ILIAC BONE LESION\n"
            "History: spiculated RLL mass and lytic left iliac lesion on PET/CT.\n\n"
            "Lung: under CT guidance a 19 G coaxial introducer was advanced to the margin of "
            "the mass; four 20 G core specimens obtained.\n\n"
            "Bone: CT-guided biopsy of the left iliac lesion. Under CT guidance an 11 G bone "
            "biopsy needle was advanced into the lytic lesion; three cores obtained.\n",
            "32408,20225,77012",
            date(2025, 2, 18),
            "77012",
            "32408",
        ),
        # 64483-LT and 20610-RT: the side modifiers pass the 64483/20610 edit, and the
        # note documents the knee as another structure than the spine: XS too
        (
            "PROCEDURES:\n1. Left L4-5 transforaminal epidural steroid injection under "
            "fluoroscopic guidance. 22g needle, lateral view tip in the foramen, 1 mL Omnipaque, "
            "dexamethasone 10 mg injected.\n\n2. Right knee intra-articular injection, "
            "fluoroscopically guided. 22g needle into the R knee joint, contrast outlining the "
            "suprapatellar recess, triamcinolone 40 mg injected.\nFluoro time 0.9 min.\n",
            "64483-LT,77003,20610-RT,77002",
            date(2024, 7, 16),
            "20610",
            "64483",
        ),
    ],
)
def test_the_other_structure_s_code_takes_xs(
    full_store, note: str, codes: str, day: date, with_xs: str, without_xs: str
) -> None:
    report = _report(full_store, note, codes, pos="22", date_of_service=day)
    lines = {line["code"]: line["modifiers"] for line in report["lines"]}
    assert "XS" in lines[with_xs]
    assert "XS" not in lines[without_xs]
    assert with_xs not in {s["code"] for s in report["suppressed"]}


_TFESI_AND_HIP = (
    "Procedures: (1) R L5-S1 TFESI, fluoroscopic guidance. (2) R hip joint injection, "
    "fluoroscopic guidance.\n\n"
    "(1) Prone. Oblique fluoroscopic view, R L5-S1 foramen targeted. 22g spinal needle; lateral "
    "view tip at the posterior superior aspect of the foramen. 1 mL Omnipaque 180 showed "
    "epidural spread, no vascular uptake. 10 mg dexamethasone injected.\n\n"
    "(2) Turned supine. R hip prepped. Fluoroscopy used. {hip}\n\n"
    "Total fluoroscopy time 0.8 min. Air kerma 3.9 mGy. Indication: R L5 radiculopathy, R hip OA."
)


@pytest.mark.parametrize(
    ("hip", "missing"),
    [
        # the only needle position said is the TFESI's
        ("R hip injected with 80 mg Depo-Medrol.", True),
        ("Contrast confirmed intra-articular flow; 80 mg Depo-Medrol injected.", False),
    ],
)
def test_the_joint_s_guidance_needs_its_own_needle_position(
    full_store, hip: str, missing: bool
) -> None:
    report = _report(
        full_store, _TFESI_AND_HIP.format(hip=hip), "64483,77003-26,20610,77002-26", pos="22"
    )
    assert "77002" in {line["code"] for line in report["lines"]}
    assert ("interpretation_report" in report["documentation"]["missing"]) is missing


TWO_KIDNEYS = """PROCEDURES: 1. Exchange right nephroureteral catheter. 2. New left nephrostomy.
INDICATION: Retroperitoneal fibrosis, new left hydronephrosis.
1. Right nephroureteral catheter exchanged over a wire for a new 8 Fr catheter under fluoroscopy.
2. Left: posterior calyx punctured under fluoroscopy, 8.5 Fr nephrostomy placed. To bag.
Fluoro time 5.2 min. AK 33 mGy.
"""


@pytest.mark.parametrize(
    ("codes", "modifiers"),
    [("50387,50432", {"50387": [], "50432": ["XS"]}), ("50432-50,50431-50", {"50432": ["50"]})],
)
def test_each_kidney_is_a_site_of_its_own(full_store, codes: str, modifiers: dict) -> None:
    # a new nephrostomy in the other kidney beside an exchange is a separate site
    # (PTP 50387/50432 bypassed with XS); a bilateral line is on both sides, so
    # its bilateral nephrostogram is no other site and stays bundled
    report = _report(full_store, TWO_KIDNEYS, codes, pos="22", equipment="facility")
    assert {ln["code"]: ln["modifiers"] for ln in report["lines"]} == modifiers


KWIRE_AND_TRIGGER_FINGER = """Hand clinic, office.
Procedure 1: removal of buried K-wire, left index finger. Mini C-arm spot check confirms
complete removal.
Procedure 2: right long finger trigger finger, injected A1 pulley, 25g, 10 mg kenalog.
"""
ERCP_READ_BY_RADIOLOGY = """Procedures: 1. ERCP with removal of the existing biliary stent.
2. New 10 Fr plastic biliary stent.
Indication: post-cholecystectomy bile leak.
The duct was cannulated and contrast injected under fluoroscopy; a new stent was placed across the
distal duct under fluoroscopic guidance. Fluoroscopic images were saved to PACS and will be
interpreted separately by radiology.
"""
SI_AND_BURSA = """Procedures: 1) L SIJ inj under fluoroscopy  2) L GT bursa inj
Prone. SIJ: C-arm tilted to open the posterior joint line, 22g spinal needle into the joint,
0.5cc isovue arthrogram intra-articular pattern. 20mg kenalog.
Fluoro 0.9 min, 4.4 mGy.
Then lateral decubitus, L GT bursa injected at point of max tenderness, 40mg kenalog.
No fluoro used for the bursa injection.
"""


def test_the_c_arm_of_a_surgery_is_no_guidance_of_a_needle_beside_it(full_store) -> None:
    report = _report(full_store, KWIRE_AND_TRIGGER_FINGER, "20670,20550,76000", pos="11",
                     equipment="physician")  # fmt: skip
    assert {ln["code"] for ln in report["lines"]} == {"20670", "20550"}
    assert {s["code"] for s in report["suppressed"]} == {"76000"}


def test_images_left_to_radiology_are_no_s_and_i_of_the_endoscopist(full_store) -> None:
    report = _report(full_store, ERCP_READ_BY_RADIOLOGY, "43276", pos="22", equipment="facility")
    assert "74328" not in {ln["code"] for ln in report["lines"]}


def test_the_sacroiliac_joint_s_77002_is_not_named_77003_as_well(full_store) -> None:
    report = _report(full_store, SI_AND_BURSA, "27096,20610,77002", pos="11", equipment="physician")
    assert {s["code"] for s in report["suppressed"]} == {"77002"}
    assert {ln["code"] for ln in report["lines"]} == {"27096", "20610"}
