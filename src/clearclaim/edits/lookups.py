"""Row lookups for the single-claim path: indexed queries on the store, cached.

The SQL is in ``clearclaim.store.queries.edits``. The batch path reads the
same rows from Parquet copies (cache.py); the rules
that pick among rows (which PTP row applies on a date, how a deletion date is
inferred) live in the rule modules and are shared by both paths.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from clearclaim.store import Store
from clearclaim.store.queries import edits as queries
from clearclaim.store.queries.edits import AocRow, MueRow, PfsRow, PtpRow

__all__ = ["AocRow", "CodeFacts", "Lookups", "MueRow", "PfsRow", "PtpRow"]


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
        return queries.ptp_rows(self.store, keys, codes)

    def ptp_pair(self, keys: tuple[int, ...], code_1: str, code_2: str) -> list[PtpRow]:
        return self.ptp_rows(keys, [code_1, code_2])

    def mue(self, keys: tuple[int, ...], code: str) -> MueRow | None:
        key = (keys, code)
        if key not in self._mue:
            value = queries.mue_row(self.store, keys, code)
            with self._lock:
                self._mue[key] = value
        return self._mue[key]

    def pfs(self, keys: tuple[int, ...], code: str) -> PfsRow | None:
        key = (keys, code)
        if key not in self._pfs:
            value = queries.pfs_row(self.store, keys, code)
            with self._lock:
                self._pfs[key] = value
        return self._pfs[key]

    def aoc(self, keys: tuple[int, ...], add_on: str) -> tuple[AocRow, ...]:
        key = (keys, add_on)
        if key not in self._aoc:
            value = tuple(queries.aoc_rows(self.store, keys, add_on))
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
        added: date | None = None
        hcpcs = queries.hcpcs_dates(self.store, self._latest_keys("hcpcs_record"), code)
        if hcpcs:
            term, added = hcpcs
            if term:
                explicit.append((term, 0, "hcpcs"))
        aoc_keys = tuple(r.release_id for r in self.store.releases("aoc"))
        for as_primary in (False, True):
            day = queries.aoc_first_deletion(self.store, aoc_keys, code, as_primary=as_primary)
            if day:
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
                for column in (1, 2):
                    span = queries.ptp_span(self.store, keys, code, column=column)
                    count += span.count
                    still_open = still_open or span.still_open
                    if span.last_deletion and (latest is None or span.last_deletion > latest):
                        latest = span.last_deletion
            if count and not still_open and latest:
                deleted_on, basis = latest, "ptp"
        candidates: list[tuple[date, int, str, str | None]] = []
        first = queries.pfs_first_release(self.store, code)
        if first:
            candidates.append((first[0], 0, "pfs", first[1]))
        if added:
            candidates.append((added, 1, "hcpcs", None))
        first_effective = first_basis = first_release = None
        if candidates:
            first_effective, _, first_basis, first_release = min(candidates)
        return CodeFacts(code, deleted_on, basis, first_effective, first_basis, first_release)

    def known(self, code: str) -> bool:
        """Whether any loaded file mentions the code (for the ``edits`` command)."""
        keys = [
            k
            for family in ("ptp_practitioner", "ptp_outpatient_hospital")
            for k in self._latest_keys(family)
        ]
        return queries.code_in_files(self.store, code, keys)
