"""Read one procedure note: ``analyze_note(text) -> NoteAnalysis``.

The medspaCy pipeline (pipeline.py) finds the targets, ConText marks each one
negated / hypothetical / historical, and the sectionizer says which section it
is in. This module puts the note through it and assembles the analysis from
the parts that read it: sections.py (where each mention is), targets.py (the
mentions as values), procedures.py (what was done, where, how guided),
elements.py (the documentation elements and the fluoroscopy status), forms.py
(templates, dictation, cancelled procedures) and guidance.py (needles and
vascular ultrasound). Vocabulary lives in data/; what is in these modules is
the reasoning that combines it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from clearclaim.errors import InputError
from clearclaim.notes import measures
from clearclaim.notes.elements import elements_of, fluoro_status_of, presence_of
from clearclaim.notes.forms import (
    blank_form_fields,
    negative_answers,
    not_performed,
    ticked_options,
    tip_field_left_blank,
)
from clearclaim.notes.guidance import needle_named, ultrasound_image_status
from clearclaim.notes.language import detect_language
from clearclaim.notes.matching import ascii_spaces, unwrap_lines
from clearclaim.notes.models import Measurement, Mention, NoteAnalysis, Procedure, TextSpan
from clearclaim.notes.pipeline import get_pipeline, load_yaml, read
from clearclaim.notes.procedures import (
    JOINT_TYPES,
    in_header_sentence,
    joints_named,
    planned_only,
    procedures_of,
    text_outside,
    types_not_performed,
)
from clearclaim.notes.sections import (
    EARLIER_STUDY_SECTIONS,
    HISTORY_SECTIONS,
    PLAN_SECTIONS,
    PRIOR_SECTIONS,
    paragraph_bounds,
    section_at,
    sections_of,
)
from clearclaim.notes.targets import Target, dedupe_overlaps, find_targets, target_span
from clearclaim.notes.vocabulary import vocabulary

MAX_NOTE_CHARS = 200_000

#: the words after an imaging modality that make it the guidance of a needle
_GUIDED = re.compile(r"[- ]?guid(?:ed|ance)\b", re.IGNORECASE)
#: a date after a procedure's name: an earlier session's ("aspiration 10/02/2025")
_DATED = re.compile(r"[^.;)\n]{0,60}?\b\d{1,2}/(?:\d{1,2}(?:/\d{2,4})?|\d{4})\b")


def _places_a_needle(procedure: Procedure) -> bool:
    """The procedure places a needle, wire or catheter (not a closed reduction)."""
    return bool(vocabulary()["procedures"][procedure.type].get("needle", True))


@cache
def _position_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A needle shown in a joint, and a spinal procedure's description
    (elements.yaml, ``position_in_a_joint`` and ``spinal_description``)."""
    spec = load_yaml("elements.yaml")
    return (
        re.compile(spec["position_in_a_joint"], re.IGNORECASE),
        re.compile(spec["spinal_description"], re.IGNORECASE),
    )


def _positions_elsewhere(
    text: str, procedures: list[Procedure], positions: list[TextSpan]
) -> list[Procedure]:
    """Mark each joint procedure beside a spinal one whose needle position the
    note gives only in the spinal procedure's description: every position said
    in a paragraph (between blank lines) that names the spine and not the joint,
    none showing a needle in a joint ("(1) ... tip in the posterior foramen",
    "(2) R hip prepped ... injected")."""
    if not any(p.spinal for p in procedures):
        return procedures

    in_a_joint, spinal = _position_words()

    def the_spine_s(span: TextSpan, joints: set[str]) -> bool:
        if in_a_joint.search(span.text):
            return False
        start, end = paragraph_bounds(text, span.start, span.end)
        paragraph = text[start:end]
        return bool(spinal.search(paragraph)) and not joints_named([paragraph]) & joints

    return [
        p.model_copy(update={"position_elsewhere": True})
        if p.type in JOINT_TYPES
        and p.joints
        and all(the_spine_s(s, set(p.joints)) for s in positions)
        else p
        for p in procedures
    ]


def _said(targets: list[Target], label: str) -> bool:
    """A target of ``label`` affirmed for this session (not history or plan)."""
    return any(
        t.label == label
        and t.status == "affirmed"
        and t.section not in HISTORY_SECTIONS | PLAN_SECTIONS | PRIOR_SECTIONS
        for t in targets
    )


#: ultrasound that guided the needle as it went in
_REAL_TIME = re.compile(
    r"\breal[- ]?time\b"
    r"|\bunder\s+(?:direct\s+|continuous\s+|live\s+)?(?:ultrasound|US|sonograph\w*)\b",
    re.IGNORECASE,
)


def _read_elsewhere(targets: list[Target]) -> bool:
    """Another physician reads this session's images: said, and not of a study of
    its own ("chest radiograph (read by radiology) shows the tip")."""
    separate = {t.sent_start for t in targets if t.label == "SEPARATE_STUDY"}
    # "will be interpreted separately by radiology": the reading comes after the
    # session, so a future tense still says whose reading it is
    return any(
        t.label == "INTERPRETED_ELSEWHERE"
        and t.status in ("affirmed", "hypothetical")
        and t.sent_start not in separate
        and t.section not in HISTORY_SECTIONS | PRIOR_SECTIONS
        for t in targets
    )


def _without_ct_fluoroscopy(targets: list[Target]) -> list[Target]:
    """ "CT fluoroscopy" is CT guidance (77012), not fluoroscopy: its word
    "fluoroscopy" is not a fluoroscopy mention."""
    ct = [(t.start, t.end) for t in targets if t.label == "CT"]
    return [
        t
        for t in targets
        if not (t.label in ("FLUORO", "FLUORO_GUIDANCE") and any(a <= t.start < b for a, b in ct))
    ]


def _guidance_in_indication(text: str, target: Target) -> bool:
    """An imaging modality named as the guidance of today's needle in the
    indication ("Bilat GON blocks, US guided"), not an earlier study."""
    if target.section != "indication":
        return False
    # "(CT-guided disc aspiration 10/02/2025, MSSA)", "CT-guided lung biopsy
    # 06/2024": a dated procedure is an earlier one
    if _DATED.match(text, target.start):
        return False
    return bool(_GUIDED.search(text, target.start, target.end) or _GUIDED.match(text, target.end))


#: control characters that text does not carry (all below 32 but tab, line
#: feed, form feed and carriage return)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _validate(note: str | bytes) -> str:
    """Decode and sanity-check the note. Messages never quote the note."""
    if isinstance(note, bytes | bytearray):
        if b"\x00" in note:
            raise InputError("note is binary data, not text", hint="give the note as plain text")
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"note is not UTF-8 text (undecodable byte at offset {exc.start})",
                hint="save the note as UTF-8 plain text",
            ) from None
    if not isinstance(note, str):
        raise InputError(f"note must be text, not {type(note).__name__}")
    if not note.strip():
        raise InputError("note is empty", hint="give the text of the procedure note")
    if len(note) > MAX_NOTE_CHARS:
        raise InputError(f"note is too long ({len(note)} characters, limit {MAX_NOTE_CHARS})")
    control = len(_CONTROL.findall(note))
    if "\x00" in note or control > max(3, len(note) // 50):
        raise InputError("note is binary data, not text", hint="give the note as plain text")
    return note


def _respan(value: Any, note: str) -> Any:
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys():
            return {**value, "text": note[value["start"] : value["end"]]}
        return {key: _respan(item, note) for key, item in value.items()}
    if isinstance(value, list):
        return [_respan(item, note) for item in value]
    return value


#: a line labelled as an earlier session's ("Previous block (07/10/24): fluoro
#: time 0.8 min, dose 4 mGy"): its time and dose are that session's
_EARLIER_SESSION_LINE = re.compile(r"[ \t]*(?:previous|prior|last|earlier)\b[^\n:]{0,60}:", re.I)


def _on_an_earlier_session_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return _EARLIER_SESSION_LINE.match(text, line_start) is not None


#: a line that is itself the marker of text copied from an earlier note
#: ("*** carried forward from 06/04/2024 note ***"), then the copied text to the
#: marker that ends it or to a blank line
_CARRIED_BLOCK = re.compile(
    r"^[ \t]*[*\-=\[#(]*[ \t]*(?:(?:text|note|section)[ \t]+)?(?:carried|copied|copy)\s+"
    r"(?:forward|fwd|over)\b[^\n]*\n"
    r"(?P<body>.*?)"
    r"(?=^[^\n]*\bend\b[^\n]*\b(?:carried|copied|copy)\s+(?:forward|fwd|over)\b|\n[ \t]*\n|\Z)",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)


def analyze_note(note: str | bytes, expected: Sequence[tuple[str, ...]] = ()) -> NoteAnalysis:
    """Read a procedure note. Raises InputError for an empty or binary note.

    A note that is not in English, or that describes no procedure and no
    fluoroscopy, comes back with ``determinable=False`` and nothing guessed.
    ``expected``: the procedure types of each structure the claim's codes name
    (see ``procedures_of``).
    """
    text = _validate(note)
    language = detect_language(text)
    if language != "en":
        return NoteAnalysis(
            language=language,
            determinable=False,
            undetermined=["language", "procedure", "fluoroscopy_use", "documentation"],
            fluoroscopy="undetermined",
            physician_presence="unknown",
        )

    if not_performed(text):
        return NoteAnalysis(
            language=language,
            determinable=False,
            undetermined=["procedure_not_performed", "procedure", "documentation"],
            fluoroscopy="undetermined",
            physician_presence="unknown",
        )

    original = text
    text = unwrap_lines(ascii_spaces(blank_form_fields(text)))  # same length: offsets hold
    doc = read(text)
    sections = sections_of(doc, text)
    targets = _without_ct_fluoroscopy(dedupe_overlaps(find_targets(doc, sections)))
    # a time or dose in the history or plan, or on a line about an earlier
    # session, belongs to another session
    other_sessions = HISTORY_SECTIONS | PLAN_SECTIONS | PRIOR_SECTIONS

    def this_session(m: Measurement) -> bool:
        start = m.span.start
        in_section = section_at(sections, start)
        return in_section not in other_sessions and not _on_an_earlier_session_line(text, start)

    times = [m for m in measures.find_fluoro_times(text) if this_session(m)]
    doses = [m for m in measures.find_doses(text) if this_session(m)]

    # a block the note marks as copied from an earlier visit ("*** carried
    # forward from 06/04/2024 note *** ... *** end carried forward ***") tells
    # of that visit: its words, times and doses are not this session's
    carried = [(m.start("body"), m.end("body")) for m in _CARRIED_BLOCK.finditer(text)]
    if carried:
        targets = [
            replace(t, status="historical") if any(a <= t.start < b for a, b in carried) else t
            for t in targets
        ]
        times = [m for m in times if not any(a <= m.span.start < b for a, b in carried)]
        doses = [m for m in doses if not any(a <= m.span.start < b for a, b in carried)]

    # "Fluoroscopy used: [x] No", "Images saved to PACS: [ ] yes [x] no": the
    # form's answer, not ConText, says the field's words were not done
    answered_no = negative_answers(text)
    if answered_no:
        targets = [
            replace(t, status="negated") if any(a <= t.start < b for a, b in answered_no) else t
            for t in targets
        ]
    mentions = [
        Mention(label=t.label, status=t.status, span=target_span(text, t))
        for t in targets
        if t.label == "FLUORO"
    ]
    standby = tuple((t.start, t.end) for t in targets if t.label == "FLUORO_STANDBY")
    ticked = ticked_options(text)
    # (not a pre-procedure survey of the vein followed by real-time guidance)
    marking_only = any(
        t.label == "US_MARKING_ONLY" and t.status == "affirmed" for t in targets
    ) and not any(
        t.label == "ULTRASOUND"
        and t.status == "affirmed"
        and _REAL_TIME.search(text, t.sent_start, t.sent_end)
        for t in targets
    )
    fluoroscopy = fluoro_status_of(mentions, times, sections, standby + ticked)
    procedures = procedures_of(text, targets, sections, expected)
    # one procedure by palpation and another that fluoroscopy was there for (a
    # trigger point injection "no imaging" beside a sympathetic block under
    # fluoroscopy): the landmarks are that procedure's, not the whole session's.
    # A fracture reduction's C-arm guided no needle: beside it, a needle placed by
    # palpation is the session's only one.
    landmarks_of_one = (
        fluoroscopy == "used"
        and any(p.by_landmark for p in procedures)
        and any(not (p.by_landmark or p.by_ultrasound) and _places_a_needle(p) for p in procedures)
    )
    modalities = sorted(
        {
            {"ULTRASOUND": "ultrasound", "CT": "ct"}[t.label]
            for t in targets
            if t.label in ("ULTRASOUND", "CT")
            and t.status == "affirmed"
            # "hydronephrosis on ultrasound" in the indication is an earlier study;
            # "US guided" there names how today's needle is placed
            and (t.section not in EARLIER_STUDY_SECTIONS or _guidance_in_indication(text, t))
            # an ultrasound that only marked the skin guided no needle
            and not (t.label == "ULTRASOUND" and marking_only)
        }
        # placed by palpation or landmarks, and nowhere said to be guided by fluoroscopy
        | (
            {"landmark"}
            if any(
                t.label == "LANDMARK"
                and t.status == "affirmed"
                # "habitus precludes landmark technique" in the indication is a reason
                and t.section not in EARLIER_STUDY_SECTIONS
                for t in targets
            )
            and not any(t.label == "FLUORO_GUIDANCE" and t.status == "affirmed" for t in targets)
            and not landmarks_of_one
            else set()
        )
        | ({"fluoroscopy"} if fluoroscopy == "used" else set())
    )
    intraop = [
        target_span(text, t)
        for t in targets
        if t.label == "INTRAOP_IMAGING"
        and t.status == "affirmed"
        and t.section not in HISTORY_SECTIONS | PLAN_SECTIONS
        and not in_header_sentence(t, sections, "indication")
    ]
    presence = presence_of(targets, text, tuple(answered_no))
    elements, has_report, has_tip = elements_of(
        text, targets, sections, times, doses, presence, tip_field_left_blank(original)
    )
    interpretation = elements.get("interpretation_report")
    if interpretation is not None:
        procedures = _positions_elsewhere(text, procedures, interpretation.spans)

    undetermined: list[str] = []
    if planned_only(text, sections, procedures, fluoroscopy):
        # a consultation that schedules the procedure: nothing was done today
        undetermined.append("procedure_planned")
        fluoroscopy = "hypothetical"
    if not procedures:
        undetermined.append("procedure")
    if fluoroscopy == "not_mentioned":
        undetermined.append("fluoroscopy_use")
    if presence[0] == "unknown":
        undetermined.append("physician_presence")
    # another imaging modality documented (ultrasound, CT) also says what was done
    other_imaging = bool(set(modalities) - {"fluoroscopy"})
    determinable = (
        bool(procedures) or fluoroscopy != "not_mentioned" or other_imaging
    ) and "procedure_planned" not in undetermined
    if not determinable:
        undetermined.append("documentation")

    analysis = NoteAnalysis(
        language=language,
        determinable=determinable,
        undetermined=undetermined,
        sections=[s.title for s in sections],
        fluoroscopy=fluoroscopy,
        fluoro_mentions=mentions,
        imaging_modalities=modalities,
        measurements=sorted(times + doses, key=lambda m: m.span.start),
        elements=elements,
        procedures=procedures,
        not_performed=types_not_performed(targets, procedures),
        physician_presence=presence[0],
        has_written_report=has_report,
        has_tip_position=has_tip,
        intraoperative_imaging=intraop,
        # named, or implied by the procedure (an injection places a needle)
        needle_placed=needle_named(
            text_outside(text, sections, HISTORY_SECTIONS | PLAN_SECTIONS),
            # a device only checked ("PICC tip check"): its name is no needle
            devices=not procedures or any(p.action != "evaluation" for p in procedures),
        )
        or any(_places_a_needle(p) and p.action != "evaluation" for p in procedures),
        interpreted_elsewhere=_read_elsewhere(targets),
        form_answered=bool(ticked),
        cross_sectional_arthrography=any(
            t.label == "CT_MR_ARTHROGRAPHY"
            and t.status != "historical"
            and t.section not in HISTORY_SECTIONS | PRIOR_SECTIONS
            for t in targets
        ),
        ultrasound_image=ultrasound_image_status(
            text, targets, answered_no, ultrasound_only=modalities == ["ultrasound"]
        ),
        vessel_patency=_said(targets, "VESSEL_PATENT"),
        nontunneled_removal_only=_said(targets, "NONTUNNELED_REMOVED")
        and not _said(targets, "TUNNELED_REMOVED"),
        arthrogram_series=_said(targets, "ARTHROGRAM_SERIES"),
    )
    if text == original:
        return analysis
    # spans were found in the note with its empty form fields blanked: their text is
    # taken from the note as written (the same offsets)
    return NoteAnalysis.model_validate(_respan(analysis.model_dump(), original))


def warm_up() -> None:
    """Build the pipeline and compile the patterns now (about a second), not on the first note."""
    get_pipeline()
    vocabulary()
    measures.find_fluoro_times("FT 1 min")
    measures.find_doses("DAP 1 Gy cm2")
