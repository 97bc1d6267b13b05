"""Language normalisation, the unsupported-language error, and catalog completeness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearclaim.errors import InputError, UnsupportedLanguageError
from clearclaim.i18n import (
    LANGUAGES,
    SUPPORTED_LANGUAGES,
    get_language,
    gettext_for,
    is_rtl,
    normalize_language,
    read_catalog,
)
from clearclaim.knowledge import indicator_label, indicator_messages, load_indicators
from clearclaim.knowledge.catalogs import extract_messages

REPO_ROOT = Path(__file__).resolve().parents[2]
OTHER_LANGUAGES = [tag for tag in SUPPORTED_LANGUAGES if tag != "en"]


def test_ten_languages_with_one_tag_each():
    assert SUPPORTED_LANGUAGES == ("en", "es", "zh", "ru", "ar", "vi", "fr", "de", "ko", "tl")
    assert [lang.tag for lang in LANGUAGES if lang.direction == "rtl"] == ["ar"]
    assert get_language("zh").bcp47 == "zh-Hans"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("ES", "es"),
        ("es_MX", "es"),
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh-Hans", "zh"),
        ("zh_Hans_CN", "zh"),
        ("zh-SG", "zh"),
        ("tl-PH", "tl"),
        ("fil", "tl"),
        ("fil_PH", "tl"),
        ("ar-EG", "ar"),
        ("de_DE.UTF-8", "de"),
        ("  ko-KR ", "ko"),
        ("Deutsch", "de"),
        ("Spanish", "es"),
        ("Tiếng Việt", "vi"),
        ("RU", "ru"),
    ],
)
def test_normalize_language(raw, expected):
    assert normalize_language(raw) == expected


@pytest.mark.parametrize("raw", ["ja", "pt-BR", "zh-TW", "zh-Hant", "klingon", "-"])
def test_unsupported_language_error_lists_every_supported_language(raw):
    with pytest.raises(UnsupportedLanguageError) as caught:
        normalize_language(raw)
    error = caught.value
    assert isinstance(error, InputError)
    assert error.exit_code == 2
    message = str(error)
    assert repr(raw) in message
    for lang in LANGUAGES:
        assert f"{lang.tag} ({lang.native_name})" in message
    assert len(error.supported) == 10


def test_rtl_only_for_arabic():
    assert is_rtl("ar") and is_rtl("ar-SA")
    assert not any(is_rtl(tag) for tag in OTHER_LANGUAGES if tag != "ar")


def test_english_catalog_has_every_message_the_code_uses():
    english = {m.id for m in read_catalog("en") if m.id}
    missing = [m for m in extract_messages() if m not in english]
    assert missing == [], f"run `python -m clearclaim.knowledge.catalogs sync`; missing: {missing}"


@pytest.mark.parametrize("tag", OTHER_LANGUAGES)
def test_every_english_msgid_is_translated(tag):
    english = [m.id for m in read_catalog("en") if m.id]
    catalog = read_catalog(tag)
    untranslated = [
        msgid
        for msgid in english
        if not (
            catalog.get(msgid)
            and catalog.get(msgid).string.strip()
            and not catalog.get(msgid).fuzzy
        )
    ]
    assert untranslated == [], f"{tag}: {len(untranslated)} untranslated"


_PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\(?[a-z_]*\)?[sd]")


@pytest.mark.parametrize("tag", OTHER_LANGUAGES)
def test_translations_keep_codes_and_placeholders(tag):
    # A translation must not drop a code number or modifier that the English names.
    catalog = read_catalog(tag)
    for message in catalog:
        if not message.id or not message.string:
            continue
        for token in re.findall(r"\b\d{2,}\b", message.id):
            assert token in message.string, (tag, message.id, token)
        assert sorted(_PLACEHOLDER.findall(message.id)) == sorted(
            _PLACEHOLDER.findall(message.string)
        )


@pytest.mark.parametrize("tag", OTHER_LANGUAGES)
def test_gettext_translates_interface_labels(tag):
    t = gettext_for(tag)
    catalog = read_catalog(tag)
    for label in ("Descriptor", "Status", "Sources", "Common denials", "Plain language"):
        assert t(label) == catalog.get(label).string
    # These two read differently in every language, so an English result means no catalog.
    for label in ("Not translated yet: shown in English", "Plain language"):
        assert t(label) != label


def test_indicator_labels_cover_the_cms_values():
    families = load_indicators().families
    assert set(families["status"].values) >= set("ABCDEIJMNPRTX")
    assert set(families["pctc"].values) == {str(n) for n in range(10)}
    assert set(families["global_days"].values) == {"000", "010", "090", "XXX", "YYY", "ZZZ", "MMM"}
    assert set(families["supervision"].values) == {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "21",
        "22",
        "66",
        "6A",
        "77",
        "7A",
        "09",
    }
    assert set(families["mue_mai"].values) == {"1", "2", "3"}
    for family in families.values():
        assert family.source.title and family.source.publisher


@pytest.mark.parametrize("tag", OTHER_LANGUAGES)
def test_every_indicator_label_is_translated(tag):
    catalog = read_catalog(tag)
    for message in indicator_messages():
        entry = catalog.get(message)
        assert entry is not None and entry.string.strip(), (tag, message)
    label = indicator_label("status", "A", tag)
    assert label is not None and label.translated and label.language == tag


def test_indicator_lookup_accepts_numbers_and_unknown_values():
    assert indicator_label("global_days", 90).code == "090"
    assert indicator_label("supervision", 9).code == "09"
    assert indicator_label("pctc", 1).label == "Diagnostic test with two components"
    assert indicator_label("status", "Q") is None
    assert indicator_label("status", None) is None


def test_indicator_meanings_are_not_the_readme_text():
    # The labels are our own words; a long run of words from the CMS readme means copying.
    readme = (REPO_ROOT / "data/cms/pfs/RVU25D.txt").read_text(encoding="utf-8", errors="replace")
    readme_words = " ".join(readme.split()).lower()
    for message in indicator_messages():
        words = message.lower().split()
        for start in range(max(0, len(words) - 9)):
            run = " ".join(words[start : start + 10])
            assert run not in readme_words, run
