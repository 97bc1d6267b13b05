"""ICD-10-CM codes against the code set of the date's fiscal year (simple-icd-10-cm)."""

from __future__ import annotations

from datetime import date

import pytest

from clearclaim import Checker, FieldError
from clearclaim.diagnosis import check_diagnoses, diagnosis_rules, normalise
from clearclaim.diagnosis.check import fiscal_year

IN_FY2026 = date(2026, 5, 4)


@pytest.mark.parametrize("given", ["M5416", "m54.16", " M54.16 ", "m5416"])
def test_input_is_normalised(given: str) -> None:
    assert normalise(given) == "M54.16"


@pytest.mark.parametrize("given", ["", "54.16", "M54.16.1", "M54-16", "hello world"])
def test_what_cannot_be_a_code_is_a_field_error(given: str) -> None:
    with pytest.raises(FieldError, match="not written as an ICD-10-CM code"):
        normalise(given)


def test_billable_codes_document_the_indication() -> None:
    result = check_diagnoses(["M5416", "M47.816", "E11.A", "M51.360"], IN_FY2026)
    assert [c.state for c in result.codes] == ["billable"] * 4
    assert result.codes[0].description == "Radiculopathy, lumbar region"
    assert result.findings == []
    assert result.indication_documented
    assert result.fiscal_year == 2026
    (coverage,) = result.data_coverage
    assert coverage.state == "in_force" and coverage.family == "icd10cm"


def test_a_heading_is_not_billable() -> None:
    result = check_diagnoses(["M54.1"], IN_FY2026)
    (code,) = result.codes
    assert code.state == "heading" and "M54.16" in code.suggestions
    (finding,) = result.findings
    assert finding.rule_id == "DX02" and "M54.1" in finding.message
    assert finding.source.effective_start is not None
    assert not result.indication_documented


def test_an_unknown_code_is_named_with_close_matches() -> None:
    result = check_diagnoses(["M54.99"], IN_FY2026)
    (code,) = result.codes
    assert code.state == "unknown" and code.suggestions
    assert all(s.startswith("M54") for s in code.suggestions)
    (finding,) = result.findings
    assert finding.rule_id == "DX01" and "M54.99" in finding.message


def test_a_code_newer_than_the_date_is_not_valid_then() -> None:
    """E11.A takes effect in FY2026; on a FY2025 date it is DX03, and the code set of
    FY2025 is not shipped, so the coverage says nearest."""
    result = check_diagnoses(["E11.A"], date(2025, 6, 1))
    (finding,) = result.findings
    assert finding.rule_id == "DX03" and "FY2025" in finding.message
    (coverage,) = result.data_coverage
    assert coverage.state == "nearest" and coverage.days_away == 122


def test_every_result_says_medical_necessity_was_not_checked() -> None:
    result = check_diagnoses(["M54.16"], IN_FY2026)
    assert result.medical_necessity_checked is False
    assert "LCD/NCD" in result.not_checked


def test_fiscal_years_run_october_to_september() -> None:
    assert fiscal_year(date(2025, 9, 30)) == 2025
    assert fiscal_year(date(2025, 10, 1)) == 2026


def test_rules_are_data_with_sources_and_dates() -> None:
    rules = diagnosis_rules()
    assert [r.id for r in rules.rules] == ["DX01", "DX02", "DX03"]
    for rule in rules.rules:
        assert rule.source in rules.sources and rule.effective_start


def test_checker_exposes_diagnoses(full_store) -> None:  # type: ignore[no-untyped-def]
    checker = Checker(full_store)
    result = checker.diagnoses(["m5416", "M54.1"], IN_FY2026)
    assert [c.code for c in result.codes] == ["M54.16", "M54.1"]
    assert [f.rule_id for f in result.findings] == ["DX02"]


def test_a_category_that_is_its_own_block_is_a_code() -> None:
    """B20, F99 and P84 are billable three-character codes, each also the only member
    of its block: they are codes, not blocks. A block range is not a code."""
    result = check_diagnoses(["B20", "F99", "P84"], IN_FY2026)
    assert [c.state for c in result.codes] == ["billable"] * 3
    with pytest.raises(FieldError):
        normalise("M40-M54")


def test_the_cached_index_is_the_package_s_code_set() -> None:
    """The index written to the cache folder reads back to what the package says."""
    from clearclaim.diagnosis import codeset

    # an earlier test may have loaded the index in this process (from another cache
    # folder): load it afresh so it is written to this test's folder
    codeset._index.cache_clear()
    check_diagnoses(["M54.16"], IN_FY2026)  # loads (and caches) the index
    path = codeset._cache_file()
    assert path.exists()
    loaded = codeset._index()
    codeset._index.cache_clear()
    try:
        assert codeset._index() == loaded  # read back from the file
    finally:
        codeset._index.cache_clear()
    assert codeset.is_billable("M54.16") and not codeset.is_billable("M54.1")
    assert "M54.16" in codeset.billable_under("M54.1")
