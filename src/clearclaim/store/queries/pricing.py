"""What pricing reads: RVU rows, GPCIs, ZIP localities, the OPPS cap, conversion
factors, places of service and the OPPS / ASC addenda.

Each function takes the store and, for a versioned family, the
:class:`~clearclaim.store.ReleaseChoice` of the date of service, and returns
plain tuples in the column order its docstring names (pricing turns them into
exact decimals itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from clearclaim.store.store import ReleaseChoice, Store

Row = tuple[Any, ...]

#: the pfs_rvu columns a priced row needs, in the order :func:`rvu_rows` returns them
RVU_COLUMNS = (
    "modifier", "description", "status_code", "work_rvu", "pe_rvu_non_facility",
    "na_non_facility", "pe_rvu_facility", "na_facility", "mp_rvu", "pctc_indicator",
    "global_days", "mult_proc", "imaging_family", "supervision", "conversion_factor",
    "opps_pe_non_facility", "opps_pe_facility", "opps_mp",
)  # fmt: skip

_PFS_COLUMNS = frozenset(
    {
        "hcpcs", *RVU_COLUMNS, "total_non_facility", "total_facility", "pre_op", "intra_op",
        "post_op", "bilat_surg", "asst_surg", "co_surg", "team_surg", "pricing_indicator",
        "endo_base", "calculation_flag", "not_used_for_medicare",
    }
)  # fmt: skip


def rvu_rows(store: Store, choice: ReleaseChoice, code: str) -> list[Row]:
    """Every modifier row of ``code`` in the RVU release: :data:`RVU_COLUMNS`."""
    return store.fetchall(
        f"SELECT {', '.join(RVU_COLUMNS)} FROM pfs_rvu WHERE {choice.sql_in()} AND hcpcs = ?",
        (*choice.ids, code),
    )


def rvu_codes(store: Store, choice: ReleaseChoice) -> list[str]:
    """The distinct codes of the RVU release."""
    rows = store.fetchall(f"SELECT DISTINCT hcpcs FROM pfs_rvu WHERE {choice.sql_in()}", choice.ids)
    return sorted(str(r[0]) for r in rows)


def rvu_table(store: Store, choice: ReleaseChoice, columns: Sequence[str]) -> list[Row]:
    """The whole RVU release, ``columns`` in the order given (the fee schedule export)."""
    unknown = [c for c in columns if c not in _PFS_COLUMNS]
    if unknown:
        raise ValueError(f"not pfs_rvu columns: {unknown}")
    return store.fetchall(
        f"SELECT {', '.join(columns)} FROM pfs_rvu WHERE {choice.sql_in()}", choice.ids
    )


class CodeRelease(NamedTuple):
    label: str
    effective_start: str


def releases_with_code(store: Store, code: str) -> list[CodeRelease]:
    """The RVU releases that list ``code``, oldest first."""
    rows = store.fetchall(
        "SELECT DISTINCT r.label, r.effective_start FROM pfs_rvu p"
        " JOIN releases r ON r.release_id = p.release_id WHERE p.hcpcs = ?"
        " ORDER BY r.effective_start",
        (code,),
    )
    return [CodeRelease(str(r[0]), str(r[1])) for r in rows]


def ptp_deletion(
    store: Store, choices: Sequence[ReleaseChoice], code: str
) -> tuple[int, str | None, bool]:
    """How the PTP edits of ``choices`` end for ``code``: (edits naming it, their last
    deletion date, whether any is still open). Every edit of a deleted code ends on
    the day before its deletion."""
    count, last, still_open = 0, None, False
    for choice in choices:
        for column in ("column_1", "column_2"):
            row = store.fetchone(
                f"SELECT COUNT(*), MAX(deletion_date) FROM ptp WHERE {choice.sql_in()}"
                f" AND {column} = ?",
                (*choice.ids, code),
            )
            if row and row[0]:
                count += int(row[0])
                if row[1] == "9999-12-31":
                    still_open = True
                elif row[1] and (last is None or str(row[1]) > last):
                    last = str(row[1])
    return count, last, still_open


def places_of_service(store: Store, choice: ReleaseChoice) -> list[Row]:
    """(pos_code, pos_type, name) of the place of service release."""
    return store.fetchall(
        f"SELECT pos_code, pos_type, name FROM place_of_service WHERE {choice.sql_in()}",
        choice.ids,
    )


def oppscap_rows(store: Store, choice: ReleaseChoice) -> list[Row]:
    """(hcpcs, modifier, carrier, locality, facility_price, non_facility_price)."""
    return store.fetchall(
        "SELECT hcpcs, modifier, carrier, locality, facility_price, non_facility_price"
        f" FROM oppscap WHERE {choice.sql_in()}",
        choice.ids,
    )


class ConversionFactorRow(NamedTuple):
    date_start: str
    date_end: str
    conversion_factor: float | None
    release_id: int


def conversion_factor_history(store: Store) -> list[ConversionFactorRow]:
    """Every row of every conversion factor history loaded, oldest import first."""
    rows = store.fetchall(
        "SELECT c.date_start, c.date_end, c.conversion_factor, c.release_id"
        " FROM conversion_factor c JOIN releases r ON r.release_id = c.release_id"
        " ORDER BY r.imported_at"
    )
    return [ConversionFactorRow(*r) for r in rows]


def gpci_rows(store: Store, choice: ReleaseChoice) -> list[Row]:
    """(mac, locality, state, locality_name, work_gpci, pe_gpci, mp_gpci)."""
    return store.fetchall(
        "SELECT mac, locality, state, locality_name, work_gpci, pe_gpci, mp_gpci"
        f" FROM gpci WHERE {choice.sql_in()}",
        choice.ids,
    )


def zip_locality(store: Store, choice: ReleaseChoice, zip5: str) -> Row | None:
    """(carrier, locality, state, plus_four_flag) of ``zip5``, or None."""
    row = store.fetchone(
        "SELECT carrier, locality, state, plus_four_flag FROM zip_locality"
        f" WHERE {choice.sql_in()} AND zip5 = ?",
        (*choice.ids, zip5),
    )
    return tuple(row) if row else None


def opps_rate(store: Store, choice: ReleaseChoice, code: str) -> Row | None:
    """(status_indicator, apc, payment_rate, relative_weight) of Addendum B, or None."""
    return store.fetchone(
        "SELECT status_indicator, apc, payment_rate, relative_weight FROM opps_rate"
        f" WHERE {choice.sql_in()} AND hcpcs = ?",
        (*choice.ids, code),
    )


def asc_rate(store: Store, choice: ReleaseChoice, code: str) -> Row | None:
    """(payment_indicator, None, payment_rate, payment_weight) of Addendum AA, or None."""
    return store.fetchone(
        "SELECT payment_indicator, NULL, payment_rate, payment_weight FROM asc_rate"
        f" WHERE {choice.sql_in()} AND hcpcs = ?",
        (*choice.ids, code),
    )
