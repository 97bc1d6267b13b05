"""The only module that knows which database engine is underneath.

Everything else writes portable SQL with ``?`` placeholders and calls these
helpers for what differs between engines: opening a connection, bulk-load
settings and listing tables. SQLite is the embedded default; a PostgreSQL URL
is recognised so that it can be added here without touching the callers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clearclaim.errors import StoreError

Connection = sqlite3.Connection
OperationalError = sqlite3.OperationalError
#: seconds a statement waits for another connection's write to finish (imports take
#: the store's write lock first, see clearclaim.store.lock, so this covers short writes)
BUSY_TIMEOUT = 30.0


def is_url(location: str) -> bool:
    return "://" in location


def connect(location: str, *, read_only: bool = False) -> Connection:
    if is_url(location):
        if location.startswith(("postgres://", "postgresql://")):
            raise StoreError(
                f"PostgreSQL stores are not supported yet: {location.split('@')[-1]}",
                hint="set CLEARCLAIM_DB to a file path",
            )
        raise StoreError(f"unrecognised store URL scheme: {location.split('://')[0]}")
    path = Path(location)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            conn = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT
            )
        else:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT)
        retry_while_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"))
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-65536")
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open store {location}: {exc}") from exc
    return conn


#: errors that only say another connection was busy with the file (or had just
#: changed its tables): the same step succeeds when tried again
_TRANSIENT = ("locked", "schema has changed")


def retry_while_locked(step: Callable[[], object]) -> None:
    """Run ``step``, waiting while another process holds the file: switching to WAL
    on a new store gets "database is locked" at once, without the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if not any(t in str(exc) for t in _TRANSIENT) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def immediate_transaction(conn: Connection) -> Iterator[None]:
    """A transaction that takes the write lock at its start (waiting for it up to
    the busy timeout), so that what it reads cannot change before it writes."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def begin_bulk(conn: Connection) -> None:
    """Settings for a large import. WAL keeps the old state readable and intact
    until the release's transaction commits, so a failed import loses nothing."""
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")


def insert_many(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    placeholders = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def table_names(conn: Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def file_size(location: str) -> int:
    if is_url(location):
        return 0
    path = Path(location)
    total = 0
    for suffix in ("", "-wal", "-shm"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            total += candidate.stat().st_size
    return total


def checkpoint(conn: Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- full-text search (SQLite FTS5; PostgreSQL would use tsvector here) ------


def create_text_index(conn: Connection, name: str, columns: Sequence[str]) -> None:
    """A full-text index with Porter stemming, replacing any old one of that name."""
    conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.execute(
        f"CREATE VIRTUAL TABLE {name} USING fts5({', '.join(columns)},"
        " tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.execute(f"DROP TABLE IF EXISTS {name}_vocab")
    conn.execute(f"CREATE VIRTUAL TABLE {name}_vocab USING fts5vocab({name}, 'row')")


def text_index_vocabulary(conn: Connection, name: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT term FROM {name}_vocab").fetchall()]


def search_text_index(
    conn: Connection,
    name: str,
    terms: Sequence[Sequence[str]],
    weights: Sequence[float],
    limit: int,
) -> list[tuple[Any, ...]]:
    """Rows matching any group of terms (a group lists alternatives), best first.

    A term ending in ``*`` is a prefix. Returns (rowid, score); higher is better.
    """
    groups = []
    for alternatives in terms:
        quoted = [
            f'"{t[:-1]}"*' if t.endswith("*") else f'"{t}"' for t in alternatives if t.strip('*"')
        ]
        if quoted:
            groups.append("(" + " OR ".join(quoted) + ")")
    if not groups:
        return []
    weight_args = ", ".join(str(float(w)) for w in weights)
    return conn.execute(
        f"SELECT rowid, -bm25({name}, {weight_args}) AS score FROM {name}"
        f" WHERE {name} MATCH ? ORDER BY score DESC LIMIT ?",
        (" OR ".join(groups), limit),
    ).fetchall()


def search_text_phrase(
    conn: Connection, name: str, phrase: str, limit: int
) -> list[tuple[Any, ...]]:
    """Rows holding the words of ``phrase`` next to each other, best first: (rowid, score)."""
    words = [w for w in phrase.replace('"', " ").split() if w]
    if not words:
        return []
    return conn.execute(
        f"SELECT rowid, -bm25({name}) AS score FROM {name} WHERE {name} MATCH ?"
        " ORDER BY score DESC LIMIT ?",
        ('"' + " ".join(words) + '"', limit),
    ).fetchall()
