"""The procedure log: append-only entries in the store, with an edit history.

An entry is written once and never updated in place: ``edit`` and ``void``
add rows to its history (who, when, which field, old and new value, why), and
the log as it stands is the entries with their history applied. An import is
one transaction (all its good rows land, or none), reports each bad row by
line and reason, and recognises rows it already holds, so importing the same
file again adds nothing. The log holds codes, dates, units, modifiers, the
provider's name and the place of service: never note text.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from clearclaim.errors import FieldError, InputError
from clearclaim.store import Store
from clearclaim.store.queries import wrvu as queries
from clearclaim.store.queries.wrvu import NewEntry
from clearclaim.wrvu.contract import Contract, load_contract
from clearclaim.wrvu.models import ImportResult, LogEntry, RowProblem
from clearclaim.wrvu.reading import map_columns, parse_date, read_rows
from clearclaim.wrvu.snapshot import raw_log
from clearclaim.wrvu.value import LOG_SCHEMA, release_map_for

EDITABLE = ("date_of_service", "code", "modifiers", "units", "provider", "pos")
DEFAULT_POS = "11"


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return "unknown"


@dataclass(frozen=True)
class Line:
    """One validated procedure."""

    day: date
    code: str
    modifiers: tuple[str, ...]
    units: int
    provider: str
    pos: str

    def content_key(self) -> str:
        text = "|".join(
            (self.day.isoformat(), self.code, ",".join(sorted(self.modifiers)), str(self.units),
             self.provider.casefold(), self.pos)
        )  # fmt: skip
        return hashlib.sha256(text.encode()).hexdigest()[:24]


class Problem(Exception):
    """A row that cannot be logged: the field and the reason (never raised to a user)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class ProcedureLog:
    """The procedure log of one store."""

    def __init__(self, store: Store, contract: Contract | None = None) -> None:
        self.store = store
        self.contract = contract or load_contract()
        self.releases = release_map_for(store)

    # -- validation ------------------------------------------------------------

    def validate(
        self,
        *,
        day: date | str,
        code: str,
        modifiers: Sequence[str] = (),
        units: int | str | None = 1,
        provider: str | None = None,
        pos: str | None = None,
    ) -> Line:
        """A procedure ready to log, or :class:`Problem` naming the field and the reason."""
        if isinstance(day, str):
            try:
                day = parse_date(day)
            except ValueError as exc:
                raise Problem("date", str(exc)) from None
        code = (code or "").strip().upper()
        if not code:
            raise Problem("code", "no code")
        choice = self.releases.choice(day)
        if choice is None:
            raise Problem(
                "date",
                f"no PFS relative value file of {day.year} is loaded for {day.isoformat()}: "
                "import that year's CMS RVU release",
            )
        label = choice.release.label
        if not self.releases.known(choice, code):
            from clearclaim.pricing.pfs import closest_codes

            close = closest_codes(code, sorted(self.releases.codes[label]))
            hint = f"; closest codes: {', '.join(close)}" if close else ""
            raise Problem("code", f"unknown code {code!r} in {label} (for {day.isoformat()}){hint}")
        mods = tuple(m.strip().upper().lstrip("-") for m in modifiers if m and m.strip())
        for modifier in mods:
            if len(modifier) != 2 or not modifier.isalnum():
                raise Problem("modifier", f"{modifier!r} is not a modifier (two characters)")
        if "26" in mods and "TC" in mods:
            raise Problem("modifier", "26 and TC on one line: log each component on its own line")
        rows = self.releases.row_modifiers(choice, code)
        if "" not in rows and "26" not in mods and "TC" not in mods:
            raise Problem(
                "modifier",
                f"{code} has no global row in {label}: log its professional (26) or "
                "technical (TC) component",
            )
        for component in ("26", "TC"):
            if component in mods and component not in rows:
                raise Problem(
                    "modifier",
                    f"modifier {component} is not valid with {code}: {label} has no "
                    f"{code}-{component} row",
                )
        count = _units(units, self.contract.max_units)
        place = (pos or DEFAULT_POS).strip()
        if place.isdigit() and len(place) == 1:
            place = place.zfill(2)
        if not (len(place) == 2 and place.isdigit()):
            raise Problem("pos", f"{pos!r} is not a place of service code (two digits)")
        return Line(day, code, mods, count, (provider or "").strip(), place)

    # -- adding ----------------------------------------------------------------

    def add(self, line: Line, *, user: str | None = None, again: bool = False) -> int:
        """Log one procedure; an identical entry already logged is refused unless ``again``."""
        keys = queries.row_keys(self.store)
        content = line.content_key()
        occurrence = 1
        while f"{content}#{occurrence}" in keys:
            if not again:
                raise InputError(
                    f"already logged as entry {keys[f'{content}#{occurrence}']}: "
                    f"{line.code} on {line.day.isoformat()}",
                    hint="use --again to log the same procedure once more",
                )
            occurrence += 1
        _, ids = queries.append_entries(
            self.store,
            [_new_entry(line, f"{content}#{occurrence}", "cli", None)],
            user=user or current_user(),
        )
        return ids[0]

    def import_file(
        self,
        path: str | Path,
        *,
        mapping: dict[str, str] | None = None,
        user: str | None = None,
    ) -> ImportResult:
        """Import a CSV or xlsx export: one transaction; bad rows reported, the rest kept."""
        path = Path(path)
        source = path.name
        rows = read_rows(path)
        _, header = next(rows, (1, []))
        columns = map_columns(header, mapping or {}, source)
        result = ImportResult(source=source, columns={f: header[i] for f, i in columns.items()})
        keys = queries.row_keys(self.store)
        seen: dict[str, int] = {}  # content key -> occurrences in this file
        first_line: dict[str, int] = {}
        new: list[NewEntry] = []
        digest = hashlib.sha256()
        for number, cells in rows:
            if not any(cells):
                continue
            digest.update("\x1f".join(cells).encode())
            result.rows_read += 1

            def cell(field: str, cells: list[str] = cells) -> str:
                index = columns.get(field)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            modifiers = [cell(f"modifier{i}") for i in range(1, 5)]
            modifiers += [m for m in cell("modifiers").replace(";", ",").split(",")]
            try:
                line = self.validate(
                    day=cell("date"),
                    code=cell("code"),
                    modifiers=[m for m in modifiers if m],
                    units=cell("units") or 1,
                    provider=cell("provider"),
                    pos=cell("pos") or None,
                )
            except Problem as problem:
                result.problems.append(
                    RowProblem(line=number, status="rejected", field=problem.field,
                               reason=problem.reason)
                )  # fmt: skip
                result.rejected += 1
                continue
            content = line.content_key()
            occurrence = seen.get(content, 0) + 1
            seen[content] = occurrence
            key = f"{content}#{occurrence}"
            if key in keys:
                result.duplicates += 1
                result.problems.append(
                    RowProblem(
                        line=number,
                        status="duplicate",
                        reason=f"already logged as entry {keys[key]}: not imported again",
                    )
                )
                continue
            if occurrence > 1:
                result.flagged += 1
                result.problems.append(
                    RowProblem(
                        line=number,
                        status="flagged",
                        reason=f"same procedure, provider and date as line "
                        f"{first_line[content]}: logged, check it is not a duplicate",
                    )
                )
            first_line.setdefault(content, number)
            new.append(_new_entry(line, key, source, number))
        import_id, ids = queries.append_entries(
            self.store,
            new,
            user=user or current_user(),
            file_name=source,
            sha256=digest.hexdigest(),
            rows_read=result.rows_read,
            rows_rejected=result.rejected,
            rows_duplicate=result.duplicates,
        )
        result.import_id = import_id
        result.entry_ids = ids
        result.added = len(ids)
        return result

    # -- the log as it stands ----------------------------------------------------

    def frame(
        self,
        *,
        provider: str | None = None,
        start: date | None = None,
        end: date | None = None,
        include_voided: bool = False,
        full: bool = False,
    ) -> pl.DataFrame:
        """The log with its edits applied (``LOG_SCHEMA`` plus ``voided``; with ``full``
        also ``source``, ``source_line``, ``created_at``, ``created_by``), oldest first."""
        history = queries.history_rows(self.store)
        columns = queries.LOG_COLUMNS if full else queries.LOG_VALUE_COLUMNS
        # filters go to the store unless an edit moved an entry in or out of them
        moved = any(h.field in ("provider", "date_of_service") for h in history)
        pushed = {} if moved else {
            "provider": provider,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        }  # fmt: skip
        schema: dict[str, pl.DataType] = {
            **{k: v for k, v in LOG_SCHEMA.items() if k != "date_of_service"},
            "date_of_service": pl.String(),
            "source": pl.String(),
            "source_line": pl.Int64(),
            "created_at": pl.String(),
            "created_by": pl.String(),
        }
        raw = None if full else raw_log(self.store, schema)
        if raw is not None:  # a large log: its snapshot, edits applied as frames
            raw = _apply_history_frame(raw, history)
        else:
            rows = queries.log_rows(self.store, columns=columns, **pushed)  # type: ignore[arg-type]
            if history:
                rows = _apply_history(rows, history, columns)
            data: dict[str, Any] = (
                dict(zip(columns, (list(c) for c in zip(*rows, strict=True)), strict=True))
                if rows
                else {c: [] for c in columns}
            )
            raw = pl.DataFrame(data, schema={c: schema[c] for c in columns})
        voided = {h.entry_id for h in history if h.action == "void"}
        frame = raw.with_columns(
            pl.col("date_of_service").str.to_date(),
            pl.col("modifiers").fill_null(""),
            pl.col("provider").fill_null(""),
            pl.col("entry_id").is_in(list(voided)).alias("voided"),
        )
        extra = [c for c in queries.LOG_COLUMNS if c in columns and c not in LOG_SCHEMA]
        frame = frame.select(*LOG_SCHEMA, "voided", *extra)
        if not include_voided:
            frame = frame.filter(~pl.col("voided"))
        if provider is not None:
            frame = frame.filter(pl.col("provider").str.to_lowercase() == provider.lower())
        if start is not None:
            frame = frame.filter(pl.col("date_of_service") >= start)
        if end is not None:
            frame = frame.filter(pl.col("date_of_service") <= end)
        return frame

    def entry(self, entry_id: int) -> LogEntry:
        frame = self.frame(include_voided=True, full=True).filter(pl.col("entry_id") == entry_id)
        if frame.is_empty():
            raise FieldError(f"no log entry {entry_id}", field="ID")
        row = frame.row(0, named=True)
        return LogEntry(
            entry_id=row["entry_id"],
            date_of_service=row["date_of_service"],
            code=row["code"],
            modifiers=[m for m in row["modifiers"].split(",") if m],
            units=row["units"],
            provider=row["provider"],
            pos=row["pos"],
            voided=row["voided"],
            source=row["source"] or "",
            source_line=row["source_line"],
        )

    # -- edits ---------------------------------------------------------------------

    def edit(
        self,
        entry_id: int,
        *,
        user: str | None = None,
        reason: str | None = None,
        **changes: Any,
    ) -> list[queries.HistoryRow]:
        """Change fields of one entry: each change is a history row; the entry is not touched."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise FieldError(f"cannot edit {', '.join(sorted(unknown))}", field="edit")
        entry = self.entry(entry_id)
        if entry.voided:
            raise InputError(f"log entry {entry_id} is void: it cannot be edited")
        old = {
            "date_of_service": entry.date_of_service.isoformat(),
            "code": entry.code,
            "modifiers": ",".join(entry.modifiers),
            "units": str(entry.units),
            "provider": entry.provider,
            "pos": entry.pos,
        }
        new = dict(old)
        for field, value in changes.items():
            if value is None:
                continue
            if field == "modifiers":
                value = ",".join(value) if isinstance(value, (list, tuple)) else str(value)
            new[field] = str(value)
        try:
            line = self.validate(
                day=new["date_of_service"],
                code=new["code"],
                modifiers=[m for m in new["modifiers"].split(",") if m],
                units=new["units"],
                provider=new["provider"],
                pos=new["pos"],
            )
        except Problem as problem:
            raise FieldError(
                problem.reason, source=f"log entry {entry_id}", field=problem.field
            ) from None
        final = {
            "date_of_service": line.day.isoformat(),
            "code": line.code,
            "modifiers": ",".join(line.modifiers),
            "units": str(line.units),
            "provider": line.provider,
            "pos": line.pos,
        }
        diffs = [(f, old[f], final[f], None) for f in EDITABLE if final[f] != old[f]]
        if not diffs:
            raise InputError(f"log entry {entry_id}: nothing to change")
        queries.append_history(
            self.store, entry_id, diffs, action="edit", user=user or current_user(), reason=reason
        )
        return queries.history_rows(self.store, [entry_id])

    def void(self, entry_id: int, *, reason: str, user: str | None = None) -> None:
        """Take an entry out of every total; it stays in the log with its history."""
        if not reason or not reason.strip():
            raise FieldError("a void needs a reason", field="--reason")
        entry = self.entry(entry_id)
        if entry.voided:
            raise InputError(f"log entry {entry_id} is already void")
        queries.append_history(
            self.store, entry_id, [("voided", "no", "yes", None)], action="void",
            user=user or current_user(), reason=reason.strip(),
        )  # fmt: skip

    def history(self, entry_id: int | None = None) -> list[dict[str, Any]]:
        rows = queries.history_rows(self.store, [entry_id] if entry_id is not None else None)
        return [r._asdict() for r in rows]

    # -- export ------------------------------------------------------------------------

    def export(self, path: str | Path, *, include_voided: bool = True) -> int:
        """Write the log as it stands to .csv, .parquet or .xlsx; returns the row count."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".csv", ".parquet", ".xlsx"):
            raise FieldError(
                f"cannot write {target.name}: the export is .csv, .parquet or .xlsx",
                field="FILE",
            )
        frame = self.frame(include_voided=include_voided, full=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            frame.write_csv(target)
        elif suffix == ".parquet":
            frame.write_parquet(target)
        else:
            _write_xlsx(frame, target)
        return frame.height


def _units(value: int | str | None, limit: int) -> int:
    text = str(value if value is not None else 1).strip()
    try:
        number = float(text)
    except ValueError:
        raise Problem("units", f"{text!r} is not a number of units") from None
    if not number.is_integer():
        raise Problem("units", f"{text} is not a whole number of units")
    if number < 1:
        raise Problem("units", f"{text} units: a procedure is logged with 1 or more units")
    if number > limit:
        raise Problem("units", f"{text} units is more than {limit} on one line (max_units)")
    return int(number)


def _new_entry(line: Line, key: str, source: str, number: int | None) -> NewEntry:
    return NewEntry(
        line.day.isoformat(), line.code, ",".join(line.modifiers), line.units, line.provider,
        line.pos, key, source, number,
    )  # fmt: skip


def _apply_history(
    rows: list[tuple[Any, ...]], history: Iterable[queries.HistoryRow], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    history = list(history)
    touched = {h.entry_id for h in history if h.action == "edit"}
    position = {row[0]: i for i, row in enumerate(rows) if row[0] in touched}
    index = {name: i for i, name in enumerate(columns)}
    patched = dict[int, list[Any]]()
    for change in history:
        if change.action != "edit" or change.field not in index:
            continue
        at = position.get(change.entry_id)
        if at is None:
            continue
        row = patched.setdefault(at, list(rows[at]))
        value: Any = change.new_value
        if change.field == "units":
            value = int(value)
        row[index[change.field]] = value
    if not patched:
        return rows
    rows = list(rows)
    for at, row in patched.items():
        rows[at] = tuple(row)
    return rows


def _apply_history_frame(
    frame: pl.DataFrame, history: Iterable[queries.HistoryRow]
) -> pl.DataFrame:
    """The edits of ``history`` applied to a frame of entries (the last edit of a field wins)."""
    latest: dict[str, dict[int, str | None]] = {}
    for change in history:
        if change.action == "edit" and change.field in frame.columns:
            latest.setdefault(change.field, {})[change.entry_id] = change.new_value
    for field, values in latest.items():
        dtype = frame.schema[field]
        edits = pl.DataFrame(
            {"entry_id": list(values), "_new": list(values.values())},
            schema={"entry_id": pl.Int64(), "_new": pl.String()},
        ).with_columns(pl.col("_new").cast(dtype))
        frame = (
            frame.join(edits, on="entry_id", how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("entry_id").is_in(list(values)))
                .then(pl.col("_new"))
                .otherwise(pl.col(field))
                .alias(field)
            )
            .drop("_new")
        )
    return frame


def _write_xlsx(frame: pl.DataFrame, target: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("log")
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    book.save(target)
