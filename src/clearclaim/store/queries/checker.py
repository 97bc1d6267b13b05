"""What the check asks the store: place-of-service codes, bilateral indicators,
the primaries the CMS add-on file lists for a guidance add-on."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from clearclaim.errors import ReleaseError
from clearclaim.store.store import Store


class PlaceOfService(NamedTuple):
    code: str
    name: str
    assigned: bool


def place_of_service(store: Store, pos: str, day: date) -> PlaceOfService | None:
    """The CMS place-of-service code in force on ``day``, or None when not listed."""
    choice = store.release_for("place_of_service", day)
    row = store.fetchone(
        f"SELECT name, pos_type FROM place_of_service WHERE {choice.sql_in()} AND pos_code = ?",
        (*choice.ids, pos),
    )
    if row is None:
        return None
    return PlaceOfService(pos, row[0] or "", (row[1] or "").lower() != "unassigned")


class PfsIndicator(NamedTuple):
    indicator: str | None
    release: str


#: the PFS indicator columns the checker reads
_PFS_INDICATORS = {"bilateral": "bilat_surg", "pc_tc": "pctc_indicator", "status": "status_code"}


def _pfs_indicator(store: Store, column: str, code: str, day: date) -> PfsIndicator:
    def find() -> PfsIndicator:
        choice = store.release_for("pfs_rvu", day)
        value = store.scalar(
            f"SELECT {column} FROM pfs_rvu WHERE {choice.sql_in()} AND hcpcs = ? AND modifier = ''",
            (*choice.ids, code),
        )
        return PfsIndicator(None if value is None else str(value), choice.release.label)

    return store.remember(("pfs_indicator", column, code, day), find)


def bilateral_indicator(store: Store, code: str, day: date) -> PfsIndicator:
    """The PFS bilateral surgery indicator of ``code`` in the release for ``day``."""
    return _pfs_indicator(store, _PFS_INDICATORS["bilateral"], code, day)


def pctc_indicator(store: Store, code: str, day: date) -> PfsIndicator:
    """The PFS PC/TC indicator of ``code`` in the release for ``day``."""
    return _pfs_indicator(store, _PFS_INDICATORS["pc_tc"], code, day)


def status_code(store: Store, code: str, day: date) -> PfsIndicator:
    """The PFS status code of ``code`` (A active, T bundled beside another service, ...)."""
    return _pfs_indicator(store, _PFS_INDICATORS["status"], code, day)


def add_on_primaries(store: Store, add_on: str, day: date) -> frozenset[str]:
    """The primary codes the NCCI add-on file in use on ``day`` lists for ``add_on``,
    each edit row in force on the day; empty when no add-on file is loaded."""
    return store.remember(
        ("add_on_primaries", add_on, day), lambda: _add_on_primaries(store, add_on, day)
    )


def _aoc_rows(store: Store, day: date, columns: str, key: str, code: str) -> list[tuple[Any, ...]]:
    """Rows of the add-on file in use on ``day`` whose ``key`` column is ``code``."""
    try:
        choice = store.release_for("aoc", day)
    except ReleaseError:
        return []
    return list(
        store.fetchall(
            f"SELECT {columns} FROM aoc WHERE {choice.sql_in()} AND {key} = ?",
            (*choice.ids, code),
        )
    )


def _add_on_primaries(store: Store, add_on: str, day: date) -> frozenset[str]:
    rows = _aoc_rows(
        store,
        day,
        "primary_code, effective_date, deletion_date, add_on_deletion_date, primary_deletion_date",
        "add_on_code",
        add_on,
    )
    iso = day.isoformat()
    return frozenset(
        str(r[0])
        for r in rows
        if (not r[1] or str(r[1]) <= iso)
        and all(not v or iso <= str(v) for v in (r[2], r[3], r[4]))
    )


def add_ons_of(store: Store, primary: str, day: date) -> frozenset[str]:
    """The add-on codes that list ``primary`` among their primaries on ``day``."""
    rows = _aoc_rows(store, day, "DISTINCT add_on_code", "primary_code", primary)
    return frozenset(str(r[0]) for r in rows if primary in add_on_primaries(store, str(r[0]), day))


def short_descriptor(store: Store, code: str, day: date) -> str:
    """CMS's short descriptor of ``code`` in the fee schedule release for ``day``."""

    def find() -> str:
        choice = store.release_for("pfs_rvu", day)
        value = store.scalar(
            f"SELECT description FROM pfs_rvu WHERE {choice.sql_in()} AND hcpcs = ?"
            " AND modifier = ''",
            (*choice.ids, code),
        )
        return str(value or "")

    return store.remember(("short_descriptor", code, day), find)
