"""What a check takes: the ClaimContext (the report it gives is clearclaim.models.Report)."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clearclaim.errors import FieldError

CODE_ITEM_RE = re.compile(r"^([0-9A-Z]{4}[0-9A-Z])((?:-[0-9A-Z]{2})*)(?:[xX*](\d{1,3}))?$")


class IntendedLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1


def parse_codes(text: str | list[str] | None, *, field: str = "--codes") -> list[IntendedLine]:
    """``62323,77003-26,77002x2`` -> lines (CODE, -MOD for each modifier, xN for units)."""
    if text is None:
        return []
    items = text if isinstance(text, list) else re.split(r"[,\s]+", text)
    lines = []
    for raw in items:
        item = raw.strip().upper()
        if not item:
            continue
        match = CODE_ITEM_RE.match(item)
        if not match:
            raise FieldError(
                f"{raw!r} is not a code (five letters or digits, then -MOD for each modifier"
                " and xN for units, e.g. 77003-26 or 77002x2)",
                field=field,
            )
        modifiers = tuple(m for m in match.group(2).split("-") if m)
        units = int(match.group(3)) if match.group(3) else 1
        if units < 1:
            raise FieldError(f"{raw!r}: units must be at least 1", field=field)
        lines.append(IntendedLine(code=match.group(1), modifiers=modifiers, units=units))
    return lines


class ClaimContext(BaseModel):
    """What happened: the note and what the user intends to bill, where and when.

    ``note`` is patient data: it is never logged, never in an error message, and
    never in the audit trail (validation errors never echo an input).
    """

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    note: str = Field(repr=False)
    codes: list[IntendedLine] = Field(default_factory=list)
    pos: str | None = None
    equipment: Literal["facility", "physician"] | None = None
    date_of_service: date | None = None
    setting: Literal["professional", "facility"] = "professional"
    language: str = "en"
    zip_code: str | None = None
    locality: str | None = None
    #: ICD-10-CM codes of the claim (M54.16, E11.A): checked against the code set of
    #: the date's fiscal year; a valid one documents the indication
    diagnoses: list[str] = Field(default_factory=list)

    @field_validator("diagnoses", mode="before")
    @classmethod
    def _diagnoses(cls, value: object) -> list[str]:
        if value is None:
            return []
        items = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        cleaned = [str(item).strip() for item in items if str(item).strip()]
        for item in cleaned:
            if len(item) > 10:
                raise ValueError("a diagnosis code is at most 8 characters (M54.16)")
        if len(cleaned) > 12:
            raise ValueError("a claim carries at most 12 diagnosis codes")
        return cleaned

    @field_validator("pos")
    @classmethod
    def _pos(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > 2:
            raise ValueError(f"{value!r} is not a place-of-service code (two digits)")
        return text.zfill(2)
