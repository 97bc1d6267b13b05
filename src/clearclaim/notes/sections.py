"""The sections of a note (the medspaCy sectionizer's, cut to their paragraph)
and the categories that say a mention is not about this session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from clearclaim.notes.models import TextSpan
from clearclaim.notes.pipeline import load_yaml

# Sections whose mentions are about the past or the future, not this session.
HISTORY_SECTIONS = frozenset({"history"})
PLAN_SECTIONS = frozenset({"plan"})
# An earlier study a report compares with: its time and dose are not this session's.
PRIOR_SECTIONS = frozenset({"comparison"})
#: a later entry that corrects the note above it
ADDENDUM_SECTIONS = frozenset({"addendum"})
# Sections that describe results, not what was done: a procedure named there
# ("contrast in the epidural space") is not a procedure performed.
# a clinic note's assessment and plan ("A/P: r/o SL ligament injury, MR arthrogram
# ordered") tells what was found and what comes next, as an impression does, but
# is the clinician's judgement of the patient, not a reading of the images
RESULT_SECTIONS = frozenset(
    {"findings", "impression", "assessment", "complications", "diagnosis_post"}
)
REPORT_SECTIONS = frozenset({"findings", "impression"})
#: the fluoroscopy's own record (time, dose, what it showed: "FLUOROSCOPY: the
#: right hemidiaphragm moves paradoxically"): a finding there is not the reason
EXPOSURE_SECTIONS = frozenset({"radiation"})
#: where an imaging study named is not this procedure's guidance
EARLIER_STUDY_SECTIONS = frozenset(
    {"indication", "history", "comparison", "plan", "diagnosis_post"}
)


@dataclass(frozen=True)
class Section:
    category: str
    title: TextSpan
    body_start: int
    body_end: int


_CONTINUATION = re.compile(r"[ \t]+\S|[-*•·]|\d+[.)]|[a-z]")
_NUMBERED = re.compile(r"[ \t]*\d+[.)]")


def paragraph_end(note: str, start: int, limit: int) -> int:
    """Where a section's text ends: at ``limit`` (the next header) or earlier, at
    the first line that does not continue it (not indented, not a list item, not
    in lower case). medspaCy extends a section to the next header; in terse notes
    "Dx: radius fx" is followed by unheaded lines that are not diagnosis."""
    pos = start
    # a header alone on its line: the body starts on the next line
    first_nl = note.find("\n", pos, limit)
    inline = first_nl != -1 and bool(note[pos:first_nl].strip())
    if first_nl != -1 and not inline:
        pos = first_nl + 1
    # "Dx: radius fx" then "1) closed reduction ...": a numbered list under a
    # header whose text was on its own line is the next part of the note, unless
    # the header's text began the list ("Dx: 1) ... 2) ...")
    list_ends_it = inline and not _NUMBERED.match(note, start)
    while True:
        nl = note.find("\n", pos, limit)
        if nl == -1:
            return limit
        nxt = nl + 1
        if nxt >= limit or note[nxt] in "\r\n":
            return nl
        if not _CONTINUATION.match(note, nxt):
            return nl
        if list_ends_it and note[nxt].isdigit() and _NUMBERED.match(note, nxt):
            return nl
        pos = nxt


def sections_of(doc: Any, note: str) -> list[Section]:
    out = []
    for sec in doc._.sections:
        if sec.category is None:
            continue
        title = doc[sec.title_start : sec.title_end]
        body = doc[sec.body_start : sec.body_end]
        body_start = title.end_char
        limit = body.end_char if len(body) else title.end_char
        out.append(
            Section(
                category=sec.category,
                title=span_of(note, title.start_char, title.end_char, sec.category),
                body_start=body_start,
                body_end=_body_end(note, sec.category, body_start, max(limit, body_start)),
            )
        )
    return out


#: a blank line between paragraphs
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraph_bounds(note: str, start: int, end: int) -> tuple[int, int]:
    """Where the paragraph (between blank lines) that holds ``note[start:end]``
    begins and ends."""
    opening = max((b.end() for b in BLANK_LINE.finditer(note, 0, start)), default=0)
    blank = BLANK_LINE.search(note, end)
    return opening, blank.start() if blank else len(note)


def _body_end(note: str, category: str, start: int, limit: int) -> int:
    """Where a section's body ends: an addendum is one block to the next header,
    whatever its lines; a radiology report's findings run to the next blank
    line (its sentences start in capitals); any other to the end of
    its paragraph (``paragraph_end``)."""
    if category in ADDENDUM_SECTIONS:
        return limit
    if category == "findings":
        blank = BLANK_LINE.search(note, start, limit)
        return blank.start() if blank else limit
    return paragraph_end(note, start, limit)


def section_at(sections: list[Section], start: int) -> str | None:
    for s in sections:
        if s.title.start <= start < s.body_end:
            return s.category
    return None


@cache
def empty_answers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    spec = load_yaml("forms.yaml")
    return (
        re.compile(spec["says_nothing"], re.IGNORECASE),
        re.compile(spec["points_elsewhere"], re.IGNORECASE),
    )


def section_body(note: str, sec: Section) -> TextSpan | None:
    """The section's text, if it says anything."""
    text = note[sec.body_start : sec.body_end]
    stripped = text.strip(" \t\r\n:-")
    says_nothing, points_elsewhere = empty_answers()
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
    return span_of(note, start, end, sec.category)


def span_of(note: str, start: int, end: int, section: str | None = None) -> TextSpan:
    return TextSpan(start=start, end=end, text=note[start:end], section=section)
