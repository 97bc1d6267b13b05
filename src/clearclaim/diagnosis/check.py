"""Checking a claim's diagnosis codes against the code set of the date's fiscal year."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from clearclaim.diagnosis import codeset
from clearclaim.diagnosis.models import DiagnosisCheck, DiagnosisCode, DiagnosisFinding
from clearclaim.diagnosis.rules import DiagnosisRules, diagnosis_rules
from clearclaim.errors import FieldError
from clearclaim.models import DataCoverage

#: an ICD-10-CM code as people type it: a letter, two characters, then up to four more,
#: with or without the dot (M5416, m54.16, S72.001A)
_CODE_RE = re.compile(r"^([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{0,4})$")
SHOWN_CHILDREN = 6  # named in the message
LISTED_CHILDREN = 30  # listed in the result


def fiscal_year(day: date) -> int:
    """The federal fiscal year of ``day``: FY2026 runs 2025-10-01 to 2026-09-30."""
    return day.year + 1 if day.month >= 10 else day.year


def normalise(text: str) -> str:
    """``M5416`` / ``m54.16`` / `` M54.16 `` -> ``M54.16``; a FieldError when it cannot be
    an ICD-10-CM code at all (the error names the input)."""
    raw = (text or "").strip().upper()
    match = _CODE_RE.match(raw)
    if not match:
        raise FieldError(
            f"{text!r} is not written as an ICD-10-CM code",
            field="dx",
            value=text,
            hint="a letter, two characters, then up to four more, e.g. M54.16 or M5416",
        )
    head, tail = match.groups()
    return f"{head}.{tail}" if tail else head


def coverage(day: date, rules: DiagnosisRules | None = None) -> DataCoverage:
    """How the shipped code set answers ``day``: in force in its fiscal year, else nearest."""
    rules = rules or diagnosis_rules()
    cs = rules.code_set
    common = {
        "family": cs.family,
        "title": "ICD-10-CM code set",
        "release": cs.name,
        "effective_start": cs.effective_start,
        "effective_end": cs.effective_end,
    }
    if cs.effective_start <= day <= cs.effective_end:
        return DataCoverage(state="in_force", days_away=0, **common)
    away = (
        (cs.effective_start - day).days
        if day < cs.effective_start
        else (day - cs.effective_end).days
    )
    return DataCoverage(
        state="nearest",
        days_away=away,
        why=(
            f"the code set of FY{fiscal_year(day)} is not shipped; {day.isoformat()} is "
            f"checked against {cs.name}, the nearest (codes added or deleted between the "
            "two are not told apart, except those listed as introduced)"
        ),
        **common,
    )


def check_diagnoses(codes: Iterable[str], day: date) -> DiagnosisCheck:
    """Check ``codes`` against ICD-10-CM for the fiscal year of ``day``.

    Input that cannot be an ICD-10-CM code at all raises a FieldError naming it;
    a well-formed code that is not in the set is reported (DX01) with close
    matches, a heading (DX02) with the codes under it, a code newer than the
    date (DX03) with the date it takes effect.
    """
    rules = diagnosis_rules()
    results: list[DiagnosisCode] = []
    findings: list[DiagnosisFinding] = []
    fy = fiscal_year(day)
    for given in codes:
        code = normalise(given)
        result, finding = _check_one(given, code, day, fy, rules)
        results.append(result)
        if finding is not None:
            findings.append(finding)
    return DiagnosisCheck(
        date_of_service=day,
        fiscal_year=fy,
        code_set=rules.code_set.name,
        codes=results,
        findings=findings,
        indication_documented=any(r.billable for r in results),
        data_coverage=[coverage(day, rules)],
        not_checked=" ".join(rules.not_checked.split()),
    )


def _check_one(
    given: str, code: str, day: date, fy: int, rules: DiagnosisRules
) -> tuple[DiagnosisCode, DiagnosisFinding | None]:
    cs_name = rules.code_set.name
    if not codeset.is_code(code):
        closest = codeset.close_matches(code)
        near = f"; close: {', '.join(closest)}" if closest else ""
        return (
            DiagnosisCode(given=given, code=code, state="unknown", suggestions=closest),
            _finding(rules, "DX01", code, code_set=cs_name, closest=near),
        )
    words = codeset.description(code)
    if not codeset.is_billable(code):
        under = codeset.billable_under(code)
        shown = ", ".join(under[:SHOWN_CHILDREN]) + (" ..." if len(under) > SHOWN_CHILDREN else "")
        return (
            DiagnosisCode(
                given=given,
                code=code,
                state="heading",
                description=words,
                suggestions=under[:LISTED_CHILDREN],
            ),
            _finding(
                rules,
                "DX02",
                code,
                description=words,
                child_count=len(under),
                children=shown,
            ),
        )
    valid_from = rules.introduced.get(code)
    if valid_from is not None and day < valid_from:
        return (
            DiagnosisCode(given=given, code=code, state="not_valid_on_date", description=words),
            _finding(
                rules,
                "DX03",
                code,
                description=words,
                valid_from=valid_from.isoformat(),
                fiscal_year_from=fiscal_year(valid_from),
                day=day.isoformat(),
                fiscal_year=fy,
            ),
        )
    return DiagnosisCode(given=given, code=code, state="billable", description=words), None


def _finding(rules: DiagnosisRules, rule_id: str, code: str, **values: object) -> DiagnosisFinding:
    rule = rules.rule(rule_id)
    message = " ".join(rule.message.format(code=code, **values).split())
    return DiagnosisFinding(
        rule_id=rule.id,
        name=rule.name,
        severity=rule.severity,
        code=code,
        message=message,
        action=rule.action,
        source=rules.source_of(rule),
    )
