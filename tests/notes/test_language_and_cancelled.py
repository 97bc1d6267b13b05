"""Notes the reader must not read as billable: other languages, procedures not done,
and measurements that belong to an earlier session."""

from __future__ import annotations

import pytest

from clearclaim.notes import analyze_note

VIETNAMESE = (
    "Thủ thuật: tiêm nội khớp gối phải dưới hướng dẫn màn huỳnh quang tăng sáng. "
    "Bệnh nhân nằm ngửa, sát khuẩn vùng gối phải. Dưới màn tăng sáng, kim 22G được đưa vào "
    "khớp gối; bơm thuốc cản quang xác nhận đầu kim nằm trong khớp. Bệnh nhân dung nạp tốt."
)


@pytest.mark.parametrize(
    "note",
    [
        VIETNAMESE,
        "Пациенту выполнена инъекция в коленный сустав под рентгеноскопическим контролем. "
        "Время рентгеноскопии 0,5 минуты. Осложнений нет, пациент выписан домой.",
        "患者右膝关节注射，透视引导下穿刺成功，注射造影剂确认针尖位于关节腔内。透视时间0.4分钟。",
    ],
)
def test_other_languages_are_not_guessed(note: str) -> None:
    analysis = analyze_note(note)
    assert analysis.language != "en"
    assert not analysis.determinable and analysis.procedures == []


def test_terse_english_shorthand_stays_english() -> None:
    analysis = analyze_note("L4-5 ILESI. fluoro 0.6 min. DAP 3 Gy cm2. no complications.")
    assert analysis.language == "en"


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        (
            "PROCEDURE NOTE - CANCELLED\nScheduled: L4-5 interlaminar ESI under fluoroscopy.\n"
            "Pt took apixaban this AM. Procedure NOT performed: no needle placed.\n",
            "procedure_not_performed",
        ),
        # a consultation that schedules the procedure for another day
        (
            "PAIN CONSULTATION\nASSESSMENT: Left C6 radiculopathy.\nPLAN: Cervical interlaminar "
            "epidural steroid injection under fluoroscopic guidance, to be scheduled at the "
            "surgery center next week.",
            "procedure_planned",
        ),
    ],
)
def test_a_procedure_not_done_today_supports_nothing(note: str, reason: str) -> None:
    analysis = analyze_note(note)
    assert not analysis.determinable
    assert reason in analysis.undetermined


def test_contrast_not_performed_is_not_a_cancelled_procedure() -> None:
    analysis = analyze_note(
        "PROCEDURE: R knee injection under fluoroscopic guidance. Arthrogram was not performed."
        " Fluoro time 0.3 min."
    )
    assert analysis.determinable and analysis.fluoroscopy == "used"


def test_fluoro_time_of_an_earlier_procedure_does_not_count() -> None:
    analysis = analyze_note(
        "HISTORY: R hip OA. Prior fluoroscopic-guided R hip injection 11/2023 (fluoro time"
        " 0.4 min).\nINDICATION: R hip pain.\nPROCEDURE: Fluoroscopically guided R hip"
        " injection. Needle tip confirmed with contrast. DAP 1.1 Gy cm2.\n"
    )
    assert "fluoro_time" not in analysis.elements
    assert "radiation_dose" in analysis.elements


def test_equipment_out_of_service_is_not_fluoroscopy_used() -> None:
    analysis = analyze_note(
        "L4-5 ILESI. C-arm out of service today. Fluoroscopy was not utilized. Landmark"
        " technique, LOR at 6 cm. Depo-Medrol 80 mg injected. No complications."
    )
    assert analysis.fluoroscopy == "not_used"


def test_unchecked_options_and_empty_fields_state_nothing() -> None:
    analysis = analyze_note(
        "PROCEDURE: Joint injection\nSite: [ ] R knee  [x] L knee\nIndication: L knee OA\n"
        "Guidance: [ ] Fluoroscopy  [ ] Ultrasound  [x] Landmark/palpation\n"
        "Fluoroscopy time: ____ min     Dose: ____ mGy\nNeedle: 22g. Injected 40 mg Kenalog.\n"
    )
    assert analysis.fluoroscopy != "used"
    assert "fluoro_time" not in analysis.elements
    for spans in analysis.documentation_found().values():
        for span in spans:
            assert span["text"]  # spans keep the text as written


def test_a_blank_template_is_undetermined() -> None:
    analysis = analyze_note(
        "PROCEDURE NOTE\nProcedure: ______________\nIndication: ______________\n"
        "Guidance: [ ] Fluoroscopy  [ ] Ultrasound  [ ] CT\nFluoroscopy time: ____ min\n"
    )
    assert not analysis.determinable


def test_more_ways_of_writing_presence_and_time() -> None:
    personally = analyze_note(
        "Fluoroscopy of the thoracic spine performed personally by Dr. R. Nakamura."
        " Fluoro time 0.5 min. Impression: no lead migration."
    )
    assert personally.physician_presence == "affirmed"
    beam_on = analyze_note(
        "I operated the fluoroscopy unit. Fluoroscopy (beam-on) time 11.5 min. Findings: ok."
    )
    assert beam_on.fluoro_time_seconds == 690
    resident = analyze_note(
        "Lateral fluoroscopy of the cervical spine. The exam was performed by the technologist"
        " and supervised by the radiology resident. Fluoroscopy time: 0.7 min."
    )
    assert resident.physician_presence == "unknown"  # silent about the attending: a gap


def test_documentation_phrasings_of_the_fifth_case_set() -> None:
    pointer = analyze_note(
        "PROCEDURE: blood patch under fluoroscopic guidance.\nIndication: see H&P\n"
        "Needle tip in the epidural space confirmed with contrast. Fluoro time 0.4 min.\n"
    )
    assert "indication" not in pointer.elements
    icd = analyze_note(
        "L knee injection under fluoroscopy. ICD-10: M17.12. Needle tip intra-articular."
    )
    assert "indication" in icd.elements
    words = analyze_note(
        "Knee injection under fluoroscopy. Total fluoroscopic time was forty seconds."
    )
    assert words.fluoro_time_seconds == 40
    remote = analyze_note(
        "Fluoroscopy of the shoulder, supervised remotely via real-time video link by the"
        " radiologist. Fluoroscopy time 0.6 min. Impression: stable prosthesis."
    )
    assert remote.physician_presence == "negated"
