"""When a person should read the report before the claim goes out.

The check abstains rather than answer confidently wrong: the reasons are
listed in ``needs_review`` (empty when the note and the codes agree).
"""

from __future__ import annotations

from datetime import date

from clearclaim.checker.models import ClaimContext
from clearclaim.notes.models import NoteAnalysis
from clearclaim.rules import default_rules
from clearclaim.rules.engine import ClaimState


def needs_review(
    note: NoteAnalysis, context: ClaimContext, state: ClaimState, day: date
) -> list[str]:
    reasons: list[str] = []
    rules = default_rules()
    fluoro = rules.expand(["@fluoro_codes"])
    intended = {c.code for c in context.codes}
    primaries = intended - fluoro
    if intended & fluoro and note.fluoroscopy == "not_mentioned":
        reasons.append(
            "a fluoroscopy code is billed but the note does not mention fluoroscopy: "
            "confirm with the physician before billing it"
        )
    spinal_codes = primaries & rules.expand(["@spinal_procedures"], on=day)
    if note.procedures and primaries:
        note_spinal = {p.spinal for p in note.procedures}
        if spinal_codes and note_spinal == {False}:
            reasons.append(
                "the codes bill a spinal procedure but the note describes a non-spinal one"
            )
        elif (
            not spinal_codes
            and note_spinal == {True}
            and primaries & rules.expand(["@arthrography_injection"], on=day)
        ):
            reasons.append("the codes bill a joint procedure but the note describes a spinal one")
    return reasons
