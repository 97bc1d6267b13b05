"""Row checks and value clean-up, vectorised over a whole file.

A malformed row is reported with file, line, field and value, and left out;
the rest of the file goes on. Title, footnote and blank rows are skipped and
counted, not reported as errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from clearclaim.importers.layouts import HCPCS_PATTERN
from clearclaim.importers.reading import ParsedTable

MAX_KEPT_ERRORS = 10_000


@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str | None
    value: str | None
    message: str

    def as_tuple(self) -> tuple[int | None, str | None, str | None, str]:
        return (self.line, self.field, self.value, self.message)


@dataclass
class CheckedTable:
    frame: pl.DataFrame
    errors: list[RowError]
    error_count: int
    notes_skipped: int
    rows_read: int
    #: rows kept after a clean-up worth saying (a footnote mark after a code)
    notices: list[RowError] = field(default_factory=list)


#: a code followed by a footnote mark (CMS marks some rows with '*', '#' or a
#: Windows-1252 symbol right after the code: "A4341\xff" in OPPS Addendum B 2025)
FOOTNOTE_MARK = r"^([0-9A-Z]{4}[0-9A-Z])[^0-9A-Za-z\s]{1,2}$"


def check_rows(parsed: ParsedTable) -> CheckedTable:
    layout = parsed.layout
    frame = parsed.frame
    # the release column of stacked history files is filled on title and footnote rows too
    data_columns = [c for c in frame.columns if c not in ("_line", layout.release_column)]
    rows_read = frame.height
    filled = pl.sum_horizontal(pl.col(c).is_not_null().cast(pl.Int32) for c in data_columns)
    frame = frame.with_columns(filled.alias("_filled"))

    key = pl.col(layout.key)
    notices: list[RowError] = []
    if layout.key_pattern == HCPCS_PATTERN:
        # a footnote mark after a code is CMS's annotation of the row, not part of the code:
        # the row is data, kept under the code, and the clean-up is reported
        marked = frame.filter(key.str.contains(FOOTNOTE_MARK).fill_null(False))
        for row in marked.head(MAX_KEPT_ERRORS).iter_rows(named=True):
            value = row[layout.key]
            notices.append(
                RowError(
                    row["_line"],
                    layout.key,
                    value,
                    f"footnote mark after code {value[:5]} removed (row kept)",
                )
            )
        if marked.height:
            frame = frame.with_columns(key.str.replace(FOOTNOTE_MARK, "${1}"))
        # some history extracts stored codes as numbers, dropping leading zeros (00100 -> 100):
        # a purely numeric code of fewer than five digits is that, and gets its zeros back
        upper = key.str.to_uppercase()
        frame = frame.with_columns(
            pl.when(upper.str.contains(r"^\d{1,4}$"))
            .then(upper.str.zfill(5))
            .otherwise(upper)
            .alias(layout.key)
        )
    key_ok = key.is_not_null() & key.str.contains(layout.key_pattern)
    # a row with at most one filled cell and no valid key is a title, footnote or blank line
    # CMS footnotes ("*  Payment locality is serviced by two carriers.") sit in the key column
    sentence = key.str.contains(r"^\*|\S+\s+\S+\s+\S+")
    is_note = (~key_ok) & ((pl.col("_filled") <= 1) | sentence.fill_null(False))
    notes_skipped = frame.filter(is_note).height
    frame = frame.filter(~is_note)

    bad_key = frame.filter(~key_ok)
    errors = [
        RowError(
            row["_line"], layout.key, row[layout.key], _key_message(layout.key, row[layout.key])
        )
        for row in bad_key.head(MAX_KEPT_ERRORS).iter_rows(named=True)
    ]
    error_count = bad_key.height
    frame = frame.filter(key_ok)

    bad_lines: set[int] = set()
    # fields past the header's last column would be dropped: the row is reported instead
    if parsed.extra_fields:
        named = _named_count(parsed)
        kept_lines = set(frame["_line"].to_list())
        for line, count, first in parsed.extra_fields:
            if line not in kept_lines:
                continue
            if len(errors) < MAX_KEPT_ERRORS:
                errors.append(
                    RowError(
                        line,
                        f"field {named + 1}",
                        first,
                        f"{count} fields but the header names {named}: the extra fields "
                        "would be lost",
                    )
                )
            error_count += 1
            bad_lines.add(line)
    for column in layout.not_null:
        if column not in frame.columns:
            continue
        empty = frame.filter(
            ~pl.col("_line").is_in(sorted(bad_lines))
            & (pl.col(column).is_null() | (pl.col(column).str.strip_chars() == ""))
        )
        for row in empty.head(MAX_KEPT_ERRORS).iter_rows(named=True):
            errors.append(RowError(row["_line"], column, None, f"{column} is empty"))
        error_count += empty.height
        bad_lines.update(empty["_line"].to_list())
    casts = []
    for column in (*layout.numeric, *layout.integer):
        if column not in frame.columns:
            continue
        cleaned = pl.col(column).str.replace_all(r"[$,\s]", "")
        cleaned = pl.when(cleaned == "").then(None).otherwise(cleaned)
        casted = cleaned.cast(pl.Float64, strict=False)
        if column in layout.integer:
            valid = casted.is_null() | (casted == casted.floor())
            casted = pl.when(valid).then(casted.cast(pl.Int64, strict=False)).otherwise(None)
        kind = "a whole number" if column in layout.integer else "a number"
        if column in layout.non_negative:
            kind = f"{kind} of zero or more"
            casted = pl.when(casted >= 0).then(casted).otherwise(None)
        invalid = frame.filter(
            pl.col(column).is_not_null()
            & (pl.col(column).str.strip_chars() != "")
            & casted.is_null()
            & ~pl.col("_line").is_in(sorted(bad_lines))
        )
        for row in invalid.head(MAX_KEPT_ERRORS).iter_rows(named=True):
            errors.append(
                RowError(row["_line"], column, row[column], f"{row[column]!r} is not {kind}")
            )
        error_count += invalid.height
        bad_lines.update(invalid["_line"].to_list())
        casts.append(casted.alias(column))
    if bad_lines:
        frame = frame.filter(~pl.col("_line").is_in(sorted(bad_lines)))
    if casts:
        frame = frame.with_columns(casts)
    errors.sort(key=lambda e: e.line or 0)
    return CheckedTable(
        frame.drop("_filled"),
        errors[:MAX_KEPT_ERRORS],
        error_count,
        notes_skipped,
        rows_read,
        notices,
    )


def _named_count(parsed: ParsedTable) -> int:
    return max((i + 1 for i, name in enumerate(parsed.source_columns) if name), default=0)


def _key_message(column: str, value: str | None) -> str:
    if value is None:
        return f"{column} is empty"
    return f"{value!r} is not a valid {column}"
