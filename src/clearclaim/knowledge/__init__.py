"""Curated knowledge that is not in a CMS data file: indicator labels.

Every indicator label a code page shows lives in ``indicators.yaml``: the
status, PC/TC, global days, supervision and MUE indicators with their
meanings, the payment indicators of the RVU file (multiple procedure,
imaging family, bilateral, assistant, co- and team surgery) and the NCCI
modifier indicator and add-on edit type.

``indicators.yaml`` beside this file holds the plain-language label and meaning
of every CMS indicator value a code page shows (status code, PC/TC indicator,
global days, physician supervision, MUE adjudication indicator), each family
with its citation. Code and docs both read it, so the labels cannot drift
apart; the English texts are gettext msgids, translated in the catalogs.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError
from clearclaim.i18n import gettext_for, has_translation, normalize_language

INDICATORS_PATH = Path(__file__).resolve().parent / "indicators.yaml"

FamilyName = Literal[
    "status",
    "pctc",
    "global_days",
    "supervision",
    "mue_mai",
    "mult_proc",
    "imaging_family",
    "bilat_surg",
    "asst_surg",
    "co_surg",
    "team_surg",
    "ptp_modifier",
    "aoc_edit_type",
]
FAMILIES: tuple[FamilyName, ...] = get_args(FamilyName)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    title: str
    publisher: str
    url: str | None = None
    file: str | None = None
    """Path of the readme in this repository, when the source ships with it."""
    verified: date | None = None
    also: tuple[Citation, ...] = ()


class IndicatorValue(_Strict):
    label: str
    meaning: str = ""
    """Empty where the label says it all (the payment indicators of the RVU file)."""


class IndicatorFamily(_Strict):
    title: str
    source: Citation
    values: dict[str, IndicatorValue]


class Indicators(_Strict):
    families: dict[FamilyName, IndicatorFamily]


class IndicatorLabel(BaseModel):
    """One indicator value, in the requested language."""

    family: FamilyName
    family_title: str
    code: str
    label: str
    meaning: str
    language: str
    translated: bool
    """False when the catalog had no translation and the English text is shown."""
    source: Citation


@lru_cache(maxsize=1)
def load_indicators(path: Path | None = None) -> Indicators:
    """Read and validate ``indicators.yaml`` (cached)."""
    source = path or INDICATORS_PATH
    try:
        raw = load_yaml(source.read_text(encoding="utf-8"))
        return Indicators.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataError(f"cannot read indicator labels: {exc}", path=str(source)) from exc


def _key(family: FamilyName, code: str | int) -> str:
    text = str(code).strip().upper()
    # Numeric families are written with leading zeros in the CMS files
    # ("09", "000"); a caller that parsed them as numbers must still match.
    if family == "global_days" and text.isdigit():
        return text.zfill(3)
    if family in ("supervision", "imaging_family") and text.isdigit():
        return text.zfill(2)
    return text


def indicator_label(
    family: FamilyName, code: str | int | None, lang: str | None = None
) -> IndicatorLabel | None:
    """The label and meaning of one indicator value, or ``None`` for an unknown value."""
    if code is None:
        return None
    tag = normalize_language(lang)
    fam = load_indicators().families[family]
    key = _key(family, code)
    value = fam.values.get(key)
    if value is None:
        return None
    t = gettext_for(tag)
    return IndicatorLabel(
        family=family,
        family_title=t(fam.title),
        code=key,
        label=t(value.label),
        meaning=t(value.meaning) if value.meaning else "",
        language=tag,
        translated=has_translation(value.label, tag)
        and (not value.meaning or has_translation(value.meaning, tag)),
        source=fam.source,
    )


def indicator_messages() -> list[str]:
    """Every English text in ``indicators.yaml`` that the catalogs must translate."""
    messages: list[str] = []
    for fam in load_indicators().families.values():
        messages.append(fam.title)
        for value in fam.values.values():
            messages.extend(m for m in (value.label, value.meaning) if m)
    return messages


__all__ = [
    "FAMILIES",
    "INDICATORS_PATH",
    "Citation",
    "IndicatorFamily",
    "IndicatorLabel",
    "IndicatorValue",
    "Indicators",
    "indicator_label",
    "indicator_messages",
    "load_indicators",
]
