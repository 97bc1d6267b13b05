"""What the code reference (``clearclaim.reference``) reads: one code's rows on one date,
its history across releases, the rows a wRVU rank compares, and the code search index.

Each function takes the store and, for a versioned family, the
:class:`~clearclaim.store.ReleaseChoice` of the date of service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearclaim.store import ReleaseChoice, Store, sql

RVU_COLUMNS = (
    "hcpcs",
    "modifier",
    "description",
    "status_code",
    "work_rvu",
    "pe_rvu_non_facility",
    "na_non_facility",
    "pe_rvu_facility",
    "na_facility",
    "mp_rvu",
    "total_non_facility",
    "total_facility",
    "pctc_indicator",
    "global_days",
    "mult_proc",
    "bilat_surg",
    "asst_surg",
    "co_surg",
    "team_surg",
    "conversion_factor",
    "supervision",
    "imaging_family",
)
AOC_COLUMNS = (
    "edit_type",
    "add_on_code",
    "primary_code",
    "add_on_deletion_date",
    "primary_deletion_date",
    "effective_date",
    "deletion_date",
)


def rvu_rows(store: Store, choice: ReleaseChoice, code: str) -> dict[str, dict[str, Any]]:
    """The PFS rows of ``code`` (global, 26, TC ...) by modifier, as column -> value."""
    rows = store.fetchall(
        f"SELECT {', '.join(RVU_COLUMNS)} FROM pfs_rvu WHERE {choice.sql_in()} AND hcpcs = ?",
        (*choice.ids, code),
    )
    return {row[1]: dict(zip(RVU_COLUMNS, row, strict=True)) for row in rows}


def hcpcs_descriptions(store: Store, choice: ReleaseChoice, code: str) -> dict[str, str]:
    """The HCPCS Level II descriptions of ``code`` by kind ("Short", "Long")."""
    return dict(
        store.fetchall(
            f"SELECT kind, description FROM hcpcs_description WHERE {choice.sql_in()}"
            " AND hcpcs = ?",
            (*choice.ids, code),
        )
    )


def mue_row(store: Store, choice: ReleaseChoice, code: str) -> tuple[Any, Any, Any] | None:
    """(units, MAI, rationale) of ``code`` in one MUE table, or None."""
    row = store.fetchone(
        f"SELECT mue_units, mai, rationale FROM mue WHERE {choice.sql_in()} AND hcpcs = ?",
        (*choice.ids, code),
    )
    return (row[0], row[1], row[2]) if row else None


def aoc_rows(store: Store, choice: ReleaseChoice, code: str, *, as_add_on: bool) -> list[tuple]:
    """Add-on edit rows (``AOC_COLUMNS``) where ``code`` is the add-on or the primary."""
    column = "add_on_code" if as_add_on else "primary_code"
    return store.fetchall(
        f"SELECT {', '.join(AOC_COLUMNS)} FROM aoc WHERE {choice.sql_in()} AND {column} = ?",
        (*choice.ids, code),
    )


def ptp_counts(
    store: Store, choice: ReleaseChoice, code: str, *, column: str, on: str
) -> tuple[int, int]:
    """(edits, edits in force on ``on``) with ``code`` in ``column`` (column_1 or column_2)."""
    _check_column(column)
    total, active = store.fetchone(
        "SELECT COUNT(*), SUM(CASE WHEN deletion_date >= ? THEN 1 ELSE 0 END)"
        f" FROM ptp WHERE {choice.sql_in()} AND {column} = ?",
        (on, *choice.ids, code),
    ) or (0, 0)
    return int(total or 0), int(active or 0)


def ptp_partners(
    store: Store, choice: ReleaseChoice, code: str, *, column: str, on: str, limit: int
) -> list[tuple[str, str, str]]:
    """The other code, modifier indicator and rationale of edits in force on ``on``:
    indicator 0 first, then by code."""
    _check_column(column)
    other = "column_2" if column == "column_1" else "column_1"
    return store.fetchall(
        f"SELECT {other}, modifier_indicator, rationale FROM ptp WHERE {choice.sql_in()}"
        f" AND {column} = ? AND deletion_date >= ? ORDER BY CASE WHEN modifier_indicator = '0'"
        f" THEN 0 ELSE 1 END, {other} LIMIT ?",
        (*choice.ids, code, on, limit),
    )


def _check_column(column: str) -> None:
    if column not in ("column_1", "column_2"):
        raise ValueError(f"not a PTP column: {column}")


def rvu_history_rows(store: Store, code: str) -> dict[int, tuple[Any, ...]]:
    """release_id -> (status, work, PE non-facility, PE facility, MP) of the global row."""
    return {
        r[0]: r[1:]
        for r in store.fetchall(
            "SELECT release_id, status_code, work_rvu, pe_rvu_non_facility, pe_rvu_facility,"
            " mp_rvu FROM pfs_rvu WHERE hcpcs = ? AND modifier = ''",
            (code,),
        )
    }


def ranked_work_rvus(
    store: Store,
    release_ids: Sequence[int],
    statuses: Sequence[str],
    code_range: tuple[str, str] | None = None,
) -> list[tuple[str, float]]:
    """(code, work RVU) of global rows with one of ``statuses`` and work above zero."""
    placeholders = ", ".join("?" for _ in release_ids)
    marks = ", ".join("?" for _ in statuses)
    query = (
        f"SELECT hcpcs, work_rvu FROM pfs_rvu WHERE release_id IN ({placeholders})"
        f" AND modifier = '' AND status_code IN ({marks}) AND work_rvu > 0"
    )
    params: tuple[Any, ...] = (*release_ids, *statuses)
    if code_range is not None:
        query += " AND hcpcs BETWEEN ? AND ?"
        params += code_range
    return [(code, float(work)) for code, work in store.fetchall(query, params)]


# -- the code search index (FTS5 in SQLite) ------------------------------------------

SEARCH_INDEX = "code_search"
SEARCH_META_KEY = "search_index"


def search_index_fingerprint(store: Store) -> str | None:
    value = store.scalar("SELECT value FROM store_meta WHERE key = ?", (SEARCH_META_KEY,))
    return str(value) if value is not None else None


def write_search_index(
    store: Store,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fingerprint: str,
) -> None:
    """Replace the search index with ``rows`` (columns as FTS5 declares them)."""
    names = [c.split()[0] for c in columns]
    # one transaction, the write lock taken first: a reader in another process sees
    # the old index or the new one, never a dropped one
    with sql.immediate_transaction(store.conn):
        sql.create_text_index(store.conn, SEARCH_INDEX, columns)
        sql.insert_many(store.conn, SEARCH_INDEX, names, rows)
        store.conn.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (SEARCH_META_KEY, fingerprint),
        )


def search_vocabulary(store: Store) -> list[str]:
    return sql.text_index_vocabulary(store.conn, SEARCH_INDEX)


def search_code_range(store: Store, prefix: str, limit: int) -> list[tuple[str, str]]:
    """(code, descriptor) of indexed codes starting with ``prefix``, by code."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return store.fetchall(
        f"SELECT code, descriptor FROM {SEARCH_INDEX} WHERE code LIKE ? ESCAPE '\\'"
        " ORDER BY code LIMIT ?",
        (escaped + "%", limit),
    )


def search_code(store: Store, code: str) -> tuple[str, str] | None:
    row = store.fetchone(f"SELECT code, descriptor FROM {SEARCH_INDEX} WHERE code = ?", (code,))
    return (row[0], row[1]) if row else None


def search_text(
    store: Store, groups: Sequence[Sequence[str]], weights: Sequence[float], limit: int
) -> list[tuple[int, float]]:
    """(rowid, BM25 score, higher is better) of rows matching any group of terms."""
    return [
        (int(r[0]), float(r[1]))
        for r in sql.search_text_index(store.conn, SEARCH_INDEX, groups, weights, limit)
    ]


def search_rows(store: Store, rowids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """rowid -> (code, descriptor, stems) of index rows."""
    if not rowids:
        return {}
    return {
        r[0]: (r[1], r[2], r[3])
        for r in store.fetchall(
            f"SELECT rowid, code, descriptor, stems FROM {SEARCH_INDEX} WHERE rowid IN "
            f"({', '.join('?' for _ in rowids)})",
            tuple(rowids),
        )
    }


def search_phrase(store: Store, phrase: str, limit: int) -> list[tuple[int, float]]:
    """(rowid, BM25 score) of rows holding ``phrase``'s words next to each other."""
    return [
        (int(r[0]), float(r[1]))
        for r in sql.search_text_phrase(store.conn, SEARCH_INDEX, phrase, limit)
    ]
