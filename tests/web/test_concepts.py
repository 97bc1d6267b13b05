"""The glossary in every language: all text sections translated, shown translated."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from clearclaim.i18n import SUPPORTED_LANGUAGES
from clearclaim.web.concepts import TEXT_SECTIONS, _read, concept_page, concept_slugs

LANGUAGES = [lang for lang in SUPPORTED_LANGUAGES if lang != "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_of_every_concept_is_translated(language: str) -> None:
    for slug in concept_slugs():
        master, local = _read("en", slug), _read(language, slug)
        assert master is not None and local is not None, (language, slug)
        for name in ("title", "definition", "why_it_matters", "common_mistakes", "faqs"):
            assert name in TEXT_SECTIONS
            value, english = getattr(local, name), getattr(master, name)
            assert value, (language, slug, name)
            if isinstance(english, list):
                assert len(value) == len(english), (language, slug, name)
            if name != "title":  # a proper name (NCCI) may stay as it is
                assert value != english, (language, slug, name)
        page = concept_page(slug, language)
        assert page is not None
        assert page["faqs"]["translated"] and page["common_mistakes"]["translated"]


def test_the_page_shows_the_translated_faq(client: TestClient) -> None:
    local = _read("es", "fluoroscopy")
    assert local is not None and local.faqs
    text = client.get("/concepts/fluoroscopy", params={"lang": "es"}).text
    assert html.escape(local.faqs[0].question, quote=False) in text
    english = _read("en", "fluoroscopy")
    assert english is not None and english.faqs
    assert html.escape(english.faqs[0].question, quote=False) not in text
