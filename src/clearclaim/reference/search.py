"""Code search: descriptors, synonyms and curated text, ranked, typo tolerant.

The index is built in the store from the newest CMS descriptors of every code
and the curated content, and rebuilt when either changes.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import threading
from typing import Any

import snowballstemmer
from pydantic import BaseModel

from clearclaim.reference.content import CONTENT_DIR, curated_codes, load_curated
from clearclaim.store import Store, sql

INDEX = "code_search"
COLUMNS = ("code", "descriptor", "synonyms", "curated", "stems UNINDEXED")
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 0.0)
WORD_RE = re.compile(r"[a-z0-9]+")
RANGE_RE = re.compile(r"^[0-9A-Z]{1,5}\*$")
CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
STOP_WORDS = frozenset({"a", "an", "and", "for", "of", "the", "to", "with", "in", "on", "or"})
_lock = threading.Lock()
_STEMMER = snowballstemmer.stemmer("porter")


class SearchHit(BaseModel):
    code: str
    descriptor: str | None
    score: float


INDEX_VERSION = "2"  # bump when the index's columns or contents change


def _fingerprint(store: Store) -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for release in store.releases("pfs_rvu") + store.releases("hcpcs_description"):
        digest.update(release.release_key.encode())
        digest.update(str(release.release_id).encode())
    for path in sorted(CONTENT_DIR.rglob("*.yaml")):
        digest.update(f"{path.name}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _descriptors(store: Store) -> dict[str, str]:
    """The newest CMS short descriptor of every code in any loaded release."""
    found: dict[str, str] = {}
    releases = sorted(store.releases("pfs_rvu"), key=lambda r: r.effective_start, reverse=True)
    for release in releases:
        for code, text in store.fetchall(
            "SELECT hcpcs, description FROM pfs_rvu WHERE release_id = ? AND modifier = ''",
            (release.release_id,),
        ):
            found.setdefault(code, text or "")
    for release in store.releases("hcpcs_description"):
        for code, text in store.fetchall(
            "SELECT hcpcs, description FROM hcpcs_description WHERE release_id = ?"
            " AND kind = 'Short'",
            (release.release_id,),
        ):
            found.setdefault(code, text or "")
    return found


def _curated_text(code: str) -> tuple[str, str]:
    content = load_curated(code, "en")
    if content is None:
        return "", ""
    synonyms = " ; ".join(content.synonyms.value)
    parts = [content.plain_language.value, *content.when_to_use.value]
    return synonyms, " ".join(parts)


def ensure_index(store: Store) -> None:
    fingerprint = _fingerprint(store)
    current = store.scalar("SELECT value FROM store_meta WHERE key = 'search_index'")
    if current == fingerprint:
        return
    with _lock:
        descriptors = _descriptors(store)
        curated = {code: _curated_text(code) for code in curated_codes()}
        rows = []
        for code in sorted(set(descriptors) | set(curated)):
            synonyms, text = curated.get(code, ("", ""))
            descriptor = descriptors.get(code, "")
            stems = " ".join(sorted(_stems(f"{descriptor} {synonyms} {text}")))
            rows.append((code, descriptor, synonyms, text, stems))
        names = [c.split()[0] for c in COLUMNS]
        with store.conn:
            sql.create_text_index(store.conn, INDEX, COLUMNS)
            sql.insert_many(store.conn, INDEX, names, rows)
            store.conn.execute(
                "INSERT INTO store_meta (key, value) VALUES ('search_index', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (fingerprint,),
            )
        _VOCABULARY.pop(id(store), None)


_VOCABULARY: dict[int, list[str]] = {}


def _vocabulary(store: Store) -> list[str]:
    if id(store) not in _VOCABULARY:
        _VOCABULARY[id(store)] = sql.text_index_vocabulary(store.conn, INDEX)
    return _VOCABULARY[id(store)]


def _term_groups(store: Store, query: str) -> list[list[str]]:
    """Each query word with its prefix form and, when it is not in the index, the
    closest indexed words (typo tolerance)."""
    vocabulary = _vocabulary(store)
    known = set(vocabulary)
    groups = []
    for word in WORD_RE.findall(query.lower()):
        if word in STOP_WORDS:
            continue
        group = [word]
        if len(word) >= 4:
            group.append(f"{word[: max(4, len(word) - 3)]}*")
        # the index holds Porter stems: a word whose stem is indexed is no typo
        if _STEMMER.stemWord(word) not in known and word not in known and len(word) >= 4:
            # compare only with words of about the same length and first letter: fast, and
            # a misspelling rarely changes either
            nearby = [t for t in vocabulary if t[:1] == word[:1] and abs(len(t) - len(word)) <= 3]
            group.extend(difflib.get_close_matches(word, nearby, n=3, cutoff=0.75))
        groups.append(group)
    return groups


def search(store: Store, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Codes best matching ``query``: a code, a code range (``7700*``) or words."""
    text = query.strip()
    if not text:
        return []
    ensure_index(store)
    upper = text.upper()
    if RANGE_RE.match(upper):
        rows = store.fetchall(
            f"SELECT code, descriptor FROM {INDEX} WHERE code LIKE ? ORDER BY code LIMIT ?",
            (upper[:-1] + "%", limit),
        )
        return [SearchHit(code=r[0], descriptor=r[1] or None, score=1.0) for r in rows]
    hits: dict[str, SearchHit] = {}
    if CODE_RE.match(upper):
        row = store.fetchone(f"SELECT code, descriptor FROM {INDEX} WHERE code = ?", (upper,))
        if row:
            hits[row[0]] = SearchHit(code=row[0], descriptor=row[1] or None, score=100.0)
    groups = _term_groups(store, text)
    rows = sql.search_text_index(store.conn, INDEX, groups, WEIGHTS, CANDIDATES)
    if rows:
        by_rowid = {
            r[0]: r[1:]
            for r in store.fetchall(
                f"SELECT rowid, code, descriptor, stems FROM {INDEX} WHERE rowid IN "
                f"({', '.join('?' for _ in rows)})",
                tuple(r[0] for r in rows),
            )
        }
        ranked = []
        for rowid, score in rows:
            code, descriptor, stems = by_rowid[rowid]
            covered = _coverage(groups, set(stems.split()))
            # BM25 alone lets one rare word outrank a code that matches every word:
            # rank first by how many of the query's words a code matches
            ranked.append((covered, float(score), code, descriptor))
        ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
        for covered, score, code, descriptor in ranked:
            hits.setdefault(
                code,
                SearchHit(
                    code=code, descriptor=descriptor or None, score=round(covered * 100 + score, 3)
                ),
            )
    return list(hits.values())[:limit]


CANDIDATES = 300


def _stems(text: str) -> set[str]:
    return {_STEMMER.stemWord(w) for w in WORD_RE.findall(text.lower())}


def _coverage(groups: list[list[str]], stems: set[str]) -> int:
    return sum(1 for exact, prefixes in _prepared(groups) if _group_hit(exact, prefixes, stems))


def _prepared(groups: list[list[str]]) -> list[tuple[set[str], tuple[str, ...]]]:
    key = tuple(tuple(g) for g in groups)
    cached = _PREPARED.get(key)
    if cached is None:
        cached = [
            (
                {_STEMMER.stemWord(a) for a in g if not a.endswith("*")} | set(g),
                tuple(a[:-1] for a in g if a.endswith("*")),
            )
            for g in groups
        ]
        if len(_PREPARED) > 256:
            _PREPARED.clear()
        _PREPARED[key] = cached
    return cached


def _group_hit(exact: set[str], prefixes: tuple[str, ...], stems: set[str]) -> bool:
    if exact & stems:
        return True
    return any(stem.startswith(prefixes) for stem in stems) if prefixes else False


_PREPARED: dict[tuple[tuple[str, ...], ...], list[tuple[set[str], tuple[str, ...]]]] = {}


def as_json(hits: list[SearchHit]) -> list[dict[str, Any]]:
    """The JSON contract of ``clearclaim search``: [{code, descriptor, score}], best first."""
    return [hit.model_dump() for hit in hits]
