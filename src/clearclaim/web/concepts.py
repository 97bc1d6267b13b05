"""The glossary: curated concept pages (fluoroscopy, NCCI, modifier 26/TC ...) as data.

``concepts/en/<slug>.yaml`` is the master: every section, the related codes and
the sources. ``concepts/<tag>/<slug>.yaml`` translates the text sections; a
translation says ``reviewed: false`` until a fluent coder has read it, and a
section it lacks is shown in English, marked so. Amounts are never written
here: the pages price the related codes through the Checker.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

CONCEPT_DIR = Path(__file__).resolve().parent / "concepts"
TEXT_SECTIONS = ("title", "definition", "why_it_matters", "common_mistakes", "faqs", "synonyms")
SLUG_RE = re.compile(r"^[a-z0-9-]{1,60}$")


class RelatedCode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    note: str = ""
    modifier: str | None = None


class Faq(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str


class ConceptSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    publisher: str
    url: str | None = None
    file: str | None = None
    verified: str | None = Field(default=None, description="Date the text was checked against it.")
    supports: str = ""


class ConceptText(BaseModel):
    """One language's text of a concept; every field optional except in English."""

    model_config = ConfigDict(extra="forbid")
    slug: str
    reviewed: bool = False
    title: str | None = None
    synonyms: list[str] | None = None
    definition: str | None = None
    why_it_matters: str | None = None
    common_mistakes: list[str] | None = None
    faqs: list[Faq] | None = None
    related_codes: list[RelatedCode] = Field(default_factory=list)
    related_terms: list[str] = Field(default_factory=list)
    sources: list[ConceptSource] = Field(default_factory=list)


@cache
def _read(tag: str, slug: str) -> ConceptText | None:
    path = CONCEPT_DIR / tag / f"{slug}.yaml"
    if not path.is_file():
        return None
    return ConceptText.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def concept_slugs() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (CONCEPT_DIR / "en").glob("*.yaml")))


def concept_page(slug: str, lang: str) -> dict[str, Any] | None:
    """The concept in ``lang``: each text section as ``{value, translated, reviewed}``."""
    if not SLUG_RE.match(slug) or slug not in concept_slugs():
        return None
    master = _read("en", slug)
    assert master is not None
    local = _read(lang, slug) if lang != "en" else master
    page: dict[str, Any] = {"slug": slug, "language": lang}
    for name in TEXT_SECTIONS:
        value = getattr(local, name) if local is not None else None
        translated = value is not None
        if value is None:
            value = getattr(master, name)
        if isinstance(value, list):
            value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
        page[name] = {
            "value": value,
            "translated": translated,
            "reviewed": bool(local.reviewed) if (local is not None and translated) else True,
        }
    page["related_codes"] = [c.model_dump() for c in master.related_codes]
    page["related_terms"] = [
        {"slug": s, "title": _title(s, lang)} for s in master.related_terms if s in concept_slugs()
    ]
    page["sources"] = [s.model_dump() for s in master.sources]
    page["reviewed"] = local.reviewed if local is not None else True
    return page


def _title(slug: str, lang: str) -> str:
    local = _read(lang, slug)
    if local is not None and local.title:
        return local.title
    master = _read("en", slug)
    return master.title if master and master.title else slug


def search_concepts(query: str, lang: str = "en") -> list[tuple[str, str, float]]:
    """``(slug, title, score)`` of the concepts whose title or synonyms match the query."""
    words = [w for w in re.findall(r"[\w/-]+", query.casefold()) if w]
    if not words:
        return []
    found = []
    for slug in concept_slugs():
        master = _read("en", slug)
        local = _read(lang, slug)
        names = [slug.replace("-", " ")]
        for text in (master, local):
            if text is not None:
                names += [text.title or "", *(text.synonyms or [])]
        haystack = [n.casefold() for n in names if n]
        score = 0.0
        for word in words:
            if any(h == word for h in haystack):
                score += 3
            elif any(h.startswith(word) or f" {word}" in h for h in haystack):
                score += 2
            elif any(word in h for h in haystack):
                score += 1
        if score:
            found.append((slug, _title(slug, lang), score / len(words)))
    return sorted(found, key=lambda item: -item[2])
