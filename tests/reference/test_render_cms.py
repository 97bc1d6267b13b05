"""The CMS-data sections of a rendered code page, checked against the shipped CMS files.

Real pages from the full store (MUE, add-on code, NCCI edits, payment detail,
payment indicators, header, data notes), in Markdown and HTML, in every language.
"""

from __future__ import annotations

import csv
import gzip
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from clearclaim.i18n import SUPPORTED_LANGUAGES, gettext_for, has_translation
from clearclaim.knowledge import indicator_messages, load_indicators
from clearclaim.pricing.rules import payment_rules
from clearclaim.reference import render_cms
from clearclaim.reference.page import code_page
from clearclaim.reference.render import SECTION_TITLES, render_html, render_markdown

DAY = date(2026, 8, 3)
NEW_SECTIONS = ("indicators", "mue", "add_on", "ncci", "notes")
OTHER_LANGUAGES = [tag for tag in SUPPORTED_LANGUAGES if tag != "en"]


@pytest.fixture(scope="module")
def page_77002(full_store) -> dict:
    return code_page(full_store, "77002", day=DAY)


def _section(markdown: str, title: str) -> str:
    """The body of the ``## title`` section of a Markdown page."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def _subsection(body: str, title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^### |\Z)", body, re.M | re.S)
    assert match, f"no subsection {title!r}"
    return match.group(1)


def _mue_row(data_dir: Path, service: str, code: str) -> dict[str, str]:
    path = data_dir / "ncci" / f"ncci_mue_{service}_2024-07-01.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r["hcpcs_code"] == code)


def test_mue_tables_show_the_csv_values(page_77002, full_store, data_dir: Path) -> None:
    body = _section(render_markdown(page_77002), "Medically unlikely edits (MUE)")
    for service, label in (
        ("practitioner", "Practitioner"),
        ("outpatient_hospital", "Outpatient hospital"),
    ):
        row = _mue_row(data_dir, service, "77002")
        table = _subsection(body, f"MUE ({label})")
        assert f"| Maximum units | {int(row['mue_units'])} |" in table
        assert f"| Adjudication indicator (MAI) | {row['mue_mai']} — " in table
        assert f"| Rationale | {row['mue_rationale']} |" in table
        # the release that answers DAY (2026-04-01 since that quarter's tables ship)
        release = full_store.release_for(f"mue_{service}", DAY).release.label
        assert f"| Release | {release} |" in table
        assert "| Meaning | " in table


def test_mue_units_differ_by_table_when_the_files_differ(full_store, data_dir: Path) -> None:
    # 20610 has more than one unit; whatever the files say must be what each table shows
    body = _section(
        render_markdown(code_page(full_store, "20610", day=DAY)), "Medically unlikely edits (MUE)"
    )
    for service, label in (
        ("practitioner", "Practitioner"),
        ("outpatient_hospital", "Outpatient hospital"),
    ):
        units = int(_mue_row(data_dir, service, "20610")["mue_units"])
        assert f"| Maximum units | {units} |" in _subsection(body, f"MUE ({label})")


def _aoc_rows(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / "ncci" / "ncci_aoc_2026-04-01.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_add_on_section_lists_the_primaries(page_77002, data_dir: Path) -> None:
    listed = {
        r["Primary_Code"]
        for r in _aoc_rows(data_dir)
        if r["Add-On_Code"] == "77002" and not r["AOC_Edit_DelDT"]
    }
    assert "27093" in listed
    body = _section(render_markdown(page_77002), "Add-on code")
    assert "| Add-on code | Yes |" in body
    assert "| Edit type | Type 1: paid only with one of the primary codes CMS lists |" in body
    count = page_77002["add_on"]["primary_count"]
    assert count == len(listed)
    assert f"| Eligible primary codes | {count} |" in body
    primaries = re.search(r"^\| Primary codes[^|]*\| ([^|]+) \|$", body, re.M)
    assert primaries and "27093" in primaries.group(1).split(", ")
    assert "| Add-on codes it takes as a primary code | None |" in body
    assert "| Release | 2026-04-01 |" in body


def test_primary_code_names_its_add_ons(full_store) -> None:
    body = _section(render_markdown(code_page(full_store, "27093", day=DAY)), "Add-on code")
    assert "| Add-on code | No |" in body
    row = re.search(r"^\| Add-on codes it takes as a primary code \| ([^|]+) \|$", body, re.M)
    assert row and "77002" in row.group(1).split(", ")


def test_contractor_defined_primaries_are_explained_not_listed(full_store) -> None:
    body = _section(render_markdown(code_page(full_store, "0054T", day=DAY)), "Add-on code")
    assert "Type 2: CMS lists no primary codes" in body
    assert "the MAC defines the eligible primary codes" in body
    assert "| Eligible primary codes |" not in body


def _ptp_counts(data_dir: Path, code: str) -> tuple[int, int]:
    """Edits in force on DAY with ``code`` in column 1 and in column 2, from the raw file."""
    as_1 = as_2 = 0
    path = data_dir / "ncci" / "ncci_ptp_practitioner_2024-07-01.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if f'"{code}"' not in line:
                continue
            first, second, deleted = next(csv.reader([line]))[:3]
            if deleted and date.fromisoformat(deleted) < DAY:
                continue
            as_1 += first == code
            as_2 += second == code
    return as_1, as_2


def test_ncci_section_counts_and_partners(page_77002, data_dir: Path) -> None:
    as_1, as_2 = _ptp_counts(data_dir, "77002")
    body = _section(render_markdown(page_77002), "NCCI edits")
    table = _subsection(body, "Practitioner")
    assert f"| Edits with this code in column 1 (it includes the other code) | {as_1:,} |" in table
    assert f"| Edits with this code in column 2 (included in the other code) | {as_2:,} |" in table
    assert "Codes this code includes (this code in column 1)" in table
    assert (
        "| 36591 | 0 — modifier not allowed | CPT Manual or CMS manual coding instruction |"
        in table
    )
    assert "| 0570T | 1 — modifier allowed when a distinct service is documented |" in table
    assert "Codes that include this code (this code in column 2)" in table
    for partner in page_77002["ncci"]["practitioner"]["column_2_codes"]:
        assert f"| {partner['code']} | {partner['modifier_indicator']} — " in table
    assert "### Outpatient hospital" in body
    assert "at most 12 shown per list." in body


def test_payment_detail_locality_and_facility_payment(full_store) -> None:
    page = code_page(full_store, "20610", day=DAY, zip_code="94110")
    facility = page["payment_detail"]["by_site"]["hospital_outpatient"]["components"]["global"][
        "facility_payment"
    ]
    body = _section(render_markdown(page), "Payment by site")
    locality = page["payment_detail"]["locality"]
    assert f"| Locality | MAC {locality['mac']}, locality {locality['number']}: " in body
    assert "| Conversion factor | $33.4009 |" in body
    assert "### Facility payment" in body
    row = (
        f"| Hospital outpatient | OPPS | {facility['apc']} | {facility['status_indicator']} "
        f"| ${facility['rate']:,.2f} | {facility['release']} | "
    )
    assert row in body
    assert facility["note"] in body  # the English note, kept as it is
    html = render_html(code_page(full_store, "20610", day=DAY, zip_code="94110", lang="de"))
    assert '<span lang="en" dir="ltr">National unadjusted OPPS payment rate' in html


def test_national_locality_and_missing_amount_reasons(page_77002) -> None:
    body = _section(render_markdown(page_77002), "Payment by site")
    assert "| Locality | National (no locality adjustment) |" in body
    assert "### Why an amount is missing or adjusted" in body
    assert "- Hospital outpatient — Global, Technical component (TC): NA in the facility" in body


def test_payment_indicators_in_words(full_store) -> None:
    page = code_page(full_store, "20610", day=DAY)
    body = _section(render_markdown(page), "Payment indicators")
    indicators = page["indicators"]
    assert f"| Multiple procedure | {indicators['mult_proc']} — Standard reduction" in body
    assert f"| Bilateral surgery (modifier 50) | {indicators['bilat_surg']} — 150%" in body
    for label in (
        "Diagnostic imaging family",
        "Assistant at surgery",
        "Co-surgeons (modifier 62)",
        "Team surgery (modifier 66)",
    ):
        assert f"| {label} | " in body


def test_every_payment_rules_multiple_procedure_value_has_words() -> None:
    families = load_indicators().families
    assert set(render_cms.INDICATORS) <= set(families)
    words = {key: families[key].values for key in render_cms.INDICATORS}
    assert set(payment_rules().mult_proc) <= set(words["mult_proc"])
    # every imaging family of payment_rules.yaml has its label in knowledge/, translated
    assert set(payment_rules().imaging_family) <= set(words["imaging_family"])
    page = {"language": "fr", "indicators": {"imaging_family": "05"}}
    assert "IRM et ARM (tête/cerveau/cou)" in render_markdown(page)


def test_header_and_data_notes(page_77002) -> None:
    markdown = render_markdown(page_77002)
    assert markdown.startswith(
        "# 77002\n\nDate of service: 2026-08-03 · Physician fee schedule release: RVU26C\n"
    )
    assert page_77002["warnings"], "the store has no release in force on the date"
    notes = _section(markdown, "Data notes")
    assert markdown.rstrip().endswith(notes.rstrip())  # the last section
    for warning in page_77002["warnings"]:
        assert f"- {warning['message']}" in notes


def test_arabic_stays_right_to_left(full_store) -> None:
    page = code_page(full_store, "77002", day=DAY, lang="ar")
    t = gettext_for("ar")
    html = render_html(page)
    assert html.startswith('<article class="clearclaim-code" lang="ar" dir="rtl">')
    for key in NEW_SECTIONS:
        assert f"<h2>{t(SECTION_TITLES[key])}</h2>" in html
    assert '<span lang="en" dir="ltr">CMS Policy</span>' in html
    markdown = render_markdown(page)
    assert markdown.startswith('<div dir="rtl" lang="ar">\n\n')
    assert markdown.rstrip().endswith("</div>")


def _render_cms_msgids() -> list[str]:
    path = Path(render_cms.__file__)
    with path.open("rb") as handle:
        found = [
            m
            for _line, m, _c, _ctx in extract_from_file(
                "python", handle.name, keywords={"N_": None, "t": None}
            )
        ]
    return [m for m in found if isinstance(m, str)]


def test_every_new_label_is_translated() -> None:
    labels = [
        *_render_cms_msgids(),
        *(SECTION_TITLES[k] for k in NEW_SECTIONS),
        *indicator_messages(),  # the indicator labels live in knowledge/indicators.yaml
    ]
    assert len(labels) > 60
    for tag in OTHER_LANGUAGES:
        missing = [label for label in labels if not has_translation(label, tag)]
        assert missing == [], tag


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_new_sections_in_every_language(full_store, lang: str) -> None:
    t = gettext_for(lang)
    page = code_page(full_store, "20610", day=DAY, lang=lang)
    markdown = render_markdown(page)
    for key in NEW_SECTIONS:
        assert f"## {t(SECTION_TITLES[key])}" in markdown
    for label in (
        "Maximum units",
        "Add-on codes it takes as a primary code",
        "Locality",
        "Modifier indicator",
        "Multiple procedure",
        "Payment system",
    ):
        assert t(label) in markdown
    # no English label leaks into the new sections (CMS free text aside)
    for english in (
        "Maximum units",
        "Edits with this code in column 1",
        "Standard reduction",
        "Date of service:",
    ):
        assert english not in markdown, (lang, english)
