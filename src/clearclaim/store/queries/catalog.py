"""The code catalog: the one answer to "is this code known", and what became of it.

Before this module, three checks asked different tables (the code page asked
PFS, HCPCS and MUE; the check added NCCI; pricing asked the PFS release alone)
and could disagree. Every caller now asks here:

- :func:`code_status` -- known or not, deleted (the last day it was valid and
  its successor, where the CMS files give one), and the closest codes when it
  is unknown;
- :func:`is_known` -- the cheap yes/no of the same question;
- :func:`closest_codes` -- codes that look like a mistyped one;
- :func:`descriptors` -- the newest CMS short descriptor of every code.

"Known" means: in any loaded release of the PFS relative value file, the HCPCS
Level II file, the MUE or NCCI PTP tables, or the RBCS classification (which
lists CPT codes with the dates they began and ended). Deletion dates come from
RBCS (``hcpcs_ended``) and the HCPCS record (``termination_date``, with the
``xref`` successor code).
"""

from __future__ import annotations

import contextlib
import difflib
from datetime import date
from functools import lru_cache

from pydantic import BaseModel, Field

from clearclaim.store import Store

OPEN_END = "9999-12-31"
CLOSEST = 5


class CodeStatus(BaseModel):
    """What the loaded CMS files say about one code."""

    code: str
    known: bool = Field(description="In any loaded PFS, HCPCS, MUE, NCCI PTP or RBCS release.")
    deleted: bool = Field(
        default=False, description="The files end the code on or before the date asked about."
    )
    last_valid: date | None = Field(
        default=None, description="Last day the code was valid, when a file ends it."
    )
    successor: str | None = Field(
        default=None, description="The code that replaces it (HCPCS cross-reference), if any."
    )
    source: str | None = Field(default=None, description="The file family that dates the end.")
    closest: list[str] = Field(default_factory=list, description="Look-alike codes when unknown.")

    def describe(self) -> str:
        """'deleted (valid through 2018-12-31; replaced by A4467)', or ''."""
        if not self.deleted:
            return ""
        parts = []
        if self.last_valid:
            parts.append(f"valid through {self.last_valid.isoformat()}")
        if self.successor:
            parts.append(f"replaced by {self.successor}")
        return "deleted" + (f" ({'; '.join(parts)})" if parts else "")


def _release_ids(store: Store, table: str) -> list[int]:
    return [r.release_id for r in store.releases() if r.table == table]


def is_known(store: Store, code: str) -> bool:
    """In any loaded release of the PFS, HCPCS, MUE, NCCI PTP or RBCS files."""
    if store.fetchone("SELECT 1 FROM pfs_rvu WHERE hcpcs = ? LIMIT 1", (code,)):
        return True
    # these tables are indexed by release first: ask release by release
    checks = (
        ("hcpcs_record", "hcpcs"),
        ("mue", "hcpcs"),
        ("rbcs", "hcpcs"),
        ("ptp", "column_1"),
        ("ptp", "column_2"),
    )
    for table, column in checks:
        for release_id in _release_ids(store, table):
            row = store.fetchone(
                f"SELECT 1 FROM {table} WHERE release_id = ? AND {column} = ? LIMIT 1",
                (release_id, code),
            )
            if row:
                return True
    return False


def _store_key(store: Store) -> tuple[int, int]:
    # a new import gives new release ids: the caches below follow it
    return id(store), max((r.release_id for r in store.releases()), default=0)


@lru_cache(maxsize=4)
def _known_codes(key: tuple[int, int], store: Store) -> tuple[str, ...]:
    rows = store.fetchall(
        "SELECT DISTINCT hcpcs FROM pfs_rvu UNION SELECT DISTINCT hcpcs FROM hcpcs_record"
        " UNION SELECT DISTINCT hcpcs FROM mue UNION SELECT DISTINCT hcpcs FROM rbcs"
    )
    return tuple(sorted(r[0] for r in rows if r[0]))


def known_codes(store: Store) -> tuple[str, ...]:
    """Every code of the PFS, HCPCS, MUE and RBCS files, sorted."""
    return _known_codes(_store_key(store), store)


def closest_codes(store: Store, code: str, limit: int = CLOSEST) -> list[str]:
    """Codes that look like ``code``: same first four characters, then by edit distance.

    Only a code-sized input is compared (a 5,000-digit string is nobody's typo).
    """
    code = code.strip().upper()
    if not code or len(code) > 7:
        return []
    known = known_codes(store)
    prefix = [c for c in known if c.startswith(code[:4])] if len(code) >= 4 else []
    close = difflib.get_close_matches(code, known, n=limit, cutoff=0.6)
    return list(dict.fromkeys([*prefix[:limit], *close]))[:limit]


def _ended(store: Store, code: str) -> tuple[date | None, str | None, str | None]:
    """(last valid day, successor, source) from the newest RBCS and HCPCS releases."""
    last: date | None = None
    successor: str | None = None
    source: str | None = None
    for release in sorted(store.releases("rbcs"), key=lambda r: r.effective_start)[-1:]:
        row = store.fetchone(
            "SELECT hcpcs_ended FROM rbcs WHERE release_id = ? AND hcpcs = ?",
            (release.release_id, code),
        )
        if row and row[0] and row[0] < OPEN_END:
            last, source = date.fromisoformat(row[0]), "rbcs"
    for release in sorted(store.releases("hcpcs_record"), key=lambda r: r.effective_start)[-1:]:
        row = store.fetchone(
            "SELECT termination_date, xref FROM hcpcs_record WHERE release_id = ? AND hcpcs = ?",
            (release.release_id, code),
        )
        if row and row[0]:
            with contextlib.suppress(ValueError):  # a malformed date dates nothing
                last, source = date.fromisoformat(row[0]), "hcpcs_record"
            successor = (row[1] or "").strip().upper() or None
    return last, successor, source


def code_status(store: Store, code: str, day: date | None = None) -> CodeStatus:
    """Known, deleted (with its last valid day and successor) and, if unknown, look-alikes.

    ``day`` is the date asked about (default today): a code ended after it is
    not deleted yet.
    """
    code = code.strip().upper()
    if not is_known(store, code):
        return CodeStatus(code=code, known=False, closest=closest_codes(store, code))
    last, successor, source = _ended(store, code)
    on = day or date.today()
    deleted = last is not None and last < on
    return CodeStatus(
        code=code,
        known=True,
        deleted=deleted,
        last_valid=last,
        successor=successor if deleted else None,
        source=source,
    )


def deleted_codes(store: Store, day: date | None = None) -> dict[str, CodeStatus]:
    """Every code the newest RBCS and HCPCS releases end before ``day``, in one pass."""
    on = (day or date.today()).isoformat()
    found: dict[str, CodeStatus] = {}
    for release in sorted(store.releases("rbcs"), key=lambda r: r.effective_start)[-1:]:
        for code, ended in store.fetchall(
            "SELECT hcpcs, hcpcs_ended FROM rbcs WHERE release_id = ? AND hcpcs_ended < ?",
            (release.release_id, on),
        ):
            found[code] = CodeStatus(
                code=code,
                known=True,
                deleted=True,
                last_valid=date.fromisoformat(ended),
                source="rbcs",
            )
    for release in sorted(store.releases("hcpcs_record"), key=lambda r: r.effective_start)[-1:]:
        for code, ended, xref in store.fetchall(
            "SELECT hcpcs, termination_date, xref FROM hcpcs_record WHERE release_id = ?"
            " AND termination_date IS NOT NULL AND termination_date != ''"
            " AND termination_date < ?",
            (release.release_id, on),
        ):
            try:
                last = date.fromisoformat(ended)
            except ValueError:
                continue
            found[code] = CodeStatus(
                code=code,
                known=True,
                deleted=True,
                last_valid=last,
                successor=(xref or "").strip().upper() or None,
                source="hcpcs_record",
            )
    return found


def descriptors(store: Store) -> dict[str, str]:
    """The newest CMS short descriptor of every code in any loaded release."""
    found: dict[str, str] = {}
    releases = sorted(store.releases("pfs_rvu"), key=lambda r: r.effective_start, reverse=True)
    for release in releases:
        for code, text in store.fetchall(
            "SELECT hcpcs, description FROM pfs_rvu WHERE release_id = ? AND modifier = ''",
            (release.release_id,),
        ):
            if text:
                found.setdefault(code, text)
    for release in store.releases("hcpcs_description"):
        for code, text in store.fetchall(
            "SELECT hcpcs, description FROM hcpcs_description WHERE release_id = ?"
            " AND kind = 'Short'",
            (release.release_id,),
        ):
            if text:
                found.setdefault(code, text)
    return found


__all__ = [
    "CodeStatus",
    "closest_codes",
    "code_status",
    "deleted_codes",
    "descriptors",
    "is_known",
    "known_codes",
]
