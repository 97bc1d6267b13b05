"""Words, codes and sentences: the one place text is normalised for the library.

The index stores stemmed terms that Python made (not SQLite's porter tokenizer),
so that ranking code here can see exactly which question terms a passage holds.
Index and question must go through the same ``terms()`` function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import snowballstemmer


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no meaning for retrieval, plus the filler of coder questions
# ("what does my payer say about ..."). Kept short on purpose: IDF weighting
# already makes frequent words cheap, this list only removes pure noise.
STOPWORDS = _word_set(
    """
    a about above after again against all also am an and answer any are as at be because
    been before being below between both but by can could did do does doing done down
    during each either explain few for from further get gets give gives got had has have
    having he her here hers him his how i if in into is it its itself just know many may
    me might more most much must my myself need no nor not now of off on once only or
    other our ours out over own per please question regarding same say says shall she
    should so some such tell than that the their theirs them then there these they this
    those through to too under until up upon us very via want was we were what when
    where whether which while who whom why will with within without would yes yet you
    your yours
    """
)

# Numbers like "1" or "2024" are noise; CPT/HCPCS codes and two-character
# modifiers ("59", "26", "XS") are kept as terms because they are what coders ask.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_CODE = re.compile(r"\b(?:\d{4}[0-9FTU]|[A-V]\d{4})\b")
_RANGE = re.compile(r"\b(\d{5})\s*(?:-|\u2013|\u2014|THROUGH|THRU)\s*(\d{5})\b")
MAX_RANGE = 60  # a wider span is more likely two unrelated numbers than a code family
_STEMMER = snowballstemmer.stemmer("english")

# Sentence ends: ., ! or ? then space and an upper-case letter, digit, quote or
# bracket. Abbreviations common in policy text must not end a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[•\-])")
_ABBREVIATIONS = _word_set(
    """
    al. approx. apr. aug. ch. dec. dr. e.g. etc. feb. fig. i.e. inc. jan. jul. jun. mar.
    mr. ms. no. nov. oct. p. pp. sec. sep. sept. st. u.s. vs.
    """
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of one lower-case word; cached because vocabularies are small."""
    if word.isdigit() or len(word) <= 2:
        return word
    return _STEMMER.stemWord(word)


def normalise(text: str) -> str:
    """NFKC, so ligatures and full-width digits from PDFs compare equal to typed text."""
    return unicodedata.normalize("NFKC", text)


def words(text: str) -> Iterator[str]:
    """Lower-case word tokens, apostrophes dropped (payer's -> payers)."""
    for match in _TOKEN.finditer(normalise(text)):
        yield match.group(0).replace("'", "").lower()


def is_noise(word: str) -> bool:
    if word in STOPWORDS:
        return True
    # Keep codes (5 characters) and two-digit modifiers; drop other bare numbers.
    return word.isdigit() and len(word) not in (2, 5)


def terms(text: str, canon: dict[str, str] | None = None) -> list[str]:
    """Index terms of a text, in order: stemmed, stopwords removed, synonyms folded.

    ``canon`` maps a stem to the stem that stands for its group (fluoro and
    fluoroscopic both become the stem of fluoroscopy).
    """
    out: list[str] = []
    for word in words(text):
        if is_noise(word):
            continue
        stemmed = stem(word)
        out.append(canon.get(stemmed, stemmed) if canon else stemmed)
    return out


def codes_in(text: str) -> list[str]:
    """CPT (5 digits, Category II/III suffix) and HCPCS Level II codes mentioned in a text.

    A numeric range ("62320 through 62327", "64490-64495") names every code in
    it: policies list code families that way, and a coder asks about one of them.
    """
    upper = normalise(text).upper()
    seen: dict[str, None] = {}
    for match in _CODE.finditer(upper):
        seen.setdefault(match.group(0), None)
    for match in _RANGE.finditer(upper):
        low, high = int(match.group(1)), int(match.group(2))
        if 0 < high - low <= MAX_RANGE:
            for number in range(low, high + 1):
                seen.setdefault(f"{number:05d}", None)
    return list(seen)


# A HCPCS code: five letters or digits (CPT 77003, Category III 0275T, Level II G0260).
_CODE_SHAPE = re.compile(r"[0-9A-Z]{4}[0-9A-Z]")
MAX_CODE_INPUT = 16


def check_code(code: str | None, *, option: str = "code") -> str | None:
    """A code given by the user, upper-cased, or an ``InputError`` naming the option.

    Checked at the boundary, before the code reaches a file name, a query or a
    closest-match search: a quote, a path or a 5,000-digit number is refused
    at once with one line.
    """
    from clearclaim.errors import FieldError

    if code is None:
        return None
    cleaned = code.strip().upper()
    if not cleaned:
        return None
    if len(cleaned) > MAX_CODE_INPUT or not _CODE_SHAPE.fullmatch(cleaned):
        shown = cleaned if len(cleaned) <= MAX_CODE_INPUT else cleaned[:MAX_CODE_INPUT] + "..."
        raise FieldError(
            f"{shown!r} is not a CPT or HCPCS code (five letters or digits, e.g. 77003)",
            field=option,
        )
    return cleaned


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of a passage.

    Offsets rather than strings so that a quote is always an exact slice of the
    stored passage text: nothing is re-joined or reworded.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):  # passages keep one block (paragraph, row) per line
        spans.extend((offset + a, offset + b) for a, b in _line_sentences(line))
        offset += len(line) + 1
    return spans


def _line_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        last_word = text[max(start, text.rfind(" ", start, end) + 1) : end].lower().lstrip("(\"'[")
        if last_word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+", last_word):
            continue
        piece_end = match.start() + len(match.group(0).rstrip())
        if text[start:piece_end].strip():
            spans.append(_trim(text, start, piece_end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
