"""The values a diagnosis check hands out (the check turns findings into its own)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.models import DataCoverage, Source

CodeState = Literal["billable", "heading", "unknown", "not_valid_on_date"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DiagnosisFinding(_Frozen):
    """One rule that fired on one code (DX01, DX02, DX03)."""

    rule_id: str
    name: str
    severity: Literal["error", "warning", "info"]
    code: str
    message: str
    action: str
    source: Source


class DiagnosisCode(_Frozen):
    """One code as given and as read."""

    given: str
    #: the code with its dot (M54.16), or the input upper-cased when it is unknown
    code: str
    state: CodeState
    description: str | None = None
    #: for a heading: the codes under it (first few); for an unknown code: close matches
    suggestions: list[str] = Field(default_factory=list)

    @property
    def billable(self) -> bool:
        return self.state == "billable"


class DiagnosisCheck(_Frozen):
    """Every code of a claim checked against the code set of the date's fiscal year."""

    date_of_service: date
    #: the federal fiscal year of the date (October 1 to September 30)
    fiscal_year: int
    code_set: str
    codes: list[DiagnosisCode]
    findings: list[DiagnosisFinding]
    #: a billable, valid diagnosis documents the indication of the service
    indication_documented: bool
    #: the code set's coverage of the date (in force, or the nearest fiscal year)
    data_coverage: list[DataCoverage]
    #: always False: LCD/NCD medical necessity is not part of this check
    medical_necessity_checked: bool = False
    not_checked: str
