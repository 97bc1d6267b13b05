"""Every rule of the registry has a case file (tests/rules/cases/<ID>.yaml) of the
right shape; test_rule_cases_run.py runs each through the engine that applies it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from clearclaim.rules.loader import HCPCS, MODIFIER, POS, NoteFact
from clearclaim.rules.registry import registry

CASES = Path(__file__).with_name("cases")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Line(_Strict):
    code: str = Field(pattern=HCPCS.pattern)
    units: int = Field(ge=1)
    modifiers: list[str] = Field(default_factory=list)


class Context(_Strict):
    codes: list[Line] = Field(min_length=1)
    pos: str = Field(pattern=POS.pattern)
    equipment: Literal["facility", "physician"]
    date: date
    setting: Literal["professional", "facility"]
    #: the reader's facts, or what a case states of the note's procedures
    note: dict[
        NoteFact
        | Literal[
            "laterality",
            "joints",
            "segments",
            "procedure_type",
            "levels",
            "procedures",
            "procedures_done",
            "procedures_not_performed",
            "session_cancelled",
        ],
        object,
    ] = Field(default_factory=dict)
    diagnoses: list[str] = Field(default_factory=list)


class Example(_Strict):
    description: str = Field(min_length=3)
    context: Context
    expect: list[str]


class CaseFile(_Strict):
    rule: str
    #: the engine that applies the rule: the policy rules, the CMS edit engine,
    #: the bilateral check
    engine: Literal[
        "policy",
        "edits",
        "edit_effects",
        "bilateral",
        "distinct",
        "regions",
        "successors",
        "performed",
        "site_units",
        "components",
        "diagnosis",
        "modifier_names",
        "status",
    ] = "policy"
    pass_: list[Example] = Field(alias="pass", min_length=1)
    fail: list[Example] = Field(min_length=1)


RULE_IDS = [r.id for r in registry().rules()]


def test_every_rule_has_a_case_file() -> None:
    files = {p.stem for p in CASES.glob("*.yaml")}
    assert set(RULE_IDS) <= files, sorted(set(RULE_IDS) - files)
    assert files <= set(RULE_IDS), sorted(files - set(RULE_IDS))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_case_file_structure(rule_id: str) -> None:
    raw = yaml.safe_load((CASES / f"{rule_id}.yaml").read_text("utf-8"))
    case = CaseFile.model_validate(raw)
    assert case.rule == rule_id
    rule = registry().rule(rule_id)
    for ex in case.fail:
        assert rule_id in ex.expect
        assert rule.in_force(ex.context.date), f"{ex.description}: outside effective dates"
    for ex in case.pass_:
        assert rule_id not in ex.expect
    for ex in case.pass_ + case.fail:
        for line in ex.context.codes:
            assert all(MODIFIER.match(m) for m in line.modifiers)
