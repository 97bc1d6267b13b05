"""Codes that look like a mistyped one: what "did you mean" lists for an unknown code."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable


def lookalikes(
    code: str,
    candidates: Iterable[str],
    n: int = 5,
    *,
    key: Callable[[str], str] = lambda c: c,
) -> list[str]:
    """The ``n`` candidates most like ``code``: the longest shared beginning first
    (7600 -> 76000), then overall similarity (a transposed digit); ``key`` is the
    form compared (an ICD-10-CM code without its dot)."""
    typed = key(code)

    def score(candidate: str) -> tuple[int, float]:
        plain = key(candidate)
        shared = 0
        for a, b in zip(typed, plain, strict=False):
            if a != b:
                break
            shared += 1
        return shared, difflib.SequenceMatcher(None, typed, plain).ratio()

    ranked = sorted(candidates, key=score, reverse=True)
    return [c for c in ranked[:n] if score(c)[1] >= 0.5]
