"""A cheap language check: which function words does the note use?

The reader only understands English. A note written in another language is
reported as "could not determine" rather than read badly. Word lists are data
(data/language.yaml); this needs no model and runs in microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from clearclaim.notes.pipeline import load_yaml

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def _lists() -> tuple[int, tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Minimum hits, the languages, and for each listed word the languages that list it."""
    spec = load_yaml("language.yaml")
    ignore = {w.lower() for w in spec.get("ignore", [])}
    by_word: dict[str, list[str]] = {}
    for code, words in spec["languages"].items():
        for word in {w.lower() for w in words} - ignore:
            by_word.setdefault(word, []).append(code)
    languages = tuple(spec["languages"])
    return (
        int(spec.get("min_hits", 3)),
        languages,
        {word: tuple(codes) for word, codes in by_word.items()},
    )


#: below this many English function words a note is checked with langdetect too
ENGLISH_SURE = 4
#: langdetect's verdict is trusted only on this much prose and this probability
MIN_WORDS = 12
MIN_PROBABILITY = 0.95
#: a note whose letters are mostly not Latin is not English
NON_LATIN_SHARE = 0.3


def _non_latin_share(text: str) -> float:
    if text.isascii():  # most notes: nothing to look up
        return 0.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    non_latin = sum(
        1 for c in letters if not c.isascii() and not unicodedata.name(c, "").startswith("LATIN")
    )
    return non_latin / len(letters)


def detect_language(text: str) -> str:
    """ISO code of the note's language ("en" unless another language clearly dominates).

    Function-word lists (data) decide the common cases in microseconds. A note
    with few English function words is also given to langdetect (Google's
    language profiles, offline), which knows Vietnamese, Chinese, Russian,
    Korean, Arabic, Tagalog and fifty more; terse English shorthand ("L4-5 ILESI,
    FT 0.6 min") is too short for it and stays English.
    """
    min_hits, languages, by_word = _lists()
    words = _WORD.findall(text.lower())
    counts = dict.fromkeys(languages, 0)
    for word in words:
        for code in by_word.get(word, ()):
            counts[code] += 1
    best = max(counts, key=lambda code: counts[code])
    if best != "en" and counts[best] >= min_hits and counts[best] > counts.get("en", 0):
        return best
    if _non_latin_share(text) > NON_LATIN_SHARE:
        # Chinese, Russian, Arabic, Korean ...: no word lists needed to know it is not English
        return _langdetect(text) or "und"
    if counts.get("en", 0) >= ENGLISH_SURE or len([w for w in words if len(w) > 2]) < MIN_WORDS:
        return "en"
    clinical_min, clinical = _english_clinical()
    others = max((n for code, n in counts.items() if code != "en"), default=0)
    if others < min_hits and sum(1 for word in words if word in clinical) >= clinical_min:
        return "en"  # terse English shorthand
    return _langdetect(text) or "en"


@cache
def _english_clinical() -> tuple[int, frozenset[str]]:
    spec = load_yaml("language.yaml")
    words = frozenset(w.lower() for w in spec.get("english_clinical", []))
    return int(spec.get("english_clinical_min", 3)), words


def _langdetect(text: str) -> str | None:
    try:
        from langdetect import DetectorFactory, detect_langs
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    DetectorFactory.seed = 0  # langdetect is random without a seed
    try:
        ranked = detect_langs(text)
    except LangDetectException:
        return None
    top = ranked[0]
    if top.lang != "en" and top.prob >= MIN_PROBABILITY:
        return top.lang.split("-")[0]
    return None
