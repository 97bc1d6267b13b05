"""A deleted code whose successor depends on the imaging that guided the needle
(10022: 10005 with ultrasound, 10007 with fluoroscopy, 10009 with CT ...): the
note's modality chooses it (SUC01, ``rules/data/successors.yaml``)."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache

from pydantic import BaseModel, ConfigDict

from clearclaim.notes import NoteAnalysis
from clearclaim.rules.engine import ClaimState, replace_line
from clearclaim.rules.registry import registry
from clearclaim.rules.templated import rule_file, templated_finding

#: the modalities in the order a note naming several is read
_MODALITIES = ("ultrasound", "ct", "fluoroscopy", "mr")


class _Successors(BaseModel):
    """One deleted code's successors: [first lesion, each additional lesion] per
    modality."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deleted: date
    ultrasound: tuple[str, str]
    fluoroscopy: tuple[str, str]
    ct: tuple[str, str]
    mr: tuple[str, str]
    none: tuple[str, str]


@cache
def _by_modality() -> dict[str, _Successors]:
    data = rule_file("successors.yaml")["by_modality"]
    return {str(code): _Successors.model_validate(spec) for code, spec in data.items()}


def _modality(note: NoteAnalysis) -> str | None:
    """The imaging that guided the needle, as the successors are named; None when
    the note does not say."""
    named = set(note.imaging_modalities)
    if note.fluoroscopy == "used":
        named.add("fluoroscopy")
    found = next((m for m in _MODALITIES if m in named), None)
    if found is not None:
        return found
    return "none" if "landmark" in named or note.fluoroscopy == "not_used" else None


def succeed_by_guidance(state: ClaimState) -> None:
    """Bill the successor the note's guidance chooses for a deleted code billed
    after its deletion: the first unit as the first lesion's code, the others as
    the each-additional-lesion add-on."""
    note = state.note
    if note is None or not note.determinable:
        return
    for code, spec in _by_modality().items():
        lines = [ln for ln in state.lines if ln.code == code]
        if not lines or state.day < spec.deleted:
            continue
        modality = _modality(note)
        if modality is None:
            continue
        first, more = getattr(spec, modality)
        values = {
            "deleted": spec.deleted.isoformat(),
            "modality": modality,
            "first": first,
            "additional": more,
        }
        finding = templated_finding("successors.yaml", "SUC01", state.day, code, values)
        title = registry().rule("SUC01").title
        head, rest = lines[0], lines[1:]
        extra = head.units - 1 + sum(ln.units for ln in rest)
        for line in rest:
            state.lines.remove(line)
        head.units = 1
        replace_line(state, head, first, finding, title)
        if extra:
            added = dataclasses.replace(
                head,
                code=more,
                units=extra,
                rule_ids=list(head.rule_ids),
                rationale=list(head.rationale),
            )
            state.lines.insert(state.lines.index(head) + 1, added)
