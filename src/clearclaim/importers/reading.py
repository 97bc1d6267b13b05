"""Reading CMS files as CMS ships them: CSV (plain or gzip), tab-delimited text,
fixed-width ZIP5 text, and .xlsx workbooks, with title lines and stacked
multi-row column headers above the data."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import polars as pl

from clearclaim.errors import UnknownLayoutError, UnreadableFileError
from clearclaim.importers.layouts import LAYOUTS, ZIP_LOCALITY, Layout, normalise_header
from clearclaim.importers.limits import Limits

HEADER_SCAN_ROWS = 40
#: columns read past the header's width, to find rows with fields it does not name
EXTRA_COLUMNS = 4
DOCUMENT_SUFFIXES = {".pdf", ".md", ".txt", ".doc", ".docx", ".html", ".htm"}

#: CMS ZIP5 record layout (1-based inclusive positions), from CMS's ZIP5lyout.txt
ZIP5_FIXED_WIDTH: tuple[tuple[str, int, int], ...] = (
    ("state", 1, 2),
    ("zip5", 3, 7),
    ("carrier", 8, 12),
    ("locality", 13, 14),
    ("rural_indicator", 15, 15),
    ("lab_cb_locality", 16, 17),
    ("rural_indicator_2", 18, 18),
    ("plus_four_flag", 21, 21),
    ("part_b_payment_indicator", 23, 23),
    ("year_quarter", 76, 80),
)


@dataclass
class ParsedTable:
    """A file's data rows under the store table's column names, all as text."""

    layout: Layout
    frame: pl.DataFrame  # str columns named as table columns + "_line"
    header_line: int  # 1-based line (or sheet row) of the last header row
    source_columns: list[str]
    #: data rows with more filled fields than the header names: (line, fields, first extra)
    extra_fields: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Payload:
    """The bytes of one file to import, with the name it is known by."""

    name: str  # file name (inside a zip: the member name)
    display: str  # what messages call it: path, or zip path + member
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower()


def gunzip(payload: Payload, limits: Limits | None = None) -> Payload:
    """Unpack a gzip file in bounded steps: past ``limits.max_member_bytes`` it is
    refused before the whole expansion is ever held in memory."""
    limit = (limits or Limits.from_env()).max_member_bytes
    out = bytearray()
    data = payload.data
    try:
        while data:
            inflater = zlib.decompressobj(wbits=31)
            out += inflater.decompress(data, limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
            if len(out) > limit:
                raise (limits or Limits.from_env()).too_big(
                    payload.display, "the gzip file unpacks to more"
                )
            if not inflater.eof:
                raise UnreadableFileError(
                    "truncated gzip file: the compressed data ends before its end marker",
                    path=payload.display,
                    hint="download the file again",
                )
            data = inflater.unused_data  # a gzip file may hold several members
    except zlib.error as exc:
        raise UnreadableFileError(f"not a valid gzip file ({exc})", path=payload.display) from exc
    return Payload(payload.name[: -len(".gz")], payload.display, bytes(out))


def decode_text(payload: Payload) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return payload.data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return payload.data.decode("latin-1")


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines)
    counts = {d: sample.count(d) for d in (",", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","


def _cells(row: list[str]) -> list[str]:
    return [c.replace("\xa0", " ").strip() for c in row]


def detect_header(rows: list[list[str]]) -> tuple[Layout, dict[str, int], int, list[str]] | None:
    """Find the header: one row, or several stacked rows joined per column.

    Title lines above the header (one filled cell, such as the CMS title and
    copyright notice) are skipped. Returns the layout, the column positions,
    the index of the last header row and the joined header names.
    """
    for end in range(min(len(rows), HEADER_SCAN_ROWS)):
        for start in range(end, max(-1, end - 6), -1):
            block = rows[start : end + 1]
            if start < end and sum(1 for c in rows[start] if c) <= 1:
                break  # a title line: stacked headers do not reach above it
            width = max(len(r) for r in block)
            joined = [
                " ".join(r[i] for r in block if i < len(r) and r[i]).strip() for i in range(width)
            ]
            normalised = [normalise_header(name) for name in joined]
            for layout in LAYOUTS:
                positions = layout.match_header(normalised)
                if positions is not None:
                    return layout, positions, end, joined
    return None


def parse_delimited(payload: Payload, text: str) -> ParsedTable:
    head_lines = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = _sniff_delimiter(head_lines)
    reader = csv.reader(head_lines, delimiter=delimiter)
    head_rows: list[list[str]] = []
    row_ends: list[int] = []  # the physical line each record ends on (titles span lines)
    for record in reader:
        head_rows.append(_cells(record))
        row_ends.append(reader.line_num)
    found = detect_header(head_rows)
    if found is None:
        first = ", ".join(head_rows[0][:6]) if head_rows else "empty"
        raise UnknownLayoutError(
            f"no known CMS column layout found in the first {HEADER_SCAN_ROWS} lines"
            f" (first line: {first})",
            path=payload.display,
            hint="see 'clearclaim data layouts' for the files clearclaim reads",
        )
    layout, positions, header_index, joined = found
    width = len(joined)
    header_line = row_ends[header_index]
    data_text = _after_line(text, header_line)
    # read a few columns past the header: a row that fills one has fields the header does
    # not name, which a reader truncating ragged lines would otherwise drop unseen
    read_width = width + EXTRA_COLUMNS
    names = [f"c{i}" for i in range(read_width)]
    try:
        # a first row of empty fields fixes the width: a short first data row (a code
        # alone) is then read with empty fields, not taken as the file's width
        frame = pl.read_csv(
            io.BytesIO((delimiter * (read_width - 1) + "\n" + data_text).encode()),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            new_columns=names,
            truncate_ragged_lines=True,
            quote_char='"',
        ).slice(1)
    except pl.exceptions.NoDataError:
        frame = pl.DataFrame({n: [] for n in names}, schema={n: pl.String for n in names})
    except pl.exceptions.ComputeError as exc:
        raise UnreadableFileError(
            f"cannot parse as delimited text: {exc}", path=payload.display
        ) from exc
    frame = frame.with_row_index("_row", offset=header_line + 1)
    extra = _extra_fields(frame, _named_width(joined), read_width)
    frame = _select(frame.drop("_row"), positions, first_line=header_line + 1)
    return ParsedTable(layout, frame, header_line, joined, extra)


def _after_line(text: str, line: int) -> str:
    """The text after its first ``line`` physical lines."""
    offset = 0
    for _ in range(line):
        found = text.find("\n", offset)
        if found < 0:
            return ""
        offset = found + 1
    return text[offset:]


def _named_width(joined: list[str]) -> int:
    """Columns up to the last one the header names."""
    return max((i + 1 for i, name in enumerate(joined) if name), default=0)


def _extra_fields(frame: pl.DataFrame, named: int, read_width: int) -> list[tuple[int, int, str]]:
    """(line, fields, first extra value) of each row with a filled field past the last
    column the header names (vectorised; quoted delimiters are not fields)."""
    beyond = [f"c{i}" for i in range(named, read_width)]
    if not beyond:
        return []
    filled = [pl.col(c).str.strip_chars().fill_null("") != "" for c in beyond]
    rows = frame.filter(pl.any_horizontal(filled))
    found: list[tuple[int, int, str]] = []
    for row in rows.select("_row", *beyond).iter_rows():
        values = [str(v).strip() if v is not None else "" for v in row[1:]]
        last = max(i for i, v in enumerate(values) if v)
        found.append((int(row[0]), named + last + 1, next(v for v in values if v)))
    return found


def _select(frame: pl.DataFrame, positions: dict[str, int], *, first_line: int) -> pl.DataFrame:
    exprs = []
    for column, index in positions.items():
        source = f"c{index}"
        if source in frame.columns:
            exprs.append(
                pl.col(source).str.replace_all("\u00a0", " ").str.strip_chars().alias(column)
            )
        else:
            exprs.append(pl.lit(None, dtype=pl.String).alias(column))
    return frame.with_row_index("_line", offset=first_line).select(pl.col("_line"), *exprs)


def parse_zip5_fixed_width(payload: Payload, text: str) -> ParsedTable:
    lines = text.splitlines()
    columns: dict[str, list[str | None]] = {name: [] for name, _, _ in ZIP5_FIXED_WIDTH}
    for line in lines:
        for name, start, end in ZIP5_FIXED_WIDTH:
            value = line[start - 1 : end].strip()
            columns[name].append(value or None)
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    frame = frame.with_row_index("_line", offset=1)
    return ParsedTable(ZIP_LOCALITY, frame, 0, [name for name, _, _ in ZIP5_FIXED_WIDTH])


def looks_like_zip5_fixed_width(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    return bool(lines) and all(
        len(ln) >= 75 and ln[2:7].isdigit() and ln[7:12].isdigit() and "," not in ln[:20]
        for ln in lines
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _check_workbook_size(payload: Payload, limits: Limits) -> None:
    """A workbook is a zip: refuse one whose parts unpack past the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload.data)) as archive:
            total = 0
            for info in archive.infolist():
                limits.check_member(payload.display, info.file_size, info.compress_size)
                total += info.file_size
    except zipfile.BadZipFile:
        return  # openpyxl names the broken workbook itself
    if total > limits.max_member_bytes:
        raise limits.too_big(payload.display, f"the workbook unpacks to {total:,} bytes")


def parse_xlsx(payload: Payload, limits: Limits | None = None) -> ParsedTable:
    from openpyxl import load_workbook

    _check_workbook_size(payload, limits or Limits.from_env())

    try:
        workbook = load_workbook(io.BytesIO(payload.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise UnreadableFileError(f"cannot open workbook: {exc}", path=payload.display) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [_cells([_cell_text(v) for v in row]) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    found = detect_header(rows)
    if found is None:
        raise UnknownLayoutError(
            "no known CMS column layout in the first sheet", path=payload.display
        )
    layout, positions, header_index, joined = found
    data_rows = rows[header_index + 1 :]
    width = len(joined)
    named = _named_width(joined)
    extra = [
        (header_index + 2 + i, len(r), next(c for c in r[named:] if c))
        for i, r in enumerate(data_rows)
        if any(r[named:])
    ]
    columns = {
        f"c{i}": [(r[i] if i < len(r) and r[i] != "" else None) for r in data_rows]
        for i in range(width)
    }
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    frame = _select(frame, positions, first_line=header_index + 2)
    return ParsedTable(layout, frame, header_index + 1, joined, extra)


def parse_payload(payload: Payload, limits: Limits | None = None) -> ParsedTable | None:
    """Parse one file; None for documentation (readme PDFs, text notes)."""
    if payload.suffix == ".gz":
        return parse_payload(gunzip(payload, limits), limits)
    if payload.suffix in (".xlsx", ".xlsm"):
        return parse_xlsx(payload, limits)
    if payload.suffix in (".pdf", ".md", ".doc", ".docx", ".html", ".htm"):
        return None
    if payload.suffix not in (".csv", ".txt", ".tsv", ""):
        raise UnreadableFileError(
            f"unsupported file type {payload.suffix!r}",
            path=payload.display,
            hint="clearclaim reads .csv, .csv.gz, .txt, .xlsx and .zip files",
        )
    text = decode_text(payload)
    if payload.suffix == ".txt" and looks_like_zip5_fixed_width(text):
        return parse_zip5_fixed_width(payload, text)
    try:
        return parse_delimited(payload, text)
    except UnknownLayoutError:
        if payload.suffix == ".txt":
            return None  # a readme or record layout, not a data table
        raise
