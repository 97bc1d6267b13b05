"""Curated content: completeness in ten languages, the fallback marker, and no CPT text."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import shutil
from pathlib import Path

import pytest
import yaml

from clearclaim.errors import DataError, UnsupportedLanguageError
from clearclaim.i18n import SUPPORTED_LANGUAGES
from clearclaim.reference.content import (
    CONTENT_DIR,
    DOC_ELEMENTS,
    SECTIONS,
    curated_codes,
    load_curated,
    load_master,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
RVU_FILE = REPO_ROOT / "data/cms/pfs/PPRRVU2026_Jul_nonQPP.csv.gz"
CODES = curated_codes()


def _strings(value):
    """Every string inside a section value (lists, models, dicts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "model_dump"):
        yield from _strings(value.model_dump())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def test_the_codes_the_issue_asks_for_are_curated():
    required = {
        "76000",
        "76001",
        "77001",
        "77002",
        "77003",
        "27093",
        "27095",
        "62321",
        "62323",
        "64483",
        "20610",
        "23350",
    }
    assert required <= set(CODES)
    assert {"64490", "64493"} & set(CODES)
    assert {"36561", "36556"} & set(CODES)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("code", CODES)
def test_every_section_exists_and_is_translated(code, lang):
    content = load_curated(code, lang)
    assert content is not None
    assert content.untranslated_sections() == [], f"{lang}/{code}.yaml"
    for name in SECTIONS:
        section = getattr(content, name)
        assert section.language == lang
        assert section.value, f"{lang}/{code}: empty {name}"
        texts = list(_strings(section.value))
        assert texts and all(text.strip() for text in texts if text is not None), (
            f"{lang}/{code}: blank text in {name}"
        )


@pytest.mark.parametrize("code", CODES)
def test_documentation_names_each_of_the_six_elements_once(code):
    master = load_master(code)
    assert sorted(item.element for item in master.documentation) == sorted(DOC_ELEMENTS)


def test_guidance_codes_treat_dose_and_time_as_quality_and_presence_as_included():
    for code in ("77001", "77002", "77003"):
        applies = {d.element: d.applies for d in load_master(code).documentation}
        assert applies["fluoro_time"] == "quality"
        assert applies["radiation_dose"] == "quality"
        assert applies["physician_presence"] == "included"
        assert applies["interpretation_report"] == "required"
    applies_76000 = {d.element: d.applies for d in load_master("76000").documentation}
    assert applies_76000["fluoro_time"] == "required"
    assert applies_76000["physician_presence"] == "required"


def test_code_history_renumbering_and_deletion():
    renumbered = {
        code: {r.code for r in load_master(code).related if r.relation == "renumbered_from"}
        for code in ("77001", "77002", "77003")
    }
    assert renumbered == {"77001": {"75998"}, "77002": {"76003"}, "77003": {"76005"}}
    deleted = load_master("76001")
    assert deleted.deleted == dt.date(2019, 1, 1)
    assert any(h.date == dt.date(2019, 1, 1) for h in deleted.history)
    assert "2019-01-01" in deleted.plain_language


@pytest.mark.parametrize("code", CODES)
def test_sources_are_honest_about_verification(code):
    for source in load_master(code).sources:
        assert source.url is None or source.url.startswith("https://")
        if source.verified is not None:
            assert source.url, "a verified source must say where it was checked"
            assert source.verified <= dt.date.today()
        if source.file:
            assert (REPO_ROOT / source.file).is_file(), source.file


def _descriptors() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with gzip.open(RVU_FILE, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["HCPCS"], set()).add(row["DESCRIPTION"].strip())
    return found


def test_no_curated_text_contains_a_cms_short_descriptor():
    descriptors = _descriptors()
    assert descriptors["77002"], "the RVU file should carry the descriptor"
    for code in CODES:
        # 76001 is deleted and absent from the 2026 file; it borrows 76000's family text.
        forbidden = {d.casefold() for d in descriptors.get(code, set()) | descriptors["76000"]}
        for lang in SUPPORTED_LANGUAGES:
            content = load_curated(code, lang)
            for name in SECTIONS:
                for text in _strings(getattr(content, name).value):
                    if not isinstance(text, str):
                        continue
                    lowered = text.casefold()
                    for descriptor in forbidden:
                        assert descriptor not in lowered, (lang, code, name, descriptor)


# --- the loader's fallback -------------------------------------------------------------


def _tree(tmp_path: Path, code: str = "77002") -> Path:
    root = tmp_path / "content"
    for lang in ("en", "es"):
        (root / lang).mkdir(parents=True)
        shutil.copy(CONTENT_DIR / lang / f"{code}.yaml", root / lang / f"{code}.yaml")
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_missing_translation_falls_back_to_english_with_a_flag(tmp_path):
    root = _tree(tmp_path)
    _edit(root / "es" / "77002.yaml", lambda d: d.pop("denials"))
    content = load_curated("77002", "es", content_dir=root)
    assert content.denials.translated is False
    assert content.denials.language == "en"
    assert content.denials.value == load_master("77002").denials
    assert content.untranslated_sections() == ["denials"]
    assert content.plain_language.translated is True
    assert content.plain_language.language == "es"
    page = content.to_page()
    assert page["denials"]["translated"] is False
    assert page["plain_language"]["translated"] is True


def test_a_language_with_no_file_is_all_english_and_all_flagged(tmp_path):
    root = _tree(tmp_path)
    content = load_curated("77002", "de", content_dir=root)
    assert content.language == "de"
    assert content.untranslated_sections() == list(SECTIONS)


def test_a_stale_translation_is_not_shown(tmp_path):
    root = _tree(tmp_path)
    # The master gains a denial the Spanish file does not have yet.
    _edit(root / "en" / "77002.yaml", lambda d: d["denials"].append("A new denial reason."))
    # The master renumbers a related code under the Spanish note.
    _edit(root / "en" / "77002.yaml", lambda d: d["related"][0].update(code="20611"))
    content = load_curated("77002", "es", content_dir=root)
    assert content.denials.translated is False
    assert content.related.translated is False
    assert content.examples.translated is True


def test_blank_translated_text_counts_as_missing(tmp_path):
    root = _tree(tmp_path)
    _edit(root / "es" / "77002.yaml", lambda d: d["faqs"][0].update(answer="  "))
    content = load_curated("77002", "es", content_dir=root)
    assert content.faqs.translated is False


def test_language_neutral_fields_always_come_from_the_master(tmp_path):
    root = _tree(tmp_path)
    content = load_curated("77002", "es", content_dir=root)
    master = load_master("77002", root)
    assert [s.url for s in content.sources.value] == [s.url for s in master.sources]
    assert [s.verified for s in content.sources.value] == [s.verified for s in master.sources]
    assert [d.applies for d in content.documentation.value] == [
        d.applies for d in master.documentation
    ]


def test_unknown_code_and_unsupported_language(tmp_path):
    assert load_curated("99999", "en") is None
    with pytest.raises(UnsupportedLanguageError):
        load_curated("77002", "ja")
    assert load_curated("77002", "ES-mx").language == "es"


def test_a_broken_master_is_a_data_error(tmp_path):
    root = _tree(tmp_path)
    _edit(root / "en" / "77002.yaml", lambda d: d.pop("plain_language"))
    with pytest.raises(DataError) as caught:
        load_curated("77002", "en", content_dir=root)
    assert "77002.yaml" in str(caught.value)
