"""From ranked passages to an answer: quotes chosen inside passages, then composed.

Two steps, so an answer backend can be swapped without touching retrieval:

1. ``gather_evidence`` turns ranked passages into ``Evidence``: the full
   passage text, plus a ``Citation`` whose quote is the passage's best
   sentence(s), an exact slice of the stored text.
2. An ``AnswerBackend`` composes the ``Answer`` from that evidence. The
   default, ``ExtractiveBackend``, only strings quotes together: it can say
   nothing the library does not say. A generative backend would implement the
   same protocol and must cite only the evidence it was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from clearclaim.errors import InputError
from clearclaim.library.models import Answer, Citation
from clearclaim.library.passages import content_hash
from clearclaim.library.paths import inside
from clearclaim.library.retrieve import Query, Ranked, sentence_score
from clearclaim.library.synonyms import Synonyms
from clearclaim.library.text import codes_in, sentence_spans

MAX_QUOTE_WORDS = 80
RELATIVE_CUTOFF = 0.8
NOT_COVERED = (
    "Your library does not cover this question: no passage in it is relevant enough to quote. "
    "Add the payer policy, article or manual chapter that addresses it "
    "(clearclaim library add PATH) and ask again."
)
EMPTY_LIBRARY = (
    "Your library is empty, so it cannot answer this question. "
    "Add payer policies, MAC articles or NCCI manual chapters with clearclaim library add PATH."
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A relevant passage: its whole text for a backend to read, and how to cite it."""

    citation: Citation
    text: str


class AnswerBackend(Protocol):
    """Composes an answer from evidence; must not state what the evidence does not hold."""

    name: str

    def compose(
        self, question: str, evidence: Sequence[Evidence], codes: Sequence[str]
    ) -> Answer: ...


class ExtractiveBackend:
    """The default: the answer is the quotes themselves, each followed by where it is from."""

    name = "extractive"

    def compose(self, question: str, evidence: Sequence[Evidence], codes: Sequence[str]) -> Answer:
        if not evidence:
            return Answer(
                question=question,
                grounded=False,
                answer=NOT_COVERED,
                codes=list(codes),
                backend=self.name,
            )
        lines = [
            f"[{n}] \u201c{item.citation.quote}\u201d \u2014 {item.citation.document}, "
            f"{item.citation.location}"
            for n, item in enumerate(evidence, 1)
        ]
        return Answer(
            question=question,
            grounded=True,
            answer="\n".join(lines),
            citations=[item.citation for item in evidence],
            codes=list(codes),
            backend=self.name,
        )


def gather_evidence(
    ranked: Sequence[Ranked], query: Query, synonyms: Synonyms, folder: Path, *, limit: int
) -> list[Evidence]:
    """The relevant passages, best first, one per distinct text, each with its best quote."""
    out: list[Evidence] = []
    seen: set[str] = set()
    best = max((item.score for item in ranked if item.relevant), default=0.0)
    for item in ranked:
        # Past the best passage, only those nearly as good: a weak third quote
        # that shares a few words with the question misleads more than it helps.
        if not item.relevant or len(out) >= limit or item.score < RELATIVE_CUTOFF * best:
            continue
        key = content_hash(item.hit.text)
        if key in seen:  # the same paragraph in two documents is quoted once
            continue
        seen.add(key)
        hit = item.hit
        out.append(
            Evidence(
                citation=Citation(
                    document=hit.title,
                    location=location(hit.page, hit.heading, hit.line, hit.media_type),
                    quote=best_quote(hit.text, query, synonyms),
                    score=round(min(item.score, 1.0), 3),
                    document_id=hit.document_id,
                    page=hit.page,
                    section=hit.heading,
                    uri=link(folder, hit.stored_name, hit.media_type, hit.page, hit.anchor),
                ),
                text=hit.text,
            )
        )
    return out


def best_quote(text: str, query: Query, synonyms: Synonyms) -> str:
    """The sentence that covers most of the question, with a neighbour when it helps.

    Always one contiguous slice of ``text``: a quote is never stitched together.
    """
    spans = sentence_spans(text) or [(0, len(text))]
    scores = [
        sentence_score(query, synonyms.terms(text[a:b]), codes_in(text[a:b])) for a, b in spans
    ]
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    first = last = best
    # Widen to a neighbour in the same paragraph that also covers the question,
    # or past a fragment too short to stand alone ("See below."), while the
    # quote stays short.
    for neighbour in (best + 1, best - 1):
        if not 0 <= neighbour < len(spans):
            continue
        useful = scores[neighbour] >= 0.5 * scores[best] > 0
        fragment = _words(text, spans[best]) < 12
        lo, hi = min(first, neighbour), max(last, neighbour)
        same_block = "\n" not in text[spans[lo][1] : spans[hi][0]]
        short = _words(text, (spans[lo][0], spans[hi][1])) <= MAX_QUOTE_WORDS
        if (useful or fragment) and same_block and short:
            first, last = lo, hi
            break
    return text[spans[first][0] : spans[last][1]]


def _words(text: str, span: tuple[int, int]) -> int:
    return len(text[span[0] : span[1]].split())


def location(page: int | None, heading: str | None, line: int | None, media_type: str) -> str:
    """Where a passage is, in words: 'page 3, section "Imaging guidance"'."""
    parts = []
    if page is not None:
        parts.append(f"page {page}")
    if heading:
        parts.append(f"section \u201c{heading}\u201d")
    if line is not None and page is None and media_type in {"text", "markdown"}:
        parts.append(f"line {line}")
    return ", ".join(parts) or "beginning of the document"


def link(
    folder: Path, stored_name: str, media_type: str, page: int | None, anchor: str | None
) -> str | None:
    """file: URI of the stored copy, with #page=N for PDFs and the heading's id for HTML."""
    try:
        path = inside(folder, stored_name)
    except InputError:
        return None  # a tampered stored name is never turned into a link
    uri = path.resolve().as_uri()
    if media_type == "pdf" and page is not None:
        return f"{uri}#page={page}"
    if media_type == "html" and anchor:
        return f"{uri}#{anchor}"
    return uri
