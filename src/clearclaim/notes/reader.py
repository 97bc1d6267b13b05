"""Read one procedure note: ``analyze_note(text) -> NoteAnalysis``.

The medspaCy pipeline (pipeline.py) finds the targets, ConText marks each one
negated / hypothetical / historical, and the sectionizer says which section it
is in. This module turns those spans into the documentation elements, the
procedures and the fluoroscopy status. Vocabulary lives in data/; what is here
is the reasoning that combines it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from clearclaim.errors import InputError
from clearclaim.notes import measures
from clearclaim.notes.language import detect_language
from clearclaim.notes.matching import ascii_spaces, unwrap_lines
from clearclaim.notes.models import (
    FoundElement,
    Measurement,
    Mention,
    MentionStatus,
    NoteAnalysis,
    Procedure,
    TextSpan,
)
from clearclaim.notes.pipeline import get_pipeline, load_yaml, read

MAX_NOTE_CHARS = 200_000

# "Hand & Upper Extremity clinic": a site word that names a service, not the site
_SERVICE_NAME = re.compile(
    r"[\w &/-]{0,30}\b(?:clinic|service|department|center|centre|practice|associates)\b",
    re.IGNORECASE,
)

# Sections whose mentions are about the past or the future, not this session.
_HISTORY_SECTIONS = frozenset({"history"})
_PLAN_SECTIONS = frozenset({"plan"})
# An earlier study a report compares with: its time and dose are not this session's.
_PRIOR_SECTIONS = frozenset({"comparison"})
#: a later entry that corrects the note above it
_ADDENDUM_SECTIONS = frozenset({"addendum"})
#: an absence that needs no physician named: the technologist ran it alone
_TECH = re.compile(r"\b(?:tech(?:nologist)?|RT)\b", re.IGNORECASE)
# Sections that describe results, not what was done: a procedure named there
# ("contrast in the epidural space") is not a procedure performed.
_RESULT_SECTIONS = frozenset({"findings", "impression", "complications", "diagnosis_post"})
_REPORT_SECTIONS = frozenset({"findings", "impression"})
_TICKED = re.compile(r"\[\s*[xX\u2713\u2714]\s*\]")
#: where an imaging study named is not this procedure's guidance
_EARLIER_STUDY_SECTIONS = frozenset(
    {"indication", "history", "comparison", "plan", "diagnosis_post"}
)


@dataclass(frozen=True)
class _Target:
    label: str
    start: int
    end: int
    text: str
    status: MentionStatus
    section: str | None
    sent_start: int
    sent_end: int
    meta: str | None  # procedure type for PROCEDURE targets


# --------------------------------------------------------------------------- input


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
    control = sum(1 for ch in note if ord(ch) < 32 and ch not in "\n\r\t\f")
    if "\x00" in note or control > max(3, len(note) // 50):
        raise InputError("note is binary data, not text", hint="give the note as plain text")
    return note


# ------------------------------------------------------------------------ targets


def _status(span: Any, section: str | None) -> MentionStatus:
    ext = span._
    if ext.is_negated:
        return "negated"
    if ext.is_hypothetical or ext.is_uncertain or section in _PLAN_SECTIONS:
        return "hypothetical"
    if ext.is_historical or ext.is_family or section in _HISTORY_SECTIONS | _PRIOR_SECTIONS:
        return "historical"
    return "affirmed"


def _targets(doc: Any, sections: list[_Section]) -> list[_Target]:
    out: dict[tuple[str, int, int, str | None], _Target] = {}
    # the sentences' character bounds, once: spaCy's span.sent walks the tokens
    # back to the sentence start for every target
    bounds = [(sent.start_char, sent.end_char) for sent in doc.sents]
    starts = [start for start, _ in bounds]
    for span in doc.spans.get("medspacy_spans", []):
        section = _section_at(sections, span.start_char)
        sent_start, sent_end = bounds[bisect_right(starts, span.start_char) - 1]
        meta = None
        if span.label_ == "PROCEDURE":
            rule = span._.target_rule
            meta = rule.literal if rule is not None else None
        target = _Target(
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            status=_status(span, section),
            section=section,
            sent_start=sent_start,
            sent_end=sent_end,
            meta=meta,
        )
        out[(target.label, target.start, target.end, meta)] = target
    return sorted(out.values(), key=lambda t: (t.start, -t.end))


def _dedupe_overlaps(targets: Iterable[_Target]) -> list[_Target]:
    """Keep the longest of overlapping targets that share a label (and type)."""
    kept: list[_Target] = []
    for t in sorted(targets, key=lambda t: (-(t.end - t.start), t.start)):
        if not any(
            k.label == t.label and k.meta == t.meta and t.start < k.end and k.start < t.end
            for k in kept
        ):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def _span(note: str, start: int, end: int, section: str | None = None) -> TextSpan:
    return TextSpan(start=start, end=end, text=note[start:end], section=section)


def _tspan(note: str, t: _Target) -> TextSpan:
    return _span(note, t.start, t.end, t.section)


# ----------------------------------------------------------------------- sections


@dataclass(frozen=True)
class _Section:
    category: str
    title: TextSpan
    body_start: int
    body_end: int


_CONTINUATION = re.compile(r"[ \t]+\S|[-*•·]|\d+[.)]|[a-z]")


def _paragraph_end(note: str, start: int, limit: int) -> int:
    """Where a section's text ends: at ``limit`` (the next header) or earlier, at
    the first line that does not continue it (not indented, not a list item, not
    in lower case). medspaCy extends a section to the next header; in terse notes
    "Dx: radius fx" is followed by unheaded lines that are not diagnosis."""
    pos = start
    # a header alone on its line: the body starts on the next line
    first_nl = note.find("\n", pos, limit)
    if first_nl != -1 and not note[pos:first_nl].strip():
        pos = first_nl + 1
    while True:
        nl = note.find("\n", pos, limit)
        if nl == -1:
            return limit
        nxt = nl + 1
        if nxt >= limit or note[nxt] in "\r\n":
            return nl
        if not _CONTINUATION.match(note, nxt):
            return nl
        pos = nxt


def _sections(doc: Any, note: str) -> list[_Section]:
    out = []
    for sec in doc._.sections:
        if sec.category is None:
            continue
        title = doc[sec.title_start : sec.title_end]
        body = doc[sec.body_start : sec.body_end]
        body_start = title.end_char
        limit = body.end_char if len(body) else title.end_char
        out.append(
            _Section(
                category=sec.category,
                title=_span(note, title.start_char, title.end_char, sec.category),
                body_start=body_start,
                # an addendum is one block to the next header, whatever its lines
                body_end=max(limit, body_start)
                if sec.category in _ADDENDUM_SECTIONS
                else _paragraph_end(note, body_start, max(limit, body_start)),
            )
        )
    return out


def _section_at(sections: list[_Section], start: int) -> str | None:
    for s in sections:
        if s.title.start <= start < s.body_end:
            return s.category
    return None


@cache
def _empty_answers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    spec = load_yaml("forms.yaml")
    return (
        re.compile(spec["says_nothing"], re.IGNORECASE),
        re.compile(spec["points_elsewhere"], re.IGNORECASE),
    )


def _section_body(note: str, sec: _Section) -> TextSpan | None:
    """The section's text, if it says anything."""
    text = note[sec.body_start : sec.body_end]
    stripped = text.strip(" \t\r\n:-")
    says_nothing, points_elsewhere = _empty_answers()
    # "N/A", "Not provided on requisition", or a pointer elsewhere ("see H&P")
    if (
        len(re.sub(r"\W", "", stripped)) < 3
        or says_nothing.fullmatch(stripped)
        or points_elsewhere.fullmatch(stripped)
    ):
        return None
    lead = len(text) - len(text.lstrip(" \t\r\n:-"))
    start = sec.body_start + lead
    end = start + len(stripped)
    return _span(note, start, end, sec.category)


# ------------------------------------------------------------------------ helpers


@cache
def _vocab() -> dict[str, Any]:
    elements = load_yaml("elements.yaml")
    procs = load_yaml("procedures.yaml")
    return {
        "actors": re.compile(elements["presence_actors"], re.IGNORECASE),
        "needle": re.compile(elements["needle"], re.IGNORECASE),
        "level_pair": re.compile(elements["level_pair"], re.IGNORECASE),
        "level_single": re.compile(elements["level_single"]),
        "procedures": {p["type"]: p for p in procs["procedures"]},
        "actions": {
            p["type"]: [(name, re.compile(rx, re.IGNORECASE)) for name, rx in p["actions"].items()]
            for p in procs["procedures"]
            if "actions" in p
        },
        "contexts": {"fracture_context": re.compile(procs["fracture_context"], re.IGNORECASE)},
    }


def _laterality_regex(side: str) -> re.Pattern[str]:
    # "left"/"right" words are case-insensitive; the one-letter forms (L, R) only
    # in capitals, so that the "l" of "mL" is not read as left.
    pattern = load_yaml("elements.yaml")["laterality"][side]
    words = pattern.replace(r"|L\b", "").replace(r"|R\b", "")
    return re.compile(rf"(?i:{words})|\b{side[0].upper()}\b(?![\s-]*\d)")


def _laterality(texts: Iterable[str]) -> str | None:
    sides: set[str] = set()
    for text in texts:
        if re.search(load_yaml("elements.yaml")["laterality"]["bilateral"], text, re.IGNORECASE):
            return "bilateral"
        for side in ("left", "right"):
            if _laterality_regex(side).search(text):
                sides.add(side)
    if sides == {"left", "right"}:
        return "bilateral"
    return next(iter(sides)) if sides else None


_LEVEL_ORDER = {"C": 0, "T": 1, "L": 2, "S": 3}


def _levels(texts: Iterable[str]) -> list[str]:
    vocab = _vocab()
    pairs: list[str] = []
    singles: list[str] = []
    for text in texts:
        for m in vocab["level_pair"].finditer(text):
            a, an = m.group("a").upper(), int(m.group("an"))
            b = (m.group("b") or a).upper()
            bn = int(m.group("bn"))
            if b == a and bn != an + 1 and not (a == "L" and bn == 1):
                continue  # "L3-5" spans two levels; counted by the singles below
            label = f"{a}{an}-{b}{bn}"
            if label not in pairs:
                pairs.append(label)
        if not pairs:
            for m in vocab["level_single"].finditer(text):
                label = f"{m.group('a').upper()}{int(m.group('an'))}"
                if label not in singles:
                    singles.append(label)
    return pairs or singles


def _region(levels: list[str], texts: Iterable[str], fixed: str | None) -> str | None:
    if fixed:
        return fixed
    letters = {lv[0] for lv in levels}
    joined = " ".join(texts).lower()
    upper = letters & {"C", "T"} or re.search(r"\b(?:cervical|thoracic|c-spine|t-spine)\b", joined)
    if upper and not letters & {"L", "S"}:
        return "cervical_thoracic"
    if letters & {"L", "S"} or re.search(r"\b(?:lumbar|sacral|caudal|lumbosacral)\b", joined):
        return "lumbar_sacral"
    return None


def _action(proc_type: str, texts: list[str]) -> str | None:
    actions = _vocab()["actions"].get(proc_type)
    if not actions:
        return None
    hits = {name for name, rx in actions if any(rx.search(t) for t in texts)}
    if "replacement" in hits or {"removal", "placement"} <= hits:
        return "replacement"
    for name in ("removal", "repositioning", "placement"):
        if name in hits:
            return name
    return None


# --------------------------------------------------------------------- procedures


def _in_header_sentence(t: _Target, sections: list[_Section], category: str) -> bool:
    """True when the target is in the sentence that a ``category`` header opens
    ("Dx: distal radius fx" names a diagnosis, not a procedure done)."""
    return any(
        s.category == category
        and s.title.start <= t.start < s.body_end
        and t.sent_start <= s.title.start
        for s in sections
    )


_JOINT_WORD = re.compile(
    r"\b(hip|knee|shoulder|glenohumeral|ankle|elbow|wrist|acromioclavicular|AC joint|"
    r"subacromial|trochanteric|sacroiliac|SI joint)\b",
    re.IGNORECASE,
)
_JOINT_TYPES = frozenset({"joint_injection", "arthrography"})
_SAME_JOINT = {
    "glenohumeral": "shoulder",
    "subacromial": "shoulder",
    "ac joint": "acromioclavicular",
    "si joint": "sacroiliac",
    "trochanteric": "hip",
}


def _joints_named(sentences: Iterable[str]) -> set[str]:
    """The different joints the procedure's sentences name."""
    found = {m.group(1).lower() for text in sentences for m in _JOINT_WORD.finditer(text)}
    return {_SAME_JOINT.get(j, j) for j in found}


#: a plan that schedules a procedure for another day
_SCHEDULED = re.compile(
    r"\b(?:to be scheduled|will (?:be )?schedul\w*|(?:re)?schedul\w* (?:for|at|on|next)|"
    r"at (?:the|a) (?:next|later|follow-?up) (?:visit|date|appointment))\b",
    re.IGNORECASE,
)


def _planned_only(
    note: str, sections: list[_Section], procedures: list[Procedure], fluoroscopy: str
) -> bool:
    """No procedure done at this visit: none is named outside the plan, the
    fluoroscopy is only planned or not named, and the plan schedules one."""
    if procedures or fluoroscopy not in ("hypothetical", "not_mentioned"):
        return False
    plans = [s for s in sections if s.category in _PLAN_SECTIONS]
    return any(_SCHEDULED.search(note, s.body_start, s.body_end) for s in plans)


def _text_outside(note: str, sections: list[_Section], categories: frozenset[str]) -> str:
    """The note with the bodies of the given sections blanked out."""
    chars = list(note)
    for s in sections:
        if s.category in categories:
            chars[s.body_start : s.body_end] = " " * (s.body_end - s.body_start)
    return "".join(chars)


def _nearest_cue(mention: _Target, cues: list[_Target]) -> str | None:
    """The guidance cue ("under fluoro", "by palpation") of one procedure mention:
    the nearest in its sentence, one after the mention first ("facet inj under
    fluoro + shoulder inj by palpation" gives each its own)."""
    same = [c for c in cues if c.sent_start == mention.sent_start]
    if not same:
        return None
    after = [c for c in same if c.start >= mention.end]
    pool = after or same
    nearest = min(pool, key=lambda c: abs(c.start - mention.end))
    return nearest.label


def _procedures(note: str, targets: list[_Target], sections: list[_Section]) -> list[Procedure]:
    vocab = _vocab()
    specs = vocab["procedures"]
    mentions = [
        t
        for t in targets
        if t.label == "PROCEDURE"
        and t.status == "affirmed"
        and t.section not in _RESULT_SECTIONS
        and not _in_header_sentence(t, sections, "indication")
    ]
    outside_history = _text_outside(note, sections, _HISTORY_SECTIONS)
    by_type: dict[str, list[_Target]] = {}
    for t in mentions:
        spec = specs.get(t.meta or "")
        if spec is None:
            continue
        ctx = spec.get("needs_context")
        if ctx:
            sentence = note[t.sent_start : t.sent_end]
            rx = vocab["contexts"][ctx]
            if not rx.search(sentence) and not rx.search(outside_history):
                continue
        by_type.setdefault(spec["type"], []).append(t)
    # a generic mention yields to a specific one in the same sentence
    for ptype, ts in list(by_type.items()):
        yields = specs[ptype].get("yields_to") or []
        kept = [
            t
            for t in ts
            if not any(o.sent_start == t.sent_start for y in yields for o in by_type.get(y, []))
        ]
        if kept:
            by_type[ptype] = kept
        else:
            del by_type[ptype]

    # every mention of a type, whatever its status, for the guidance cues
    cue_only: dict[str, list[_Target]] = {}
    for t in targets:
        spec = specs.get(t.meta or "") if t.label == "PROCEDURE" else None
        if spec is not None and t.section not in _RESULT_SECTIONS:
            cue_only.setdefault(spec["type"], []).append(t)
    procedure_text = [
        note[s.body_start : s.body_end] for s in sections if s.category == "procedure"
    ]
    sites = [t for t in targets if t.label == "SITE" and t.status == "affirmed"]
    landmarks = [
        t for t in targets if t.label in ("LANDMARK", "FLUORO_GUIDANCE") and t.status == "affirmed"
    ]
    out: list[Procedure] = []
    for ptype, ts in sorted(by_type.items(), key=lambda kv: kv[1][0].start):
        spec = specs[ptype]
        sentences = list(dict.fromkeys(note[t.sent_start : t.sent_end] for t in ts))
        levels = _levels(sentences) if spec["spinal"] else []
        if spec["spinal"] and not levels:
            levels = _levels(procedure_text or [note])
        laterality = _laterality(sentences)
        if laterality is None and len(by_type) == 1:
            # one procedure: a side named elsewhere in the note is its side (with
            # several, it may be another procedure's)
            laterality = _laterality(procedure_text) or _laterality([outside_history])
        joints = sorted(_joints_named(sentences)) if ptype in _JOINT_TYPES else []
        if laterality == "bilateral" and len(joints) > 1:
            laterality = None  # a right hip and a left knee: two joints, not both sides of one
        site = next((s.text for s in sites if any(s.sent_start == t.sent_start for t in ts)), None)
        # the cue may sit beside a mention that is not itself "done" ("No imaging
        # used for the trigger points" negates the mention it guides)
        cued = ts + [t for t in cue_only.get(ptype, []) if t not in ts]
        guided = {cue for t in cued if (cue := _nearest_cue(t, landmarks)) is not None}
        first = ts[0]
        out.append(
            Procedure(
                type=ptype,
                label=spec["label"],
                spinal=bool(spec["spinal"]),
                region=_region(levels, sentences, spec.get("region")) if spec["spinal"] else None,
                anatomic_site=site,
                laterality=laterality,
                levels=levels,
                levels_count=len(levels),
                action=_action(ptype, sentences),
                by_landmark="LANDMARK" in guided and "FLUORO_GUIDANCE" not in guided,
                joints=joints,
                span=_tspan(note, first),
            )
        )
    return out


# ----------------------------------------------------------------------- elements


def _presence(
    targets: list[_Target], note: str, answered_no: tuple[tuple[int, int], ...] = ()
) -> tuple[str, list[TextSpan]]:
    actors = _vocab()["actors"]
    affirmed: list[TextSpan] = []
    negated: list[TextSpan] = []
    for t in targets:
        # "Radiologist present in room: [ ] Yes [x] No": the form's answer says it
        if t.label == "PRESENCE" and any(a <= t.start < b for a, b in answered_no):
            negated.append(_span(note, t.sent_start, t.sent_end, t.section))
            continue
        if t.label not in ("PRESENCE", "ABSENCE"):
            continue
        sentence = note[t.sent_start : t.sent_end]
        if t.label == "PRESENCE" and not actors.search(sentence):
            continue  # "present" said of someone else (the patient, the family)
        if t.label == "ABSENCE" and not actors.search(sentence) and not _TECH.search(t.text):
            continue  # "absent" said of something else ("firm endpoint absent")
        span = _span(note, t.sent_start, t.sent_end, t.section)
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


def _fluoro_status(
    mentions: list[Mention],
    times: list[Measurement],
    sections: list[_Section],
    standby: tuple[tuple[int, int], ...] = (),
) -> str:
    # an addendum that speaks of the fluoroscopy corrects the note above it ("C-arm
    # down today; the fluoro line is carried forward from the last visit")
    later = [m for m in mentions if m.span.section in _ADDENDUM_SECTIONS]
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
        # the fluoroscope set up or standing by is no use of it, against a note that
        # says fluoroscopy was not used
        affirmed = [m for m in mentions if m.status == "affirmed"]
        if affirmed and all(any(a <= m.span.start < b for a, b in standby) for m in affirmed):
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


def _element(name: str, spans: list[TextSpan], **kw: Any) -> FoundElement:
    return FoundElement(element=name, spans=spans, **kw)


def _elements(
    note: str,
    targets: list[_Target],
    sections: list[_Section],
    times: list[Measurement],
    doses: list[Measurement],
    presence: tuple[str, list[TextSpan]],
) -> tuple[dict[str, FoundElement], bool, bool]:
    found: dict[str, FoundElement] = {}

    def affirmed(label: str, *, allow: tuple[str, ...] = ("affirmed",)) -> list[_Target]:
        return [t for t in targets if t.label == label and t.status in allow]

    # fluoro_time: a time with a unit; "0.0 min" is a documented time (the display
    # rounds a few seconds down), though it is no evidence that fluoroscopy was used
    if times:
        first = times[0]
        found["fluoro_time"] = _element(
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
        found["radiation_dose"] = _element(
            "radiation_dose",
            [d.span for d in doses] + [_tspan(note, r) for r in refs],
            kinds=kinds,
            value=first_dose.value if first_dose else None,
            unit=first_dose.unit if first_dose else None,
            normalized_value=first_dose.normalized_value if first_dose else None,
            normalized_unit=first_dose.normalized_unit if first_dose else None,
        )

    # indication: an indication section that says something, or a reason/diagnosis
    ind_spans = [
        body
        for s in sections
        if s.category == "indication" and (body := _section_body(note, s)) is not None
    ]
    procedures = [t for t in targets if t.label == "PROCEDURE"]
    ind_spans += [
        _tspan(note, t)
        for t in affirmed("INDICATION", allow=("affirmed", "historical", "hypothetical"))
        if t.section not in _RESULT_SECTIONS
        and t.section not in _PLAN_SECTIONS
        # "ASPIRATION" in "FLUOROSCOPY GUIDED ASPIRATION, LEFT HIP" names the procedure
        and not any(p.start <= t.start and t.end <= p.end for p in procedures)
    ]
    if not ind_spans:
        # radiology reports give the reason for the exam under "History:"
        ind_spans = [
            body
            for s in sections
            if s.category in _HISTORY_SECTIONS and (body := _section_body(note, s)) is not None
        ]
    if ind_spans:
        found["indication"] = _element("indication", _unique(ind_spans))

    # anatomic_site: a site named for this session
    site_spans = [
        _tspan(note, t)
        for t in affirmed("SITE")
        if t.section not in _HISTORY_SECTIONS
        and t.section not in _PLAN_SECTIONS
        and not _SERVICE_NAME.match(note, t.end)
    ]
    if site_spans:
        found["anatomic_site"] = _element("anatomic_site", _unique(site_spans))

    # interpretation_report: findings/impression, or the tip position documented
    report_spans = [
        body
        for s in sections
        if s.category in _REPORT_SECTIONS and (body := _section_body(note, s)) is not None
    ] + [_tspan(note, t) for t in affirmed("REPORT")]
    tip_spans = [
        _tspan(note, t) for t in affirmed("TIP_POSITION") if not _ultrasound_image_kept(note, t)
    ]
    kinds = (["written_report"] if report_spans else []) + (["tip_position"] if tip_spans else [])
    if kinds:
        found["interpretation_report"] = _element(
            "interpretation_report", _unique(report_spans + tip_spans), kinds=kinds
        )

    status, spans = presence
    if status == "affirmed":
        found["physician_presence"] = _element("physician_presence", spans)
    return found, bool(report_spans), bool(tip_spans)


def _unique(spans: list[TextSpan]) -> list[TextSpan]:
    seen: dict[tuple[int, int], TextSpan] = {}
    for s in spans:
        seen.setdefault((s.start, s.end), s)
    return sorted(seen.values(), key=lambda s: s.start)


def _respan(value: Any, note: str) -> Any:
    if isinstance(value, dict):
        if {"start", "end", "text"} <= value.keys():
            return {**value, "text": note[value["start"] : value["end"]]}
        return {key: _respan(item, note) for key, item in value.items()}
    if isinstance(value, list):
        return [_respan(item, note) for item in value]
    return value


@cache
def _form_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    spec = load_yaml("forms.yaml")
    return (
        re.compile(spec["unanswered_field"], re.IGNORECASE | re.MULTILINE),
        re.compile(spec["unchecked_option"], re.IGNORECASE),
        re.compile(spec["empty_field"], re.IGNORECASE),
    )


@cache
def _negative_answer() -> re.Pattern[str]:
    return re.compile(load_yaml("forms.yaml")["negative_answer"], re.IGNORECASE | re.MULTILINE)


def _negative_answers(note: str) -> list[tuple[int, int]]:
    """The labels of form fields answered "no" (their offsets in the note)."""
    return [m.span("label") for m in _negative_answer().finditer(note)]


def _blank_form_fields(note: str) -> str:
    """Unanswered questions, unchecked options and unfilled fields, replaced by
    spaces of the same length; spoken punctuation of a dictated note, replaced by
    its mark (same length too)."""
    for pattern in _form_patterns():
        note = pattern.sub(lambda m: " " * len(m.group(0)), note)
    return _dictated_punctuation(note)


@cache
def _dictation() -> tuple[int, re.Pattern[str], dict[str, str]]:
    spec = load_yaml("forms.yaml")
    marks = {word.lower(): mark for word, mark in spec["dictation"].items()}
    words = sorted(marks, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    return int(spec.get("dictation_min", 3)), pattern, marks


def _dictated_punctuation(note: str) -> str:
    minimum, pattern, marks = _dictation()
    if len(pattern.findall(note)) < minimum:
        return note
    return pattern.sub(lambda m: marks[m.group(0).lower()].ljust(len(m.group(0))), note)


@cache
def _not_performed_patterns() -> list[re.Pattern[str]]:
    spec = load_yaml("not_performed.yaml")
    return [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in spec["patterns"]]


def _not_performed(note: str) -> bool:
    return any(p.search(note) for p in _not_performed_patterns())


# --------------------------------------------------------------------------- API


def analyze_note(note: str | bytes) -> NoteAnalysis:
    """Read a procedure note. Raises InputError for an empty or binary note.

    A note that is not in English, or that describes no procedure and no
    fluoroscopy, comes back with ``determinable=False`` and nothing guessed.
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

    if _not_performed(text):
        return NoteAnalysis(
            language=language,
            determinable=False,
            undetermined=["procedure_not_performed", "procedure", "documentation"],
            fluoroscopy="undetermined",
            physician_presence="unknown",
        )

    original = text
    text = unwrap_lines(ascii_spaces(_blank_form_fields(text)))  # same length: offsets hold
    doc = read(text)
    sections = _sections(doc, text)
    targets = _dedupe_overlaps(_targets(doc, sections))
    # a time or dose in the history or plan belongs to another session
    times = [
        m
        for m in measures.find_fluoro_times(text)
        if _section_at(sections, m.span.start)
        not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
    ]
    doses = [
        m
        for m in measures.find_doses(text)
        if _section_at(sections, m.span.start)
        not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
    ]

    answered_no = _negative_answers(text)
    mentions = [
        Mention(
            label=t.label,
            # "Fluoroscopy used: [x] No": the form's answer, not ConText, says it
            status="negated" if any(a <= t.start < b for a, b in answered_no) else t.status,
            span=_tspan(text, t),
        )
        for t in targets
        if t.label == "FLUORO"
    ]
    standby = tuple((t.start, t.end) for t in targets if t.label == "FLUORO_STANDBY")
    marking_only = any(t.label == "US_MARKING_ONLY" and t.status == "affirmed" for t in targets)
    fluoroscopy = _fluoro_status(mentions, times, sections, standby)
    modalities = sorted(
        {
            {"ULTRASOUND": "ultrasound", "CT": "ct"}[t.label]
            for t in targets
            if t.label in ("ULTRASOUND", "CT")
            and t.status == "affirmed"
            # "hydronephrosis on ultrasound" in the indication is an earlier study
            and t.section not in _EARLIER_STUDY_SECTIONS
            # an ultrasound that only marked the skin guided no needle
            and not (t.label == "ULTRASOUND" and marking_only)
        }
        # placed by palpation or landmarks, and nowhere said to be guided by fluoroscopy
        | (
            {"landmark"}
            if any(t.label == "LANDMARK" and t.status == "affirmed" for t in targets)
            and not any(t.label == "FLUORO_GUIDANCE" and t.status == "affirmed" for t in targets)
            else set()
        )
        | ({"fluoroscopy"} if fluoroscopy == "used" else set())
    )
    intraop = [
        _tspan(text, t)
        for t in targets
        if t.label == "INTRAOP_IMAGING"
        and t.status == "affirmed"
        and t.section not in _HISTORY_SECTIONS | _PLAN_SECTIONS
        and not _in_header_sentence(t, sections, "indication")
    ]
    presence = _presence(targets, text, tuple(answered_no))
    elements, has_report, has_tip = _elements(text, targets, sections, times, doses, presence)
    procedures = _procedures(text, targets, sections)

    undetermined: list[str] = []
    if _planned_only(text, sections, procedures, fluoroscopy):
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
        physician_presence=presence[0],
        has_written_report=has_report,
        has_tip_position=has_tip,
        intraoperative_imaging=intraop,
        # named, or implied by the procedure (an injection places a needle)
        needle_placed=_needle_named(
            _text_outside(text, sections, _HISTORY_SECTIONS | _PLAN_SECTIONS)
        )
        or any(_vocab()["procedures"][p.type].get("needle", True) for p in procedures),
        interpreted_elsewhere=any(
            t.label == "INTERPRETED_ELSEWHERE"
            and t.status == "affirmed"
            and t.section not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
            for t in targets
        ),
        form_answered=bool(_TICKED.search(text)),
        cross_sectional_arthrography=any(
            t.label == "CT_MR_ARTHROGRAPHY"
            and t.status != "historical"
            and t.section not in _HISTORY_SECTIONS | _PRIOR_SECTIONS
            for t in targets
        ),
        ultrasound_image=_ultrasound_image(text, targets, answered_no),
        vessel_patency=any(
            t.label == "VESSEL_PATENT"
            and t.status == "affirmed"
            and t.section not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
            for t in targets
        ),
        arthrogram_series=any(
            t.label == "ARTHROGRAM_SERIES"
            and t.status == "affirmed"
            and t.section not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
            for t in targets
        ),
    )
    if text == original:
        return analysis
    # spans were found in the note with its empty form fields blanked: their text is
    # taken from the note as written (the same offsets)
    return NoteAnalysis.model_validate(_respan(analysis.model_dump(), original))


_DENIED_BEFORE = re.compile(r"\b(?:no|not|without|nor)\b(?:\s+\w+){0,2}\s*$", re.IGNORECASE)


def _needle_named(text: str) -> bool:
    """A needle, wire or catheter named as placed: "No needle placement" is not."""
    return any(
        not _DENIED_BEFORE.search(text, max(0, m.start() - 24), m.start())
        for m in _vocab()["needle"].finditer(text)
    )


_ULTRASOUND_WORDS = re.compile(r"\b(?:(?i:ultraso\w*|sonograph\w*|u/s|pocus)|US)\b")


_KEPT = re.compile(r"\b(?:saved|stored|archived|retained|PACS)\b", re.IGNORECASE)
_FLUORO_WORDS = re.compile(r"\b(?:fluoro\w*|c-?arm|spot|x-?ray)\b", re.IGNORECASE)


def _ultrasound_image_kept(note: str, t: _Target) -> bool:
    """An "image saved" that is the vascular ultrasound's, not the final
    fluoroscopic image of a tip or needle position."""
    sentence = note[t.sent_start : t.sent_end]
    return bool(
        _KEPT.search(t.text)
        and _ULTRASOUND_WORDS.search(sentence)
        and not _FLUORO_WORDS.search(sentence)
    )


def _near(note: str, start: int, end: int, before: int = 200) -> str:
    """The text just before a target and the target, within its paragraph."""
    head = note.rfind("\n\n", max(0, start - before), start)
    return note[max(head, start - before, 0) : end]


def _ultrasound_image(
    note: str, targets: list[_Target], answered_no: Sequence[tuple[int, int]] = ()
) -> Literal["recorded", "not_recorded", "unknown"]:
    """Whether the note says the ultrasound image was kept (a denial wins): said
    near the ultrasound (its clause or the one before), not of a fluoroscopic
    spot image."""
    said = [
        t
        for t in targets
        if t.label in ("US_IMAGE_RECORDED", "US_IMAGE_NOT_RECORDED")
        and t.section not in _HISTORY_SECTIONS | _PLAN_SECTIONS | _PRIOR_SECTIONS
        and _ULTRASOUND_WORDS.search(_near(note, t.start, t.end))
    ]
    if any(
        t.label == "US_IMAGE_NOT_RECORDED"
        or t.status == "negated"
        # "Images saved to PACS: [ ] yes [x] no": the form's answer says it
        or any(a <= t.start < b for a, b in answered_no)
        for t in said
    ):
        return "not_recorded"
    if any(t.status == "affirmed" for t in said):
        return "recorded"
    return "unknown"


def warm_up() -> None:
    """Build the pipeline and compile the patterns now (about a second), not on the first note."""
    get_pipeline()
    _vocab()
    measures.find_fluoro_times("FT 1 min")
    measures.find_doses("DAP 1 Gy cm2")
