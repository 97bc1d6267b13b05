"""A Parquet snapshot of the procedure log, so a large log is not read row by row.

The log is append-only: an entry, once written, never changes (edits and voids
are history rows, applied after). So a snapshot of the entries up to some id
stays true for ever, and reading the log is the snapshot plus the entries
logged since. The snapshot is a cache beside the store
(``<store folder>/clearclaim-cache/wrvu/<store file>/log.parquet``, or
``$CLEARCLAIM_CACHE_DIR/wrvu``); it is checked against the store (the count of
entries up to its last id, and that entry's key) and rebuilt when it does not
match. Small logs are read directly.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import polars as pl
from platformdirs import user_cache_dir

from clearclaim.store import Store
from clearclaim.store.queries import wrvu as queries

#: below this many entries the store is read directly
SNAPSHOT_FROM = 50_000
CACHE_ENV = "CLEARCLAIM_CACHE_DIR"


def snapshot_dir(store: Store) -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured) / "wrvu"
    if "://" in store.location:
        digest = hashlib.sha256(store.location.encode()).hexdigest()[:12]
        return Path(user_cache_dir("clearclaim", appauthor=False)) / "wrvu" / digest
    path = Path(store.location).resolve()
    return path.parent / "clearclaim-cache" / "wrvu" / path.name


def raw_log(store: Store, schema: dict[str, pl.DataType]) -> pl.DataFrame | None:
    """Every entry as first logged (``queries.LOG_VALUE_COLUMNS``), from the snapshot
    plus the entries logged since; None when the log is small (read it directly)."""
    count, _, _ = queries.log_extent(store)
    if count < SNAPSHOT_FROM:
        return None
    folder = snapshot_dir(store)
    data, meta = folder / "log.parquet", folder / "log.json"
    frame: pl.DataFrame | None = None
    since = 0
    if data.exists() and meta.exists():
        try:
            known = json.loads(meta.read_text())
            if list(queries.log_extent(store, known["last"])) == [
                known["count"],
                known["last"],
                known["key"],
            ]:
                frame = pl.read_parquet(data)
                since = known["last"]
        except (OSError, ValueError, KeyError, pl.exceptions.PolarsError):
            frame = None
    columns = queries.LOG_VALUE_COLUMNS
    rows = queries.log_rows(store, after_id=since, columns=columns)
    tail = pl.DataFrame(
        dict(zip(columns, (list(c) for c in zip(*rows, strict=True)), strict=True))
        if rows
        else {c: [] for c in columns},
        schema={c: schema[c] for c in columns},
    )
    frame = tail if frame is None else pl.concat([frame, tail])
    if rows:
        # described by what it holds (entries may have been logged since the count above)
        last = int(frame["entry_id"].max())  # type: ignore[arg-type]
        _, _, key = queries.log_extent(store, last)
        folder.mkdir(parents=True, exist_ok=True)
        partial = data.with_suffix(".parquet.part")
        frame.write_parquet(partial)
        os.replace(partial, data)
        meta.write_text(json.dumps({"count": frame.height, "last": last, "key": key}))
    return frame
