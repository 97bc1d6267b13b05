"""Diagnosis codes: ICD-10-CM codes checked against the code set of the date's
fiscal year.

:func:`check_diagnoses` takes the codes a claim carries (``M5416`` and
``m54.16`` are accepted) and a date of service, and returns a
:class:`DiagnosisCheck`: each code normalised, billable or not, with its
descriptor; the findings (DX01 unknown, DX02 heading not billable, DX03 not
valid in that fiscal year; the rules are data in ``data/diagnosis_rules.yaml``);
whether a valid diagnosis documents the indication; and the coverage of the
code set for the date. Medical necessity (LCD/NCD) is not checked, and every
result says so.

The code set is the PyPI package simple-icd-10-cm (FY2026 with the April 2026
update), read on first use; the facts a check needs are cached per package
version (see :mod:`clearclaim.diagnosis.codeset`).
"""

from clearclaim.diagnosis.check import check_diagnoses, normalise
from clearclaim.diagnosis.models import DiagnosisCheck, DiagnosisCode, DiagnosisFinding
from clearclaim.diagnosis.rules import DiagnosisRule, diagnosis_rules

__all__ = [
    "DiagnosisCheck",
    "DiagnosisCode",
    "DiagnosisFinding",
    "DiagnosisRule",
    "check_diagnoses",
    "diagnosis_rules",
    "normalise",
]
