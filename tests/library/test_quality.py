"""Retrieval quality on the fixture library: recall@3, refusal rate, citation precision.

Thresholds are set a little below what was measured when they were written
(recall@3 33/34, refusal 12/12, citation precision 0.875), so a real regression fails
while a small, explained change does not. Figures print with ``pytest -s``.
"""

from __future__ import annotations

from library_support import cites

from clearclaim.library import Library

MIN_RECALL_AT_3 = 0.90
MIN_REFUSAL_RATE = 0.90
MIN_CITATION_PRECISION = 0.75


def test_question_set_is_large_enough(questions: dict) -> None:  # type: ignore[type-arg]
    assert len(questions["answerable"]) + len(questions["unanswerable"]) >= 30
    assert len(questions["unanswerable"]) >= 6


def test_recall_at_3(full_library: Library, questions: dict) -> None:  # type: ignore[type-arg]
    misses = []
    cited = relevant = 0
    for item in questions["answerable"]:
        answer = full_library.ask(item["q"], code=item.get("code"))
        top = answer.citations[:3]
        if not any(cites(c, e) for c in top for e in item["expect"]):
            misses.append(item["q"])
        cited += len(answer.citations)
        relevant += sum(any(cites(c, e) for e in item["expect"]) for c in answer.citations)
    total = len(questions["answerable"])
    recall = (total - len(misses)) / total
    precision = relevant / cited if cited else 0.0
    print(f"\nrecall@3: {recall:.3f} ({total - len(misses)}/{total}); misses: {misses}")
    print(f"citation precision: {precision:.3f} ({relevant}/{cited} citations expected)")
    assert recall >= MIN_RECALL_AT_3, misses
    assert precision >= MIN_CITATION_PRECISION


def test_refusal_rate(full_library: Library, questions: dict) -> None:  # type: ignore[type-arg]
    answered = []
    for item in questions["unanswerable"]:
        answer = full_library.ask(item["q"], code=item.get("code"))
        if answer.grounded:
            answered.append(item["q"])
        else:
            assert answer.citations == []
    total = len(questions["unanswerable"])
    rate = (total - len(answered)) / total
    print(f"\nrefusal rate: {rate:.3f} ({total - len(answered)}/{total}); answered: {answered}")
    assert rate >= MIN_REFUSAL_RATE, answered
