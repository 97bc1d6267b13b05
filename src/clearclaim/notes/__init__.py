"""The note reader: what a procedure note documents, with text spans.

``analyze_note(text)`` returns a :class:`NoteAnalysis`: the documentation
elements found (with the exact supporting text), fluoroscopy mentions with
their status (affirmed / negated / hypothetical / historical, from medspaCy's
ConText), the procedures described, physician presence, and what could not be
determined. The vocabulary, ConText rules, section rules and units are data
files in ``clearclaim/notes/data``.
"""

from clearclaim.notes.models import (
    ELEMENT_NAMES,
    FoundElement,
    Measurement,
    Mention,
    NoteAnalysis,
    Procedure,
    TextSpan,
)
from clearclaim.notes.pipeline import get_pipeline, silence_loggers
from clearclaim.notes.reader import analyze_note, warm_up

__all__ = [
    "ELEMENT_NAMES",
    "FoundElement",
    "Measurement",
    "Mention",
    "NoteAnalysis",
    "Procedure",
    "TextSpan",
    "analyze_note",
    "get_pipeline",
    "silence_loggers",
    "warm_up",
]
