"""Parquet copies of the edit tables, made once per store state and reused.

The batch path never reads millions of PTP rows from CSV or SQL on each run:
the first run exports each table it needs from the store to Parquet in a cache
folder beside the store, named by a hash of the releases it holds (key,
source file hash, import time), and later runs read those files. A new import
changes the hash, so a stale copy is never used. Codes become integers
(base 36 of the five characters: 36**5 < 2**26) so joins run on integers.

Layout: ``<store folder>/clearclaim-cache/edits/<store file name>/<table>-<hash>.parquet``
(``$CLEARCLAIM_EDITS_CACHE`` overrides the folder).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl
from platformdirs import user_cache_dir

from clearclaim.store import Store
from clearclaim.store.queries import edits as queries
from clearclaim.store.queries.edits import CONTRACTOR_DEFINED, Row

CACHE_ENV = "CLEARCLAIM_EDITS_CACHE"
#: bump when a table's layout or derivation changes
CACHE_VERSION = "4"
PTP_FAMILIES = ("ptp_practitioner", "ptp_outpatient_hospital")
MUE_FAMILIES = ("mue_practitioner", "mue_outpatient_hospital", "mue_dme_supplier")


def code_id(column: str | pl.Expr) -> pl.Expr:
    """A five-character code as an integer (base 36), null for anything else."""
    expr = pl.col(column) if isinstance(column, str) else column
    return (
        pl.when(expr.str.len_bytes() == 5)
        .then(expr.str.to_integer(base=36, strict=False))
        .otherwise(None)
        .cast(pl.Int32)
    )


def cache_dir(store: Store) -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    if "://" in store.location:
        digest = hashlib.sha256(store.location.encode()).hexdigest()[:12]
        return Path(user_cache_dir("clearclaim", appauthor=False)) / "edits" / digest
    path = Path(store.location).resolve()
    return path.parent / "clearclaim-cache" / "edits" / path.name


def _fingerprint(store: Store, table: str, families: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{CACHE_VERSION}:{table}".encode())
    for family in families:
        for info in sorted(store.releases(family), key=lambda r: r.release_id):
            digest.update(
                f"|{info.release_key}#{info.release_id}:{info.source_sha256}:{info.imported_at}"
                f":{info.row_count}".encode()
            )
    return digest.hexdigest()[:16]


def _frame(chunks: Iterable[list[Row]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows streamed from the store (in chunks: bounded memory) as one DataFrame."""
    frames = [pl.DataFrame(rows, schema=schema, orient="row") for rows in chunks]
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, rechunk=True)


def _dates(*columns: str) -> list[pl.Expr]:
    return [
        pl.col(c).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias(c) for c in columns
    ]


S = pl.String()
INT = pl.Int64()


def _keys(store: Store, families: tuple[str, ...]) -> list[int]:
    return [r.release_id for f in families for r in store.releases(f)]


def build_ptp(store: Store, family: str) -> pl.DataFrame:
    keys = _keys(store, (family,))
    frame = _frame(
        queries.stream_ptp(store, keys),
        {
            "release_id": INT,
            "c1": S,
            "c2": S,
            "effective": S,
            "deletion": S,
            "mi": S,
            "rationale": S,
        },
    )
    frame = frame.with_columns(
        rationale=pl.col("rationale").fill_null(""), mi=pl.col("mi").fill_null("")
    )
    # few distinct texts: as enums (sorted, so their order is the text order) a
    # PTP table of millions of rows takes a few bytes a row in memory
    rationales = sorted(frame.get_column("rationale").unique().to_list())
    indicators = sorted(frame.get_column("mi").unique().to_list())
    return (
        frame.with_columns(
            *_dates("effective", "deletion"),
            pl.col("release_id").cast(pl.Int32),
            pl.col("rationale").cast(pl.Enum(rationales)),
            pl.col("mi").cast(pl.Enum(indicators)),
            k1=code_id("c1"),
            k2=code_id("c2"),
        )
        .with_columns(key=pl.col("k1").cast(pl.Int64) * (1 << 26) + pl.col("k2").cast(pl.Int64))
        .sort("key")
    )


def build_mue(store: Store) -> pl.DataFrame:
    keys = _keys(store, MUE_FAMILIES)
    frame = _frame(
        queries.stream_mue(store, keys),
        {"release_id": INT, "code": S, "limit": pl.Int64(), "mai": S, "mue_rationale": S},
    )
    # one row per release and code: the lowest limit, as the single-claim lookup takes
    return (
        frame.with_columns(cid=code_id("code"), mue_rationale=pl.col("mue_rationale").fill_null(""))
        .sort("limit")
        .unique(subset=["release_id", "code"], keep="first", maintain_order=True)
    )


def build_aoc(store: Store, contractor_code: str) -> pl.DataFrame:
    keys = _keys(store, ("aoc",))
    frame = _frame(
        queries.stream_aoc(store, keys),
        {
            "release_id": INT,
            "edit_type": S,
            "addon": S,
            "primary": S,
            "addon_del": S,
            "primary_del": S,
            "effective": S,
            "deletion": S,
        },
    )
    return frame.with_columns(
        *_dates("addon_del", "primary_del", "effective", "deletion"),
        addon_cid=code_id("addon"),
        primary_cid=pl.when(pl.col("primary") == contractor_code)
        .then(None)
        .otherwise(code_id("primary")),
    )


def build_pfs(store: Store) -> pl.DataFrame:
    keys = _keys(store, ("pfs_rvu",))
    frame = _frame(
        queries.stream_pfs_indicators(store, keys),
        {"release_id": INT, "code": S, "status": S, "pctc": S, "start": S, "label": S},
    )
    return frame.with_columns(
        *_dates("start"),
        cid=code_id("code"),
        status=pl.col("status").fill_null(""),
        pctc=pl.col("pctc").fill_null(""),
    ).unique(subset=["release_id", "code"], keep="first", maintain_order=True)


def _latest_keys(store: Store, family: str) -> list[int]:
    infos = store.releases(family)
    if not infos:
        return []
    best = max(infos, key=lambda r: (r.effective_start, r.imported_at))
    return [r.release_id for r in infos if r.label == best.label]


def build_facts(store: Store, tables: EditTables) -> pl.DataFrame:
    """Per code: a deletion date with its basis and a first effective date with its
    basis. The same derivation as ``Lookups._compute_facts`` (single-claim path)."""
    hcpcs_keys = _latest_keys(store, "hcpcs_record")
    hcpcs = (
        _frame(
            queries.stream_hcpcs_dates(store, hcpcs_keys),
            {"code": S, "term": S, "added": S},
        )
        .with_columns(*_dates("term", "added"))
        .unique(subset="code", keep="first", maintain_order=True)
    )
    aoc = tables.aoc
    explicit = pl.concat(
        [
            hcpcs.filter(pl.col("term").is_not_null()).select(
                "code",
                pl.col("term").alias("day"),
                pl.lit(0).alias("prio"),
                pl.lit("hcpcs").alias("basis"),
            ),
            aoc.group_by(pl.col("addon").alias("code"))
            .agg(pl.col("addon_del").min().alias("day"))
            .filter(pl.col("day").is_not_null())
            .select("code", "day", pl.lit(1).alias("prio"), pl.lit("aoc").alias("basis")),
            aoc.group_by(pl.col("primary").alias("code"))
            .agg(pl.col("primary_del").min().alias("day"))
            .filter(pl.col("day").is_not_null())
            .select("code", "day", pl.lit(1).alias("prio"), pl.lit("aoc").alias("basis")),
        ]
    )
    explicit = explicit.sort("day", "prio").unique(subset="code", keep="first", maintain_order=True)
    open_end = pl.date(9999, 12, 31)
    ptp_parts = []
    for family in PTP_FAMILIES:
        keys = _latest_keys(store, family)
        if not keys:
            continue
        rows = tables.ptp(family).filter(pl.col("release_id").is_in(keys))
        for column in ("c1", "c2"):
            ptp_parts.append(rows.select(pl.col(column).alias("code"), "deletion").collect())
    if ptp_parts:
        ptp = (
            pl.concat(ptp_parts)
            .group_by("code")
            .agg(
                (pl.col("deletion") == open_end).any().alias("open"),
                pl.col("deletion").filter(pl.col("deletion") != open_end).max().alias("day"),
            )
            .filter(~pl.col("open") & pl.col("day").is_not_null())
            .select("code", "day", pl.lit("ptp").alias("basis"))
        )
    else:
        ptp = pl.DataFrame(schema={"code": S, "day": pl.Date(), "basis": S})
    deleted = pl.concat([explicit.drop("prio"), ptp.join(explicit, on="code", how="anti")]).rename(
        {"day": "deleted_on", "basis": "deletion_basis"}
    )
    firsts = pl.concat(
        [
            tables.pfs.sort("start")
            .unique(subset="code", keep="first", maintain_order=True)
            .select(
                "code",
                pl.col("start").alias("day"),
                pl.lit(0).alias("prio"),
                pl.lit("pfs").alias("basis"),
                pl.col("label").alias("first_release"),
            ),
            hcpcs.filter(pl.col("added").is_not_null()).select(
                "code",
                pl.col("added").alias("day"),
                pl.lit(1).alias("prio"),
                pl.lit("hcpcs").alias("basis"),
                pl.lit(None, dtype=S).alias("first_release"),
            ),
        ]
    )
    firsts = (
        firsts.sort("day", "prio")
        .unique(subset="code", keep="first", maintain_order=True)
        .select(
            "code",
            pl.col("day").alias("first_effective"),
            pl.col("basis").alias("first_basis"),
            "first_release",
        )
    )
    return (
        deleted.join(firsts, on="code", how="full", coalesce=True)
        .with_columns(cid=code_id("code"))
        .filter(pl.col("cid").is_not_null())
    )


class EditTables:
    """The edit tables as Polars frames, each read from (or first written to) its
    Parquet copy."""

    def __init__(self, store: Store, contractor_code: str = CONTRACTOR_DEFINED) -> None:
        self.store = store
        self.folder = cache_dir(store)
        self.contractor_code = contractor_code
        self._frames: dict[str, pl.DataFrame] = {}

    def _path(self, table: str, families: tuple[str, ...]) -> Path:
        return self.folder / f"{table}-{_fingerprint(self.store, table, families)}.parquet"

    def _lazy(
        self, table: str, families: tuple[str, ...], build: Callable[[], pl.DataFrame]
    ) -> pl.LazyFrame:
        """The table as a scan of its Parquet copy (built first when missing)."""
        if table in self._frames:
            return self._frames[table].lazy()
        path = self._path(table, families)
        if not path.exists():
            frame = build()
            self._write(path, frame, table)
            self._frames[table] = frame
            return frame.lazy()
        return pl.scan_parquet(path)

    def _cached(
        self, table: str, families: tuple[str, ...], build: Callable[[], pl.DataFrame]
    ) -> pl.DataFrame:
        if table not in self._frames:
            self._frames[table] = self._lazy(table, families, build).collect()
        return self._frames[table]

    def _write(self, path: Path, frame: pl.DataFrame, table: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # write beside, then rename: a reader never sees half a file, and two
        # processes building at once both end with a whole one
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{table}-", suffix=".tmp")
        os.close(handle)
        try:
            frame.write_parquet(tmp, compression="zstd", statistics=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        for stale in path.parent.glob(f"{table}-*.parquet"):
            if stale != path:
                stale.unlink(missing_ok=True)
        self._forget_removed_stores()

    def _forget_removed_stores(self) -> None:
        """Drop the copies made for store files that no longer exist (a test store
        rebuilt under a new name, say), so old copies do not pile up."""
        if os.environ.get(CACHE_ENV) or "://" in self.store.location:
            return
        store_dir = Path(self.store.location).resolve().parent
        for folder in self.folder.parent.iterdir():
            if folder.is_dir() and not (store_dir / folder.name).exists():
                shutil.rmtree(folder, ignore_errors=True)

    def ptp(self, family: str) -> pl.LazyFrame:
        """A scan of one PTP table (millions of rows: filter before collecting)."""
        return self._lazy(f"ptp_{family}", (family,), lambda: build_ptp(self.store, family))

    @property
    def mue(self) -> pl.DataFrame:
        return self._cached("mue", MUE_FAMILIES, lambda: build_mue(self.store))

    @property
    def aoc(self) -> pl.DataFrame:
        return self._cached("aoc", ("aoc",), lambda: build_aoc(self.store, self.contractor_code))

    @property
    def pfs(self) -> pl.DataFrame:
        return self._cached("pfs", ("pfs_rvu",), lambda: build_pfs(self.store))

    @property
    def facts(self) -> pl.DataFrame:
        families = ("hcpcs_record", "aoc", *PTP_FAMILIES, "pfs_rvu")
        return self._cached("facts", families, lambda: build_facts(self.store, self))

    def build_all(self) -> None:
        """Export every table now (``clearclaim scrub`` does it on first use)."""
        for family in PTP_FAMILIES:
            if self.store.releases(family):
                self.ptp(family)
        _ = self.mue, self.aoc, self.pfs, self.facts
        # the PTP frames are large: keep only scans of their files from here on
        for family in PTP_FAMILIES:
            self._frames.pop(f"ptp_{family}", None)

    def clear(self) -> None:
        self._frames.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
