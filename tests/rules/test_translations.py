"""Rule texts in the ten languages: complete, placeholder for placeholder, and
swapped into a real report."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from clearclaim.i18n import SUPPORTED_LANGUAGES
from clearclaim.rules.loader import default_rules
from clearclaim.rules.registry import TEMPLATED_FILES, registry
from clearclaim.rules.translations import catalog, localize_report

SRC = Path(__file__).resolve().parents[2] / "src" / "clearclaim"
sys.path.insert(0, str(SRC.parents[1] / "tests" / "check"))


def _norm(text: Any) -> str:
    return " ".join(str(text).split())


def english_texts() -> dict[str, dict[str, Any]]:
    """Every rule's English title, message, action and prompt, from the rule files."""
    texts: dict[str, dict[str, Any]] = {}
    for rule in default_rules().rules:
        entry = {"title": rule.title, "message": rule.message, "action": rule.action}
        if rule.prompt:
            entry["prompt"] = rule.prompt
        texts[rule.id] = {k: _norm(v) for k, v in entry.items()}
    edits = yaml.safe_load((SRC / "edits" / "data" / "rules.yaml").read_text())
    for rule in edits["rules"]:
        texts[rule["id"]] = {k: _norm(rule[k]) for k in ("title", "message", "action")}
    dx = yaml.safe_load((SRC / "diagnosis" / "data" / "diagnosis_rules.yaml").read_text())
    rules = (
        dx["rules"].items()
        if isinstance(dx["rules"], dict)
        else [(r["id"], r) for r in dx["rules"]]
    )
    for rule_id, rule in rules:
        texts[rule_id] = {k: _norm(rule[k]) for k in ("title", "message", "action")}
    names = yaml.safe_load((SRC / "rules" / "data" / "modifier_names.yaml").read_text())["rule"]
    texts[names.get("id", "MOD09")] = {k: _norm(names[k]) for k in ("title", "message", "action")}
    for name in TEMPLATED_FILES:
        templated = yaml.safe_load((SRC / "rules" / "data" / name).read_text())
        for rule_id, rule in templated["rules"].items():
            texts[rule_id] = {k: _norm(rule[k]) for k in ("title", "message", "action")}
    return texts


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


ENGLISH = english_texts()
LANGUAGES = [lang for lang in SUPPORTED_LANGUAGES if lang != "en"]


def test_every_registered_rule_has_english_texts() -> None:
    assert set(registry().ids()) <= set(ENGLISH)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_text_is_translated_with_its_placeholders(language: str) -> None:
    texts = catalog(language)
    assert texts is not None, language
    for rule_id, english in ENGLISH.items():
        translated = texts.rules.get(rule_id)
        assert translated, (language, rule_id)
        for name, text in english.items():
            assert translated.get(name), (language, rule_id, name)
            assert _placeholders(str(translated[name])) == _placeholders(text), (
                language,
                rule_id,
                name,
            )
            if len(text) > 30:
                assert str(translated[name]) != text, (language, rule_id, name)


def _report(case_id: str, language: str) -> Any:
    from evaluate import CASES, context_for, load_cases

    case = next(c for c in load_cases(CASES) if c["_file"].startswith(case_id))
    context = context_for(case).model_copy(update={"language": language})
    return case, context


def test_a_spanish_report_says_why_in_spanish(full_store) -> None:
    from clearclaim.checker import check

    _, context = _report("cc001", "es")
    english = check(full_store, context.model_copy(update={"language": "en"}))
    spanish = check(full_store, context)
    assert spanish.suppressed, "the case names a code not to bill"
    assert [s.code for s in spanish.suppressed] == [s.code for s in english.suppressed]
    texts = catalog("es")
    assert texts is not None
    for es, en in zip(spanish.suppressed, english.suppressed, strict=True):
        assert es.reason != en.reason and es.action != en.action
        assert es.action == _norm(texts.rules[es.rule]["action"])
    # lines, payments and the note's quotes are not rule text: unchanged
    assert [ln.code for ln in spanish.lines] == [ln.code for ln in english.lines]
    # the amounts are the same; only the table's note is in the user's language
    assert spanish.payment.lines == english.payment.lines
    assert spanish.payment.total == english.payment.total
    assert spanish.documentation.found == english.documentation.found


def test_gap_prompts_and_risks_follow_the_language(full_store) -> None:
    from evaluate import CASES, context_for, load_cases

    from clearclaim.checker import check

    with_gaps = None
    for case in load_cases(CASES):
        report = check(full_store, context_for(case))
        if report.documentation.gaps and report.denial_risks:
            with_gaps = case
            break
    assert with_gaps is not None
    context = context_for(with_gaps)
    english = check(full_store, context)
    arabic = check(full_store, context.model_copy(update={"language": "ar"}))
    for gap_en, gap_ar in zip(english.documentation.gaps, arabic.documentation.gaps, strict=True):
        assert gap_ar.prompt and gap_ar.prompt != gap_en.prompt
        assert any("\u0600" <= ch <= "\u06ff" for ch in gap_ar.prompt)
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in risk.risk) for risk in arabic.denial_risks)


def test_english_and_unknown_languages_are_left_alone(full_store) -> None:
    from clearclaim.checker import check

    _, context = _report("cc001", "en")
    report = check(full_store, context)
    assert localize_report(report, "en") is report
    assert localize_report(report, "xx") is report
    assert catalog("../etc") is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phrase_is_translated_with_its_placeholders(language: str) -> None:
    english = yaml.safe_load((SRC / "rules" / "i18n" / "phrases.yaml").read_text())
    texts = catalog(language)
    assert texts is not None
    for key, text in english.items():
        assert texts.phrases.get(key), (language, key)
        assert _placeholders(texts.phrases[key]) == _placeholders(text), (language, key)


def test_line_reasons_follow_the_language(full_store) -> None:
    from clearclaim.checker import check

    _, context = _report("cc001", "en")
    english = check(full_store, context)
    german = check(full_store, context.model_copy(update={"language": "de"}))
    texts = catalog("de")
    assert texts is not None
    assert english.lines and english.lines[0].rationale.startswith("intended code")
    assert german.lines[0].rationale.startswith(texts.phrases["intended_code"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_data_warning_is_translated_with_its_placeholders(language: str) -> None:
    from clearclaim.rules.translations import warning_templates
    from clearclaim.store.store import FAMILY_TITLES

    texts = catalog(language)
    assert texts is not None
    for key, text in warning_templates().items():
        assert texts.warnings.get(key), (language, key)
        assert _placeholders(texts.warnings[key]) == _placeholders(text), (language, key)
    assert set(texts.family_titles) == set(FAMILY_TITLES), language


def test_warning_templates_repeat_their_data_files() -> None:
    """The notes the warnings quote from data files are the files' texts, word
    for word: a change there without one here would leave them in English."""
    from clearclaim.diagnosis.rules import diagnosis_rules
    from clearclaim.edits.rules import edit_data
    from clearclaim.pricing.rules import payment_rules
    from clearclaim.rules.translations import warning_templates

    templates = warning_templates()
    for key, note in edit_data().release_notes.items():
        assert templates[f"release_{key}"] == _norm(note), key
    rules = payment_rules()
    for status, rule in rules.status_payment.items():
        if rule.note:
            assert templates[f"status_{status}"] == _norm(rule.note), status
    for pctc, notes in rules.pctc_notes.items():
        if notes.facility:
            assert templates[f"pctc_{pctc}"] == _norm(notes.facility), pctc
    assert templates["medical_necessity"] == _norm(diagnosis_rules().not_checked)


@pytest.mark.parametrize("case_id", ["cc001", "cc041", "cc150"])
def test_a_reports_data_warnings_follow_the_language(full_store, case_id: str) -> None:
    """Which release answered, what was assumed or not checked: in the user's
    language, with the report's own dates and releases in it."""
    from datetime import date

    from clearclaim.checker import check

    _, context = _report(case_id, "es")
    # a 2025 date of service: several families answer from the nearest release
    context = context.model_copy(update={"date_of_service": date(2025, 6, 21)})
    english = check(full_store, context.model_copy(update={"language": "en"}))
    spanish = check(full_store, context)
    translated = [w for w in spanish.warnings if w.code != "english_text"]
    assert translated, case_id
    assert [w.code for w in translated] == [w.code for w in english.warnings]
    for warning, source in zip(translated, english.warnings, strict=True):
        assert warning.message != source.message, (case_id, warning.code, warning.message)
        for date_text in re.findall(r"\d{4}-\d{2}-\d{2}", source.message):
            assert date_text in warning.message, (case_id, warning.code)
    # the data coverage table: the families' titles and why a release answered
    texts = catalog("es")
    assert texts is not None
    assert spanish.payment.note and spanish.payment.note != english.payment.note
    for family, source_family in zip(spanish.data_coverage, english.data_coverage, strict=True):
        assert family.title == texts.family_titles[family.family]
        if source_family.why:
            assert family.why != source_family.why, family.family


def test_a_documented_lines_reasons_follow_the_language(full_store) -> None:
    """A missed charge from the note: why it is there, in the user's language
    (the note's own words stay as written)."""
    from datetime import date

    from clearclaim.checker import ClaimContext, check, parse_codes

    note = (
        "PROCEDURE: Right knee injection under fluoroscopic guidance.\n"
        "INDICATION: knee osteoarthritis. Needle tip confirmed intra-articular with contrast.\n"
        "Fluoro time 0.4 min. DAP 1.2 Gy cm2."
    )
    context = ClaimContext(
        note=note,
        codes=parse_codes("20610"),
        pos="22",
        equipment="facility",
        date_of_service=date(2025, 6, 3),
        language="es",
    )
    report = check(full_store, context)
    documented = next(line for line in report.lines if line.origin == "documented")
    texts = catalog("es")
    assert texts is not None
    assert "documented in the note" not in documented.rationale
    assert "not among the intended codes" not in documented.rationale
    assert texts.phrases["not_intended"] in documented.rationale
