"""What the wRVU tracker (``clearclaim.wrvu``) reads and writes.

The procedure log is append-only: an entry is inserted once and never
updated; edits and voids are rows of ``wrvu_log_history``. An import is one
transaction, so an import that fails or is killed half way leaves the log as
it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from clearclaim.store import sql
from clearclaim.store.store import ReleaseChoice, Store

#: the columns of :func:`rvu_rows`, in order
RVU_ROW_COLUMNS = (
    "hcpcs", "modifier", "description", "status_code", "work_rvu", "pctc_indicator", "mult_proc",
)  # fmt: skip

#: the columns of :func:`log_rows`, in order
LOG_COLUMNS = (
    "entry_id", "date_of_service", "code", "modifiers", "units", "provider", "pos",
    "source", "source_line", "created_at", "created_by",
)  # fmt: skip

#: the columns a valuation needs (the first of ``LOG_COLUMNS``)
LOG_VALUE_COLUMNS = LOG_COLUMNS[:7]

_INSERT_COLUMNS = (
    "entry_id", "date_of_service", "code", "modifiers", "units", "provider", "pos", "row_key",
    "source", "source_line", "import_id", "created_at", "created_by",
)  # fmt: skip


class NewEntry(NamedTuple):
    """One procedure to append to the log (validated by the caller)."""

    date_of_service: str
    code: str
    modifiers: str
    units: int
    provider: str
    pos: str
    row_key: str
    source: str
    source_line: int | None


class HistoryRow(NamedTuple):
    change_id: int
    entry_id: int
    changed_at: str
    changed_by: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None


class ProviderRow(NamedTuple):
    provider: str
    specialty: str | None
    locality: str | None
    zip_code: str | None


class BenchmarkRow(NamedTuple):
    name: str
    specialty: str
    percentile: float
    annual_wrvu: float
    source_file: str
    loaded_at: str


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- CMS rows the valuation joins to -------------------------------------------------


def rvu_rows(store: Store, choice: ReleaseChoice) -> list[tuple[Any, ...]]:
    """Every row of the PFS relative value file of ``choice`` (``RVU_ROW_COLUMNS``)."""
    return store.fetchall(
        f"SELECT {', '.join(RVU_ROW_COLUMNS)} FROM pfs_rvu WHERE {choice.sql_in()}",
        choice.ids,
    )


# -- the log -------------------------------------------------------------------------


def row_keys(store: Store) -> dict[str, int]:
    """Every entry's duplicate key, with its entry id."""
    return {
        key: entry_id for key, entry_id in store.fetchall("SELECT row_key, entry_id FROM wrvu_log")
    }


def append_entries(
    store: Store,
    entries: Iterable[NewEntry],
    *,
    user: str,
    file_name: str | None = None,
    sha256: str | None = None,
    rows_read: int = 0,
    rows_rejected: int = 0,
    rows_duplicate: int = 0,
) -> tuple[int | None, list[int]]:
    """Append ``entries`` in one transaction: all of them land, or none.

    With ``file_name`` the import is recorded in ``wrvu_imports``. Returns the
    import id (or None) and the new entry ids, in order.
    """
    stamp = now()
    with store._lock, store.conn:
        first = int(store.conn.execute("SELECT COALESCE(MAX(entry_id), 0) FROM wrvu_log")
                    .fetchone()[0]) + 1  # fmt: skip
        import_id: int | None = None
        if file_name is not None:
            import_id = (
                int(
                    store.conn.execute(
                        "SELECT COALESCE(MAX(import_id), 0) FROM wrvu_imports"
                    ).fetchone()[0]
                )
                + 1
            )
        ids: list[int] = []

        def rows() -> Iterable[Sequence[Any]]:
            for offset, entry in enumerate(entries):
                entry_id = first + offset
                ids.append(entry_id)
                yield (entry_id, *entry[:7], entry.source, entry.source_line, import_id, stamp,
                       user)  # fmt: skip

        sql.insert_many(store.conn, "wrvu_log", _INSERT_COLUMNS, rows())
        if import_id is not None:
            store.conn.execute(
                "INSERT INTO wrvu_imports (import_id, file_name, sha256, imported_at, imported_by,"
                " rows_read, rows_added, rows_rejected, rows_duplicate)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (import_id, file_name, sha256, stamp, user, rows_read, len(ids), rows_rejected,
                 rows_duplicate),
            )  # fmt: skip
    return import_id, ids


def log_rows(
    store: Store,
    *,
    provider: str | None = None,
    start: str | None = None,
    end: str | None = None,
    entry_ids: Sequence[int] | None = None,
    after_id: int | None = None,
    columns: Sequence[str] = LOG_COLUMNS,
) -> list[tuple[Any, ...]]:
    """Log entries as first logged (``columns`` of ``LOG_COLUMNS``), oldest first; edits
    are applied by the caller from :func:`history_rows`. Filters are on the logged values
    (the provider's name without regard to case)."""
    where: list[str] = []
    params: list[Any] = []
    if provider is not None:
        where.append("lower(provider) = lower(?)")
        params.append(provider)
    if start is not None:
        where.append("date_of_service >= ?")
        params.append(start)
    if end is not None:
        where.append("date_of_service <= ?")
        params.append(end)
    if entry_ids is not None:
        where.append(f"entry_id IN ({', '.join('?' for _ in entry_ids)})")
        params.extend(entry_ids)
    if after_id is not None:
        where.append("entry_id > ?")
        params.append(after_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return store.fetchall(
        f"SELECT {', '.join(c for c in LOG_COLUMNS if c in columns)} FROM wrvu_log{clause}"
        " ORDER BY entry_id",
        params,
    )


def entry_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM wrvu_log") or 0)


def log_extent(store: Store, up_to: int | None = None) -> tuple[int, int, str | None]:
    """(number of entries, highest entry id, that entry's key), of the entries up to
    ``up_to`` when given: what tells a snapshot of the log from a stale one."""
    clause, params = ("WHERE entry_id <= ?", [up_to]) if up_to is not None else ("", [])
    row = store.fetchone(f"SELECT COUNT(*), MAX(entry_id) FROM wrvu_log {clause}", params) or (
        0,
        None,
    )
    count, last = int(row[0] or 0), int(row[1] or 0)
    key = store.scalar("SELECT row_key FROM wrvu_log WHERE entry_id = ?", (last,))
    return count, last, key


def history_rows(store: Store, entry_ids: Sequence[int] | None = None) -> list[HistoryRow]:
    """Edits and voids, oldest first (of ``entry_ids`` when given)."""
    query = (
        "SELECT change_id, entry_id, changed_at, changed_by, action, field, old_value,"
        " new_value, reason FROM wrvu_log_history"
    )
    params: list[Any] = []
    if entry_ids is not None:
        query += f" WHERE entry_id IN ({', '.join('?' for _ in entry_ids)})"
        params.extend(entry_ids)
    return [HistoryRow(*r) for r in store.fetchall(query + " ORDER BY change_id", params)]


def append_history(
    store: Store,
    entry_id: int,
    changes: Sequence[tuple[str, str | None, str | None, str | None]],
    *,
    action: str,
    user: str,
    reason: str | None = None,
) -> list[int]:
    """Record ``changes`` (field, old value, new value) to one entry in one transaction."""
    stamp = now()
    with store._lock, store.conn:
        first = (
            int(
                store.conn.execute(
                    "SELECT COALESCE(MAX(change_id), 0) FROM wrvu_log_history"
                ).fetchone()[0]
            )
            + 1
        )
        rows = [
            (first + i, entry_id, stamp, user, action, field, old, new, reason)
            for i, (field, old, new, _) in enumerate(changes)
        ]
        sql.insert_many(
            store.conn,
            "wrvu_log_history",
            ("change_id", "entry_id", "changed_at", "changed_by", "action", "field",
             "old_value", "new_value", "reason"),
            rows,
        )  # fmt: skip
    return [r[0] for r in rows]


def imports(store: Store) -> list[tuple[Any, ...]]:
    return store.fetchall(
        "SELECT import_id, file_name, sha256, imported_at, imported_by, rows_read, rows_added,"
        " rows_rejected, rows_duplicate FROM wrvu_imports ORDER BY import_id"
    )


# -- providers and benchmarks --------------------------------------------------------


def set_provider(
    store: Store,
    provider: str,
    *,
    specialty: str | None = None,
    locality: str | None = None,
    zip_code: str | None = None,
) -> ProviderRow:
    """Set what is given of one provider's specialty and locality (the rest is kept)."""
    with store._lock, store.conn:
        old = store.conn.execute(
            "SELECT specialty, locality, zip_code FROM wrvu_providers WHERE provider = ?",
            (provider,),
        ).fetchone() or (None, None, None)
        row = ProviderRow(
            provider,
            specialty if specialty is not None else old[0],
            locality if locality is not None else (None if zip_code else old[1]),
            zip_code if zip_code is not None else (None if locality else old[2]),
        )
        store.conn.execute(
            "INSERT INTO wrvu_providers (provider, specialty, locality, zip_code, updated_at)"
            " VALUES (?,?,?,?,?) ON CONFLICT (provider) DO UPDATE SET"
            " specialty = excluded.specialty, locality = excluded.locality,"
            " zip_code = excluded.zip_code, updated_at = excluded.updated_at",
            (*row, now()),
        )
    return row


def providers(store: Store) -> dict[str, ProviderRow]:
    return {
        r[0]: ProviderRow(*r)
        for r in store.fetchall(
            "SELECT provider, specialty, locality, zip_code FROM wrvu_providers ORDER BY provider"
        )
    }


def replace_benchmarks(
    store: Store, name: str, rows: Sequence[tuple[str, float, float]], source_file: str
) -> int:
    """Replace the benchmark table ``name`` with ``rows`` (specialty, percentile, wRVU)."""
    stamp = now()
    with store._lock, store.conn:
        store.conn.execute("DELETE FROM wrvu_benchmarks WHERE name = ?", (name,))
        sql.insert_many(
            store.conn,
            "wrvu_benchmarks",
            ("name", "specialty", "percentile", "annual_wrvu", "source_file", "loaded_at"),
            ((name, s, p, w, source_file, stamp) for s, p, w in rows),
        )
    return len(rows)


def benchmarks(store: Store, name: str | None = None) -> list[BenchmarkRow]:
    query = (
        "SELECT name, specialty, percentile, annual_wrvu, source_file, loaded_at"
        " FROM wrvu_benchmarks"
    )
    params: list[Any] = []
    if name is not None:
        query += " WHERE name = ?"
        params.append(name)
    return [
        BenchmarkRow(*r)
        for r in store.fetchall(query + " ORDER BY name, specialty, percentile", params)
    ]
