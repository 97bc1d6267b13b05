"""Reading a practice's procedure export: CSV or xlsx, columns mapped by name.

Practice systems name their columns differently ("CPT", "CPT Code",
"Procedure", "DOS", "Service Date", "Rendering Provider", "Modifier 1" ...);
the names each field is known by are data (``COLUMN_NAMES``) and ``--map
field=Column`` names any other. Dates are ISO (2024-03-05), MM/DD/YYYY
(03/05/2024, 3/5/2024) or YYYYMMDD (20240305).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

from clearclaim.errors import FieldError, UnreadableFileError

#: field -> the column names practice exports use for it (compared without case,
#: spaces, dots, underscores or dashes)
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("cpt", "cpt code", "cpt/hcpcs", "hcpcs", "hcpcs code", "procedure",
             "procedure code", "proc code", "code", "service code", "cpt4"),
    "date": ("dos", "date of service", "service date", "date", "dos from", "from date",
             "from dos", "date_of_service", "svc date"),
    "provider": ("provider", "rendering provider", "provider name", "physician",
                 "rendering physician", "performing provider", "clinician", "npi",
                 "rendering npi"),
    "units": ("units", "unit", "qty", "quantity", "service units", "days or units"),
    "modifier1": ("modifier 1", "modifier1", "mod 1", "mod1", "modifier"),
    "modifier2": ("modifier 2", "modifier2", "mod 2", "mod2"),
    "modifier3": ("modifier 3", "modifier3", "mod 3", "mod3"),
    "modifier4": ("modifier 4", "modifier4", "mod 4", "mod4"),
    "modifiers": ("modifiers", "mods"),
    "pos": ("pos", "place of service", "pos code", "place"),
}  # fmt: skip
FIELDS = tuple(COLUMN_NAMES)

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _norm(name: str) -> str:
    return re.sub(r"[\s._\-/#]+", "", name.strip().lower())


def parse_date(text: str) -> date:
    """ISO, MM/DD/YYYY or YYYYMMDD; a ValueError names what was wrong."""
    value = text.strip()
    if not value:
        raise ValueError("no date")
    try:
        if m := _US_DATE.match(value):
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if m := _COMPACT_DATE.match(value):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)") from None


def parse_map(items: list[str] | None) -> dict[str, str]:
    """``--map field=Column`` options."""
    mapping: dict[str, str] = {}
    for item in items or []:
        field, sep, column = item.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise FieldError(f"{item!r} is not FIELD=COLUMN", field="--map")
        if field not in FIELDS:
            raise FieldError(
                f"unknown field {field!r}", field="--map", hint=f"fields: {', '.join(FIELDS)}"
            )
        mapping[field] = column.strip()
    return mapping


def map_columns(header: list[str], overrides: Mapping[str, str], source: str) -> dict[str, int]:
    """field -> column index; the code and date columns are required."""
    by_name = {_norm(h): i for i, h in enumerate(header) if h}
    found: dict[str, int] = {}
    for field, column in overrides.items():
        index = by_name.get(_norm(column))
        if index is None:
            raise FieldError(
                f"no column {column!r} (mapped to {field})",
                source=source,
                line=1,
                hint=f"columns: {', '.join(h for h in header if h)}",
            )
        found[field] = index
    for field, names in COLUMN_NAMES.items():
        if field in found:
            continue
        for name in names:
            index = by_name.get(_norm(name))
            if index is not None and index not in found.values():
                found[field] = index
                break
    missing = [f for f in ("code", "date") if f not in found]
    if missing:
        raise FieldError(
            f"no {' or '.join(missing)} column",
            source=source,
            line=1,
            hint="name it with --map code=COLUMN / --map date=COLUMN; columns: "
            + ", ".join(h for h in header if h),
        )
    return found


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV or xlsx file, the header first."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFileError("no such file", path=str(path))
    if suffix == ".xlsx":
        yield from _xlsx_rows(path)
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(exc.strerror or "cannot read", path=str(path)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    for row in reader:
        yield reader.line_num, [c.strip() for c in row]


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise UnreadableFileError(f"not a readable xlsx workbook ({exc})", path=str(path)) from exc
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
