"""Reading a claim file for ``scrub``: CSV (plain or gzip), Excel .xlsx or Parquet,
into the text columns the batch validates, each row with the line a user sees.

Practice exports name their columns in many ways: the names each field may
go by are data (``data/claim_columns.yaml``), and ``--map field=Column`` adds
one for a run. Only the claim ID, the date of service and the code are
required; a file without line numbers gets each row's place in its claim,
without units 1, without modifiers none.

Line numbers are the physical lines of the file (a quoted field may span
lines; CRLF ends a line once). A CSV without quoted line breaks is parsed by
Polars (one row per physical line, blank lines included, so row k is line
k + 2); any other CSV by Python's csv module, which counts lines itself. A byte
that is not UTF-8 is read as Windows-1252 and the lines that had one are
named in a warning. Messages never quote the file's rows: claim files carry
patient data.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from clearclaim._yaml import load_yaml
from clearclaim.edits.rules import DATA_DIR
from clearclaim.errors import DataError, FieldError, InputError
from clearclaim.models import DataWarning

#: the fields scrub reads, in the order of the claim line
FIELDS = ("claim_id", "line", "date_of_service", "pos", "code", "modifiers", "units")
#: the column that carries each row's line in the file while it is read (a name
#: no export uses: a file may have its own "line_number")
PHYSICAL_LINE = "__physical_line__"
#: a cell quoted in an error or finding is cut to this many characters
VALUE_CHARS = 40
PARQUET_SUFFIXES = (".parquet", ".pq")
#: how many rows of a worksheet may stand above its header (a report's title)
HEADER_SEARCH_ROWS = 20
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

ERROR_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "claim_id": pl.String(),
    "line": pl.String(),
    "field": pl.String(),
    "value": pl.String(),
    "reason": pl.String(),
}


@dataclass
class ClaimFile:
    """A claim file read: the text of each field, with ``line_number``."""

    frame: pl.DataFrame
    #: field -> the file's column(s) it was read from (empty: the default)
    columns: dict[str, list[str]]
    blank_lines: int = 0
    #: rows that could not be split into fields (ERROR_SCHEMA)
    rejected: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    warnings: list[DataWarning] = field(default_factory=list)


# -- the column names, as data ---------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    #: field -> its names, normalised (normal_name), in the order listed
    names: dict[str, tuple[str, ...]]
    #: field -> its names as the YAML writes them (for messages)
    shown: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    many: tuple[str, ...]
    date_formats: tuple[tuple[str, str], ...]
    needs_whole_claim: tuple[str, ...]


def normal_name(header: str) -> str:
    """Case, spaces, underscores, dashes, dots, '#' and '/' do not tell names apart."""
    return re.sub(r"[\s_\-./#]+", "", header.strip().lower())


@lru_cache(maxsize=1)
def column_spec() -> ColumnSpec:
    path = DATA_DIR / "claim_columns.yaml"
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        fields = raw["fields"]
        return ColumnSpec(
            names={
                f: tuple(dict.fromkeys(normal_name(n) for n in fields[f]["names"])) for f in FIELDS
            },
            shown={f: tuple(fields[f]["names"]) for f in FIELDS},
            required=tuple(f for f in FIELDS if fields[f].get("required")),
            many=tuple(f for f in FIELDS if fields[f].get("many")),
            date_formats=tuple((d["shape"], d["format"]) for d in raw["date_formats"]),
            needs_whole_claim=tuple(raw["needs_whole_claim"]),
        )
    except (OSError, KeyError, TypeError) as exc:
        raise DataError(f"claim column names are malformed: {exc}", path=str(path)) from exc


def parse_map(text: str | None) -> dict[str, str]:
    """``claim_id=Encounter,code=Proc`` -> {field: column}."""
    if not text:
        return {}
    found: dict[str, str] = {}
    for part in text.split(","):
        name, sep, column = part.partition("=")
        name = name.strip().lower()
        if not sep or not column.strip():
            raise FieldError(
                f"{part.strip()!r} is not FIELD=COLUMN",
                field="--map",
                hint=f"fields: {', '.join(FIELDS)}",
            )
        if name not in FIELDS:
            raise FieldError(
                f"unknown field {name!r}", field="--map", hint=f"fields: {', '.join(FIELDS)}"
            )
        found[name] = column.strip()
    return found


def _short(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def resolve_columns(
    headers: list[str], overrides: dict[str, str], source: str
) -> dict[str, list[str]]:
    """Which header(s) each field is read from; an InputError when a required field
    has none or a field could be two columns."""
    spec = column_spec()
    by_name: dict[str, list[str]] = {}
    for header in headers:
        by_name.setdefault(normal_name(header), []).append(header)
    chosen: dict[str, list[str]] = {}
    taken: set[str] = set()
    for name, column in overrides.items():
        match = [h for h in headers if h == column] or by_name.get(normal_name(column), [])
        if not match:
            raise FieldError(
                f"no column {_short(column)!r} for {name}",
                source=source,
                field="--map",
                hint="columns: " + ", ".join(_short(h) for h in headers[:30]),
            )
        chosen[name] = match[:1]
        taken.add(match[0])
    for name in FIELDS:
        if name in chosen:
            continue
        wanted = set(column_spec().names[name])
        match = [h for h in headers if normal_name(h) in wanted and h not in taken]
        if len(match) > 1 and name not in spec.many:
            raise InputError(
                f"{source}: the columns {', '.join(repr(_short(h)) for h in match)} could "
                f"each be the {name}",
                hint=f"name one with --map {name}=COLUMN",
            )
        chosen[name] = match
        taken.update(match)
    missing = [name for name in spec.required if not chosen[name]]
    if missing:
        tried = "; ".join(f"{m}: {', '.join(spec.shown[m][:6])} ..." for m in missing)
        raise InputError(
            f"{source} has no column for {', '.join(missing)}",
            hint=f"names tried ({tried}); or name it with --map {missing[0]}=COLUMN",
        )
    return chosen


def canonical(frame: pl.DataFrame, columns: dict[str, list[str]]) -> pl.DataFrame:
    """The frame's columns as the fields scrub reads, all text (defaults filled),
    plus line_number and row (the position in the file)."""
    exprs: list[pl.Expr] = []
    for name in FIELDS:
        sources = columns.get(name) or []
        if name == "modifiers":
            if sources:
                parts = [_text(frame, s) for s in sources]
                expr = pl.concat_str(parts, separator=" ", ignore_nulls=True)
            else:
                expr = pl.lit(None, dtype=pl.String)
        elif sources:
            expr = _text(frame, sources[0])
        elif name == "units":
            expr = pl.lit("1")
        else:
            expr = pl.lit(None, dtype=pl.String)
        exprs.append(expr.alias(name))
    out = frame.select(pl.col(PHYSICAL_LINE).alias("line_number"), *exprs)
    # a row with every field empty is a blank line, not an error: only rows without
    # a claim ID can be one, so only those few are looked at closely
    given = [c for c in FIELDS if columns.get(c)]
    maybe = out.select(
        pl.arg_where(pl.col("claim_id").is_null() | (pl.col("claim_id").str.strip_chars() == ""))
    ).to_series()
    if maybe.len():
        blank = (
            out[maybe]
            .select(
                pl.all_horizontal(
                    pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in given
                )
            )
            .to_series()
        )
        drop = maybe.filter(blank)
        if drop.len():
            keep = pl.Series(values=[True] * out.height).scatter(drop, False)
            out = out.filter(keep)
    if not columns.get("line"):
        # no line numbers in the file: each row's place within its claim
        out = out.with_columns(line=(pl.int_range(pl.len()).over("claim_id") + 1).cast(pl.String))
    return out.with_row_index("row")


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.List):
        return pl.col(column).list.eval(pl.element().cast(pl.String)).list.join(" ")
    if dtype == pl.String:
        return pl.col(column)
    if dtype.is_float():
        # a spreadsheet's 1.0 is 1
        as_int = pl.col(column).cast(pl.Int64, strict=False)
        return (
            pl.when(pl.col(column) == as_int).then(as_int.cast(pl.String))
            .otherwise(pl.col(column).cast(pl.String))
        )  # fmt: skip
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return pl.col(column).dt.date().cast(pl.String)
    return pl.col(column).cast(pl.String)


# -- CSV ---------------------------------------------------------------------------------

_decoded = threading.local()


def _windows_1252(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _decoded.positions.append(exc.start)
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("clearclaim-cp1252", _windows_1252)


def decode(data: bytes) -> tuple[bytes, list[int]]:
    """UTF-8 bytes of the file, and the byte offsets that were not UTF-8 (each read
    as Windows-1252)."""
    if data.isascii():
        return data, []
    _decoded.positions = []
    text = data.decode("utf-8", errors="clearclaim-cp1252")
    positions: list[int] = _decoded.positions
    if not positions:
        return data, []
    return text.encode("utf-8"), positions


def _line_of(newlines: np.ndarray, offsets: list[int] | np.ndarray) -> np.ndarray:
    """1-based line numbers of byte offsets."""
    return np.searchsorted(newlines, np.asarray(offsets), side="left") + 1


def read_csv(path: Path) -> tuple[pl.DataFrame, list[str], list[DataWarning], pl.DataFrame]:
    """All columns as text with ``line_number``; the header; warnings; rows that
    could not be split (more fields than the header)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if not data or data.isspace():
        raise InputError(f"{path} is empty")
    if b"\x00" in data[:65536]:
        raise InputError(f"{path} is not a text file (CSV)", hint="scrub reads CSV, .xlsx, Parquet")
    raw = np.frombuffer(data, dtype=np.uint8)
    utf8, bad = decode(data)
    warnings = []
    if bad:
        lines = sorted(set(_line_of(np.flatnonzero(raw == 10), bad).tolist()))
        shown = ", ".join(str(n) for n in lines[:10])
        more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
        warnings.append(
            DataWarning(
                code="not_utf8",
                family="claim_file",
                message=f"{path.name}: line(s) {shown}{more} are not UTF-8; read as "
                "Windows-1252 (save the file as UTF-8 to be sure of its accents)",
            )
        )
    if _simple_layout(data, raw):
        try:
            frame = pl.read_csv(utf8, infer_schema=False)
        except pl.exceptions.PolarsError:
            frame = None  # ragged rows, say: the exact reader below names them
        if frame is not None:
            header = frame.columns
            frame = frame.with_columns(
                pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(PHYSICAL_LINE)
            )
            return frame, header, warnings, pl.DataFrame(schema=ERROR_SCHEMA)
    frame, header, rejected = _read_exact(path, utf8.decode("utf-8"))
    return frame, header, warnings, rejected


def _simple_layout(data: bytes, raw: np.ndarray) -> bool:
    """Whether each physical line is one row as Polars reads it: the header on line 1,
    no quoted line break, every quote closed."""
    if data[:1] in (b"\n", b"\r"):
        return False
    if b'"' not in data:
        return True
    quotes = np.flatnonzero(raw == 34)
    if quotes.size % 2:
        return False
    # quotes pair up in order (an escaped "" is a pair of its own): a line break
    # between the two quotes of a pair is inside a quoted value. Sum the line
    # breaks of each stretch from one quote to the next: the even stretches are
    # the quoted ones.
    sums = np.add.reduceat(raw == 10, quotes, dtype=np.int64)
    return not bool(sums[0::2].any())


def _read_exact(path: Path, text: str) -> tuple[pl.DataFrame, list[str], pl.DataFrame]:
    """Python's csv reader, which counts physical lines; names an unclosed quote."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    errors: list[dict[str, Any]] = []
    start = 1
    try:
        for record in reader:
            if header is None:
                if not any(cell.strip() for cell in record):
                    start = reader.line_num + 1
                    continue
                header = record
            else:
                if len(record) > len(header):
                    errors.append(
                        {
                            "line_number": start,
                            "claim_id": None,
                            "line": None,
                            "field": "(row)",
                            "value": None,
                            "reason": f"the row has {len(record)} fields, the header "
                            f"{len(header)} (an unquoted comma in a value?)",
                        }
                    )
                else:
                    rows.append([*record, *([None] * (len(header) - len(record)))])
                    numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        # an unclosed quote runs to the end of the file or past the field size limit
        text = str(exc)
        unclosed = "end of data" in text or "field limit" in text
        problem = "a quoted field is never closed" if unclosed else text[:80]
        raise FieldError(
            f"{problem}: the file cannot be read past this line",
            source=str(path),
            line=start,
            hint="close the quote or remove it, then run scrub again",
        ) from None
    if header is None:
        raise InputError(f"{path} has no header row")
    names = _unique(header)
    frame = _text_frame(names, rows, numbers)
    rejected = (
        pl.DataFrame(errors, schema=ERROR_SCHEMA) if errors else pl.DataFrame(schema=ERROR_SCHEMA)
    )
    return frame, names, rejected


def _text_frame(names: list[str], rows: list[list[str | None]], numbers: list[int]) -> pl.DataFrame:
    """Rows of cells as a frame of text columns (an empty cell is null, as Polars
    reads one), with ``line_number``."""
    columns: list[tuple[str | None, ...]] = (
        list(zip(*rows, strict=True)) if rows else [() for _ in names]
    )
    return pl.DataFrame(
        {
            name: pl.Series(name, [c if c else None for c in col], dtype=pl.String)
            for name, col in zip(names, columns, strict=True)
        }
    ).with_columns(pl.Series(PHYSICAL_LINE, numbers, dtype=pl.Int64))


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out


# -- Excel and Parquet ------------------------------------------------------------------


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, overrides: dict[str, str]) -> tuple[pl.DataFrame, list[str]]:
    """The first worksheet; line numbers are the sheet's row numbers."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(
            f"cannot read {path} as an Excel workbook ({exc.__class__.__name__})"
        ) from None
    try:
        sheet = book.worksheets[0]
        cells_by_row = [
            (number, [_cell(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    # a report's title lines often stand above the header: the header is the first
    # of the first rows whose names give every required field
    filled = [(n, c) for n, c in cells_by_row if any(x and x.strip() for x in c)]
    if not filled:
        raise InputError(f"{path} has no header row in its first sheet")
    header_at = filled[0][0]
    for number, cells in filled[:HEADER_SEARCH_ROWS]:
        names = [c or f"column_{i + 1}" for i, c in enumerate(cells)]
        try:
            resolve_columns(names, overrides, path.name)
        except InputError:
            continue
        header_at = number
        break
    header = [c or f"column_{i + 1}" for i, c in enumerate(cells_by_row[header_at - 1][1])]
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for number, cells in cells_by_row[header_at:]:
        rows.append((cells + [None] * len(header))[: len(header)])
        numbers.append(number)
    names = _unique(header)
    return _text_frame(names, rows, numbers), names


def read_claims(path: str | Path, column_map: dict[str, str] | None = None) -> ClaimFile:
    """The file's fields as text, one row per claim line, with ``line_number``."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a claim file")
    suffix = path.suffix.lower()
    warnings: list[DataWarning] = []
    rejected = pl.DataFrame(schema=ERROR_SCHEMA)
    if suffix in PARQUET_SUFFIXES:
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise InputError(f"cannot read {path} as Parquet ({exc.__class__.__name__})") from None
        header = frame.columns
        frame = frame.with_columns(
            pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(PHYSICAL_LINE)
        )
    elif suffix in EXCEL_SUFFIXES:
        frame, header = read_xlsx(path, column_map or {})
    else:
        frame, header, warnings, rejected = read_csv(path)
    columns = resolve_columns(
        [h for h in header if h != PHYSICAL_LINE], column_map or {}, path.name
    )
    before = frame.height
    out = canonical(frame, columns)
    return ClaimFile(
        frame=out,
        columns=columns,
        blank_lines=before - out.height,
        rejected=rejected,
        warnings=warnings,
    )


def parse_dates(values: pl.Series) -> pl.Series:
    """Dates of service in any accepted form (claim_columns.yaml), null where none
    fits or the date does not exist. Each form reads only the values still unread
    (an export writes one form: after the first, little is left)."""
    text = values.str.strip_chars().str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "")
    dates = pl.Series(values.name, [None] * len(text), dtype=pl.Date)
    todo = pl.Series(values=range(len(text)), dtype=pl.UInt32)
    for shape, fmt in column_spec().date_formats:
        left = text.gather(todo)
        fits = left.str.contains(shape).fill_null(False)
        if not fits.any():
            continue
        dates = dates.scatter(todo.filter(fits), left.filter(fits).str.to_date(fmt, strict=False))
        todo = todo.filter(~fits)
        if todo.is_empty():
            break
    return dates
