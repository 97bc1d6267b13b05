"""What a note shows of a needle placed and of vascular ultrasound guidance
(the vessel's patency is a target; the kept image is read here)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from clearclaim.notes.sections import (
    HISTORY_SECTIONS,
    PLAN_SECTIONS,
    PRIOR_SECTIONS,
    paragraph_bounds,
)
from clearclaim.notes.targets import Target
from clearclaim.notes.vocabulary import vocabulary

#: "No needle placement": a denial in the words just before the needle
#: a denial within the two words before a match ("no needle", "without any fluoroscopy")
DENIED_BEFORE = re.compile(r"\b(?:no|not|without|nor)\b(?:\s+\w+){0,2}\s*$", re.IGNORECASE)
_ULTRASOUND_WORDS = re.compile(r"\b(?:(?i:ultraso\w*|sonograph\w*|u/s|pocus)|US)\b")
_KEPT = re.compile(r"\b(?:saved|stored|archived|retained|PACS)\b", re.IGNORECASE)
_FLUORO_WORDS = re.compile(r"\b(?:fluoro\w*|c-?arm|spot|x-?ray)\b", re.IGNORECASE)


#: the words of a device already in place, which name no needle of their own
_DEVICE_WORDS = frozenset({"port", "picc", "catheter", "catheters", "sheath", "sheaths"})


def needle_named(text: str, devices: bool = True) -> bool:
    """A needle, wire or catheter named as placed: "No needle placement" is not.
    ``devices`` False: a PICC or port named is the device checked, not a needle."""
    return any(
        not DENIED_BEFORE.search(text, max(0, m.start() - 24), m.start())
        and (devices or m.group(0).lower() not in _DEVICE_WORDS)
        for m in vocabulary()["needle"].finditer(text)
    )


def ultrasound_image_kept(note: str, t: Target) -> bool:
    """An "image saved" that is the vascular ultrasound's, not the final
    fluoroscopic image of a tip or needle position: read in its sentence and the
    line it is on ("US guided puncture ...; permanent image stored in PACS": a
    semicolon ends a sentence, not the thought)."""
    line_start = note.rfind("\n", 0, t.start) + 1
    sentence = note[min(t.sent_start, line_start) : t.sent_end]
    return bool(
        _KEPT.search(t.text)
        and _ULTRASOUND_WORDS.search(sentence)
        and not _FLUORO_WORDS.search(sentence)
    )


#: words that only an ultrasound's needle guidance uses
_PROBE_WORDS = re.compile(
    r"\b(?:probe|transducer|(?:in|out[- ]of)[- ]plane|sonograph\w*)\b", re.IGNORECASE
)


def _said_of_the_ultrasound(note: str, t: Target) -> bool:
    """An image statement said of the ultrasound: ultrasound named just before it,
    or its paragraph a probe's steps with no fluoroscopy in it ("Linear probe,
    transverse view ... 25g needle in-plane ... Image saved.")."""
    if _ULTRASOUND_WORDS.search(text_near(note, t.start, t.end)):
        return True
    start, end = paragraph_bounds(note, t.start, t.end)
    paragraph = note[start:end]
    return bool(
        (_PROBE_WORDS.search(paragraph) or _ULTRASOUND_WORDS.search(paragraph))
        and not _FLUORO_WORDS.search(paragraph)
    )


def text_near(note: str, start: int, end: int, before: int = 200) -> str:
    """The text just before a target and the target, within its paragraph."""
    head = note.rfind("\n\n", max(0, start - before), start)
    return note[max(head, start - before, 0) : end]


#: a clause boundary: a negation before it does not reach the words after it
#: ("no thrombus (image saved)": a parenthesis opens a clause of its own, and
#: so does a dash: "no thrombus - image stored")
_CLAUSE_BREAK = re.compile(r"[,;:(]|\s[-\u2013\u2014]+\s|\band\b|\bbut\b", re.IGNORECASE)
_DENIAL = re.compile(r"\b(?:no|not|without|never|nor|none)\b", re.IGNORECASE)


def _denied_in_its_clause(note: str, t: Target) -> bool:
    """ConText negates a whole sentence from "no" or "without" on: "no bowel at
    site, image stored" and "without thrombus and ... image saved" deny the
    bowel and the thrombus, not the image. The image is denied when the
    negation is in its own clause ("No image was saved")."""
    head = note[t.sent_start : t.start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    clause = head[breaks[-1] if breaks else 0 :] + note[t.start : t.end]
    return bool(_DENIAL.search(clause))


def ultrasound_image_status(
    note: str,
    targets: list[Target],
    answered_no: Sequence[tuple[int, int]] = (),
    ultrasound_only: bool = False,
) -> Literal["recorded", "not_recorded", "unknown"]:
    """Whether the note says the ultrasound image was kept (a denial wins): said
    near the ultrasound (its clause or the one before), not of a fluoroscopic
    spot image; anywhere in the session when ultrasound is its only imaging."""
    said = [
        t
        for t in targets
        if t.label in ("US_IMAGE_RECORDED", "US_IMAGE_NOT_RECORDED")
        and t.section not in HISTORY_SECTIONS | PLAN_SECTIONS | PRIOR_SECTIONS
        and (ultrasound_only or _said_of_the_ultrasound(note, t))
    ]
    if any(
        t.label == "US_IMAGE_NOT_RECORDED"
        or (t.status == "negated" and _denied_in_its_clause(note, t))
        # "Images saved to PACS: [ ] yes [x] no": the form's answer says it
        or any(a <= t.start < b for a, b in answered_no)
        for t in said
    ):
        return "not_recorded"
    if any(t.status in ("affirmed", "negated") for t in said):  # negated elsewhere
        return "recorded"
    return "unknown"
