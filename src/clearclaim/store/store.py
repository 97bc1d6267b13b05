"""The store: CMS releases with their effective dates, queried by date of service."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from clearclaim.config import default_store_location
from clearclaim.errors import ReleaseError, StoreError
from clearclaim.models import DataCoverage, DataWarning, ReleaseInfo
from clearclaim.store import sql
from clearclaim.store.releases import FEE_SCHEDULE_YEAR_FAMILIES
from clearclaim.store.schema import DATA_TABLES, SCHEMA_VERSION, TABLES

T = TypeVar("T")

FAMILY_TITLES: dict[str, str] = {
    "pfs_rvu": "PFS relative value file",
    "gpci": "GPCI",
    "locality_county": "locality and county file",
    "zip_locality": "ZIP to locality file",
    "conversion_factor": "conversion factor history",
    "anesthesia_cf": "anesthesia conversion factors",
    "oppscap": "OPPS cap file",
    "ptp_practitioner": "NCCI PTP edits, practitioner",
    "ptp_outpatient_hospital": "NCCI PTP edits, outpatient hospital",
    "mue_practitioner": "NCCI MUE, practitioner",
    "mue_outpatient_hospital": "NCCI MUE, outpatient hospital",
    "mue_dme_supplier": "NCCI MUE, DME supplier",
    "aoc": "NCCI add-on code edits",
    "hcpcs_record": "HCPCS Level II record",
    "hcpcs_description": "HCPCS Level II descriptions",
    "hcpcs_noc": "HCPCS Level II NOC codes",
    "rbcs": "Restructured BETOS classification",
    "place_of_service": "place of service codes",
    "opps_rate": "OPPS Addendum B",
    "asc_rate": "ASC Addendum AA",
    "rvu_release_index": "RVU release index",
    "rvu_release_contents": "RVU release contents",
}


#: the families ``data status`` summarises for a date, in the order it shows them
COVERAGE_FAMILIES: tuple[str, ...] = (
    "pfs_rvu", "conversion_factor", "gpci", "locality_county", "zip_locality",
    "anesthesia_cf", "oppscap", "opps_rate", "asc_rate", "ptp_practitioner",
    "ptp_outpatient_hospital", "mue_practitioner", "mue_outpatient_hospital",
    "mue_dme_supplier", "aoc", "hcpcs_record", "place_of_service", "rbcs",
)  # fmt: skip

#: store_meta key present while a build from the shipped files is under way
BUILD_MARK = "build_in_progress"


@dataclass(frozen=True)
class ReleaseChoice:
    """The release used for a date of service, and whether it is really in force then."""

    release: ReleaseInfo
    in_force: bool
    warning: DataWarning | None = None
    #: the ids of every stored part of the release (CMS splits large tables into
    #: several files): filter data tables with ``release_id IN (...)`` over these
    ids: tuple[int, ...] = ()
    #: why this release answers the date when it is not in force (the policy's words)
    reason: str = ""

    @property
    def key(self) -> str:
        return self.release.release_key

    @property
    def id(self) -> int:
        return self.release.release_id

    def sql_in(self) -> str:
        """``release_id IN (?, ...)`` placeholders for ``ids``."""
        return f"release_id IN ({', '.join('?' for _ in self.ids)})"


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A connection to the store plus the release lookup every feature uses.

    ``Store.open()`` opens ``$CLEARCLAIM_DB`` (or the per-user default); it never
    imports (see :func:`clearclaim.importers.ensure_built`).
    """

    def __init__(self, location: str, conn: sql.Connection) -> None:
        self.location = location
        self.conn = conn
        self._lock = threading.RLock()
        self._release_cache: dict[str, list[ReleaseInfo]] | None = None
        # small answers that only change with the loaded releases (see remember)
        self._memo: dict[Hashable, Any] = {}
        #: objects kept for the store's life (the pricer, the edit engine): the
        #: memo's size bound never drops them and their caches
        self._lasting: dict[Hashable, Any] = {}
        self._ensure_schema()

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(cls, location: str | None = None) -> Store:
        """Open ``$CLEARCLAIM_DB`` (or the per-user default). Opening never imports:
        building a store from CMS files is :func:`clearclaim.importers.ensure_built`."""
        location = location or default_store_location()
        return cls(location, sql.connect(location))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        existing = sql.table_names(self.conn)
        missing = [t for t in TABLES.values() if t.name not in existing]
        # a complete store is only read here: opening one while an import writes to it
        # must not wait for the import's write lock
        if (
            missing
            or self.scalar("SELECT COUNT(*) FROM store_meta WHERE key = 'schema_version'") == 0
        ):
            self._create_schema(missing)
        version = self.scalar("SELECT value FROM store_meta WHERE key = 'schema_version'")
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"store {self.location} has schema version {version}, this clearclaim needs "
                f"{SCHEMA_VERSION}",
                hint="move the old store aside and run 'clearclaim data import'",
            )

    def _create_schema(self, missing: list[Any]) -> None:
        def create() -> None:
            # the write lock first, then a second look: two processes opening a new
            # store at once must not both run DDL, which fails the second's statements
            # with "database schema has changed"
            with sql.immediate_transaction(self.conn):
                existing = sql.table_names(self.conn)
                for table in missing:
                    if table.name in existing:
                        continue
                    for statement in table.create_sql():
                        self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO NOTHING",
                    (str(SCHEMA_VERSION),),
                )

        try:
            # two processes opening a new store at once: the second waits for the first
            sql.retry_while_locked(create)
        except sql.OperationalError as exc:
            raise StoreError(
                f"cannot create the tables of store {self.location} ({exc})",
                hint="another clearclaim may be writing to it: try again when it is done",
            ) from exc

    def is_empty(self) -> bool:
        return self.scalar("SELECT COUNT(*) FROM releases") == 0

    # -- the first build -------------------------------------------------------

    def mark_build_started(self, source: str) -> None:
        """Record that a build from ``source`` has begun (cleared when it ends).

        A build killed half way leaves the mark, so the next command finishes it
        instead of answering from half a store."""
        self._set_meta(BUILD_MARK, f"{source} since {_utc_now()}")

    def mark_build_finished(self) -> None:
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM store_meta WHERE key = ?", (BUILD_MARK,))

    def unfinished_build(self) -> str | None:
        """What an unfinished build was importing, or None when no build is pending."""
        value = self.scalar("SELECT value FROM store_meta WHERE key = ?", (BUILD_MARK,))
        return str(value) if value else None

    def _set_meta(self, key: str, value: str) -> None:
        with self._lock, self.conn:
            self.conn.execute(
                "INSERT INTO store_meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- queries -------------------------------------------------------------

    def fetchall(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.conn.execute(query, params).fetchall()

    def fetchone(self, query: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            return self.conn.execute(query, params).fetchone()

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        row = self.fetchone(query, params)
        return row[0] if row else None

    # -- releases ------------------------------------------------------------

    def releases(self, family: str | None = None) -> list[ReleaseInfo]:
        if self._release_cache is None:
            cache: dict[str, list[ReleaseInfo]] = {}
            rows = self.fetchall(
                "SELECT release_key, release_id, family, label, effective_start, effective_end,"
                " source_name, source_sha256, imported_at, row_count, data_table FROM releases"
                " ORDER BY family, effective_start, imported_at"
            )
            for row in rows:
                info = ReleaseInfo(
                    release_key=row[0],
                    release_id=row[1],
                    family=row[2],
                    label=row[3],
                    effective_start=date.fromisoformat(row[4]),
                    effective_end=date.fromisoformat(row[5]),
                    source_name=row[6],
                    source_sha256=row[7],
                    imported_at=row[8],
                    row_count=row[9],
                    table=row[10],
                )
                cache.setdefault(info.family, []).append(info)
            self._release_cache = cache
        if family is None:
            return [r for infos in self._release_cache.values() for r in infos]
        return list(self._release_cache.get(family, []))

    def release_for(self, family: str, day: date) -> ReleaseChoice:
        """The release of ``family`` that answers ``day``: one policy for every family.

        1. A release in force on ``day`` (the latest-starting one, then the latest
           imported, when several overlap).
        2. Else, for a family whose values change with the fee schedule year on
           January 1 (:data:`~clearclaim.store.releases.FEE_SCHEDULE_YEAR_FAMILIES`),
           a release of the same calendar year: the newest that started before
           ``day``, else the earliest after it. A 2026 date before the first loaded
           2026 RVU release is priced with 2026 RVUs and the 2026 conversion factor,
           never with 2025's.
        3. Else the newest release that started before ``day``, else the earliest
           one after it.

        Outside case 1 the choice carries a warning that names the release used and
        why it was chosen.
        """
        # a check asks the same few (family, date) pairs many times
        return self.remember(
            ("release_for", family, day), lambda: self._choose_release(family, day)
        )

    def _choose_release(self, family: str, day: date) -> ReleaseChoice:
        candidates = self.releases(family)
        title = FAMILY_TITLES.get(family, family)
        if not candidates:
            raise ReleaseError(
                f"no {title} is loaded", hint="run 'clearclaim data import' with that CMS file"
            )
        in_force = [r for r in candidates if r.effective_start <= day <= r.effective_end]

        def parts(best: ReleaseInfo) -> tuple[int, ...]:
            return tuple(r.release_id for r in candidates if r.label == best.label)

        if in_force:
            best = max(in_force, key=lambda r: (r.effective_start, r.imported_at))
            return ReleaseChoice(best, True, ids=parts(best))
        pool = candidates
        reason = ""
        if family in FEE_SCHEDULE_YEAR_FAMILIES:
            same_year = [r for r in candidates if r.effective_start.year == day.year]
            if same_year:
                pool = same_year
                reason = (
                    f"the nearest loaded of the same fee schedule year ({day.year}), whose "
                    "values apply from January 1, before the previous year's"
                )
        earlier = [r for r in pool if r.effective_start <= day]
        if earlier:
            best = max(earlier, key=lambda r: (r.effective_end, r.effective_start, r.imported_at))
            reason = reason or "the nearest loaded, the newest that started before the date"
        else:
            best = min(pool, key=lambda r: (r.effective_start, r.imported_at))
            reason = reason or "the nearest loaded, the earliest after the date"
        warning = DataWarning(
            code="release_not_in_force",
            family=family,
            message=(
                f"no {title} loaded is in force on {day.isoformat()}; using {best.label} "
                f"(effective {best.effective_start.isoformat()} to "
                f"{best.effective_end.isoformat()}): {reason}"
            ),
        )
        return ReleaseChoice(best, False, warning, ids=parts(best), reason=reason)

    def coverage(self, family: str, day: date) -> DataCoverage:
        """How ``family`` answers ``day``: in force, from the nearest release, or missing."""
        title = FAMILY_TITLES.get(family, family)
        try:
            choice = self.release_for(family, day)
        except ReleaseError:
            return DataCoverage(
                family=family, title=title, state="missing", why=f"no {title} is loaded"
            )
        info = choice.release
        if choice.in_force:
            return DataCoverage(
                family=family,
                title=title,
                state="in_force",
                release=info.label,
                effective_start=info.effective_start,
                effective_end=info.effective_end,
                days_away=0,
            )
        if day < info.effective_start:
            away = (info.effective_start - day).days
        else:
            away = (day - info.effective_end).days
        return DataCoverage(
            family=family,
            title=title,
            state="nearest",
            release=info.label,
            effective_start=info.effective_start,
            effective_end=info.effective_end,
            days_away=away,
            why=f"not in force on {day.isoformat()}; {choice.reason}",
        )

    def invalidate(self) -> None:
        self._release_cache = None
        self._memo = {}
        self._lasting = {}

    def remember(self, key: Hashable, compute: Callable[[], T], *, lasting: bool = False) -> T:
        """``compute()``, kept for ``key`` until the releases change (``invalidate``).

        For small answers a check asks again and again (the primaries of an
        add-on code on a date); the key must name every input of ``compute``.
        ``lasting`` is for the few objects that hold caches of their own (the
        pricer, the edit engine): never dropped to bound the memo's size.
        """
        memo = self._lasting if lasting else self._memo
        if key in memo:
            return cast(T, memo[key])
        if not lasting and len(memo) > 4096:
            self._memo = memo = {}
        value = compute()
        memo[key] = value
        return value

    # -- writing (used by the importers) -------------------------------------

    def _next_release_id(self) -> int:
        last = self.scalar("SELECT value FROM store_meta WHERE key = 'last_release_id'")
        next_id = int(last or 0) + 1
        self.conn.execute(
            "INSERT INTO store_meta (key, value) VALUES ('last_release_id', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(next_id),),
        )
        return next_id

    def has_file(self, sha256: str) -> bool:
        return self.scalar("SELECT COUNT(*) FROM source_files WHERE sha256 = ?", (sha256,)) > 0

    def write_release(
        self,
        *,
        family: str,
        label: str,
        effective_start: date,
        effective_end: date,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        source_sha256: str,
        source_name: str,
        detail: str = "",
        part: str = "",
    ) -> int:
        """Replace one release (or one part of it) in one transaction: all of it lands, or none."""
        release_key = f"{family}:{label}" + (f"#{part}" if part else "")
        if table not in {t.name for t in DATA_TABLES}:
            raise StoreError(f"unknown data table {table}")
        counter = _Counter(rows)
        with self._lock:
            try:
                with self.conn:
                    old = self.scalar(
                        "SELECT release_id FROM releases WHERE release_key = ?", (release_key,)
                    )
                    if old is not None:
                        self.conn.execute(f"DELETE FROM {table} WHERE release_id = ?", (old,))
                        self.conn.execute(
                            "DELETE FROM releases WHERE release_key = ?", (release_key,)
                        )
                    # ids are never reused, so a row can never be read under another release
                    release_id = self._next_release_id()
                    sql.insert_many(
                        self.conn,
                        table,
                        ("release_id", *columns),
                        ((release_id, *row) for row in counter),
                    )
                    self.conn.execute(
                        "INSERT INTO releases (release_key, release_id, family, label,"
                        " effective_start, effective_end, source_sha256, source_name, imported_at,"
                        " row_count, data_table, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            release_key,
                            release_id,
                            family,
                            label,
                            effective_start.isoformat(),
                            effective_end.isoformat(),
                            source_sha256,
                            source_name,
                            _utc_now(),
                            counter.count,
                            table,
                            detail,
                        ),
                    )
            except StoreError:
                raise
            except Exception as exc:  # the transaction has rolled back: nothing half-written
                raise StoreError(
                    f"{source_name}: release {label} not stored, the store is unchanged ({exc})"
                ) from exc
            finally:
                self.invalidate()
        return counter.count

    def record_file(
        self,
        *,
        sha256: str,
        path: str,
        name: str,
        size_bytes: int,
        family: str,
        rows_read: int,
        rows_imported: int,
        rows_rejected: int,
        notes_skipped: int,
        errors: Sequence[tuple[int | None, str | None, str | None, str]] = (),
    ) -> None:
        with self._lock, self.conn:
            self.conn.execute("DELETE FROM row_errors WHERE source_sha256 = ?", (sha256,))
            self.conn.execute(
                "INSERT INTO source_files (sha256, path, name, size_bytes, family, imported_at,"
                " rows_read, rows_imported, rows_rejected, notes_skipped)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO UPDATE SET"
                " path = excluded.path, name = excluded.name, imported_at = excluded.imported_at,"
                " rows_read = excluded.rows_read, rows_imported = excluded.rows_imported,"
                " rows_rejected = excluded.rows_rejected, notes_skipped = excluded.notes_skipped",
                (
                    sha256,
                    path,
                    name,
                    size_bytes,
                    family,
                    _utc_now(),
                    rows_read,
                    rows_imported,
                    rows_rejected,
                    notes_skipped,
                ),
            )
            sql.insert_many(
                self.conn,
                "row_errors",
                ("source_sha256", "source_name", "line", "field", "value", "message"),
                ((sha256, name, *err) for err in errors[:10_000]),
            )

    def finish_import(self) -> None:
        with self._lock:
            sql.checkpoint(self.conn)

    # -- status --------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        files = self.fetchall(
            "SELECT sha256, path, name, size_bytes, family, imported_at, rows_read,"
            " rows_imported, rows_rejected, notes_skipped FROM source_files ORDER BY name"
        )
        releases_by_file: dict[str, list[dict[str, Any]]] = {}
        for info in self.releases():
            releases_by_file.setdefault(info.source_sha256, []).append(
                {
                    "release": info.label,
                    "family": info.family,
                    "effective_start": info.effective_start.isoformat(),
                    "effective_end": info.effective_end.isoformat(),
                    "table": info.table,
                    "rows": info.row_count,
                }
            )
        return {
            "store": self.location,
            "size_bytes": sql.file_size(self.location),
            "releases": [
                {
                    **r.model_dump(mode="json", exclude={"source_sha256"}),
                    "title": FAMILY_TITLES.get(r.family, r.family),
                }
                for r in sorted(self.releases(), key=lambda r: (r.family, r.effective_start))
            ],
            "files": [
                {
                    "name": f[2],
                    "path": f[1],
                    "sha256": f[0],
                    "size_bytes": f[3],
                    "family": f[4],
                    "imported_at": f[5],
                    "rows_read": f[6],
                    "rows_imported": f[7],
                    "rows_rejected": f[8],
                    "notes_skipped": f[9],
                    "releases": releases_by_file.get(f[0], []),
                }
                for f in files
            ],
        }


class _Counter:
    """Counts rows as they stream into ``executemany``."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self._rows:
            self.count += 1
            yield row
