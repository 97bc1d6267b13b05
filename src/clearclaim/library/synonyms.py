"""The synonyms data file: code phrases and term spellings, stemmed once on load."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError
from clearclaim.library.text import stem, terms, words


@dataclass(frozen=True)
class Synonyms:
    """``canon`` folds stems into one; ``phrases`` holds each code's phrases as term tuples."""

    canon: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    fingerprint: str = ""

    def terms(self, text: str) -> list[str]:
        return terms(text, self.canon)

    def phrases_for(self, code: str) -> list[tuple[str, ...]]:
        return self.phrases.get(code.upper(), [])


def parse(source: str, name: str = "synonyms.yaml") -> Synonyms:
    try:
        data = load_yaml(source) or {}
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML ({exc.__class__.__name__})", path=name) from None
    if not isinstance(data, dict):
        raise DataError("expected a mapping with 'codes' and 'terms'", path=name)
    canon: dict[str, str] = {}
    for head, variants in (data.get("terms") or {}).items():
        if not isinstance(variants, list):
            raise DataError(f"terms.{head}: expected a list", path=name)
        target = stem(str(head).lower())
        for variant in variants:
            for word in words(str(variant)):
                canon.setdefault(stem(word), target)
        canon.pop(target, None)
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for code, items in (data.get("codes") or {}).items():
        if not isinstance(items, list):
            raise DataError(f"codes.{code}: expected a list", path=name)
        stemmed = [tuple(terms(str(item), canon)) for item in items]
        phrases[str(code).upper()] = [phrase for phrase in stemmed if phrase]
    # The index stores folded terms: when the folding changes, the index must be rebuilt.
    fingerprint = hashlib.sha256(repr(sorted(canon.items())).encode()).hexdigest()[:16]
    return Synonyms(canon=canon, phrases=phrases, fingerprint=fingerprint)


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Synonyms:
    """The shipped synonyms file, or another one at ``path``."""
    if path is not None:
        return parse(path.read_text(encoding="utf-8"), str(path))
    source = resources.files("clearclaim.library").joinpath("synonyms.yaml")
    return parse(source.read_text(encoding="utf-8"))
