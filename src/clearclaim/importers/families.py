"""From checked rows to releases: which family a file belongs to, which
release(s) it holds, their effective dates, and the per-family value clean-up
(zero-padded localities, CMS Julian dates, '*' for no deletion date ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from clearclaim.errors import DataError
from clearclaim.importers.layouts import Layout
from clearclaim.store import Store
from clearclaim.store.queries.importing import indexed_release
from clearclaim.store.releases import (
    ANNUAL_FAMILIES,
    OPEN_END,
    OPEN_FAMILIES,
    RvuName,
    date_in_name,
    effective_quarter,
    parse_iso,
    parse_rvu_name,
    quarter_end,
    quarter_start,
    year_in_name,
)
from clearclaim.store.schema import TABLES

#: families shipped in the quarterly PFS bundle (their release is an RVUyyX name)
PFS_BUNDLE = {"pfs_rvu", "gpci", "locality_county", "anesthesia_cf", "oppscap"}


@dataclass
class ImportContext:
    """What is known about a file besides its rows."""

    hints: list[str]  # file name first, then zip member / zip / folder names
    release: str | None = None  # user override, e.g. RVU26A or 2026-04-01
    effective: date | None = None  # user override of the effective start


@dataclass
class PlannedRelease:
    family: str
    label: str
    start: date
    end: date
    table: str
    frame: pl.DataFrame
    detail: str = ""
    columns: list[str] = field(default_factory=list)
    part: str = ""


_PART_RE = re.compile(r"(?:^|[-_])(f\d)(?=[-_.]|$)", re.IGNORECASE)


def part_of(name: str) -> str:
    """CMS splits the PTP tables into files f1..f4 of one release."""
    match = _PART_RE.search(name)
    return match.group(1).lower() if match else ""


def _pad(column: str, width: int) -> pl.Expr:
    col = pl.col(column).str.strip_chars()
    return (
        pl.when(col.str.contains(r"^\d+$")).then(col.str.zfill(width)).otherwise(col).alias(column)
    )


def _julian(column: str) -> pl.Expr:
    col = pl.col(column).str.strip_chars()
    return (
        pl.when(col.str.contains(r"^\d{7}$"))
        .then(
            pl.date(col.str.slice(0, 4).cast(pl.Int32), 1, 1).dt.offset_by(
                (col.str.slice(4, 3).cast(pl.Int32) - 1).cast(pl.String) + "d"
            )
        )
        .otherwise(None)
        .dt.to_string("%Y-%m-%d")
        .alias(column)
    )


def _date_text(column: str, *, star_is_open: bool = False) -> pl.Expr:
    """ISO text from YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY; '*' (no date) as 9999-12-31."""
    col = pl.col(column).str.strip_chars()
    expr = (
        pl.when(col.str.contains(r"^\d{8}$"))
        .then(col.str.slice(0, 4) + "-" + col.str.slice(4, 2) + "-" + col.str.slice(6, 2))
        .when(col.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$"))
        .then(
            col.str.extract(r"/(\d{4})$")
            + "-"
            + col.str.extract(r"^(\d{1,2})/").str.zfill(2)
            + "-"
            + col.str.extract(r"/(\d{1,2})/").str.zfill(2)
        )
        .otherwise(col.str.slice(0, 10))
    )
    if star_is_open:
        expr = (
            pl.when(col.is_null() | (col == "*") | (col == ""))
            .then(pl.lit("9999-12-31"))
            .otherwise(expr)
        )
    return expr.alias(column)


def clean_values(layout: Layout, frame: pl.DataFrame) -> pl.DataFrame:
    table = layout.table
    if table == "pfs_rvu":
        frame = frame.with_columns(
            pl.col("modifier").fill_null(""),
            _pad("global_days", 3),
            _pad("supervision", 2),
        )
    elif table in ("gpci", "locality_county", "anesthesia_cf"):
        frame = frame.with_columns(_pad("mac", 5), _pad("locality", 2))
        if table == "locality_county" and "state" in frame.columns:
            # CMS leaves the state blank on continuation rows of the same state
            frame = frame.with_columns(pl.col("state").forward_fill())
    elif table == "oppscap":
        frame = frame.with_columns(
            pl.col("modifier").fill_null(""), _pad("carrier", 5), _pad("locality", 2)
        )
    elif table == "zip_locality":
        frame = frame.with_columns(_pad("carrier", 5), _pad("locality", 2))
    elif table == "ptp":
        frame = frame.with_columns(
            _date_text("deletion_date", star_is_open=True),
            _date_text("effective_date") if "effective_date" in frame.columns else pl.lit(None),
            pl.col("column_2").str.to_uppercase(),
        )
    elif table == "mue":
        frame = frame.with_columns(pl.col("mai").str.extract(r"^\s*(\d)"))
    elif table == "aoc":
        frame = frame.with_columns(pl.col("primary_code").str.to_uppercase())
        for column in (
            "add_on_deletion_date",
            "primary_deletion_date",
            "effective_date",
            "deletion_date",
        ):
            if column in frame.columns:
                frame = frame.with_columns(
                    pl.when(pl.col(column).str.contains(r"^\d{7}$"))
                    .then(_julian(column))
                    .otherwise(_date_text(column))
                    .alias(column)
                )
    elif table == "opps_rate" or table == "asc_rate":
        frame = frame.with_columns(pl.col("hcpcs").str.strip_chars())
    return frame


def family_for(layout: Layout, frame: pl.DataFrame, hints: list[str], display: str) -> str:
    if layout.table == "ptp":
        setting = _setting(
            hints, ("practitioner", "ccipra", "prac"), ("outpatient", "ccioph", "hospital")
        )
        if setting is None:
            raise DataError(
                "cannot tell whether these PTP edits are the practitioner or the outpatient "
                "hospital table",
                path=display,
                hint="keep 'practitioner' or 'outpatient' (CMS: ccipra/ccioph) in the file name",
            )
        return f"ptp_{setting}"
    if layout.table == "mue":
        hint_text = " ".join(hints)
        if "service" in frame.columns and frame.height:
            hint_text = f"{frame['service'][0]} {hint_text}"
        lowered = hint_text.lower()
        if "dme" in lowered:
            return "mue_dme_supplier"
        setting = _setting([lowered], ("practitioner",), ("outpatient", "hospital"))
        if setting is None:
            raise DataError(
                "cannot tell which MUE table this is (practitioner, outpatient hospital, DME)",
                path=display,
                hint="keep the CMS file name, which names the service",
            )
        return f"mue_{setting}"
    return layout.table


def _setting(
    hints: list[str], practitioner: tuple[str, ...], hospital: tuple[str, ...]
) -> str | None:
    for hint in hints:
        lowered = hint.lower()
        if any(word in lowered for word in practitioner):
            return "practitioner"
        if any(word in lowered for word in hospital):
            return "outpatient_hospital"
    return None


def rvu_range(store: Store, name: RvuName) -> tuple[date, date]:
    """Effective dates of an RVU release: CMS's release index when loaded, else its quarter."""
    row = indexed_release(store, name.label)
    start, end = name.nominal_range()
    if row:
        start = parse_iso(row.date_start) or start
        end = parse_iso(row.date_end) or end
    return start, end


def plan_releases(
    store: Store, layout: Layout, frame: pl.DataFrame, context: ImportContext, display: str
) -> list[PlannedRelease]:
    family = family_for(layout, frame, context.hints, display)
    table = TABLES[layout.table]
    columns = [c for c in table.data_columns]
    release_col = layout.release_column
    if (
        release_col
        and release_col in frame.columns
        and frame[release_col].null_count() < frame.height
    ):
        plans = []
        for (value,), rows in frame.group_by(release_col, maintain_order=True):
            name = parse_rvu_name(str(value))
            if name is None:
                raise DataError(
                    f"release column value {value!r} is not an RVU release name", path=display
                )
            start, end = _bundle_range(store, family, name)
            plans.append(
                PlannedRelease(family, name.label, start, end, table.name, rows, columns=columns)
            )
        return plans
    label, start, end = _single_release(store, family, frame, context, display)
    part = part_of(context.hints[0]) if family.startswith("ptp_") else ""
    return [
        PlannedRelease(family, label, start, end, table.name, frame, columns=columns, part=part)
    ]


def _bundle_range(store: Store, family: str, name: RvuName) -> tuple[date, date]:
    start, end = rvu_range(store, name)
    if family in ANNUAL_FAMILIES:
        end = date(name.year, 12, 31)
    return start, end


def _single_release(
    store: Store, family: str, frame: pl.DataFrame, context: ImportContext, display: str
) -> tuple[str, date, date]:
    hints = context.hints
    if family in PFS_BUNDLE:
        name = parse_rvu_name(context.release) if context.release else None
        for hint in hints:
            if name is not None:
                break
            name = parse_rvu_name(hint)
            if name is None and (day := date_in_name(hint)):
                name = RvuName(day.year, "ABCD"[(day.month - 1) // 3], "")
        if name is not None:
            start, end = _bundle_range(store, family, name)
            if context.effective:
                start = context.effective
            return name.label, start, end
        year = next((y for h in hints if (y := year_in_name(h))), None)
        if year and family in ANNUAL_FAMILIES:
            return str(year), date(year, 1, 1), date(year, 12, 31)
        raise DataError(
            "cannot tell which PFS release this file belongs to",
            path=display,
            hint="name it as CMS does (PPRRVU26_JUL.csv in RVU26C.zip) or pass --release RVU26C",
        )
    if family == "zip_locality" and "year_quarter" in frame.columns and frame.height:
        value = str(frame["year_quarter"][0] or "")
        if re.fullmatch(r"20\d{2}[1-4]", value):
            year, quarter = int(value[:4]), int(value[4])
            return f"{year}Q{quarter}", quarter_start(year, quarter), quarter_end(year, quarter)
    if family == "conversion_factor":
        starts = [d for d in (parse_iso(v) for v in frame["date_start"].to_list()) if d]
        ends = [d for d in (parse_iso(v) for v in frame["date_end"].to_list()) if d]
        if not starts:
            raise DataError("no dated conversion factor rows", path=display)
        return f"{min(starts).year}-{max(ends).year}", min(starts), max(ends)
    if family == "rvu_release_index":
        return "index", date(1990, 1, 1), OPEN_END
    if family == "rvu_release_contents":
        year = next((y for h in hints if (y := year_in_name(h))), None)
        if year is None:
            raise DataError("cannot tell the year of this release table", path=display)
        return str(year), date(year, 1, 1), date(year, 12, 31)
    posted = context.effective or next((d for h in hints if (d := date_in_name(h))), None)
    if context.release and posted is None:
        posted = parse_iso(context.release)
    if posted is None:
        raise DataError(
            "cannot tell the release date of this file",
            path=display,
            hint="keep CMS's dated file name or pass --effective YYYY-MM-DD",
        )
    if family in OPEN_FAMILIES:
        return posted.isoformat(), posted, OPEN_END
    year, quarter = effective_quarter(posted)
    start = context.effective or quarter_start(year, quarter)
    return start.isoformat(), start, quarter_end(year, quarter)
