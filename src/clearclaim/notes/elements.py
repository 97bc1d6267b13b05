"""The documentation elements of a note (indication, site, time, dose, report,
presence) and its fluoroscopy status, each with the text that supports it."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from clearclaim.notes.guidance import ultrasound_image_kept
from clearclaim.notes.models import FoundElement, Measurement, Mention, TextSpan
from clearclaim.notes.pipeline import load_yaml
from clearclaim.notes.sections import (
    ADDENDUM_SECTIONS,
    EXPOSURE_SECTIONS,
    HISTORY_SECTIONS,
    PLAN_SECTIONS,
    REPORT_SECTIONS,
    RESULT_SECTIONS,
    Section,
    empty_answers,
    section_body,
    span_of,
)
from clearclaim.notes.targets import Target, target_span
from clearclaim.notes.vocabulary import vocabulary

# "Hand & Upper Extremity clinic": a site word that names a service, not the site
_SERVICE_NAME = re.compile(
    r"[\w &/-]{0,30}\b(?:clinic|service|department|center|centre|practice|associates)\b",
    re.IGNORECASE,
)

#: an interpretation still to come: "Formal interpretation to be dictated after
#: comparison", "interpretation to follow", "interpretation pending"
_DEFERRED_REPORT = re.compile(
    r"[ \t]*(?:is[ \t]+)?(?:to follow|will follow|(?:to|will) be (?:dictated|issued|completed)|"
    r"pending|deferred)\b",
    re.IGNORECASE,
)
#: the words of a kept image (TIP_POSITION's "images saved" and "hard copies")
_IMAGE_KEPT = re.compile(r"\b(?:images?|films?|views?|hard[- ]cop(?:y|ies))\b", re.IGNORECASE)
#: a form's "Tip position:" answered with a later study ("will confirm on
#: the post-procedure CXR"), or a sentence that leaves it to one ("Final catheter
#: tip position to be confirmed on post-procedure CXR"): not documented here
_DEFERRED_ANSWER = re.compile(
    r"\s*:\s*(?:will\b|to be\b|pending\b|awaiting\b|deferred\b|TBD\b|per (?:the )?"
    r"(?:post[- ]?(?:procedure|op) |portable )*(?:CXR|chest))"
    # not "the tip was confirmed to be in adequate position"
    r"|\s+(?:is\s+)?(?:to\s+be|will\s+be)\s+(?:confirmed|verified|checked|determined|assessed)\b",
    re.IGNORECASE,
)
#: an absence that needs no physician named: the technologist ran it alone
_TECH = re.compile(r"\b(?:tech(?:nologist)?|RT)\b", re.IGNORECASE)


def _gives_a_reason(body: TextSpan, reasons: list[Target]) -> bool:
    """Whether an indication section that opens by saying it has nothing ("Not
    provided. Order reads 'MR arthrogram R knee.'") goes on to give a reason or a
    diagnosis; one that opens otherwise gives its own text as the indication."""
    opening = re.match(rf"(?:{empty_answers()[0].pattern})\s*[.;]\s+", body.text, re.IGNORECASE)
    if opening is None:
        return True
    rest = body.start + opening.end()
    return any(rest <= t.start < body.end for t in reasons)


def presence_of(
    targets: list[Target], note: str, answered_no: tuple[tuple[int, int], ...] = ()
) -> tuple[str, list[TextSpan]]:
    actors = vocabulary()["actors"]
    affirmed: list[TextSpan] = []
    negated: list[TextSpan] = []
    for t in targets:
        # "Radiologist present in room: [ ] Yes [x] No": the form's answer says it
        if t.label == "PRESENCE" and any(a <= t.start < b for a, b in answered_no):
            negated.append(span_of(note, t.sent_start, t.sent_end, t.section))
            continue
        if t.label not in ("PRESENCE", "ABSENCE"):
            continue
        sentence = note[t.sent_start : t.sent_end]
        if t.label == "PRESENCE" and not actors.search(sentence):
            continue  # "present" said of someone else (the patient, the family)
        if t.label == "ABSENCE" and not actors.search(sentence) and not _TECH.search(t.text):
            continue  # "absent" said of something else ("firm endpoint absent")
        span = span_of(note, t.sent_start, t.sent_end, t.section)
        if t.status in ("hypothetical", "historical"):
            continue
        if (t.label == "PRESENCE") == (t.status == "affirmed"):
            affirmed.append(span)
        else:
            negated.append(span)
    # An explicit "not present" outweighs a general "I was present": a claim for
    # fluoroscopy the physician did not supervise is the costlier mistake.
    if negated:
        return "negated", negated
    if affirmed:
        return "affirmed", affirmed
    return "unknown", []


def fluoro_status_of(
    mentions: list[Mention],
    times: list[Measurement],
    sections: list[Section],
    outweighed: tuple[tuple[int, int], ...] = (),
) -> str:
    """Whether this session used fluoroscopy: "used", "not_used", "hypothetical",
    "historical" or "not_mentioned".

    ``outweighed`` are the places whose mention of the fluoroscope a plain
    statement that it was not used outweighs: the fluoroscope set up or standing
    by, which says nothing of its use, and a form's ticked option, a template's
    answer the narrative contradicts ("Guidance: [X] Fluoroscopy" above "C-arm
    tied up today ... anatomic landmarks. No imaging used.").
    """
    # an addendum that speaks of the fluoroscopy corrects the note above it ("C-arm
    # down today; the fluoro line is carried forward from the last visit")
    later = [m for m in mentions if m.span.section in ADDENDUM_SECTIONS]
    if later:
        statuses = {m.status for m in later}
        if "affirmed" in statuses:
            return "used"
        return "not_used" if statuses & {"negated", "historical"} else "hypothetical"
    # "FLUOROSCOPY TIME: 0 minutes" names fluoroscopy without saying it was used
    # (nor that it was not: a display shows 0.0 min for a few seconds)
    zero = [t.span for t in times if t.normalized_value == 0]
    mentions = [m for m in mentions if not any(z.start <= m.span.start < z.end for z in zero)]
    statuses = {m.status for m in mentions}
    if "negated" in statuses and not any(t.normalized_value > 0 for t in times):
        affirmed = [m for m in mentions if m.status == "affirmed"]
        if affirmed and all(any(a <= m.span.start < b for a, b in outweighed) for m in affirmed):
            return "not_used"
    if "affirmed" in statuses or any(t.normalized_value > 0 for t in times):
        return "used"
    for status, result in (
        ("negated", "not_used"),
        ("hypothetical", "hypothetical"),
        ("historical", "historical"),
    ):
        if status in statuses:
            return result
    return "not_mentioned"


def found_element(name: str, spans: list[TextSpan], **kw: Any) -> FoundElement:
    return FoundElement(element=name, spans=spans, **kw)


@cache
def _names_a_device() -> re.Pattern[str]:
    """An indication word that names a device (elements.yaml, names_a_device)."""
    return re.compile(load_yaml("elements.yaml")["names_a_device"], re.IGNORECASE)


@cache
def _names_a_risk() -> re.Pattern[str]:
    """Words before an indication word that make it a risk (elements.yaml, names_a_risk)."""
    return re.compile(load_yaml("elements.yaml")["names_a_risk"], re.IGNORECASE)


@cache
def _names_the_route() -> re.Pattern[str]:
    """Words before an access that make it the way in (elements.yaml, names_the_route)."""
    return re.compile(load_yaml("elements.yaml")["names_the_route"], re.IGNORECASE)


def elements_of(
    note: str,
    targets: list[Target],
    sections: list[Section],
    times: list[Measurement],
    doses: list[Measurement],
    presence: tuple[str, list[TextSpan]],
    tip_left_blank: bool = False,
) -> tuple[dict[str, FoundElement], bool, bool]:
    """The documentation elements the note holds. ``tip_left_blank``: a form's
    tip position field was left empty (see forms.tip_field_left_blank)."""
    found: dict[str, FoundElement] = {}

    def affirmed(label: str, *, allow: tuple[str, ...] = ("affirmed",)) -> list[Target]:
        return [t for t in targets if t.label == label and t.status in allow]

    # fluoro_time: a time with a unit; "0.0 min" is a documented time (the display
    # rounds a few seconds down), though it is no evidence that fluoroscopy was used
    if times:
        first = times[0]
        found["fluoro_time"] = found_element(
            "fluoro_time",
            [t.span for t in times],
            value=first.value,
            unit=first.unit,
            normalized_value=first.normalized_value,
            normalized_unit="s",
        )

    # radiation_dose: DAP / air kerma values, or a cited dose report
    refs = affirmed("DOSE_REFERENCE")
    if doses or refs:
        kinds = sorted({d.kind for d in doses} | ({"reference"} if refs else set()))
        first_dose = doses[0] if doses else None
        found["radiation_dose"] = found_element(
            "radiation_dose",
            [d.span for d in doses] + [target_span(note, r) for r in refs],
            kinds=kinds,
            value=first_dose.value if first_dose else None,
            unit=first_dose.unit if first_dose else None,
            normalized_value=first_dose.normalized_value if first_dose else None,
            normalized_unit=first_dose.normalized_unit if first_dose else None,
        )

    # indication: an indication section that says something, or a reason/diagnosis
    device, risk, route = _names_a_device(), _names_a_risk(), _names_the_route()
    reasons = [
        t
        for t in affirmed("INDICATION", allow=("affirmed", "historical", "hypothetical"))
        if not device.match(note, t.start)
        and not risk.search(note, t.sent_start, t.start)
        and not route.search(note, t.sent_start, t.start)
    ]
    ind_spans = [
        body
        for s in sections
        if s.category == "indication"
        and (body := section_body(note, s)) is not None
        and _gives_a_reason(body, reasons)
    ]
    procedures = [t for t in targets if t.label == "PROCEDURE"]
    ind_spans += [
        target_span(note, t)
        for t in reasons
        if t.section not in RESULT_SECTIONS
        and t.section not in PLAN_SECTIONS
        and t.section not in EXPOSURE_SECTIONS
        # "ASPIRATION" in "FLUOROSCOPY GUIDED ASPIRATION, LEFT HIP" names the procedure
        and not any(p.start <= t.start and t.end <= p.end for p in procedures)
    ]
    if not ind_spans:
        # radiology reports give the reason for the exam under "History:"
        ind_spans = [
            body
            for s in sections
            if s.category in HISTORY_SECTIONS
            and (body := section_body(note, s)) is not None
            and _gives_a_reason(body, reasons)
        ]
    if ind_spans:
        found["indication"] = found_element("indication", unique_spans(ind_spans))

    # anatomic_site: a site named for this session
    sites = affirmed("SITE")
    site_spans = [
        target_span(note, t)
        for t in sites
        if t.section not in HISTORY_SECTIONS
        and t.section not in PLAN_SECTIONS
        and not _SERVICE_NAME.match(note, t.end)
        and not _one_of_alternatives(note, t, sites)
    ]
    if site_spans:
        found["anatomic_site"] = found_element("anatomic_site", unique_spans(site_spans))

    # interpretation_report: findings/impression, or the tip position documented
    report_spans = [
        body
        for s in sections
        if s.category in REPORT_SECTIONS
        and (body := section_body(note, s)) is not None
        and not _says_nothing(body.text)
    ] + [
        target_span(note, t) for t in affirmed("REPORT") if not _DEFERRED_REPORT.match(note, t.end)
    ]
    tip_spans = [
        target_span(note, t)
        for t in affirmed("TIP_POSITION")
        if not ultrasound_image_kept(note, t) and not _DEFERRED_ANSWER.match(note, t.end)
    ]
    if tip_left_blank:
        # a form that asks where the tip lies and is left blank: an image kept
        # is not the position the form asked for
        tip_spans = [s for s in tip_spans if not _IMAGE_KEPT.search(s.text)]
    kinds = (["written_report"] if report_spans else []) + (["tip_position"] if tip_spans else [])
    if kinds:
        found["interpretation_report"] = found_element(
            "interpretation_report", unique_spans(report_spans + tip_spans), kinds=kinds
        )

    status, spans = presence
    if status == "affirmed":
        found["physician_presence"] = found_element("physician_presence", spans)
    return found, bool(report_spans), bool(tip_spans)


@cache
def _no_interpretation() -> re.Pattern[str]:
    """A sentence of a findings or impression section that interprets nothing
    (elements.yaml, no_interpretation)."""
    alternatives = load_yaml("elements.yaml")["no_interpretation"]
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def _says_nothing(body: str) -> bool:
    """A findings or impression section whose every sentence is boilerplate that
    interprets nothing ("Fluoroscopy provided. See operative/procedure note.") or
    only says the procedure went well ("Successful placement of a tunneled
    catheter. Ready for use.")."""
    sentences = [p.strip(" \t\n-*") for p in re.split(r"[.;\n]+", body)]
    sentences = [p for p in sentences if p]
    pattern = _no_interpretation()
    return bool(sentences) and all(pattern.fullmatch(p) for p in sentences)


def _one_of_alternatives(note: str, t: Target, sites: list[Target]) -> bool:
    """A site word in a slashed list of sites ("[X] major (shoulder/hip/knee)"):
    a form's examples of a category, not the site (spinal levels "L4/L5" are
    levels, and stay)."""
    if any(ch.isdigit() for ch in t.text):
        return False
    return any(
        o is not t
        and not any(ch.isdigit() for ch in o.text)
        and (
            (o.start == t.end + 1 and note[t.end] == "/")
            or (t.start == o.end + 1 and note[o.end] == "/")
        )
        for o in sites
    )


def unique_spans(spans: list[TextSpan]) -> list[TextSpan]:
    seen: dict[tuple[int, int], TextSpan] = {}
    for s in spans:
        seen.setdefault((s.start, s.end), s)
    return sorted(seen.values(), key=lambda s: s.start)
