"""The targets the pipeline found, as plain values: label, span, ConText status,
section and sentence bounds."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clearclaim.notes.models import MentionStatus, TextSpan
from clearclaim.notes.sections import (
    HISTORY_SECTIONS,
    PLAN_SECTIONS,
    PRIOR_SECTIONS,
    Section,
    section_at,
    span_of,
)


@dataclass(frozen=True)
class Target:
    label: str
    start: int
    end: int
    text: str
    status: MentionStatus
    section: str | None
    sent_start: int
    sent_end: int
    meta: str | None  # procedure type for PROCEDURE and PROCEDURE_SITE targets


def mention_status(span: Any, section: str | None) -> MentionStatus:
    ext = span._
    if ext.is_negated:
        return "negated"
    if ext.is_hypothetical or ext.is_uncertain or section in PLAN_SECTIONS:
        return "hypothetical"
    if ext.is_historical or ext.is_family or section in HISTORY_SECTIONS | PRIOR_SECTIONS:
        return "historical"
    return "affirmed"


def find_targets(doc: Any, sections: list[Section]) -> list[Target]:
    out: dict[tuple[str, int, int, str | None], Target] = {}
    # the sentences' character bounds, once: spaCy's span.sent walks the tokens
    # back to the sentence start for every target
    bounds = [(sent.start_char, sent.end_char) for sent in doc.sents]
    starts = [start for start, _ in bounds]
    for span in doc.spans.get("medspacy_spans", []):
        section = section_at(sections, span.start_char)
        sent_start, sent_end = bounds[bisect_right(starts, span.start_char) - 1]
        meta = None
        if span.label_ in ("PROCEDURE", "PROCEDURE_SITE"):
            rule = span._.target_rule
            meta = rule.literal if rule is not None else None
        target = Target(
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            status=mention_status(span, section),
            section=section,
            sent_start=sent_start,
            sent_end=sent_end,
            meta=meta,
        )
        out[(target.label, target.start, target.end, meta)] = target
    return sorted(out.values(), key=lambda t: (t.start, -t.end))


def dedupe_overlaps(targets: Iterable[Target]) -> list[Target]:
    """Keep the longest of overlapping targets that share a label (and type)."""
    kept: list[Target] = []
    for t in sorted(targets, key=lambda t: (-(t.end - t.start), t.start)):
        if not any(
            k.label == t.label and k.meta == t.meta and t.start < k.end and k.start < t.end
            for k in kept
        ):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def target_span(note: str, t: Target) -> TextSpan:
    return span_of(note, t.start, t.end, t.section)
