"""Procedure codes billed for what the note says was not done
(``rules/data/performed.yaml``): a thoracentesis "not attempted" beside the
paracentesis that was (PRF01), a session cancelled before it began (PRF02)."""

from __future__ import annotations

from clearclaim.checker.distinct import structure_of_code, structures
from clearclaim.notes.vocabulary import vocabulary
from clearclaim.rules.engine import ClaimState, Suppressed
from clearclaim.rules.templated import templated_finding


def drop_not_performed(state: ClaimState) -> None:
    """Take off the claim each intended procedure code whose procedure the note
    says was not done and documents nowhere as done."""
    note = state.note
    # only beside a procedure the note documents as done: with none read, the
    # words of the one done may simply be unknown to the reader
    if note is None or not note.determinable or not note.not_performed or not note.procedures:
        return
    done = {p.type for p in note.procedures}
    not_done = set(note.not_performed)
    specs = vocabulary()["procedures"]
    for line in list(state.lines):
        structure = structure_of_code(line.code)
        if line.origin != "intended" or structure is None:
            continue
        kinds = set(structures()[structure].procedures)
        if not kinds & not_done or kinds & done:
            continue
        label = "; ".join(specs[kind]["label"] for kind in sorted(kinds & not_done))
        finding = templated_finding(
            "performed.yaml", "PRF01", state.day, line.code, {"procedure": label}
        )
        state.lines.remove(line)
        state.suppressed.append(Suppressed(line.code, finding))
        state.applied.append(finding)


def drop_cancelled(state: ClaimState) -> None:
    """Take every intended code off the claim of a session the note says was
    cancelled or not performed, with no procedure documented as done (the
    reader's ``procedure_not_performed``)."""
    note = state.note
    if note is None or "procedure_not_performed" not in note.undetermined:
        return
    for line in list(state.lines):
        finding = templated_finding("performed.yaml", "PRF02", state.day, line.code, {})
        state.lines.remove(line)
        state.suppressed.append(Suppressed(line.code, finding))
        state.applied.append(finding)
