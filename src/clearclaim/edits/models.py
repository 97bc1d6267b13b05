"""Values the edit engine takes and gives: claim lines in, findings out.

A finding is :class:`clearclaim.models.Finding`, the same value in every shell
(CLI, REST, FHIR, batch CSV).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# the one Finding of every shell lives in clearclaim.models; the engine makes them
from clearclaim.models import SEVERITY_ORDER, DataWarning, Finding, RuleKind, Severity, Source

Setting = Literal["professional", "facility"]

SETTINGS: tuple[Setting, ...] = ("professional", "facility")
__all__ = [
    "SEVERITY_ORDER",
    "ClaimCheck",
    "ClaimLine",
    "Finding",
    "PairLookup",
    "PtpEdit",
    "RuleKind",
    "Setting",
    "Severity",
]

#: HCPCS Level I and II codes: five letters or digits (CPT 62321, HCPCS A4206, 0001A)
CODE_RE = re.compile(r"^[0-9A-Z]{5}$")
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")
_MODIFIER_SPLIT = re.compile(r"[\s,;]+")


def normalize_code(value: str) -> str:
    return value.strip().upper()


def split_modifiers(value: str | None) -> tuple[str, ...]:
    """ "59 XS", "59,xs" and "59; XS" all give ("59", "XS"), order kept."""
    if not value:
        return ()
    return tuple(m for m in _MODIFIER_SPLIT.split(value.strip().upper()) if m)


class ClaimLine(BaseModel):
    """One line of a claim: what the edit engine checks."""

    model_config = ConfigDict(frozen=True)

    claim_id: str = "claim"
    line: int = Field(ge=1)
    date_of_service: date
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = Field(default=1, ge=1)
    pos: str | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object) -> str:
        text = normalize_code(str(value))
        if not CODE_RE.match(text):
            raise ValueError(f"not a HCPCS/CPT code (five letters or digits): {value!r}")
        return text

    @field_validator("modifiers", mode="before")
    @classmethod
    def _modifiers(cls, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            mods = split_modifiers(value)
        elif isinstance(value, (list, tuple)):
            mods = tuple(m for v in value for m in split_modifiers(str(v)))
        else:
            raise ValueError("modifiers must be text or a list of modifiers")
        for mod in mods:
            if not MODIFIER_RE.match(mod):
                raise ValueError(f"not a modifier (two letters or digits): {mod!r}")
        return mods

    @field_validator("pos", mode="before")
    @classmethod
    def _pos(cls, value: object) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > 2:
            raise ValueError(f"not a place-of-service code (two digits): {value!r}")
        return text.zfill(2)


class ClaimCheck(BaseModel):
    """What the engine found on one claim, and the data gaps behind the answer."""

    findings: list[Finding] = Field(default_factory=list)
    warnings: list[DataWarning] = Field(default_factory=list)
    #: one DATA01 finding per (family, date of service) judged against a release
    #: not in force: the warnings as findings, for shells that show only findings
    data_findings: list[Finding] = Field(default_factory=list)

    @property
    def denied(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "deny"]

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.data_findings]


class PtpEdit(BaseModel):
    """One PTP edit row between two codes, judged on a date of service."""

    column_1: str
    column_2: str
    modifier_indicator: str
    modifier_indicator_label: str
    modifier_indicator_meaning: str
    deletion_date: date | None
    effective_date: date | None
    rationale: str
    in_force: bool
    #: the row that applies on the date when a pair has several (history) rows
    applies: bool
    why: str
    source: Source


class PairLookup(BaseModel):
    """The answer of ``clearclaim edits CODE1 CODE2``."""

    code_1: str
    code_2: str
    date_of_service: date
    setting: Setting
    family: str
    release: str
    release_in_force: bool
    edits: list[PtpEdit] = Field(default_factory=list)
    add_on: list[str] = Field(default_factory=list)
    warnings: list[DataWarning] = Field(default_factory=list)

    @property
    def in_force(self) -> list[PtpEdit]:
        return [e for e in self.edits if e.applies]


def source_text(source: Source, *, in_force: bool = True) -> str:
    """One line naming the file, release, dates and row, as the findings CSV shows it
    (the batch path's Polars expression writes the same words)."""
    return source.cell_text(in_force=in_force)
