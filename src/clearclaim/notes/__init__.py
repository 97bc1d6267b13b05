"""The note reader: what a procedure note documents, with text spans.

``analyze_note(text)`` returns a :class:`NoteAnalysis`: the documentation
elements found (with the exact supporting text), fluoroscopy mentions with
their status (affirmed / negated / hypothetical / historical, from medspaCy's
ConText), the procedures described, physician presence, and what could not be
determined. The vocabulary, ConText rules, section rules and units are data
files in ``clearclaim/notes/data``.
"""

from typing import Any

from clearclaim.notes.models import (
    ELEMENT_NAMES,
    FoundElement,
    Measurement,
    Mention,
    NoteAnalysis,
    Procedure,
    TextSpan,
)

# the reader and its medspaCy pipeline load on first use: the note's value types
# (models) are imported by code that never reads a note
_LAZY = {
    "analyze_note": "clearclaim.notes.reader",
    "warm_up": "clearclaim.notes.reader",
    "get_pipeline": "clearclaim.notes.pipeline",
    "silence_loggers": "clearclaim.notes.pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'clearclaim.notes' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


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
