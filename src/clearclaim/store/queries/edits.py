"""What the edit engine reads from the store: NCCI PTP, MUE and add-on rows, the
fee schedule's status and PC/TC indicators, and the facts about a code's life.

Two kinds of caller: the single-claim path asks for the few rows of the codes
on one claim (indexed look-ups, typed rows back); the batch path exports whole
tables once per store state into Parquet copies, streamed here in chunks of
plain tuples (the column order is named by each function's ``*_COLUMNS``).
Release ids come from :meth:`Store.releases` / :class:`ReleaseChoice.ids`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clearclaim.store import Store
from clearclaim.store.releases import OPEN_END

_OPEN = OPEN_END.isoformat()
#: rows per chunk when a whole table is streamed out
FETCH_ROWS = 200_000

Row = tuple[Any, ...]

#: the add-on file's primary "code" for primaries each MAC defines (AOC type 2:
#: 77001 and 76937 list "CCCCC", not codes)
CONTRACTOR_DEFINED = "CCCCC"


def _day(text: str | None) -> date | None:
    if not text:
        return None
    return date.fromisoformat(text[:10])


def _in(values: Sequence[object]) -> str:
    """Placeholders for ``IN (...)``; ``NULL`` for none, which matches no row."""
    return ", ".join("?" for _ in values) or "NULL"


# -- typed rows (single-claim path) ---------------------------------------------------


@dataclass(frozen=True)
class PtpRow:
    column_1: str
    column_2: str
    deletion_date: date | None
    effective_date: date | None
    modifier_indicator: str
    rationale: str

    def row_text(self) -> str:
        deletion = self.deletion_date.isoformat() if self.deletion_date else ""
        return f"{self.column_1},{self.column_2},{deletion},{self.modifier_indicator}"


@dataclass(frozen=True)
class MueRow:
    code: str
    units: int
    mai: str
    rationale: str

    def row_text(self) -> str:
        return f"{self.code},{self.units},{self.mai}"


@dataclass(frozen=True)
class AocRow:
    edit_type: str
    add_on_code: str
    primary_code: str
    add_on_deletion_date: date | None
    primary_deletion_date: date | None
    effective_date: date | None
    deletion_date: date | None

    def in_force(self, day: date) -> bool:
        return (
            (self.effective_date is None or self.effective_date <= day)
            and (self.deletion_date is None or day <= self.deletion_date)
            and (self.add_on_deletion_date is None or day <= self.add_on_deletion_date)
            and (self.primary_deletion_date is None or day <= self.primary_deletion_date)
        )


@dataclass(frozen=True)
class PfsRow:
    code: str
    status: str
    pctc: str


@dataclass(frozen=True)
class PtpSpan:
    """How many PTP rows name a code in one column, and their last deletion date."""

    count: int
    last_deletion: date | None
    #: an edit with no deletion date (CMS's open end, 9999-12-31) is among them
    still_open: bool


# -- the single-claim path ------------------------------------------------------------


def ptp_rows(store: Store, release_ids: Sequence[int], codes: Sequence[str]) -> list[PtpRow]:
    """Every PTP row of the releases whose two columns are both among ``codes``."""
    if len(codes) < 2 or not release_ids:
        return []
    rows = store.fetchall(
        "SELECT column_1, column_2, deletion_date, effective_date, modifier_indicator,"
        f" rationale FROM ptp WHERE release_id IN ({_in(release_ids)})"
        f" AND column_1 IN ({_in(codes)}) AND column_2 IN ({_in(codes)})",
        (*release_ids, *codes, *codes),
    )
    return [PtpRow(r[0], r[1], _day(r[2]), _day(r[3]), str(r[4]), r[5] or "") for r in rows]


def mue_row(store: Store, release_ids: Sequence[int], code: str) -> MueRow | None:
    """The code's MUE in the releases (the lowest limit when several rows give one)."""
    row = store.fetchone(
        "SELECT hcpcs, mue_units, mai, rationale FROM mue"
        f" WHERE release_id IN ({_in(release_ids)}) AND hcpcs = ? ORDER BY mue_units LIMIT 1",
        (*release_ids, code),
    )
    return MueRow(row[0], int(row[1]), str(row[2]), row[3] or "") if row else None


def pfs_row(store: Store, release_ids: Sequence[int], code: str) -> PfsRow | None:
    """The code's status and PC/TC indicator (its row without a modifier)."""
    row = store.fetchone(
        f"SELECT hcpcs, status_code, pctc_indicator FROM pfs_rvu WHERE release_id IN"
        f" ({_in(release_ids)}) AND hcpcs = ? AND modifier = '' LIMIT 1",
        (*release_ids, code),
    )
    return PfsRow(row[0], row[1] or "", row[2] or "") if row else None


def aoc_rows(store: Store, release_ids: Sequence[int], add_on: str) -> list[AocRow]:
    """Every add-on code edit row of ``add_on`` in the releases."""
    rows = store.fetchall(
        "SELECT edit_type, add_on_code, primary_code, add_on_deletion_date,"
        " primary_deletion_date, effective_date, deletion_date FROM aoc"
        f" WHERE release_id IN ({_in(release_ids)}) AND add_on_code = ?",
        (*release_ids, add_on),
    )
    return [
        AocRow(str(r[0]), r[1], r[2], _day(r[3]), _day(r[4]), _day(r[5]), _day(r[6])) for r in rows
    ]


def hcpcs_dates(
    store: Store, release_ids: Sequence[int], code: str
) -> tuple[date | None, date | None] | None:
    """(termination date, added date) of a code in the HCPCS record, or None."""
    if not release_ids:
        return None
    row = store.fetchone(
        f"SELECT termination_date, added_date FROM hcpcs_record WHERE release_id IN"
        f" ({_in(release_ids)}) AND hcpcs = ? LIMIT 1",
        (*release_ids, code),
    )
    return (_day(row[0]), _day(row[1])) if row else None


def aoc_first_deletion(
    store: Store, release_ids: Sequence[int], code: str, *, as_primary: bool
) -> date | None:
    """The earliest deletion date the add-on file gives ``code`` (as an add-on code,
    or as a primary code)."""
    if not release_ids:
        return None
    column, code_column = (
        ("primary_deletion_date", "primary_code")
        if as_primary
        else ("add_on_deletion_date", "add_on_code")
    )
    row = store.fetchone(
        f"SELECT MIN({column}) FROM aoc WHERE release_id IN ({_in(release_ids)})"
        f" AND {code_column} = ?",
        (*release_ids, code),
    )
    return _day(row[0]) if row else None


def ptp_span(store: Store, release_ids: Sequence[int], code: str, *, column: int) -> PtpSpan:
    """The PTP rows naming ``code`` in column 1 or 2: their count and last deletion."""
    name = "column_1" if column == 1 else "column_2"
    row = store.fetchone(
        f"SELECT COUNT(*), MAX(deletion_date) FROM ptp WHERE release_id IN"
        f" ({_in(release_ids)}) AND {name} = ?",
        (*release_ids, code),
    )
    if not row or not row[0]:
        return PtpSpan(0, None, False)
    last = row[1]
    if last == _OPEN:
        return PtpSpan(int(row[0]), None, True)
    return PtpSpan(int(row[0]), _day(last), False)


def pfs_first_release(store: Store, code: str) -> tuple[date, str] | None:
    """The earliest loaded fee schedule release that lists ``code``: (start, label)."""
    row = store.fetchone(
        "SELECT r.effective_start, r.label FROM pfs_rvu p JOIN releases r"
        " ON p.release_id = r.release_id WHERE p.hcpcs = ? AND p.modifier = ''"
        " ORDER BY r.effective_start LIMIT 1",
        (code,),
    )
    return (date.fromisoformat(row[0]), str(row[1])) if row else None


def code_in_files(store: Store, code: str, ptp_release_ids: Sequence[int]) -> bool:
    """Whether the fee schedule, HCPCS, MUE or add-on files, or the PTP releases
    given, mention the code at all."""
    for query in (
        "SELECT 1 FROM pfs_rvu WHERE hcpcs = ? LIMIT 1",
        "SELECT 1 FROM hcpcs_record WHERE hcpcs = ? LIMIT 1",
        "SELECT 1 FROM mue WHERE hcpcs = ? LIMIT 1",
        "SELECT 1 FROM aoc WHERE add_on_code = ? LIMIT 1",
    ):
        if store.fetchone(query, (code,)):
            return True
    if not ptp_release_ids:
        return False
    for column in ("column_1", "column_2"):
        if store.fetchone(
            f"SELECT 1 FROM ptp WHERE release_id IN ({_in(ptp_release_ids)})"
            f" AND {column} = ? LIMIT 1",
            (*ptp_release_ids, code),
        ):
            return True
    return False


#: tables whose rows carry an effective date when the CMS file has the column
DATED_TABLES = ("aoc", "ptp")


def has_effective_dates(store: Store, table: str, release_id: int) -> bool:
    """Whether a release's rows carry effective dates. A CMS file that has the
    column fills it on every row, so a look at its first rows answers (a scan of
    millions of rows for a NULL test would not use an index)."""
    if table not in DATED_TABLES:
        raise ValueError(f"{table} has no effective dates")
    rows = store.fetchall(
        f"SELECT effective_date FROM {table} WHERE release_id = ? LIMIT 50", (release_id,)
    )
    return any(r[0] for r in rows)


# -- whole tables, streamed (batch path's Parquet copies) ------------------------------


def _stream(store: Store, query: str, params: Sequence[Any]) -> Iterator[list[Row]]:
    """A query's rows in chunks of FETCH_ROWS (bounded memory)."""
    cursor = store.conn.execute(query, tuple(params))
    while True:
        rows = cursor.fetchmany(FETCH_ROWS)
        if not rows:
            return
        yield rows


PTP_COLUMNS = (
    "release_id", "column_1", "column_2", "effective_date", "deletion_date",
    "modifier_indicator", "rationale",
)  # fmt: skip


def stream_ptp(store: Store, release_ids: Sequence[int]) -> Iterator[list[Row]]:
    """Every PTP row of the releases, as :data:`PTP_COLUMNS` (dates as text)."""
    return _stream(
        store,
        f"SELECT {', '.join(PTP_COLUMNS)} FROM ptp WHERE release_id IN ({_in(release_ids)})",
        release_ids,
    )


MUE_COLUMNS = ("release_id", "hcpcs", "mue_units", "mai", "rationale")


def stream_mue(store: Store, release_ids: Sequence[int]) -> Iterator[list[Row]]:
    """Every MUE row of the releases, as :data:`MUE_COLUMNS`."""
    return _stream(
        store,
        f"SELECT {', '.join(MUE_COLUMNS)} FROM mue WHERE release_id IN ({_in(release_ids)})",
        release_ids,
    )


AOC_COLUMNS = (
    "release_id", "edit_type", "add_on_code", "primary_code", "add_on_deletion_date",
    "primary_deletion_date", "effective_date", "deletion_date",
)  # fmt: skip


def stream_aoc(store: Store, release_ids: Sequence[int]) -> Iterator[list[Row]]:
    """Every add-on code edit row of the releases, as :data:`AOC_COLUMNS`."""
    return _stream(
        store,
        f"SELECT {', '.join(AOC_COLUMNS)} FROM aoc WHERE release_id IN ({_in(release_ids)})",
        release_ids,
    )


PFS_COLUMNS = ("release_id", "hcpcs", "status_code", "pctc_indicator", "effective_start", "label")


def stream_pfs_indicators(store: Store, release_ids: Sequence[int]) -> Iterator[list[Row]]:
    """Each fee schedule row without a modifier: status, PC/TC indicator and its
    release's start and label, as :data:`PFS_COLUMNS`."""
    return _stream(
        store,
        "SELECT p.release_id, p.hcpcs, p.status_code, p.pctc_indicator, r.effective_start,"
        " r.label FROM pfs_rvu p JOIN releases r ON p.release_id = r.release_id"
        f" WHERE p.release_id IN ({_in(release_ids)}) AND p.modifier = ''",
        release_ids,
    )


HCPCS_COLUMNS = ("hcpcs", "termination_date", "added_date")


def stream_hcpcs_dates(store: Store, release_ids: Sequence[int]) -> Iterator[list[Row]]:
    """Each HCPCS record's termination and added dates, as :data:`HCPCS_COLUMNS`."""
    return _stream(
        store,
        "SELECT hcpcs, termination_date, added_date FROM hcpcs_record"
        f" WHERE release_id IN ({_in(release_ids)})",
        release_ids,
    )
