"""Which fluoroscopy code the documented fluoroscopy of a procedure is coded as.

The families are data (``rules/data/imaging.yaml``); the CMS add-on file's
primaries of 77001-77003 are asked first by the caller, which has the store.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError
from clearclaim.rules.loader import Citation, Effective, RuleSet, default_rules

Evidence = Literal["explicit", "imaging", "inherent"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ImagingFamily(_Strict):
    name: str
    codes: list[str] = Field(min_length=1)
    imaging: Literal["76000", "77001", "77002", "77003"]
    evidence: Evidence
    #: named even when the coder billed a fluoroscopy code of their own
    also_when_intended: bool = False


class UltrasoundGuidance(_Strict):
    """The ultrasound guidance code a note's documented ultrasound is coded as."""

    vascular_code: Literal["76937"]
    #: procedures whose ultrasound guides vascular access
    vascular: list[str] = Field(min_length=1)
    needle_code: Literal["76942"]

    def code_for(self, codes: set[str], day: date, rules: RuleSet) -> str:
        vascular = rules.code_set(self.vascular, on=day)
        return self.vascular_code if codes & vascular else self.needle_code


class CtGuidance(_Strict):
    """CT guidance documented for a needle: its code, and the codes by which a
    claim already reports CT guidance."""

    code: Literal["77012"]
    reported_by: list[str] = Field(min_length=1)


class Companion(_Strict):
    """The radiological supervision and interpretation code CPT instructs to
    report with a procedure whose code does not include its imaging."""

    procedure: str = Field(pattern=r"^\d{5}$")
    code: str = Field(pattern=r"^7\d{4}$")
    source: str = Field(min_length=10)
    #: the imaging the code reports: fluoroscopy for an S&I code; 75989 is the
    #: guidance of a drainage catheter by fluoroscopy, ultrasound or CT
    modalities: list[Literal["fluoroscopy", "ultrasound", "ct"]] = ["fluoroscopy"]


class ImagingMap(_Strict):
    source: list[Citation] = Field(min_length=1)
    effective: Effective
    families: list[ImagingFamily] = Field(min_length=1)
    ultrasound: UltrasoundGuidance
    ct: CtGuidance
    companions: list[Companion] = Field(default_factory=list)

    def procedures_of(self, code: str) -> set[str]:
        """The procedures whose radiological S&I code ``code`` is (75984: 49423)."""
        return {c.procedure for c in self.companions if c.code == code}

    def family_for(self, code: str, day: date, rules: RuleSet) -> ImagingFamily | None:
        """The first family whose codes hold ``code`` on ``day``."""
        if not self.effective.covers(day):
            return None
        for family in self.families:
            if code in rules.code_set(family.codes, on=day):
                return family
        return None


@cache
def imaging_map() -> ImagingMap:
    """The shipped families, validated once (every ``@list`` must exist)."""
    path = resources.files("clearclaim.rules") / "data" / "imaging.yaml"
    try:
        found = ImagingMap.model_validate(load_yaml(path.read_text("utf-8")))
    except ValidationError as exc:
        raise DataError(f"imaging families are malformed: {exc}", path="imaging.yaml") from None
    lists = default_rules().code_lists
    named = [(family.name, family.codes) for family in found.families]
    for name, refs in [*named, ("ultrasound", found.ultrasound.vascular)]:
        for ref in refs:
            if ref.startswith("@") and ref[1:] not in lists:
                raise DataError(f"{name}: unknown code list {ref}", path="imaging.yaml")
    return found
