"""The diagnosis rules and code set facts, read from ``data/diagnosis_rules.yaml``."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError
from clearclaim.models import Source

RULES_PATH = Path(__file__).resolve().parent / "data" / "diagnosis_rules.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSource(_Strict):
    title: str
    url: str | None = None
    verified: date | None = None


class CodeSet(_Strict):
    name: str
    family: str
    fiscal_year: int
    effective_start: date
    effective_end: date
    package: str
    package_version: str
    source: RuleSource


class DiagnosisRule(_Strict):
    id: str
    name: str
    title: str
    severity: Literal["error", "warning", "info"]
    message: str
    action: str
    source: str
    effective_start: date
    effective_end: date | None = None


class DiagnosisRules(_Strict):
    code_set: CodeSet
    sources: dict[str, RuleSource]
    rules: tuple[DiagnosisRule, ...]
    introduced: dict[str, date]
    not_checked: str

    def rule(self, rule_id: str) -> DiagnosisRule:
        return next(r for r in self.rules if r.id == rule_id)

    def source_of(self, rule: DiagnosisRule) -> Source:
        found = self.sources[rule.source]
        return Source(
            kind="policy",
            title=found.title,
            url=found.url,
            row=rule.id,
            effective_start=rule.effective_start,
            effective_end=rule.effective_end,
        )


@lru_cache(maxsize=1)
def diagnosis_rules(path: Path | None = None) -> DiagnosisRules:
    """Read and validate the diagnosis rules (cached)."""
    source = path or RULES_PATH
    try:
        rules = DiagnosisRules.model_validate(load_yaml(source.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataError(f"cannot read diagnosis rules: {exc}", path=str(source)) from exc
    for rule in rules.rules:
        if rule.source not in rules.sources:
            raise DataError(
                f"rule {rule.id} names unknown source {rule.source!r}", path=str(source)
            )
    return rules
