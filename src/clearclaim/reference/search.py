"""Code search: descriptors, synonyms and curated text, ranked, typo tolerant.

The index is built in the store from the newest CMS descriptors of every code
and the curated content, and rebuilt when either changes. Words coders type
for what descriptors say otherwise ("C-arm" for fluoroscopy, "arthrogram" for
contrast x-ray of a joint) come from ``search_vocabulary.yaml``. A deleted
code is found (people look up old codes) and marked with its last valid day
and successor from the code catalog.

Score: 100 for each query word a code matches (its descriptor, synonyms or
curated text, or a word the vocabulary puts in its place), plus the BM25
relevance of the text (about 0-20); an exact code scores 100 more. Results
are ranked by words matched, then current before deleted codes, then BM25.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer
from pydantic import BaseModel, Field

from clearclaim._yaml import load_yaml
from clearclaim.errors import FieldError
from clearclaim.reference.content import CONTENT_DIR, curated_codes, load_curated
from clearclaim.store import Store
from clearclaim.store.queries import catalog
from clearclaim.store.queries import reference as queries

COLUMNS = ("code", "descriptor", "synonyms", "curated", "stems UNINDEXED")
WEIGHTS = (10.0, 4.0, 3.0, 1.0, 0.0)
WORD_RE = re.compile(r"[a-z0-9]+")
RANGE_RE = re.compile(r"^[0-9A-Z]{1,5}\*$")
CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
STOP_WORDS = frozenset({"a", "an", "and", "for", "of", "the", "to", "with", "in", "on", "or"})
MAX_QUERY_CHARS = 200
MAX_LIMIT = 500
CANDIDATES = 300
VOCABULARY_PATH = Path(__file__).resolve().parent / "search_vocabulary.yaml"
SCORE_MEANING = (
    "100 per query word matched (descriptor, synonyms, curated text or a vocabulary "
    "equivalent) plus BM25 text relevance; +100 for an exact code"
)
_lock = threading.Lock()
_STEMMER = snowballstemmer.stemmer("porter")


class SearchHit(BaseModel):
    """One code found. ``code``, ``descriptor`` and ``score`` are the JSON contract."""

    code: str
    descriptor: str | None = Field(description="CMS short descriptor; None when none is loaded.")
    score: float = Field(description=SCORE_MEANING)
    matched: int = Field(default=0, description="Query words this code matches.")
    words: int = Field(default=0, description="Words in the query.")
    deleted: bool = False
    last_valid: date | None = Field(default=None, description="Last day a deleted code was valid.")
    successor: str | None = Field(default=None, description="The code replacing a deleted code.")
    score_meaning: str = SCORE_MEANING


INDEX_VERSION = "3"  # bump when the index's columns or contents change


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[tuple[str, ...], list[str]], dict[str, list[str]]]:
    """(phrases as word tuples -> words, word -> alternative words) from the YAML file."""
    data = load_yaml(VOCABULARY_PATH.read_text(encoding="utf-8")) or {}
    phrases = {
        tuple(WORD_RE.findall(str(key).lower())): [str(v).lower() for v in values]
        for key, values in (data.get("phrases") or {}).items()
    }
    terms = {
        str(key).lower(): [w for v in values for w in WORD_RE.findall(str(v).lower())]
        for key, values in (data.get("terms") or {}).items()
    }
    return phrases, terms


def _fingerprint(store: Store) -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for release in store.releases("pfs_rvu") + store.releases("hcpcs_description"):
        digest.update(release.release_key.encode())
        digest.update(str(release.release_id).encode())
    for path in sorted(CONTENT_DIR.rglob("*.yaml")):
        digest.update(f"{path.name}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _curated_text(code: str) -> tuple[str, str]:
    content = load_curated(code, "en")
    if content is None:
        return "", ""
    synonyms = " ; ".join(content.synonyms.value)
    parts = [content.plain_language.value, *content.when_to_use.value]
    return synonyms, " ".join(parts)


def ensure_index(store: Store) -> None:
    fingerprint = _fingerprint(store)
    if queries.search_index_fingerprint(store) == fingerprint:
        return
    with _lock:
        descriptors = catalog.descriptors(store)
        curated = {code: _curated_text(code) for code in curated_codes()}
        rows = []
        for code in sorted(set(descriptors) | set(curated)):
            synonyms, text = curated.get(code, ("", ""))
            descriptor = descriptors.get(code, "")
            stems = " ".join(sorted(_stems(f"{descriptor} {synonyms} {text}")))
            rows.append((code, descriptor, synonyms, text, stems))
        queries.write_search_index(store, COLUMNS, rows, fingerprint)
        _VOCABULARY.pop(id(store), None)
        _DELETED.pop(id(store), None)


_VOCABULARY: dict[int, list[str]] = {}
_DELETED: dict[int, dict[str, catalog.CodeStatus]] = {}


def _index_words(store: Store) -> list[str]:
    if id(store) not in _VOCABULARY:
        _VOCABULARY[id(store)] = queries.search_vocabulary(store)
    return _VOCABULARY[id(store)]


def _deleted(store: Store) -> dict[str, catalog.CodeStatus]:
    if id(store) not in _DELETED:
        _DELETED[id(store)] = catalog.deleted_codes(store)
    return _DELETED[id(store)]


def _query_words(query: str) -> tuple[list[list[str]], list[str]]:
    """Word groups of the query (a group lists a word and what may stand for it) and the
    phrases found, as text for a phrase search."""
    phrases, terms = vocabulary()
    words = WORD_RE.findall(query.lower())
    groups: list[list[str]] = []
    found_phrases: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2):
            key = tuple(words[i : i + size])
            if len(key) == size and key in phrases:
                # the phrase is one idea: one group, matched as the phrase's words or
                # as the words the vocabulary gives for it
                found_phrases.append(" ".join(key))
                groups.append([" ".join(key), *phrases[key]])
                i += size
                break
        else:
            word = words[i]
            i += 1
            if word in STOP_WORDS:
                continue
            groups.append([word, *terms.get(word, [])])
    return groups, found_phrases


def _term_groups(store: Store, groups: list[list[str]]) -> list[list[str]]:
    """Each group with prefix forms and, for a word not in the index, the closest
    indexed words (typo tolerance)."""
    indexed = _index_words(store)
    known = set(indexed)
    out = []
    for group in groups:
        word = group[0]
        if " " in word:  # a phrase: its own words together, or what stands for it
            out.append(list(group))
            continue
        expanded = list(dict.fromkeys(group))
        if len(word) >= 4:
            expanded.append(f"{word[: max(4, len(word) - 3)]}*")
        # the index holds Porter stems: a word whose stem is indexed is no typo
        if _STEMMER.stemWord(word) not in known and word not in known and len(word) >= 4:
            # compare only with words of about the same length and first letter: fast,
            # and a misspelling rarely changes either
            nearby = [t for t in indexed if t[:1] == word[:1] and abs(len(t) - len(word)) <= 3]
            expanded.extend(difflib.get_close_matches(word, nearby, n=3, cutoff=0.75))
        out.append(expanded)
    return out


def check_query(query: str) -> str:
    text = " ".join(query.split())
    if len(text) > MAX_QUERY_CHARS:
        raise FieldError(
            f"the query is {len(text)} characters long (at most {MAX_QUERY_CHARS})", field="QUERY"
        )
    return text


def search(store: Store, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Codes best matching ``query``: a code, a code range (``7700*``) or words."""
    text = check_query(query)
    if not text:
        return []
    if not 1 <= limit <= MAX_LIMIT:
        raise FieldError(f"{limit} is not between 1 and {MAX_LIMIT}", field="--limit")
    ensure_index(store)
    deleted = _deleted(store)
    upper = text.upper()
    if RANGE_RE.match(upper):
        in_range = queries.search_code_range(store, upper[:-1], limit)
        return [_hit(code, descriptor, 1.0, 1, 1, deleted) for code, descriptor in in_range]
    hits: dict[str, SearchHit] = {}
    if CODE_RE.match(upper):
        row = queries.search_code(store, upper)
        if row:
            hits[row[0]] = _hit(row[0], row[1], 100.0, 1, 1, deleted)
    words, phrases = _query_words(text)
    groups = _term_groups(store, words)
    rows = queries.search_text(store, groups, WEIGHTS, CANDIDATES)
    seen = {rowid for rowid, _ in rows}
    for phrase in phrases:
        # a phrase ("C-arm") is a rarer match than its words: look for it as such, so
        # codes that name it are candidates even when a common word floods the rest
        rows += [r for r in queries.search_phrase(store, phrase, CANDIDATES) if r[0] not in seen]
    if rows:
        by_rowid = queries.search_rows(store, [rowid for rowid, _ in rows])
        ranked = []
        for rowid, score in rows:
            code, descriptor, stems = by_rowid[rowid]
            covered = _coverage(groups, set(stems.split()))
            # BM25 alone lets one rare word outrank a code that matches every word:
            # rank first by how many of the query's words a code matches
            ranked.append((covered, code not in deleted, float(score), code, descriptor))
        ranked.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
        for covered, _current, score, code, descriptor in ranked:
            if code not in hits:
                hits[code] = _hit(
                    code, descriptor, round(covered * 100 + score, 3), covered, len(groups), deleted
                )
    return list(hits.values())[:limit]


def _hit(
    code: str,
    descriptor: str | None,
    score: float,
    matched: int,
    words: int,
    deleted: dict[str, catalog.CodeStatus],
) -> SearchHit:
    status = deleted.get(code)
    return SearchHit(
        code=code,
        descriptor=descriptor or None,
        score=score,
        matched=matched,
        words=words,
        deleted=status is not None,
        last_valid=status.last_valid if status else None,
        successor=status.successor if status else None,
    )


def _stems(text: str) -> set[str]:
    return {_STEMMER.stemWord(w) for w in WORD_RE.findall(text.lower())}


def _coverage(groups: list[list[str]], stems: set[str]) -> int:
    return sum(1 for exact, prefixes in _prepared(groups) if _group_hit(exact, prefixes, stems))


def _prepared(groups: list[list[str]]) -> list[tuple[set[str], tuple[str, ...]]]:
    """Per group: the stems that match it and the prefixes that do. A phrase of several
    words matches when all its stems are there, so its stems are joined as one key."""
    key = tuple(tuple(g) for g in groups)
    cached = _PREPARED.get(key)
    if cached is None:
        cached = [
            (
                {_stem_key(a) for a in g if not a.endswith("*")} | set(g),
                tuple(a[:-1] for a in g if a.endswith("*")),
            )
            for g in groups
        ]
        if len(_PREPARED) > 256:
            _PREPARED.clear()
        _PREPARED[key] = cached
    return cached


def _stem_key(item: str) -> str:
    return " ".join(_STEMMER.stemWord(w) for w in item.split())


def _group_hit(exact: set[str], prefixes: tuple[str, ...], stems: set[str]) -> bool:
    if exact & stems:
        return True
    if any(" " in item and set(item.split()) <= stems for item in exact):
        return True
    return any(stem.startswith(prefixes) for stem in stems) if prefixes else False


_PREPARED: dict[tuple[tuple[str, ...], ...], list[tuple[set[str], tuple[str, ...]]]] = {}


def as_json(hits: list[SearchHit]) -> list[dict[str, Any]]:
    """The JSON contract of ``clearclaim search``: [{code, descriptor, score, ...}], best first.

    ``score_meaning`` says what the score counts; ``deleted``, ``last_valid`` and
    ``successor`` mark a deleted code.
    """
    return [hit.model_dump(mode="json") for hit in hits]
