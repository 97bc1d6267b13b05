"""Row lookups for the single-claim path: indexed queries on the store, cached.

The batch path reads the same rows from Parquet copies (cache.py); the rules
that pick among rows (which PTP row applies on a date, how a deletion date is
inferred) live in the rule modules and are shared by both paths.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from clearclaim.store import Store
from clearclaim.store.releases import OPEN_END

_OPEN = OPEN_END.isoformat()


def _day(text: str | None) -> date | None:
    if not text:
        return None
    return date.fromisoformat(text[:10])


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
class CodeFacts:
    """What the loaded files say about a code's life, for codes the fee schedule
    release of a date does not list (see status.py for how they are used)."""

    code: str
    deleted_on: date | None = None
    deletion_basis: str | None = None
    first_effective: date | None = None
    first_basis: str | None = None
    first_release: str | None = None


def _in(values: tuple[object, ...] | list[object]) -> str:
    return ", ".join("?" for _ in values)


class Lookups:
    """Cached row lookups by release keys and code."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._mue: dict[tuple[tuple[int, ...], str], MueRow | None] = {}
        self._pfs: dict[tuple[tuple[int, ...], str], PfsRow | None] = {}
        self._aoc: dict[tuple[tuple[int, ...], str], tuple[AocRow, ...]] = {}
        self._facts: dict[str, CodeFacts] = {}

    def ptp_rows(self, keys: tuple[int, ...], codes: list[str]) -> list[PtpRow]:
        """Every row whose two columns are both among ``codes`` (both directions)."""
        if len(codes) < 2:
            return []
        rows = self.store.fetchall(
            "SELECT column_1, column_2, deletion_date, effective_date, modifier_indicator,"
            f" rationale FROM ptp WHERE release_id IN ({_in(keys)})"
            f" AND column_1 IN ({_in(codes)}) AND column_2 IN ({_in(codes)})",
            (*keys, *codes, *codes),
        )
        return [PtpRow(r[0], r[1], _day(r[2]), _day(r[3]), str(r[4]), r[5] or "") for r in rows]

    def ptp_pair(self, keys: tuple[int, ...], code_1: str, code_2: str) -> list[PtpRow]:
        return self.ptp_rows(keys, [code_1, code_2])

    def mue(self, keys: tuple[int, ...], code: str) -> MueRow | None:
        key = (keys, code)
        if key not in self._mue:
            row = self.store.fetchone(
                "SELECT hcpcs, mue_units, mai, rationale FROM mue"
                f" WHERE release_id IN ({_in(keys)}) AND hcpcs = ? ORDER BY mue_units LIMIT 1",
                (*keys, code),
            )
            value = MueRow(row[0], int(row[1]), str(row[2]), row[3] or "") if row else None
            with self._lock:
                self._mue[key] = value
        return self._mue[key]

    def pfs(self, keys: tuple[int, ...], code: str) -> PfsRow | None:
        key = (keys, code)
        if key not in self._pfs:
            row = self.store.fetchone(
                f"SELECT hcpcs, status_code, pctc_indicator FROM pfs_rvu WHERE release_id IN"
                f" ({_in(keys)}) AND hcpcs = ? AND modifier = '' LIMIT 1",
                (*keys, code),
            )
            value = PfsRow(row[0], row[1] or "", row[2] or "") if row else None
            with self._lock:
                self._pfs[key] = value
        return self._pfs[key]

    def aoc(self, keys: tuple[int, ...], add_on: str) -> tuple[AocRow, ...]:
        key = (keys, add_on)
        if key not in self._aoc:
            rows = self.store.fetchall(
                "SELECT edit_type, add_on_code, primary_code, add_on_deletion_date,"
                " primary_deletion_date, effective_date, deletion_date FROM aoc"
                f" WHERE release_id IN ({_in(keys)}) AND add_on_code = ?",
                (*keys, add_on),
            )
            value = tuple(
                AocRow(str(r[0]), r[1], r[2], _day(r[3]), _day(r[4]), _day(r[5]), _day(r[6]))
                for r in rows
            )
            with self._lock:
                self._aoc[key] = value
        return self._aoc[key]

    # -- a code's life: deletion and first effective dates --------------------

    def facts(self, code: str) -> CodeFacts:
        if code not in self._facts:
            value = self._compute_facts(code)
            with self._lock:
                self._facts[code] = value
        return self._facts[code]

    def _latest_keys(self, family: str) -> tuple[int, ...]:
        infos = self.store.releases(family)
        if not infos:
            return ()
        best = max(infos, key=lambda r: (r.effective_start, r.imported_at))
        return tuple(r.release_id for r in infos if r.label == best.label)

    def _compute_facts(self, code: str) -> CodeFacts:
        """Explicit deletion dates first (HCPCS termination, AOC deletion: the earliest
        wins, HCPCS before AOC on a tie); else the last deletion date of the code's PTP
        edits in the newest release of each PTP table, when every one of them has ended."""
        explicit: list[tuple[date, int, str]] = []
        hcpcs_keys = self._latest_keys("hcpcs_record")
        added: date | None = None
        if hcpcs_keys:
            row = self.store.fetchone(
                f"SELECT termination_date, added_date FROM hcpcs_record WHERE release_id IN"
                f" ({_in(hcpcs_keys)}) AND hcpcs = ? LIMIT 1",
                (*hcpcs_keys, code),
            )
            if row:
                if term := _day(row[0]):
                    explicit.append((term, 0, "hcpcs"))
                added = _day(row[1])
        aoc_keys = tuple(r.release_id for r in self.store.releases("aoc"))
        if aoc_keys:
            row = self.store.fetchone(
                f"SELECT MIN(add_on_deletion_date) FROM aoc WHERE release_id IN ({_in(aoc_keys)})"
                " AND add_on_code = ?",
                (*aoc_keys, code),
            )
            if row and (day := _day(row[0])):
                explicit.append((day, 1, "aoc"))
            row = self.store.fetchone(
                f"SELECT MIN(primary_deletion_date) FROM aoc WHERE release_id IN"
                f" ({_in(aoc_keys)}) AND primary_code = ?",
                (*aoc_keys, code),
            )
            if row and (day := _day(row[0])):
                explicit.append((day, 1, "aoc"))
        deleted_on: date | None = None
        basis: str | None = None
        if explicit:
            deleted_on, _, basis = min(explicit)
        else:
            latest: date | None = None
            count = 0
            still_open = False
            for family in ("ptp_practitioner", "ptp_outpatient_hospital"):
                keys = self._latest_keys(family)
                if not keys:
                    continue
                for column in ("column_1", "column_2"):
                    row = self.store.fetchone(
                        f"SELECT COUNT(*), MAX(deletion_date) FROM ptp WHERE release_id IN"
                        f" ({_in(keys)}) AND {column} = ?",
                        (*keys, code),
                    )
                    if row and row[0]:
                        count += row[0]
                        last = row[1]
                        if last == _OPEN:
                            still_open = True
                        elif last and (latest is None or _day(last) > latest):  # type: ignore[operator]
                            latest = _day(last)
            if count and not still_open and latest:
                deleted_on, basis = latest, "ptp"
        first = self.store.fetchone(
            "SELECT r.effective_start, r.label FROM pfs_rvu p JOIN releases r"
            " ON p.release_id = r.release_id WHERE p.hcpcs = ? AND p.modifier = ''"
            " ORDER BY r.effective_start LIMIT 1",
            (code,),
        )
        candidates: list[tuple[date, int, str, str | None]] = []
        if first:
            candidates.append((date.fromisoformat(first[0]), 0, "pfs", first[1]))
        if added:
            candidates.append((added, 1, "hcpcs", None))
        first_effective = first_basis = first_release = None
        if candidates:
            first_effective, _, first_basis, first_release = min(candidates)
        return CodeFacts(code, deleted_on, basis, first_effective, first_basis, first_release)

    def known(self, code: str) -> bool:
        """Whether any loaded file mentions the code (for the ``edits`` command)."""
        for query in (
            "SELECT 1 FROM pfs_rvu WHERE hcpcs = ? LIMIT 1",
            "SELECT 1 FROM hcpcs_record WHERE hcpcs = ? LIMIT 1",
            "SELECT 1 FROM mue WHERE hcpcs = ? LIMIT 1",
            "SELECT 1 FROM aoc WHERE add_on_code = ? LIMIT 1",
        ):
            if self.store.fetchone(query, (code,)):
                return True
        for family in ("ptp_practitioner", "ptp_outpatient_hospital"):
            keys = self._latest_keys(family)
            if keys and self.store.fetchone(
                f"SELECT 1 FROM ptp WHERE release_id IN ({_in(keys)}) AND column_1 = ? LIMIT 1",
                (*keys, code),
            ):
                return True
            if keys and self.store.fetchone(
                f"SELECT 1 FROM ptp WHERE release_id IN ({_in(keys)}) AND column_2 = ? LIMIT 1",
                (*keys, code),
            ):
                return True
        return False
