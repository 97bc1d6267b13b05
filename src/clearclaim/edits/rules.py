"""The engine's data: rule metadata, modifiers and indicator semantics (YAML).

Messages are templates in ``data/rules.yaml``. The single-claim path renders
them with ``str.format``; the batch path turns the same template into a Polars
expression (``batch_frames.template_expr``), so both paths write the same words.
"""

from __future__ import annotations

import string
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.edits.models import RuleKind, Severity, source_text
from clearclaim.errors import DataError
from clearclaim.models import Effect, Source

DATA_DIR = Path(__file__).resolve().parent / "data"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    id: str
    name: str
    kind: RuleKind
    severity: Severity
    effect: Effect = "none"
    title: str
    citation: str
    effective_start: date | None = None
    effective_end: date | None = None
    fields: tuple[str, ...] = ()
    message: str
    action: str

    def applies_on(self, day: date) -> bool:
        if self.effective_start and day < self.effective_start:
            return False
        return not (self.effective_end and day > self.effective_end)

    def render(self, fields: dict[str, Any]) -> tuple[str, str]:
        text = {k: "" if v is None else str(v) for k, v in fields.items()}
        return self.message.format_map(text), self.action.format_map(text)


class Citation(_Strict):
    title: str
    publisher: str
    url: str | None = None
    file: str | None = None
    verified: date | None = None


class ModifierIndicator(_Strict):
    label: str
    bypass: bool
    applies: bool
    meaning: str


class ModifierGroup(_Strict):
    codes: tuple[str, ...]
    group: str
    documentation: str


class Modifiers(_Strict):
    sources: dict[str, Citation]
    modifier_indicators: dict[str, ModifierIndicator]
    ncci_modifiers: tuple[ModifierGroup, ...]


class Mai(_Strict):
    scope: str
    rule: str
    meaning: str


class Pctc(_Strict):
    label: str
    allows_26: bool
    allows_tc: bool
    action: str


class Status(_Strict):
    label: str
    rule: str
    meaning: str


class EditData:
    """Everything the rules need from the YAML files, validated once."""

    def __init__(self, rules: list[Rule], modifiers: Modifiers, indicators: dict[str, Any]) -> None:
        self.rules: dict[str, Rule] = {r.id: r for r in rules}
        self.modifiers = modifiers
        self.modifier_indicators = modifiers.modifier_indicators
        #: NCCI-associated modifier -> what the record must show for it
        self.bypass_docs: dict[str, str] = {
            code: group.documentation for group in modifiers.ncci_modifiers for code in group.codes
        }
        self.mai = {k: Mai.model_validate(v) for k, v in indicators["mue_mai"]["values"].items()}
        pctc = indicators["pctc"]
        self.pctc = {k: Pctc.model_validate(v) for k, v in pctc["values"].items()}
        self.facility_pos: dict[str, str] = dict(pctc["facility_pos"]["codes"])
        self.status = {
            k: Status.model_validate(v) for k, v in indicators["status"]["values"].items()
        }
        self.deletion_basis: dict[str, str] = {
            k: v["text"] for k, v in indicators["deletion_basis"].items()
        }
        self.first_basis: dict[str, str] = {
            k: v["text"] for k, v in indicators["first_basis"].items()
        }
        self.aoc_contractor_code: str = indicators["add_on"]["contractor_defined_primary"]
        self.release_notes: dict[str, str] = dict(indicators["release_notes"])
        self.citations: dict[str, Citation] = {
            "modifiers": modifiers.sources["modifiers"],
            "modifier_indicators": modifiers.sources["indicators"],
            "mue_mai": Citation.model_validate(indicators["mue_mai"]["source"]),
            "pctc": Citation.model_validate(pctc["source"]),
            "facility_pos": Citation.model_validate(pctc["facility_pos"]["source"]),
            "status": Citation.model_validate(indicators["status"]["source"]),
            "add_on": Citation.model_validate(indicators["add_on"]["source"]),
        }

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    @property
    def bypass_modifiers(self) -> tuple[str, ...]:
        return tuple(self.bypass_docs)

    def first_bypass(self, *modifier_lists: tuple[str, ...]) -> str | None:
        """The first NCCI-associated modifier, searching the lists in order (column-2
        line first), each in the order billed: the batch path's regex does the same."""
        for mods in modifier_lists:
            for mod in mods:
                if mod in self.bypass_docs:
                    return mod
        return None


def _load_yaml(name: str) -> Any:
    path = DATA_DIR / name
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read edit rules: {exc}", path=str(path)) from exc


@lru_cache(maxsize=1)
def edit_data() -> EditData:
    """The rules, modifiers and indicator semantics (read and checked once)."""
    try:
        rules = [Rule.model_validate(r) for r in _load_yaml("rules.yaml")["rules"]]
        modifiers = Modifiers.model_validate(_load_yaml("modifiers.yaml"))
        data = EditData(rules, modifiers, _load_yaml("indicators.yaml"))
    except (ValidationError, KeyError, TypeError) as exc:
        raise DataError(f"edit rule data is malformed: {exc}", path=str(DATA_DIR)) from exc
    for rule in data.rules.values():
        for template in (rule.message, rule.action):
            unknown = set(template_fields(template)) - set(COMMON_FIELDS) - set(rule.fields)
            if unknown:
                raise DataError(
                    f"rule {rule.id} uses template fields it does not declare: {sorted(unknown)}",
                    path=str(DATA_DIR / "rules.yaml"),
                )
    return data


#: fields every rule may use in its templates
COMMON_FIELDS = ("code", "line", "lines", "dos", "related_code", "related_line", "release")


def template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


# -- sources ----------------------------------------------------------------------


def policy_source(rule: Rule) -> Source:
    return Source(kind="policy", title=rule.citation)


__all__ = [
    "COMMON_FIELDS",
    "EditData",
    "Rule",
    "edit_data",
    "policy_source",
    "source_text",
    "template_fields",
]
