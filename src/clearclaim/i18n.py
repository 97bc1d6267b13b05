"""The ten languages of clearclaim and the translation of interface strings.

One canonical tag per language is used everywhere (catalog folders, curated
content folders, the ``language`` key of a JSON page): ``en es zh ru ar vi fr
de ko tl``. ``zh`` always means Simplified Chinese (HTML gets ``zh-Hans``);
``tl`` is Tagalog and also answers to Filipino (``fil``), its standard form.

Interface strings (every label a code page shows) are gettext messages with the
English text as msgid, kept in Babel catalogs at
``locales/<tag>/LC_MESSAGES/clearclaim.po``. The ``.po`` files are read
directly and compiled in memory on first use, so a fresh clone works without a
compile step and no stale ``.mo`` can shadow an edited ``.po``.

``python -m clearclaim.knowledge.catalogs sync`` re-extracts every msgid (from
``_``, ``N_`` and ``t`` calls in the package and from the knowledge files) and
updates all ten catalogs; new messages come in with an empty translation,
which the completeness test reports until someone translates them. That
developer tool sits above both this module and ``clearclaim.knowledge``, so
neither imports the other's way back.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages import mofile, pofile
from babel.messages.catalog import Catalog
from pydantic import BaseModel, ConfigDict

from clearclaim.errors import UnsupportedLanguageError

DOMAIN = "clearclaim"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"


class Language(BaseModel):
    """One supported language."""

    model_config = ConfigDict(frozen=True)

    tag: str
    """Canonical tag used in file names and JSON (``zh`` = Simplified Chinese)."""
    bcp47: str
    """Tag for HTML ``lang=`` (more precise than ``tag`` where it matters)."""
    english_name: str
    native_name: str
    direction: Literal["ltr", "rtl"] = "ltr"
    babel_locale: str
    """Locale name Babel knows, for plural rules and catalog headers."""


LANGUAGES: tuple[Language, ...] = (
    Language(
        tag="en", bcp47="en", english_name="English", native_name="English", babel_locale="en"
    ),
    Language(
        tag="es", bcp47="es", english_name="Spanish", native_name="Español", babel_locale="es"
    ),
    Language(
        tag="zh",
        bcp47="zh-Hans",
        english_name="Chinese (Simplified)",
        native_name="简体中文",
        babel_locale="zh_Hans",
    ),
    Language(
        tag="ru", bcp47="ru", english_name="Russian", native_name="Русский", babel_locale="ru"
    ),
    Language(
        tag="ar",
        bcp47="ar",
        english_name="Arabic",
        native_name="العربية",
        direction="rtl",
        babel_locale="ar",
    ),
    Language(
        tag="vi", bcp47="vi", english_name="Vietnamese", native_name="Tiếng Việt", babel_locale="vi"
    ),
    Language(
        tag="fr", bcp47="fr", english_name="French", native_name="Français", babel_locale="fr"
    ),
    Language(tag="de", bcp47="de", english_name="German", native_name="Deutsch", babel_locale="de"),
    Language(tag="ko", bcp47="ko", english_name="Korean", native_name="한국어", babel_locale="ko"),
    Language(
        tag="tl", bcp47="tl", english_name="Tagalog", native_name="Tagalog", babel_locale="fil"
    ),
)

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(lang.tag for lang in LANGUAGES)
_BY_TAG = {lang.tag: lang for lang in LANGUAGES}

# Primary subtags (and a few names) that map onto a canonical tag. "fil" is
# Filipino, the standardised form of Tagalog; people type either.
_ALIASES: dict[str, str] = {
    "fil": "tl",
    "filipino": "tl",
    "chinese": "zh",
    "中文": "zh",
    "zho": "zh",
    "chi": "zh",
}
for _lang in LANGUAGES:
    _ALIASES[_lang.tag] = _lang.tag
    _ALIASES[_lang.english_name.casefold()] = _lang.tag
    _ALIASES[_lang.native_name.casefold()] = _lang.tag
_ALIASES["spanish"] = "es"

# Chinese input that asks for Traditional characters. Simplified text is not
# what such a reader asked for, so these are refused rather than silently mapped.
_TRADITIONAL_HINTS = {"hant", "tw", "hk", "mo"}


def _supported_for_message() -> list[str]:
    return [f"{lang.tag} ({lang.native_name})" for lang in LANGUAGES]


def normalize_language(value: str | None) -> str:
    """Map user input (``"ES"``, ``"zh-CN"``, ``"tl_PH"``, ``"fil"``, ``"Deutsch"``) to a tag.

    ``None`` or an empty string means the default language, English.
    Raises :class:`UnsupportedLanguageError` (listing the supported languages)
    for anything else, including Traditional Chinese (``zh-TW``, ``zh-Hant``).
    """
    if value is None or not value.strip():
        return DEFAULT_LANGUAGE
    raw = value.strip()
    # POSIX locale names carry an encoding and a modifier: "de_DE.UTF-8@euro".
    cleaned = raw.split(".", 1)[0].split("@", 1)[0].replace("_", "-").casefold()
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    subtags = [part for part in cleaned.split("-") if part]
    if not subtags:
        raise UnsupportedLanguageError(raw, _supported_for_message())
    tag = _ALIASES.get(subtags[0])
    if tag is None:
        raise UnsupportedLanguageError(raw, _supported_for_message())
    if tag == "zh" and "hans" not in subtags[1:] and _TRADITIONAL_HINTS & set(subtags[1:]):
        raise UnsupportedLanguageError(raw, _supported_for_message())
    return tag


def get_language(value: str | None) -> Language:
    """The :class:`Language` for user input (normalised first)."""
    return _BY_TAG[normalize_language(value)]


def is_rtl(value: str | None) -> bool:
    """True for a right-to-left language (Arabic)."""
    return get_language(value).direction == "rtl"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here (gettext convention)."""
    return message


def catalog_path(tag: str) -> Path:
    return LOCALE_DIR / tag / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def read_catalog(tag: str) -> Catalog:
    """The Babel catalog of one canonical tag, read from its ``.po`` file."""
    path = catalog_path(tag)
    with path.open("rb") as handle:
        return pofile.read_po(handle, locale=_BY_TAG[tag].babel_locale, domain=DOMAIN)


@cache
def translations(value: str | None) -> gettext.NullTranslations:
    """A gettext object for a language, compiled in memory from its ``.po`` file.

    English needs no catalog (msgids are English). Fuzzy entries are left out,
    as msgfmt does: a fuzzy guess must not reach a user.
    """
    tag = normalize_language(value)
    if tag == DEFAULT_LANGUAGE or not catalog_path(tag).is_file():
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    mofile.write_mo(buffer, read_catalog(tag), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(value: str | None) -> Callable[[str], str]:
    """``t = gettext_for("es"); t("Status")`` -> ``"Estado"``."""
    return translations(value).gettext


def has_translation(message: str, value: str | None) -> bool:
    """True when ``message`` has a real (non-empty, non-fuzzy) translation in the language."""
    tag = normalize_language(value)
    if tag == DEFAULT_LANGUAGE:
        return True
    entry = read_catalog(tag).get(message)
    return bool(entry and entry.string and not entry.fuzzy)
