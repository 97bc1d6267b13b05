"""Markdown and HTML renderers: labels from the catalogs, RTL for Arabic, missing keys."""

from __future__ import annotations

import re

import pytest

from clearclaim.i18n import SUPPORTED_LANGUAGES, gettext_for
from clearclaim.reference.content import load_curated
from clearclaim.reference.render import NOT_TRANSLATED, render_html, render_labels, render_markdown

NUMBERS = {
    "descriptor": "Short descriptor from the store",
    "status": "A",
    "pctc": "1",
    "global_days": "ZZZ",
    "supervision": "09",
    "mue": {"value": 1, "mai": "3"},
    "rvu": {
        "work": 0.53,
        "pe_facility": 3.06,
        "pe_non_facility": 3.06,
        "mp": 0.04,
        "total_facility": 3.63,
        "total_non_facility": 3.63,
    },
    "payment": {
        "office": {"global": 121.24, "26": 27.05, "tc": 94.19},
        "hospital_outpatient": {"26": 27.05},
    },
    "wrvu_rank": {
        "category": "Radiology",
        "definition": "70000-79999",
        "percentile": 34,
        "median": 0.81,
        "max": 11.57,
    },
}


def _page(code: str, lang: str) -> dict:
    page = load_curated(code, lang).to_page()
    page.update(NUMBERS)
    return page


def test_arabic_html_is_right_to_left():
    html = render_html(_page("77002", "ar"))
    assert html.startswith('<article class="clearclaim-code" lang="ar" dir="rtl">')
    assert gettext_for("ar")("Sources") in html


def test_arabic_markdown_is_wrapped_right_to_left():
    markdown = render_markdown(_page("77002", "ar"))
    assert markdown.startswith('<div dir="rtl" lang="ar">\n\n')
    assert markdown.rstrip().endswith("</div>")
    assert f"## {gettext_for('ar')('Plain language')}" in markdown


@pytest.mark.parametrize("lang", [tag for tag in SUPPORTED_LANGUAGES if tag != "ar"])
def test_other_languages_are_left_to_right(lang):
    assert 'dir="ltr"' in render_html(_page("77003", lang))[:80]
    assert not render_markdown(_page("77003", lang)).startswith("<div")


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_label_comes_from_the_catalog(lang):
    t = gettext_for(lang)
    markdown = render_markdown(_page("76000", lang))
    for label in (
        "Descriptor",
        "Status",
        "RVUs",
        "Payment by site",
        "wRVU rank",
        "Plain language",
        "Synonyms",
        "Documentation",
        "Modifiers",
        "Common denials",
        "Examples",
        "FAQs",
        "Related codes",
        "History",
        "Sources",
    ):
        assert f"## {t(label)}" in markdown
    for label in (
        "Work",
        "Practice expense",
        "Malpractice",
        "Total",
        "Office",
        "Hospital outpatient",
        "Professional component (26)",
        "Technical component (TC)",
        "Percentile",
        "Median",
        "Maximum",
    ):
        assert t(label) in markdown
    assert t("Not translated yet: shown in English") not in markdown


def test_untranslated_sections_carry_the_marker_and_keep_english_ltr():
    page = _page("77002", "ar")
    english = load_curated("77002", "en").to_page()
    page["denials"] = {**english["denials"], "translated": False}
    marker = gettext_for("ar")(NOT_TRANSLATED)
    html = render_html(page)
    section = re.search(r'<section class="cc-section cc-denials">.*?</section>', html).group(0)
    assert marker in section
    assert '<div class="cc-fallback" lang="en" dir="ltr">' in section
    markdown = render_markdown(page)
    assert markdown.count(marker) == 1
    assert '<div dir="ltr" lang="en">' in markdown


def test_any_key_may_be_missing_or_null():
    assert render_markdown({}) == "\n"
    assert render_html({}) == '<article class="clearclaim-code" lang="en" dir="ltr"></article>'
    nulls = {
        key: None
        for key in (
            *NUMBERS,
            "plain_language",
            "synonyms",
            "documentation",
            "modifiers",
            "denials",
            "examples",
            "faqs",
            "related",
            "history",
            "sources",
        )
    }
    nulls["code"] = "76000"
    assert render_markdown(nulls) == "# 76000\n"
    partial = {
        "code": "76000",
        "language": "es",
        "rvu": {"work": 0.3, "mp": None},
        "payment": {},
        "wrvu_rank": {"median": None},
        "synonyms": [],
    }
    markdown = render_markdown(partial)
    assert "RVU" in markdown and "0,30" in markdown
    assert "wRVU" not in markdown


def test_plain_values_are_accepted_as_well_as_sections():
    page = {
        "code": "77002",
        "language": "en",
        "plain_language": "Plain words.",
        "synonyms": ["fluoro"],
        "status": {"code": "D"},
        "deleted": "2019-01-01",
    }
    markdown = render_markdown(page)
    assert "Plain words." in markdown and "- fluoro" in markdown
    assert "D — Deleted" in markdown and "2019-01-01" in markdown


def test_html_escapes_text_and_only_links_web_urls():
    page = {
        "code": "<b>76000</b>",
        "descriptor": "<script>alert(1)</script>",
        "sources": [
            {
                "title": "T",
                "publisher": "P",
                "url": "javascript:alert(1)",
                "verified": None,
                "supports": "x & y",
            }
        ],
    }
    html = render_html(page)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert "x &amp; y" in html
    assert gettext_for("en")("not re-verified") in html


def test_numbers_follow_the_reader_locale():
    assert "3,63" in render_markdown(_page("77002", "de"))
    assert "3.63" in render_markdown(_page("77002", "en"))
    assert "$121.24" in render_markdown(_page("77002", "en"))


def test_render_labels_for_other_shells():
    labels = render_labels("es")
    assert labels["sources"] == "Fuentes"
    assert set(labels) >= {"descriptor", "rvu", "payment", "faqs", "sources"}


def test_page_assembly_shape_nested_indicators_and_mue_tables():
    # The shape clearclaim.reference.page builds: labels already resolved, indicators nested,
    # one MUE entry per CMS table.
    page = {
        "code": "77003",
        "language": "es",
        "status": {"code": "A", "label": "Activo", "meaning": "...", "translated": True},
        "indicators": {
            "pctc": {"code": "1"},
            "global_days": {"code": "ZZZ"},
            "supervision": {"code": "09"},
        },
        "mue": {
            "practitioner": {"units": 1, "mai": {"code": "3"}, "release": "2024Q3"},
            "outpatient_hospital": {"units": 1, "mai": {"code": "3"}},
        },
    }
    t = gettext_for("es")
    markdown = render_markdown(page)
    assert t("PC/TC indicator") in markdown and "ZZZ —" in markdown
    assert f"{t('MUE')} ({t('Practitioner')})" in markdown
    assert f"{t('MUE')} ({t('Outpatient hospital')})" in markdown
    assert t("Date-of-service edit based on clinical judgment") in markdown
