"""Request and response models of the REST API (they make the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CODE_PATTERN = r"^[0-9A-Za-z]{4}[0-9A-Za-z]$"
LANG_DESCRIPTION = "Language: en es zh ru ar vi fr de ko tl (or a locale such as es-MX)."


class CheckRequest(BaseModel):
    """One note and the codes intended for it. The note is never logged or stored."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=2_000_000, description="The procedure note.")
    codes: str | list[str] | None = Field(
        default=None,
        description="Intended codes: '62323,77003-26,77002x2' or a list of such items.",
        examples=["62323,77003"],
    )
    pos: str | None = Field(default=None, max_length=2, description="Place of service, two digits.")
    equipment: Literal["facility", "physician"] | None = None
    date: dt.date | None = Field(default=None, description="Date of service (default today).")
    setting: Literal["professional", "facility"] = "professional"
    lang: str = Field(default="en", max_length=35, description=LANG_DESCRIPTION)
    zip: str | None = Field(default=None, max_length=10)
    locality: str | None = Field(default=None, max_length=12, description="MAC-LL, e.g. 01112-05")
    audit: bool = Field(default=True, description="Record the decisions (never the note).")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)
    code: str | None = Field(default=None, pattern=CODE_PATTERN)
    limit: int = Field(default=3, ge=1, le=10)


class SearchResult(BaseModel):
    kind: Literal["code", "concept"]
    code: str | None = None
    slug: str | None = None
    title: str
    url: str
    score: float


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]


class ScrubJob(BaseModel):
    """A scrub running in the background; poll ``url`` until ``state`` is done or failed."""

    id: str
    state: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1, description="0 while running, 1 when finished.")
    url: str
    findings_url: str | None = None
    errors_url: str | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None
    seconds: float | None = None


class RemovedDocument(BaseModel):
    id: str
    title: str
