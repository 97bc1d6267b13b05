"""The check test set: structure of each case (the expected outputs are judged
by the check itself once it is assembled; the reader's part is
tests/notes/eval_reader.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from clearclaim.notes import ELEMENT_NAMES
from clearclaim.rules.registry import registry

HERE = Path(__file__).parent
CASE_FILES = sorted(HERE.glob("*.yaml"))
CODE = r"^(?:\d{4}[0-9A-Z]|[A-V]\d{4})(?:-[0-9A-Z]{2})*(?:[xX]\d{1,3})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Line(_Strict):
    code: str = Field(pattern=r"^(?:\d{4}[0-9A-Z]|[A-V]\d{4})$")
    units: int = Field(ge=1)
    modifiers: list[str]


class Suppressed(_Strict):
    code: str
    rule: str


class Documentation(_Strict):
    missing: list[Literal[ELEMENT_NAMES]]  # type: ignore[valid-type]


class Expected(_Strict):
    lines: list[Line]
    suppressed: list[Suppressed]
    documentation: Documentation
    undetermined: bool = False


class Case(_Strict):
    id: str
    description: str
    tags: list[str | int] = Field(default_factory=list)
    note: str = Field(min_length=10)
    codes: list[str] = Field(default_factory=list)
    pos: str = Field(pattern=r"^\d{2}$")
    equipment: Literal["facility", "physician"]
    date: date
    setting: Literal["professional", "facility"]
    expected: Expected


def test_enough_cases() -> None:
    assert len(CASE_FILES) >= 40


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case_structure(path: Path) -> None:
    case = Case.model_validate(yaml.safe_load(path.read_text("utf-8")))
    assert case.id == path.stem
    import re

    assert all(re.match(CODE, c) for c in case.codes)
    known = registry().ids()  # the one registry: policy, CMS edit and templated rules
    for s in case.expected.suppressed:
        assert s.rule in known, s.rule
    if case.expected.undetermined:
        # an unread note has no documentation gaps; its lines, if any, are the
        # intended codes as the CMS edits leave them (a note in another language)
        assert not case.expected.documentation.missing
        assert {line.code for line in case.expected.lines} <= {c.split("-")[0] for c in case.codes}


INDEPENDENT = sorted((HERE / "independent").glob("*.yaml")) + sorted(
    (HERE / "untouched").glob("*.yaml")
)


@pytest.mark.parametrize("path", INDEPENDENT, ids=lambda p: p.stem)
def test_independent_case_structure(path: Path) -> None:
    """Cases written by coders who never saw the code: their `rule` is their own
    words (the reason), so only the shape and the codes are checked."""
    case = Case.model_validate(yaml.safe_load(path.read_text("utf-8")))
    assert case.id == path.stem
    import re

    assert all(re.match(CODE, c) for c in case.codes)
