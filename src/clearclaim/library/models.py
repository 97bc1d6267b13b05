"""Values that cross the library's boundaries: documents, passages, citations, answers.

``Answer`` is the JSON contract of ``clearclaim ask --json``:
``{question, grounded, answer, citations: [{document, location, quote, score}]}``.
Fields may be added; those four (and the four of a citation) may not be removed or renamed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.store.queries.library import Document

MediaType = Literal["pdf", "html", "docx", "markdown", "text"]

__all__ = ["AddResult", "Answer", "Citation", "Document", "MediaType", "Passage"]


class Passage(BaseModel):
    """A stretch of a document small enough to quote, with where it came from."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    ordinal: int
    text: str
    page: int | None = None
    heading: str | None = None
    line: int | None = None
    anchor: str | None = Field(default=None, description="HTML id of the nearest heading.")


class Citation(BaseModel):
    """A quote from the library and where to find it."""

    document: str = Field(description="Document title.")
    location: str = Field(description="Page and/or section, in words.")
    quote: str = Field(description="Verbatim text of the library; never reworded.")
    score: float = Field(description="Relevance, 0 to 1; higher is better.")
    document_id: str
    page: int | None = None
    section: str | None = None
    uri: str | None = Field(default=None, description="file: URI of the stored copy, with anchor.")


class Answer(BaseModel):
    """What ``ask`` returns. ``grounded`` is false when the library does not cover the question."""

    question: str
    grounded: bool
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="Codes the ranking used.")
    backend: str = "extractive"


AddStatus = Literal["added", "updated", "unchanged", "duplicate", "skipped", "failed"]


class AddResult(BaseModel):
    """The outcome for one path of ``library add``; a failure does not stop the others."""

    path: str
    status: AddStatus
    document_id: str | None = None
    passages: int = 0
    message: str = ""
    exit_code: int = 0
