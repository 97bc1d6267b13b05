"""Templated forms and dictation: blank fields, options answered "No",
dictated punctuation, and notes that say the procedure was not performed."""

from __future__ import annotations

import re
from functools import cache

from clearclaim.notes.pipeline import load_yaml


@cache
def form_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    spec = load_yaml("forms.yaml")
    return (
        re.compile(spec["unanswered_field"], re.IGNORECASE | re.MULTILINE),
        re.compile(spec["unanswered_cell"], re.IGNORECASE | re.MULTILINE),
        re.compile(spec["unchecked_option"], re.IGNORECASE),
        re.compile(spec["empty_field"], re.IGNORECASE),
    )


@cache
def dot_leader_pattern() -> re.Pattern[str]:
    return re.compile(load_yaml("forms.yaml")["dot_leader"], re.MULTILINE)


def dot_leaders_as_colons(note: str) -> str:
    """A label's dot leader ("Indication ....... ") as its colon, padded to the
    same length."""
    if "..." not in note:
        return note

    def colon(m: re.Match[str]) -> str:
        return m.group(1) + ":" + " " * (m.end() - m.end(1) - 1)

    return dot_leader_pattern().sub(colon, note)


@cache
def negative_answer_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    spec = load_yaml("forms.yaml")
    return (
        re.compile(spec["negative_answer"], re.IGNORECASE | re.MULTILINE),
        re.compile(spec["negative_option"], re.IGNORECASE),
    )


def negative_answers(note: str) -> list[tuple[int, int]]:
    """The labels of form fields and options answered "no" (their offsets in the note)."""
    field, option = negative_answer_patterns()
    spans = [m.span("label") for m in field.finditer(note)]
    if "[" in note:
        spans += [m.span("label") for m in option.finditer(note)]
    return sorted(spans)


@cache
def ticked_option_pattern() -> re.Pattern[str]:
    return re.compile(load_yaml("forms.yaml")["ticked_option"])


def ticked_options(note: str) -> tuple[tuple[int, int], ...]:
    """The ticked options of a form ("[X] Fluoroscopy"), box and label (offsets)."""
    if "[" not in note:
        return ()
    return tuple(m.span() for m in ticked_option_pattern().finditer(note))


#: an unticked box right after a field's colon: the one thing an unanswered
#: cell needs (its pattern, which looks back over the label, runs only then)
_BOX_AFTER_COLON = re.compile(r":[ \t]*\[\s?\]")
#: an unfilled field's blank: underscores, a "***" placeholder, a wide empty box
_BLANK = re.compile(r"___|\*\*\*|\[[ \t]{2,}\]")


#: a form's tip position field left empty ("Catheter tip location: ______")
_BLANK_TIP_FIELD = re.compile(
    r"\b(?:catheter |needle |line )?tip (?:position|location|placement)\s*:[ \t]*"
    r"(?:_{2,}|\[\s*\])?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def tip_field_left_blank(note: str) -> bool:
    """The form asks where the tip lies and the answer is blank (read before
    :func:`blank_form_fields` clears the field)."""
    return bool(_BLANK_TIP_FIELD.search(note))


def blank_form_fields(note: str) -> str:
    """Unanswered questions, unchecked options and unfilled fields, replaced by
    spaces of the same length; spoken punctuation of a dictated note, replaced by
    its mark (same length too)."""
    field, cell, option, empty = form_patterns()
    note = dot_leaders_as_colons(note)
    cells = (cell,) if _BOX_AFTER_COLON.search(note) else ()
    # an unfilled field's pattern tries every word of the note as a label: it runs
    # only on a note that has a blank
    empties = (empty,) if _BLANK.search(note) else ()
    for pattern in (field, *cells, option, *empties):
        note = pattern.sub(lambda m: " " * len(m.group(0)), note)
    return dictated_punctuation(note)


@cache
def dictation_rules() -> tuple[int, re.Pattern[str], dict[str, str]]:
    spec = load_yaml("forms.yaml")
    marks = {word.lower(): mark for word, mark in spec["dictation"].items()}
    words = sorted(marks, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    return int(spec.get("dictation_min", 3)), pattern, marks


def dictated_punctuation(note: str) -> str:
    minimum, pattern, marks = dictation_rules()
    if len(pattern.findall(note)) < minimum:
        return note
    return pattern.sub(lambda m: marks[m.group(0).lower()].ljust(len(m.group(0))), note)


@cache
def not_performed_patterns() -> list[re.Pattern[str]]:
    spec = load_yaml("not_performed.yaml")
    return [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in spec["patterns"]]


def not_performed(note: str) -> bool:
    return any(p.search(note) for p in not_performed_patterns())
