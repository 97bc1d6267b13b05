"""Payment policy as data: ``payment_rules.yaml`` read and validated once.

The YAML holds what pricing needs beyond the CMS files (which status codes pay,
multiple procedure reductions by date, indicator words the knowledge file does
not carry, which places of service have a facility payment system), each rule
with its citation. Keeping it out of the code means a policy change is a data
change with its source next to it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError

RULES_PATH = Path(__file__).resolve().parent / "payment_rules.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSource(_Strict):
    title: str
    publisher: str
    file: str | None = None
    url: str | None = None
    verified: date | None = None


class StatusPayment(_Strict):
    paid: bool | Literal["when_rvus"]
    note: str | None = None


class PctcNote(_Strict):
    facility: str | None = None


class MpprPeriod(_Strict):
    start: date
    end: date
    percent: tuple[Decimal, ...]

    def factor(self, rank: int) -> Decimal:
        """Payment percentage of the line ranked ``rank`` (1 = highest); the last repeats."""
        return self.percent[min(rank, len(self.percent)) - 1]


class MpprRule(_Strict):
    id: str
    name: str
    indicators: tuple[str, ...]
    component: Literal["whole", "tc", "pc"]
    ranking: str
    periods: tuple[MpprPeriod, ...]
    citation: str
    by_report_after: int | None = None

    def period_for(self, day: date) -> MpprPeriod | None:
        return next((p for p in self.periods if p.start <= day <= p.end), None)


class FacilitySystem(_Strict):
    pos: tuple[str, ...]
    family: str
    title: str
    rate_note: str


class Participation(_Strict):
    non_participating_percent: Decimal
    limiting_charge_percent: Decimal
    citation: str


class Successor(_Strict):
    code: str
    citation: str


class PaymentRules(_Strict):
    sources: dict[str, RuleSource]
    status_payment: dict[str, StatusPayment]
    pctc_notes: dict[str, PctcNote]
    mult_proc: dict[str, str]
    imaging_family: dict[str, str]
    mppr: tuple[MpprRule, ...]
    mppr_not_applied: dict[str, str]
    facility_systems: dict[Literal["OPPS", "ASC"], FacilitySystem]
    participation: Participation
    successors: dict[str, Successor] = {}

    def facility_system_for(self, pos: str) -> tuple[Literal["OPPS", "ASC"], FacilitySystem] | None:
        for name, system in self.facility_systems.items():
            if pos in system.pos:
                return name, system
        return None


@lru_cache(maxsize=1)
def payment_rules(path: Path | None = None) -> PaymentRules:
    """Read and validate ``payment_rules.yaml`` (cached)."""
    source = path or RULES_PATH
    try:
        raw = load_yaml(source.read_text(encoding="utf-8"))
        # percentages are written as strings so that YAML never turns them into floats
        return PaymentRules.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise DataError(f"cannot read payment rules: {exc}", path=str(source)) from exc
