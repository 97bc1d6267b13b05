"""`clearclaim code`: one page per code, from the store and the curated content."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim.cli.main import app
from clearclaim.errors import UnknownCodeError, UnsupportedLanguageError
from clearclaim.i18n import normalize_language
from clearclaim.reference.page import code_page

runner = CliRunner()
LANGS = ["en", "es", "zh", "ru", "ar", "vi", "fr", "de", "ko", "tl"]
DAY = date(2026, 8, 3)


def _rows_2026(data_dir: Path) -> list[dict[str, str]]:
    with gzip.open(data_dir / "pfs" / "PPRRVU2026_Jul_nonQPP.csv.gz", "rt") as handle:
        return list(csv.DictReader(handle))


def test_76000_rvus_equal_the_2026_file(full_store, data_dir: Path) -> None:
    row = next(r for r in _rows_2026(data_dir) if r["HCPCS"] == "76000" and not r["MOD"])
    page = code_page(full_store, "76000", day=DAY)
    assert page["release"] == "RVU26C"
    rvu = page["rvu"]
    assert rvu["work"] == float(row["WORK RVU"])
    assert rvu["pe_facility"] == float(row["FACILITY PE RVU"])
    assert rvu["pe_non_facility"] == float(row["NON-FAC PE RVU"])
    assert rvu["mp"] == float(row["MP RVU"])
    assert rvu["total_non_facility"] == float(row["NON-FACILITY TOTAL"])
    assert page["descriptor"] == row["DESCRIPTION"]


def test_wrvu_rank_within_radiology(full_store, data_dir: Path) -> None:
    """The percentile recomputed from the raw file, by the stated definition."""
    rows = _rows_2026(data_dir)
    radiology = [
        float(r["WORK RVU"])
        for r in rows
        if not r["MOD"]
        and r["STATUS CODE"] in ("A", "R", "T")
        and r["HCPCS"].isdigit()
        and "70010" <= r["HCPCS"] <= "79999"
        and float(r["WORK RVU"] or 0) > 0
    ]
    mine = float(next(r for r in rows if r["HCPCS"] == "76000" and not r["MOD"])["WORK RVU"])
    expected = round(100 * sum(v <= mine for v in radiology) / len(radiology), 1)
    rank = code_page(full_store, "76000", day=DAY)["wrvu_rank"]
    assert rank["category"] == "Radiology"
    assert "status A, R or T" in rank["definition"]
    assert rank["percentile"] == expected
    assert rank["max"] == max(radiology)
    assert rank["codes_in_category"] == len(radiology)


def test_payment_by_site_and_component(full_store) -> None:
    payment = code_page(full_store, "76000", day=DAY)["payment"]
    office = payment["office"]
    assert office["global"] == pytest.approx(office["26"] + office["tc"], abs=0.02)
    assert payment["hospital_outpatient"]["26"] == office["26"]
    assert payment["hospital_outpatient"]["global"] is None  # NA: the facility is paid


@pytest.mark.parametrize("lang", LANGS)
def test_curated_sections_in_every_language(full_store, lang: str) -> None:
    page = code_page(full_store, "77003", day=DAY, lang=lang)
    assert page["language"] == normalize_language(lang)
    for section in (
        "plain_language",
        "synonyms",
        "documentation",
        "modifiers",
        "denials",
        "examples",
        "faqs",
        "related",
    ):
        assert page[section]["value"], section
        assert page[section]["translated"] is True, (lang, section)
    assert page["untranslated_sections"] == []


def test_deleted_code_page(full_store) -> None:
    page = code_page(full_store, "76001", day=DAY)
    assert page["deleted"] == "2019-01-01"
    assert page["rvu"] is None and page["payment"] is None
    assert any(w["code"] == "not_in_release" for w in page["warnings"])


def test_unknown_code_and_language(full_store) -> None:
    with pytest.raises(UnknownCodeError) as err:
        code_page(full_store, "7600X", day=DAY)
    assert err.value.closest and err.value.closest[0].startswith("7600")
    with pytest.raises(UnsupportedLanguageError) as lang:
        code_page(full_store, "76000", day=DAY, lang="xx")
    assert any(s.startswith("es") for s in lang.value.supported)


def test_cli_formats(full_store, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    result = runner.invoke(app, ["code", "76000", "--date", "2026-08-03", "--json"])
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    for key in (
        "code",
        "language",
        "descriptor",
        "status",
        "rvu",
        "payment",
        "wrvu_rank",
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
    ):
        assert key in page, key
    html = runner.invoke(app, ["code", "76000", "--lang", "ar", "--html"])
    assert html.exit_code == 0 and 'dir="rtl"' in html.stdout
    bad = runner.invoke(app, ["code", "99999X"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    unknown = runner.invoke(app, ["code", "76009"])
    assert unknown.exit_code == 2 and "closest codes" in unknown.output
    language = runner.invoke(app, ["code", "76000", "--lang", "klingon"])
    assert language.exit_code == 2 and "supported" in language.output
