"""Ranking: BM25 candidates from FTS5, re-scored by how much of the question each one covers.

BM25 alone says which passage matches best, not whether any passage answers
the question: its scores are not comparable across questions. So each
candidate also gets a *coverage*: the share of the question's weight (IDF of
each question term, plus the codes it names) that the passage holds. The
relevance gate is on coverage, which is in [0, 1] for every question; a
question whose rare words appear in no passage cannot clear it.

With an embedder (see ``embeddings.py``) dense similarity is blended in and
can also carry a passage over the gate; without one, this is plain BM25 plus
coverage, which is the tested default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from clearclaim.library.embeddings import Embedder, dense_scores
from clearclaim.library.synonyms import Synonyms
from clearclaim.library.text import codes_in, unique
from clearclaim.store.queries.library import Hit, LibraryIndex

# Measured on tests/fixtures/library/questions.yaml (tests/library/test_quality.py):
# for 33 of 34 answerable questions the expected passage covers 0.54 or more of
# the question; for the 12 unanswerable ones the best passage covers 0.46 at most.
# The gate sits between. It is a small set: re-measure when the ranking changes.
MIN_COVERAGE = 0.5
CANDIDATES = 60
# A question term found only in the document title counts this much.
CONTEXT_CREDIT = 0.6
# A question term in the heading the passage sits under counts as much as one in its
# text: a section headed "Fluoroscopic guidance with epidural injections" that says
# "do not report it separately" answers a question about that guidance.
HEADING_CREDIT = 1.0
# A code named in the question weighs this many times its IDF.
CODE_WEIGHT = 1.0
# A passage that names a code through one of its phrases gets this share of the code's weight.
PHRASE_CREDIT = 0.7
IDF_POWER = 0.75
LEXICAL_SHARE = 0.75  # with dense scores: the rest comes from cosine similarity


@dataclass(slots=True)
class Query:
    """A question as the ranking sees it: weighted terms and the codes it names."""

    text: str
    terms: list[str]
    codes: list[str]
    weights: dict[str, float] = field(default_factory=dict)
    code_weights: dict[str, float] = field(default_factory=dict)
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values()) + sum(self.code_weights.values())


@dataclass(slots=True)
class Ranked:
    hit: Hit
    score: float
    coverage: float
    names_code: bool
    dense: float | None = None

    @property
    def relevant(self) -> bool:
        return self.coverage >= MIN_COVERAGE


def build_query(index: LibraryIndex, synonyms: Synonyms, question: str, code: str | None) -> Query:
    codes = unique([*(codes_in(code) if code else []), *codes_in(question)])
    if code and not codes:
        codes = [code.strip().upper()]
    code_terms = {c.lower() for c in codes}
    words = [t for t in unique(synonyms.terms(question)) if t not in code_terms]
    total = max(index.passage_count(), 1)
    frequency = index.document_frequency([*words, *code_terms])
    # A code weighs what its rarity says, like a word: in a library about
    # fluoroscopy, 77003 alone must not carry a question about something else,
    # and a code the library never names (ranges included) weighs the most.
    return Query(
        text=question,
        terms=words,
        codes=codes,
        weights={term: _idf(frequency[term], total) for term in words},
        code_weights={c: CODE_WEIGHT * _idf(frequency[c.lower()], total) for c in codes},
        phrases={c: synonyms.phrases_for(c) for c in codes},
    )


def _idf(df: int, total: int) -> float:
    """BM25's IDF, floored so a term in every passage still weighs a little.

    Raised to ``IDF_POWER`` (< 1) so that one rare word the passage lacks
    (often just the asker's phrasing) cannot outweigh everything it holds.
    """
    return max(math.log(1 + (total - df + 0.5) / (df + 0.5)), 0.05) ** IDF_POWER


_HEADINGS: dict[tuple[str, str], frozenset[str]] = {}


def _heading_terms(synonyms: Synonyms | None, heading: str | None) -> frozenset[str]:
    """The terms of a heading (cached: a library repeats a few hundred headings)."""
    if not heading or synonyms is None:
        return frozenset()
    key = (synonyms.fingerprint, heading)
    found = _HEADINGS.get(key)
    if found is None:
        if len(_HEADINGS) > 20_000:
            _HEADINGS.clear()
        found = _HEADINGS[key] = frozenset(synonyms.terms(heading))
    return found


def rank(
    index: LibraryIndex,
    query: Query,
    *,
    limit: int,
    embedder: Embedder | None = None,
    synonyms: Synonyms | None = None,
) -> list[Ranked]:
    """Candidates best first; ``Ranked.relevant`` says which clear the gate."""
    search_terms = list(query.terms)
    for c in query.codes:
        search_terms.append(c.lower())
        for phrase in query.phrases.get(c, []):
            search_terms.extend(phrase)
    hits = index.search(search_terms, limit=CANDIDATES)
    dense: dict[int, float] = {}
    if embedder is not None:
        dense = dense_scores(index, embedder, query.text, limit=CANDIDATES)
        missing = [pid for pid in dense if pid not in {hit.passage_id for hit in hits}]
        hits.extend(index.hits(missing))
    if not hits:
        return []
    best_bm25 = max(hit.bm25 for hit in hits) or 1.0
    ranked = []
    for hit in hits:
        coverage, names_code = _coverage(query, hit, _heading_terms(synonyms, hit.heading))
        lexical = coverage * (0.8 + 0.2 * max(hit.bm25, 0.0) / best_bm25)
        similarity = dense.get(hit.passage_id)
        if similarity is not None and embedder is not None:
            score = LEXICAL_SHARE * lexical + (1 - LEXICAL_SHARE) * similarity
            if similarity >= embedder.threshold:
                coverage = max(coverage, MIN_COVERAGE)
        else:
            score = lexical
        ranked.append(Ranked(hit, round(score, 4), round(coverage, 4), names_code, similarity))
    ranked.sort(key=lambda r: (-r.score, r.hit.document_id, r.hit.ordinal))
    return ranked[:limit]


def _coverage(query: Query, hit: Hit, heading: frozenset[str] = frozenset()) -> tuple[float, bool]:
    total = query.total_weight
    if total <= 0:
        return 0.0, False
    body = set(hit.terms.split())
    context = set(hit.context.split())
    covered = 0.0
    for term, weight in query.weights.items():
        if term in body:
            covered += weight
        elif term in heading:
            covered += HEADING_CREDIT * weight
        elif term in context:
            covered += CONTEXT_CREDIT * weight
    names_code = False
    passage_codes = set(hit.codes.split())
    for c, weight in query.code_weights.items():
        if c in passage_codes or c.lower() in body:
            covered += weight
            names_code = True
        elif any(set(phrase) <= body for phrase in query.phrases.get(c, [])):
            covered += PHRASE_CREDIT * weight
    return covered / total, names_code


def sentence_score(
    query: Query, sentence_terms: Sequence[str], sentence_codes: Sequence[str]
) -> float:
    """How much of the question one sentence covers: picks the quote inside a passage."""
    present = set(sentence_terms)
    covered = sum(weight for term, weight in query.weights.items() if term in present)
    codes = set(sentence_codes)
    for c, weight in query.code_weights.items():
        if c in codes:
            covered += weight
        elif any(set(phrase) <= present for phrase in query.phrases.get(c, [])):
            covered += PHRASE_CREDIT * weight
    return covered / query.total_weight if query.total_weight else 0.0
