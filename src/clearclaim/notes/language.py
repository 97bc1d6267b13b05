"""A cheap language check: which function words does the note use?

The reader only understands English. A note written in another language is
reported as "could not determine" rather than read badly. Word lists are data
(data/language.yaml); this needs no model and runs in microseconds.
"""

from __future__ import annotations

import re
from functools import cache

from clearclaim.notes.pipeline import load_yaml

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def _lists() -> tuple[int, dict[str, frozenset[str]]]:
    spec = load_yaml("language.yaml")
    ignore = {w.lower() for w in spec.get("ignore", [])}
    langs = {
        code: frozenset(w.lower() for w in words) - ignore
        for code, words in spec["languages"].items()
    }
    return int(spec.get("min_hits", 3)), langs


def detect_language(text: str) -> str:
    """ISO code of the note's language ("en" unless another language clearly dominates)."""
    min_hits, langs = _lists()
    counts = dict.fromkeys(langs, 0)
    for word in _WORD.findall(text.lower()):
        for code, words in langs.items():
            if word in words:
                counts[code] += 1
    best = max(counts, key=lambda code: counts[code])
    if best != "en" and counts[best] >= min_hits and counts[best] > counts.get("en", 0):
        return best
    return "en"
