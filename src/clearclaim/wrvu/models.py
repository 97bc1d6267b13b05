"""The values the wRVU tracker hands out (JSON-ready pydantic models)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from clearclaim.models import DataWarning

GroupBy = Literal["day", "week", "month", "quarter", "code", "provider"]


class LogEntry(BaseModel):
    """One procedure of the log as it stands now (edits applied)."""

    entry_id: int
    date_of_service: date
    code: str
    modifiers: list[str] = Field(default_factory=list)
    units: int
    provider: str
    pos: str
    voided: bool = False
    source: str = ""
    source_line: int | None = None


class RowProblem(BaseModel):
    """A row that was not logged (``rejected``) or logged with a flag (``flagged``)."""

    line: int | None
    status: Literal["rejected", "duplicate", "flagged"]
    field: str | None = None
    reason: str

    def describe(self, source: str = "") -> str:
        where = ", ".join(p for p in (source, f"line {self.line}" if self.line else "") if p)
        field = f" field {self.field}:" if self.field else ""
        return f"{where}:{field} {self.reason}" if where else f"{field} {self.reason}".strip()


class ImportResult(BaseModel):
    source: str
    rows_read: int = 0
    added: int = 0
    rejected: int = 0
    duplicates: int = 0
    flagged: int = 0
    entry_ids: list[int] = Field(default_factory=list)
    problems: list[RowProblem] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict)
    import_id: int | None = None


class ReportRow(BaseModel):
    group: str
    procedures: int
    units: int
    wrvu: float
    compensation: float | None = None
    medicare_payment: float | None = None
    compare_wrvu: float | None = None
    compare_difference: float | None = None


class BenchmarkPlacement(BaseModel):
    provider: str
    specialty: str | None
    benchmark: str | None
    days: int
    wrvu: float
    annualised_wrvu: float
    percentile: float | None
    placement: str
    percentiles: dict[str, float] = Field(default_factory=dict)


class WrvuReport(BaseModel):
    by: GroupBy
    provider: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    contract: str
    rate_per_wrvu: float | None = None
    procedures: int
    units: int
    total_wrvu: float
    total_compensation: float | None = None
    total_medicare_payment: float | None = None
    compare_year: int | None = None
    compare_total_wrvu: float | None = None
    compare_unvalued: int = 0
    releases: list[str] = Field(default_factory=list)
    rows: list[ReportRow] = Field(default_factory=list)
    benchmarks: list[BenchmarkPlacement] = Field(default_factory=list)
    warnings: list[DataWarning] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class PlanLine(BaseModel):
    code: str
    description: str | None
    share: float
    wrvu_each: float
    procedures: int
    wrvu: float


class WrvuPlan(BaseModel):
    provider: str | None
    goal: float
    by: date
    date_from: date
    done_wrvu: float
    remaining_wrvu: float
    days_left: int
    weeks_left: float
    per_week_wrvu: float
    release: str
    lines: list[PlanLine] = Field(default_factory=list)
    planned_wrvu: float
    reached: bool
    warnings: list[DataWarning] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
