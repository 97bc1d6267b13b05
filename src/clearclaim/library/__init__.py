"""The user's coding library: their own policies and manuals, searched and quoted.

Answers come from the library only. Every quote is verbatim text of a stored
passage with its document, page or section and a link back; when no passage is
relevant enough, the answer says the library does not cover the question.

    from clearclaim.library import Library
    with Library() as library:
        library.add(["ncci-ch9.pdf"], tags=["ncci"])
        answer = library.ask("Is 77003 billable with an epidural injection?")
"""

from clearclaim.library.answer import AnswerBackend, Evidence, ExtractiveBackend
from clearclaim.library.api import Library, ask, passages_for
from clearclaim.library.embeddings import Embedder
from clearclaim.library.models import AddResult, Answer, Citation, Document, Passage
from clearclaim.library.paths import default_library_location

__all__ = [
    "AddResult",
    "Answer",
    "AnswerBackend",
    "Citation",
    "Document",
    "Embedder",
    "Evidence",
    "ExtractiveBackend",
    "Library",
    "Passage",
    "ask",
    "default_library_location",
    "passages_for",
]
