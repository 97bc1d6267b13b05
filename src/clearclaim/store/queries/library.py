"""The library's own SQLite file: documents, passages, the FTS5 index. All of the library's SQL.

The coding library is a separate file from the CMS store (it holds the user's
documents, their full text and the index over it), so it has its own
connection, wrapped by :class:`LibraryIndex`. ``clearclaim.library`` calls the
methods here and never writes SQL itself.

Schema::

    documents(id, title, media_type, source_path UNIQUE, stored_name, sha256, size,
              pages, passages, tags JSON, added_at)
    passages(id, document_id -> documents ON DELETE CASCADE, ordinal, page, heading,
             line, anchor, text, hash, codes, UNIQUE(document_id, hash))
    passages_fts  FTS5(terms, context), rowid = passages.id; Python-made stems
    passages_vocab  fts5vocab(passages_fts, 'row'): document frequency of a term
    embeddings(passage_id -> passages ON DELETE CASCADE, model, vector float32 BLOB)
    meta(key, value): schema version, analyzer fingerprint

FTS5 holds stems that ``text.terms()`` produced, tokenised by unicode61 on
spaces, so the ranking code sees the same terms SQLite matched.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.errors import StoreError
from clearclaim.store import sql

SCHEMA_VERSION = 1
_TERM = re.compile(r"[a-z0-9]+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    source_path TEXT NOT NULL UNIQUE,
    stored_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    pages INTEGER,
    passages INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    page INTEGER,
    heading TEXT,
    line INTEGER,
    anchor TEXT,
    text TEXT NOT NULL,
    hash TEXT NOT NULL,
    codes TEXT NOT NULL DEFAULT '',
    UNIQUE (document_id, hash)
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5 (
    terms, context, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_vocab USING fts5vocab (passages_fts, 'row');
CREATE TABLE IF NOT EXISTS embeddings (
    passage_id INTEGER PRIMARY KEY REFERENCES passages (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""


class Document(BaseModel):
    """One file in the library, as listed by ``clearclaim library list``."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable, path-safe id used by `library remove`.")
    title: str
    media_type: str
    source_path: str = Field(description="Where the file was added from.")
    stored_name: str = Field(description="File name of the copy in the library's files folder.")
    sha256: str
    size: int
    pages: int | None = Field(default=None, description="PDF pages; None for formats without.")
    passages: int
    tags: list[str] = Field(default_factory=list)
    added_at: datetime


# The library holds the full text of the user's documents: only its owner reads it.
PRIVATE_FILE = 0o600


def _create_private(path: Path) -> None:
    """Create the library file readable by its owner only, and tighten an older one.

    SQLite gives the -wal and -shm files the mode of the database file, so
    they are private too.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    except FileExistsError:  # pragma: no cover - O_EXCL is not used
        return
    os.close(fd)
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_FILE)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists() and extra.stat().st_mode & 0o077:
            extra.chmod(PRIVATE_FILE)


_DOCUMENT_COLUMNS = (
    "id, title, media_type, source_path, stored_name, sha256, size, pages, passages, tags, added_at"
)


@dataclass(slots=True, frozen=True)
class PassageRow:
    """A passage ready to be indexed: stored text plus the terms the ranking uses."""

    ordinal: int
    page: int | None
    heading: str | None
    line: int | None
    anchor: str | None
    text: str
    hash: str
    codes: str
    terms: str
    context: str


@dataclass(slots=True, frozen=True)
class Hit:
    """A passage that matched a search, with its document and BM25 score (higher is better)."""

    passage_id: int
    document_id: str
    title: str
    media_type: str
    stored_name: str
    ordinal: int
    page: int | None
    heading: str | None
    line: int | None
    anchor: str | None
    text: str
    codes: str
    terms: str
    context: str
    bm25: float


class LibraryIndex:
    """One open library file. Not thread-safe; open one per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(path)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
            sql.retry_while_locked(lambda: self.db.execute("PRAGMA journal_mode = WAL"))
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            if not self._has_schema():
                sql.retry_while_locked(self._create_schema)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the library {path}: {exc}") from None

    def _has_schema(self) -> bool:
        # a library already made is only read here: opening it must not wait for
        # another process's write, nor run DDL beside it
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            return False  # no meta table: a new library
        return row is not None

    def _create_schema(self) -> None:
        """The tables, in one transaction that takes the write lock first: two
        processes opening a new library at once do not run DDL side by side."""
        with sql.immediate_transaction(self.db):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a file that fails half way leaves the library as it was."""
        with sql.immediate_transaction(self.db):
            yield

    # ------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ------------------------------------------------------------ documents

    def documents(self) -> list[Document]:
        rows = self.db.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents ORDER BY id")
        return [_document(row) for row in rows]

    def document(self, document_id: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return _document(row) if row else None

    def document_by_source(self, source_path: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE source_path = ?", (source_path,)
        ).fetchone()
        return _document(row) if row else None

    def document_by_hash(self, sha256: str) -> Document | None:
        row = self.db.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        return _document(row) if row else None

    def save_document(self, document: Document) -> None:
        self.db.execute(
            f"INSERT INTO documents ({_DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
            "media_type = excluded.media_type, source_path = excluded.source_path, "
            "stored_name = excluded.stored_name, sha256 = excluded.sha256, "
            "size = excluded.size, pages = excluded.pages, passages = excluded.passages, "
            "tags = excluded.tags, added_at = excluded.added_at",
            (
                document.id,
                document.title,
                document.media_type,
                document.source_path,
                document.stored_name,
                document.sha256,
                document.size,
                document.pages,
                document.passages,
                json.dumps(document.tags),
                document.added_at.isoformat(),
            ),
        )

    def delete_document(self, document_id: str) -> None:
        self.delete_passages(document_id)
        self.db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    # ------------------------------------------------------------ passages

    def delete_passages(self, document_id: str) -> None:
        self.db.execute(
            "DELETE FROM passages_fts WHERE rowid IN "
            "(SELECT id FROM passages WHERE document_id = ?)",
            (document_id,),
        )
        self.db.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))

    def insert_passages(self, document_id: str, rows: Sequence[PassageRow]) -> None:
        for row in rows:
            cursor = self.db.execute(
                "INSERT INTO passages (document_id, ordinal, page, heading, line, anchor, text, "
                "hash, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document_id,
                    row.ordinal,
                    row.page,
                    row.heading,
                    row.line,
                    row.anchor,
                    row.text,
                    row.hash,
                    row.codes,
                ),
            )
            self.db.execute(
                "INSERT INTO passages_fts (rowid, terms, context) VALUES (?, ?, ?)",
                (cursor.lastrowid, row.terms, row.context),
            )

    def passage_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def passages_for_reindex(self) -> Iterator[tuple[int, str, str | None, str]]:
        """(id, text, heading, document title) of every passage, for rebuilding terms."""
        yield from self.db.execute(
            "SELECT p.id, p.text, p.heading, d.title FROM passages p "
            "JOIN documents d ON d.id = p.document_id ORDER BY p.id"
        )

    def replace_terms(self, rows: Iterable[tuple[int, str, str]]) -> None:
        for passage_id, terms, context in rows:
            self.db.execute("DELETE FROM passages_fts WHERE rowid = ?", (passage_id,))
            self.db.execute(
                "INSERT INTO passages_fts (rowid, terms, context) VALUES (?, ?, ?)",
                (passage_id, terms, context),
            )

    # ------------------------------------------------------------ search

    def document_frequency(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages hold each term (0 for a term the library never uses)."""
        wanted = list(dict.fromkeys(terms))
        found = {term: 0 for term in wanted}
        for term in wanted:
            row = self.db.execute(
                "SELECT doc FROM passages_vocab WHERE term = ?", (term,)
            ).fetchone()
            if row:
                found[term] = int(row[0])
        return found

    def search(
        self, terms: Sequence[str], *, limit: int, weights: tuple[float, float] = (1.0, 0.4)
    ) -> list[Hit]:
        """Passages holding any of ``terms``, best BM25 first."""
        if not terms:
            return []
        # Terms come from text.terms(): only [a-z0-9]; anything else (a stray quote
        # from a caller) is dropped here so it can never reach FTS5's query syntax.
        # Quoting keeps FTS5 from reading a term such as "or" or "near" as an operator.
        safe = [term for term in dict.fromkeys(terms) if _TERM.fullmatch(term)]
        if not safe:
            return []
        match = " OR ".join(f'"{term}"' for term in safe)
        rows = self.db.execute(
            "SELECT p.id, p.document_id, d.title, d.media_type, d.stored_name, p.ordinal, "
            "p.page, p.heading, p.line, p.anchor, p.text, p.codes, f.terms, f.context, "
            "-bm25(passages_fts, ?, ?) AS score "
            "FROM passages_fts f JOIN passages p ON p.id = f.rowid "
            "JOIN documents d ON d.id = p.document_id "
            "WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts, ?, ?) LIMIT ?",
            (weights[0], weights[1], match, weights[0], weights[1], limit),
        )
        return [Hit(*row) for row in rows]

    def hits(self, passage_ids: Sequence[int]) -> list[Hit]:
        """Passages by id (for dense-only candidates), with a BM25 score of 0."""
        if not passage_ids:
            return []
        marks = ", ".join("?" for _ in passage_ids)
        rows = self.db.execute(
            "SELECT p.id, p.document_id, d.title, d.media_type, d.stored_name, p.ordinal, "
            "p.page, p.heading, p.line, p.anchor, p.text, p.codes, f.terms, f.context, 0.0 "
            "FROM passages p JOIN documents d ON d.id = p.document_id "
            f"JOIN passages_fts f ON f.rowid = p.id WHERE p.id IN ({marks})",
            list(passage_ids),
        )
        return [Hit(*row) for row in rows]

    # ------------------------------------------------------------ embeddings

    def passages_without_vectors(self, model: str) -> list[tuple[int, str]]:
        return list(
            self.db.execute(
                "SELECT p.id, p.text FROM passages p LEFT JOIN embeddings e "
                "ON e.passage_id = p.id AND e.model = ? WHERE e.passage_id IS NULL",
                (model,),
            )
        )

    def save_vectors(self, model: str, rows: Iterable[tuple[int, bytes]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO embeddings (passage_id, model, vector) VALUES (?, ?, ?)",
            ((passage_id, model, vector) for passage_id, vector in rows),
        )

    def vectors(self, model: str) -> list[tuple[int, bytes]]:
        return list(
            self.db.execute(
                "SELECT passage_id, vector FROM embeddings WHERE model = ? ORDER BY passage_id",
                (model,),
            )
        )


def _document(row: tuple[Any, ...]) -> Document:
    added = datetime.fromisoformat(row[10])
    return Document(
        id=row[0],
        title=row[1],
        media_type=row[2],
        source_path=row[3],
        stored_name=row[4],
        sha256=row[5],
        size=row[6],
        pages=row[7],
        passages=row[8],
        tags=json.loads(row[9]),
        added_at=added if added.tzinfo else added.replace(tzinfo=UTC),
    )
