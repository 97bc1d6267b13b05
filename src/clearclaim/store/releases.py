"""Release names and effective date ranges.

CMS publishes the PFS files quarterly (RVUyyA January, B April, C July,
D October; an R suffix marks a revised file) and the NCCI tables quarterly.
A release is in force from its effective start to its effective end; the
``rvu_release_index`` table (CMS's own list of RVU zips with their dates)
overrides the quarter arithmetic where it knows a release (RVU24AR started on
2024-03-09, for instance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

OPEN_END = date(9999, 12, 31)

QUARTER_LETTERS = {"A": 1, "B": 2, "C": 3, "D": 4}
MONTH_QUARTER = {
    "jan": 1, "january": 1, "apr": 2, "april": 2, "jul": 3, "july": 3, "oct": 4, "october": 4,
}  # fmt: skip

#: families that CMS revises once a year (GPCI, localities, anesthesia CF): a
#: file stays in force to the end of its calendar year unless a later one is loaded
ANNUAL_FAMILIES = frozenset({"gpci", "locality_county", "anesthesia_cf"})
#: families whose values change with the fee schedule year on January 1 (RVUs, the
#: conversion factor in the RVU file, GPCIs, the OPPS cap, OPPS and ASC rates): when no
#: loaded release is in force on a date, one of the same calendar year answers before
#: the previous year's (see Store.release_for)
FEE_SCHEDULE_YEAR_FAMILIES = frozenset(
    {"pfs_rvu", "gpci", "locality_county", "anesthesia_cf", "oppscap", "opps_rate", "asc_rate"}
)
#: classification tables with no release cycle: in force from their date on
OPEN_FAMILIES = frozenset({"rbcs", "place_of_service", "rvu_release_index", "conversion_factor"})


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return quarter_start(year, quarter + 1) - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def effective_quarter(posted: date) -> tuple[int, int]:
    """The quarter a file dated ``posted`` is for.

    CMS posts quarterly NCCI and HCPCS files a few weeks before they take
    effect, so a file dated on a quarter's first day is for that quarter and
    one dated any other day is for the next quarter.
    """
    year, quarter = quarter_of(posted)
    if posted == quarter_start(year, quarter):
        return year, quarter
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


@dataclass(frozen=True)
class RvuName:
    """A PFS release name such as RVU24AR (year 2024, quarter A, revised)."""

    year: int
    letter: str
    suffix: str

    @property
    def label(self) -> str:
        return f"RVU{self.year % 100:02d}{self.letter}{self.suffix}"

    @property
    def quarter(self) -> int:
        return QUARTER_LETTERS[self.letter]

    def nominal_range(self) -> tuple[date, date]:
        return quarter_start(self.year, self.quarter), quarter_end(self.year, self.quarter)


_RVU_RE = re.compile(r"rvu(\d{2})([abcd])(r\d?|\d)?(?![a-z])", re.IGNORECASE)
_PPRRVU_RE = re.compile(r"pprrvu(\d{2}|\d{4})_?([a-z]{3})", re.IGNORECASE)


def parse_rvu_name(text: str) -> RvuName | None:
    """Find a PFS release name in a file or folder name ("rvu24ar_jan", "RVU26C.zip",
    "PPRRVU2025_Oct.csv")."""
    match = _RVU_RE.search(text)
    if match:
        suffix = (match.group(3) or "").upper()
        if suffix.isdigit():  # RVU18C1 is a re-post of RVU18C, not a revision
            suffix = ""
        return RvuName(2000 + int(match.group(1)), match.group(2).upper(), suffix)
    match = _PPRRVU_RE.search(text)
    if match and match.group(2).lower() in MONTH_QUARTER:
        year = int(match.group(1))
        year = year if year > 1000 else 2000 + year
        letter = "ABCD"[MONTH_QUARTER[match.group(2).lower()] - 1]
        return RvuName(year, letter, "")
    return None


_ISO_RE = re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)")
_US_RE = re.compile(r"(?<!\d)(\d{2})-(\d{2})-(20\d{2})(?!\d)")
_QUARTER_RE = re.compile(r"(?<!\d)(20\d{2})[ _-]?q([1-4])(?!\d)", re.IGNORECASE)
_YEAR_MONTH_RE = re.compile(r"(?<!\d)(20\d{2})-(\d{2})(?![\d-])")
_MONTH_YEAR_RE = re.compile(
    r"(jan|january|apr|april|jul|july|oct|october)[ _-]?(20\d{2})", re.IGNORECASE
)
_YEAR_MONTHNAME_RE = re.compile(
    r"(?<!\d)(20\d{2})[ _-]?(jan|january|apr|april|jul|july|oct|october)", re.IGNORECASE
)
_YEAR_RE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_SHORT_YEAR_RE = re.compile(r"^(\d{2})(?:locco|[a-z])", re.IGNORECASE)


def date_in_name(name: str) -> date | None:
    """An explicit date in a file name: 2024-07-01, 07-01-2024, 2026Q2, 2024-07, Oct2025."""
    if m := _ISO_RE.search(name):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _US_RE.search(name):
        return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    if m := _QUARTER_RE.search(name):
        return quarter_start(int(m.group(1)), int(m.group(2)))
    if m := _YEAR_MONTH_RE.search(name):
        return date(int(m.group(1)), int(m.group(2)), 1)
    if m := _MONTH_YEAR_RE.search(name):
        return quarter_start(int(m.group(2)), MONTH_QUARTER[m.group(1).lower()])
    if m := _YEAR_MONTHNAME_RE.search(name):
        return quarter_start(int(m.group(1)), MONTH_QUARTER[m.group(2).lower()])
    return None


def year_in_name(name: str) -> int | None:
    if m := _YEAR_RE.search(name):
        return int(m.group(1))
    if m := _SHORT_YEAR_RE.search(name):  # 25LOCCO.csv
        return 2000 + int(m.group(1))
    return None


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def julian_to_iso(value: str | None) -> str | None:
    """CMS Julian dates (YYYYDDD, e.g. 2024183 = 2024-07-01) to ISO text."""
    if not value:
        return None
    text = value.strip()
    if not re.fullmatch(r"\d{7}", text):
        raise ValueError(f"not a CMS Julian date (YYYYDDD): {value!r}")
    year, day = int(text[:4]), int(text[4:])
    if not 1 <= day <= 366:
        raise ValueError(f"day of year out of range: {value!r}")
    return (date(year, 1, 1) + timedelta(days=day - 1)).isoformat()
