"""Curated reference content for a code, in ten languages, as data.

Layout: ``content/<lang>/<code>.yaml``. The English file is the master: it
holds every section and every language-neutral field (codes, modifiers,
element names, dates, URLs). A translation file repeats the sections with the
text in its language; language-neutral keys may be repeated for the
translator's orientation and must then equal the master's.

:func:`load_curated` returns each section in the requested language, or the
English text with ``translated=False`` when the translation is missing, empty
or out of step with the master (a list of a different length, a neutral key
that no longer matches). A page can then mark the section "not translated
yet" instead of silently mixing languages.

All text is the project's own writing: never CPT descriptors (AMA copyright)
nor text from commercial coding sites.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError
from clearclaim.i18n import DEFAULT_LANGUAGE, normalize_language

CONTENT_DIR = Path(__file__).resolve().parent / "content"

SECTIONS: tuple[str, ...] = (
    "plain_language",
    "synonyms",
    "when_to_use",
    "when_not_to_use",
    "documentation",
    "modifiers",
    "medical_necessity",
    "denials",
    "examples",
    "faqs",
    "related",
    "history",
    "sources",
)

# The six documentation elements the report names (DESIGN.md).
DocElementName = Literal[
    "indication",
    "fluoro_time",
    "anatomic_site",
    "interpretation_report",
    "physician_presence",
    "radiation_dose",
]
DOC_ELEMENTS: tuple[str, ...] = (
    "indication",
    "fluoro_time",
    "anatomic_site",
    "interpretation_report",
    "physician_presence",
    "radiation_dose",
)
# How an element applies to a code: needed to support the claim; a quality and
# radiation-safety element (flag it, but it is not a payment condition); part
# of the primary procedure's own work; or not relevant to this code.
Applies = Literal["required", "quality", "included", "not_applicable"]
Relation = Literal[
    "often_billed_with",
    "add_on_of",
    "add_on_code",
    "includes_guidance",
    "not_reported_with",
    "renumbered_from",
    "renumbered_to",
    "replaced_by",
    "alternative",
    "paired_with",
]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocItem(_Item):
    element: DocElementName
    applies: Applies
    text: str


class ModifierItem(_Item):
    modifier: str
    text: str


class Example(_Item):
    scenario: str
    coding: str
    why: str


class Faq(_Item):
    question: str
    answer: str


class RelatedCode(_Item):
    code: str
    relation: Relation
    note: str


class HistoryEntry(_Item):
    # The field is named like the type, hence the module-qualified annotation.
    date: dt.date | None = None
    text: str


class Source(_Item):
    title: str
    publisher: str
    url: str | None = None
    file: str | None = None
    """Path of a CMS file shipped in this repository that the statement was checked against."""
    verified: dt.date | None = None
    """Date the source was checked with the search tool; None = not re-verified."""
    supports: str
    """What the source is cited for, in the page's language."""


# Language-neutral keys per item type: taken from the master, checked in translations.
_NEUTRAL: dict[type[_Item], tuple[str, ...]] = {
    DocItem: ("element", "applies"),
    ModifierItem: ("modifier",),
    Example: (),
    Faq: (),
    RelatedCode: ("code", "relation"),
    HistoryEntry: ("date",),
    Source: ("title", "publisher", "url", "file", "verified"),
}
_ITEM_TYPES: dict[str, type[_Item]] = {
    "documentation": DocItem,
    "modifiers": ModifierItem,
    "examples": Example,
    "faqs": Faq,
    "related": RelatedCode,
    "history": HistoryEntry,
    "sources": Source,
}
_TEXT_SECTIONS = ("plain_language", "medical_necessity")
_LIST_SECTIONS = ("synonyms", "when_to_use", "when_not_to_use", "denials")


class CuratedFile(BaseModel):
    """The English master file of one code: every section, all fields."""

    model_config = ConfigDict(extra="forbid")

    code: str
    deleted: dt.date | None = None
    """Date the code was deleted from CPT/HCPCS, when it was."""
    plain_language: str
    synonyms: list[str]
    when_to_use: list[str]
    when_not_to_use: list[str]
    documentation: list[DocItem]
    modifiers: list[ModifierItem]
    medical_necessity: str
    denials: list[str]
    examples: list[Example]
    faqs: list[Faq]
    related: list[RelatedCode]
    history: list[HistoryEntry]
    sources: list[Source]

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: Any) -> str:
        # YAML reads an unquoted 77002 as a number; codes are always text.
        return str(value).strip().upper()


T = TypeVar("T")


class Section(BaseModel, Generic[T]):
    """One curated section in the language it is shown in."""

    value: T
    language: str
    """Language of ``value``: the requested one, or ``en`` when not translated."""
    translated: bool
    """False when the requested language had no usable translation (English shown)."""


class CuratedContent(BaseModel):
    """Everything curated about one code, resolved for one language."""

    code: str
    language: str
    deleted: dt.date | None = None
    plain_language: Section[str]
    synonyms: Section[list[str]]
    when_to_use: Section[list[str]]
    when_not_to_use: Section[list[str]]
    documentation: Section[list[DocItem]]
    modifiers: Section[list[ModifierItem]]
    medical_necessity: Section[str]
    denials: Section[list[str]]
    examples: Section[list[Example]]
    faqs: Section[list[Faq]]
    related: Section[list[RelatedCode]]
    history: Section[list[HistoryEntry]]
    sources: Section[list[Source]]

    def untranslated_sections(self) -> list[str]:
        return [name for name in SECTIONS if not getattr(self, name).translated]

    def to_page(self) -> dict[str, Any]:
        """The curated keys of a JSON page: each section as ``{value, language, translated}``."""
        page: dict[str, Any] = {"code": self.code, "language": self.language}
        for name in SECTIONS:
            page[name] = getattr(self, name).model_dump(mode="json")
        if self.deleted:
            page["deleted"] = self.deleted.isoformat()
        return page


def _content_dir(content_dir: Path | str | None) -> Path:
    return Path(content_dir) if content_dir is not None else CONTENT_DIR


@lru_cache(maxsize=512)
def _read_yaml(path: Path, mtime_ns: int) -> dict[str, Any] | None:
    # mtime is part of the key so an edited file is re-read in a long-running server.
    del mtime_ns
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read curated content: {exc}", path=str(path)) from exc
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DataError("curated content must be a mapping of sections", path=str(path))
    return raw


def _load_file(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return _read_yaml(path, path.stat().st_mtime_ns)


def load_master(code: str, content_dir: Path | str | None = None) -> CuratedFile | None:
    """The validated English master for ``code``, or ``None`` when the code has none."""
    key = str(code).strip().upper()
    path = _content_dir(content_dir) / DEFAULT_LANGUAGE / f"{key}.yaml"
    raw = _load_file(path)
    if raw is None:
        return None
    try:
        master = CuratedFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(f"invalid curated content: {exc}", path=str(path)) from exc
    if master.code != key:
        raise DataError(f"file is for code {key} but says code {master.code}", path=str(path))
    return master


def curated_codes(content_dir: Path | str | None = None) -> list[str]:
    """Codes with an English master file, sorted."""
    folder = _content_dir(content_dir) / DEFAULT_LANGUAGE
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def _nonempty_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _translate_section(name: str, master_value: Any, raw: Any) -> Any | None:
    """The translated value of one section, or None when it cannot be used as is."""
    if raw is None:
        return None
    if name in _TEXT_SECTIONS:
        return raw.strip() if _nonempty_text(raw) else None
    if not isinstance(raw, list) or not raw:
        return None
    if name in _LIST_SECTIONS:
        if not all(_nonempty_text(item) for item in raw):
            return None
        # Synonyms are per language (each has its own words); the other lists are
        # translations item by item, so a different length means a stale file.
        if name != "synonyms" and len(raw) != len(master_value):
            return None
        return [item.strip() for item in raw]
    item_type = _ITEM_TYPES[name]
    neutral = _NEUTRAL[item_type]
    if len(raw) != len(master_value):
        return None
    items = []
    for master_item, raw_item in zip(master_value, raw, strict=True):
        if not isinstance(raw_item, dict):
            return None
        merged = master_item.model_dump()
        for key, value in raw_item.items():
            if key in neutral:
                if str(value) != str(merged[key]):
                    return None  # the master changed under this translation
            elif key in merged:
                if not _nonempty_text(value):
                    return None
                merged[key] = value.strip()
            else:
                return None
        text_keys = [k for k in merged if k not in neutral and isinstance(merged[k], str)]
        if any(k not in raw_item for k in text_keys):
            return None
        items.append(item_type.model_validate(merged))
    return items


def translation_status(
    code: str, lang: str, content_dir: Path | str | None = None
) -> dict[str, bool]:
    """Per section, whether ``lang`` has a usable translation (for tests and tooling)."""
    content = load_curated(code, lang, content_dir=content_dir)
    if content is None:
        return {}
    return {name: getattr(content, name).translated for name in SECTIONS}


def load_curated(
    code: str, lang: str | None = None, *, content_dir: Path | str | None = None
) -> CuratedContent | None:
    """Curated content of ``code`` in ``lang`` (normalised; English by default).

    Returns ``None`` when the code has no curated content. Raises
    :class:`~clearclaim.errors.UnsupportedLanguageError` for an unknown
    language and :class:`~clearclaim.errors.DataError` for a broken file.
    """
    tag = normalize_language(lang)
    master = load_master(code, content_dir)
    if master is None:
        return None
    raw: dict[str, Any] = {}
    if tag != DEFAULT_LANGUAGE:
        path = _content_dir(content_dir) / tag / f"{master.code}.yaml"
        raw = _load_file(path) or {}
        if raw.get("code") is not None and str(raw["code"]).strip().upper() != master.code:
            raise DataError(
                f"file is for code {master.code} but says {raw['code']}", path=str(path)
            )
    sections: dict[str, Section[Any]] = {}
    for name in SECTIONS:
        master_value = getattr(master, name)
        if tag == DEFAULT_LANGUAGE:
            sections[name] = Section(value=master_value, language=tag, translated=True)
            continue
        value = _translate_section(name, master_value, raw.get(name))
        if value is None:
            sections[name] = Section(
                value=master_value, language=DEFAULT_LANGUAGE, translated=False
            )
        else:
            sections[name] = Section(value=value, language=tag, translated=True)
    return CuratedContent(code=master.code, language=tag, deleted=master.deleted, **sections)


def clear_cache() -> None:
    """Forget parsed files (tests that rewrite content in place)."""
    _read_yaml.cache_clear()
