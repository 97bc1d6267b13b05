"""Group a reader's blocks into passages: small enough to quote, never across a page or heading.

A passage is the unit that is ranked and cited. Paragraphs under one heading
on one page are joined until a passage holds about ``TARGET_WORDS`` words; a
paragraph longer than ``MAX_WORDS`` is cut between sentences. The heading the
passage sits under travels with it, so a citation can say "page 3, section
'Imaging guidance'".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from clearclaim.library.models import Passage
from clearclaim.library.readers import Block
from clearclaim.library.text import sentence_spans

TARGET_WORDS = 70
MAX_WORDS = 140


def content_hash(text: str) -> str:
    """Hash of a passage's words, case and spacing ignored: the de-duplication key."""
    canonical = " ".join(text.lower().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def build_passages(blocks: Iterable[Block], document_id: str) -> Iterator[Passage]:
    """Passages in document order; ``ordinal`` counts from 0 in each document."""
    headings: dict[int, str] = {}
    anchors: dict[int, str] = {}
    group: list[Block] = []
    words = 0
    ordinal = 0

    def emit() -> Iterator[Passage]:
        nonlocal ordinal
        if not group:
            return
        first = group[0]
        # One block per line: a quote never runs a table row into the next paragraph.
        text = "\n".join(block.text for block in group)
        yield Passage(
            document_id=document_id,
            ordinal=ordinal,
            text=text,
            page=first.page,
            heading=_nearest(headings),
            line=first.line,
            anchor=anchors[max(anchors)] if anchors else None,
        )
        ordinal += 1

    for block in blocks:
        if block.level:
            yield from emit()
            group, words = [], 0
            headings = {level: text for level, text in headings.items() if level < block.level}
            headings[block.level] = block.text
            # A sub-heading without an id links to the nearest enclosing one that has one.
            anchors = {level: a for level, a in anchors.items() if level < block.level}
            if block.anchor:
                anchors[block.level] = block.anchor
            continue
        if group and (block.page != group[0].page):
            yield from emit()
            group, words = [], 0
        for piece in _pieces(block):
            size = len(piece.text.split())
            if group and (words >= TARGET_WORDS or words + size > MAX_WORDS):
                yield from emit()
                group, words = [], 0
            group.append(piece)
            words += size
    yield from emit()


def _nearest(headings: dict[int, str]) -> str | None:
    return headings[max(headings)] if headings else None


def _pieces(block: Block) -> Iterator[Block]:
    """The block itself, or, when too long to quote, runs of its sentences."""
    if len(block.text.split()) <= MAX_WORDS:
        yield block
        return
    run: list[str] = []
    size = 0
    for start, end in sentence_spans(block.text):
        sentence = block.text[start:end]
        count = len(sentence.split())
        if run and size + count > TARGET_WORDS:
            yield Block(" ".join(run), page=block.page, line=block.line, anchor=block.anchor)
            run, size = [], 0
        run.append(sentence)
        size += count
    if run:
        yield Block(" ".join(run), page=block.page, line=block.line, anchor=block.anchor)
