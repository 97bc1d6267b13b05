"""Numbers with units: fluoroscopy time and radiation dose.

The label words, unit spellings and conversion factors live in
``data/measures.yaml``; this module only assembles them into regexes and does
the arithmetic. Time is normalised to seconds, dose-area product to Gy·cm²,
air kerma to mGy. The text as written is kept in the span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from clearclaim.notes.matching import Prefiltered
from clearclaim.notes.models import Measurement, TextSpan
from clearclaim.notes.pipeline import load_yaml

_NUM = r"(?P<value>\d+(?:[.,]\d+)?)"
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class _TimePatterns:
    labelled: Prefiltered
    clock: Prefiltered
    compound: Prefiltered
    trailing: Prefiltered
    words: Prefiltered
    unit_in_label: Prefiltered
    units: dict[str, float]


# Dictated times: "forty seconds", "one and a half minutes", "twenty-five seconds".
_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD = "|".join(sorted(_UNITS_WORDS, key=len, reverse=True))
_DIGIT = "|".join(w for w, v in _UNITS_WORDS.items() if v < 10)
# "one point nine minutes": a dictated decimal, one digit after the point
_WORDS = rf"(?:{_WORD})(?:[- ](?:{_WORD}))?(?:\s+and\s+a\s+half|\s+point\s+(?:{_DIGIT}))?"


def _words_value(text: str) -> float:
    text = text.lower()
    half = 0.5 if re.search(r"and\s+a\s+half", text) else 0.0
    whole, _, tenths = text.partition(" point ")
    parts = re.split(r"[- ]+", re.sub(r"\s+and\s+a\s+half", "", whole).strip())
    fraction = _UNITS_WORDS.get(tenths.strip(), 0) / 10
    return float(sum(_UNITS_WORDS.get(part, 0) for part in parts)) + half + fraction


@cache
def _time_patterns() -> _TimePatterns:
    spec = load_yaml("measures.yaml")["fluoro_time"]
    # not \b at the end: a label may end in a closing parenthesis ("Fluoro time
    # (total): 0.8 min") or an opening one ("fluoroscopic guidance (0.3 minutes")
    label = rf"\b(?:{spec['label']})(?:(?<=\()|(?!\w))"
    sep = spec["separator"]
    unit = rf"(?P<unit>{spec['unit_pattern']})(?![a-z])"
    return _TimePatterns(
        labelled=Prefiltered(rf"{label}{sep}{_NUM}\s*{unit}", _FLAGS),
        clock=Prefiltered(rf"{label}{sep}(?P<mm>\d{{1,2}}):(?P<ss>\d{{2}})(?!\d)", _FLAGS),
        compound=Prefiltered(
            rf"(?:{label}{sep})?(?P<min>\d+)\s*(?:m|mins?|minutes?)\s*(?:and\s*)?"
            rf"(?P<sec>\d+)\s*(?:s|secs?|seconds?)(?![a-z])(?:\s+{spec['trailing_label']})?",
            _FLAGS,
        ),
        trailing=Prefiltered(rf"{_NUM}\s*{unit}\s+\b{spec['trailing_label']}\b", _FLAGS),
        words=Prefiltered(rf"{label}{sep}(?P<words>{_WORDS})\s+{unit}", _FLAGS),
        # a form's field whose label carries the unit: "Fluoro time (min): 0.3"
        unit_in_label=Prefiltered(
            rf"\b(?:{spec['unit_label']})\s*\(\s*(?P<unit>{spec['unit_pattern']})\s*\)"
            rf"\s*[:=]?\s*{_NUM}(?![\d.,]|\s*(?:{spec['unit_pattern']})(?![a-z]))",
            _FLAGS,
        ),
        units={k.lower(): float(v) for k, v in spec["units"].items()},
    )


@dataclass(frozen=True)
class _DosePatterns:
    labelled: Prefiltered
    #: a dictated value: "Air kerma: four point two mGy"
    words: Prefiltered
    area_units: dict[str, float]
    kerma_units: dict[str, float]


@cache
def _dose_patterns() -> _DosePatterns:
    spec = load_yaml("measures.yaml")["dose"]
    return _DosePatterns(
        labelled=Prefiltered(
            rf"\b(?P<label>{spec['label']})\b{spec['separator']}{_NUM}\s*"
            rf"(?P<unit>{spec['unit_pattern']})",
            _FLAGS,
        ),
        words=Prefiltered(
            rf"\b(?P<label>{spec['label']})\b{spec['separator']}(?P<words>{_WORDS})\s+"
            rf"(?P<unit>{spec['unit_pattern']})",
            _FLAGS,
        ),
        area_units={k: float(v) for k, v in spec["area_units"].items()},
        kerma_units={k: float(v) for k, v in spec["kerma_units"].items()},
    )


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _span(note: str, start: int, end: int) -> TextSpan:
    return TextSpan(start=start, end=end, text=note[start:end])


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in taken)


def find_fluoro_times(note: str) -> list[Measurement]:
    """Every fluoroscopy time in the note, in order, normalised to seconds."""
    pats = _time_patterns()
    found: list[tuple[int, Measurement]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], value: float, unit: str, seconds: float) -> None:
        if _overlaps(taken, m.start(), m.end()):
            return
        taken.append((m.start(), m.end()))
        found.append(
            (
                m.start(),
                Measurement(
                    kind="fluoro_time",
                    value=value,
                    unit=unit,
                    normalized_value=round(seconds, 3),
                    normalized_unit="s",
                    span=_span(note, m.start(), m.end()),
                ),
            )
        )

    # Compound and clock forms first: "1 min 20 s", "FT 01:42".
    for m in pats.compound.finditer(note):
        text = m.group(0).lower()
        if "fluoro" not in text and "flouro" not in text and not re.match(r"\s*(ft|flt)\b", text):
            # a bare "1 min 20 s" is only a fluoroscopy time when labelled
            continue
        minutes, seconds = int(m.group("min")), int(m.group("sec"))
        add(m, minutes + seconds / 60, "min+s", minutes * 60 + seconds)
    for m in pats.clock.finditer(note):
        mm, ss = int(m.group("mm")), int(m.group("ss"))
        add(m, mm + ss / 60, "mm:ss", mm * 60 + ss)
    for m in pats.words.finditer(note):
        factor = pats.units.get(m.group("unit").lower())
        if factor is not None:
            value = _words_value(m.group("words"))
            add(m, value, m.group("unit"), value * factor)
    for pattern in (pats.labelled, pats.trailing, pats.unit_in_label):
        for m in pattern.finditer(note):
            unit = m.group("unit").lower()
            factor = pats.units.get(unit)
            if factor is None:
                continue
            value = _number(m.group("value"))
            add(m, value, m.group("unit"), value * factor)
    return [m for _, m in sorted(found, key=lambda item: item[0])]


def _unit_key(unit: str) -> str:
    key = unit.lower().replace("μ", "u").replace("µ", "u").replace("²", "2").replace("^2", "2")
    key = key.replace("sq", "2")
    return re.sub(r"[\s·.*x×]", "", key)


def find_doses(note: str) -> list[Measurement]:
    """Dose-area product (Gy·cm²) and air kerma (mGy) values, in order."""
    pats = _dose_patterns()
    out: list[Measurement] = []
    found = [(m, _number(m.group("value"))) for m in pats.labelled.finditer(note)]
    found += [(m, _words_value(m.group("words"))) for m in pats.words.finditer(note)]
    for m, value in sorted(found, key=lambda item: item[0].start()):
        key = _unit_key(m.group("unit"))
        if key in pats.area_units:
            kind, norm_unit, factor = "dap", "Gy·cm²", pats.area_units[key]
        elif key in pats.kerma_units:
            kind, norm_unit, factor = "air_kerma", "mGy", pats.kerma_units[key]
        else:
            continue
        out.append(
            Measurement(
                kind=kind,
                value=value,
                unit=m.group("unit").strip(),
                normalized_value=round(value * factor, 6),
                normalized_unit=norm_unit,
                span=_span(note, m.start(), m.end()),
            )
        )
    return out
