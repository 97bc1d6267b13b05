"""Where an answer comes from: sources, data releases and their coverage of a date."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Source(BaseModel):
    """Where a number or a statement comes from: a CMS file row, a policy text, a
    curated page. The one citation shape of every finding, rule and page."""

    model_config = ConfigDict(frozen=True)

    kind: str  # "cms_file", "policy", "curated"
    title: str
    section: str | None = None
    publisher: str | None = None
    release: str | None = None
    file: str | None = None
    row: str | None = None
    effective_start: date | None = None
    effective_end: date | None = None
    url: str | None = None
    #: the date the statement was last checked against the source
    verified: date | None = None

    def cell_text(self, *, in_force: bool = True) -> str:
        """The file, release, dates and row, as a findings CSV cell shows them."""
        start = self.effective_start.isoformat() if self.effective_start else ""
        end = self.effective_end.isoformat() if self.effective_end else ""
        text = (
            f"{self.file or self.title}, {self.title} {self.release or ''} "
            f"(effective {start} to {end})"
        )
        if self.row:
            text += f", row {self.row}"
        if not in_force:
            text += "; release not in force on the date of service"
        return text

    def text(self) -> str:
        """One line: title, section, release and row."""
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        if self.release:
            parts.append(self.release)
        if self.row:
            parts.append(f"row {self.row}")
        return " — ".join(parts)


class DataWarning(BaseModel):
    """A gap in the data behind an answer (never silence: every report carries these)."""

    model_config = ConfigDict(frozen=True)

    code: str  # "release_not_in_force", "no_release", "missing_column" ...
    message: str
    family: str | None = None


class ReleaseInfo(BaseModel):
    """One loaded release, as ``data status`` shows it."""

    release_key: str
    release_id: int
    family: str
    label: str
    effective_start: date
    effective_end: date
    source_name: str
    source_sha256: str
    imported_at: str
    row_count: int
    table: str


class DataCoverage(BaseModel):
    """Which release of one data family answered a date of service, and how well.

    ``in_force``: a release in force on the date; ``nearest``: answered from
    another release (``release`` names it, ``days_away`` says how far, ``why``
    why it was chosen); ``missing``: nothing loaded, the family was not
    checked at all. A report is never "clean" for a family that is missing.
    """

    model_config = ConfigDict(frozen=True)

    family: str
    title: str
    state: Literal["in_force", "nearest", "missing"]
    release: str | None = None
    effective_start: date | None = None
    effective_end: date | None = None
    days_away: int | None = None
    why: str = ""
