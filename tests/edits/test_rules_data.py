"""The rule metadata, modifiers and indicators are data, complete and consistent;
the values at the boundary validate their input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError

from clearclaim.edits import ClaimLine, Finding
from clearclaim.edits.rules import COMMON_FIELDS, edit_data, template_fields
from clearclaim.models import Source

RULE_ID = re.compile(r"^(PTP|MUE|AOC|PCTC|STAT|DATA)\d\d$")
NAME = re.compile(r"^[a-z_]+\.[a-z_0-9]+$")


def test_rules_have_stable_ids_names_citations_and_known_fields():
    data = edit_data()
    names = [r.name for r in data.rules.values()]
    assert len(set(names)) == len(names)
    for rule in data.rules.values():
        assert RULE_ID.match(rule.id), rule.id
        assert NAME.match(rule.name), rule.name
        assert rule.citation and rule.title
        assert rule.severity in {"deny", "warn", "info"}
        used = set(template_fields(rule.message)) | set(template_fields(rule.action))
        assert used <= set(COMMON_FIELDS) | set(rule.fields)
    assert data.rule("PTP01").name == "edits.ptp_bundled"
    assert {r.kind for r in data.rules.values()} >= {"ptp", "mue", "add_on", "pc_tc", "status"}


def test_ncci_modifiers_are_the_policy_manual_list():
    listed = set(edit_data().bypass_docs)
    expected = {"59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91"}
    expected |= {f"E{i}" for i in range(1, 5)} | {"FA", "TA"}
    expected |= {f"F{i}" for i in range(1, 10)} | {f"T{i}" for i in range(1, 10)}
    expected |= {"LT", "RT", "LC", "LD", "LM", "RC", "RI"}
    assert listed == expected
    assert all(text.strip() for text in edit_data().bypass_docs.values())
    assert edit_data().modifiers.sources["modifiers"].title.startswith("NCCI Policy Manual")


def test_indicator_semantics():
    data = edit_data()
    mi = data.modifier_indicators
    assert (mi["0"].bypass, mi["1"].bypass, mi["9"].applies) == (False, True, False)
    assert {k: v.scope for k, v in data.mai.items()} == {
        "1": "line", "2": "date_of_service", "3": "date_of_service"
    }  # fmt: skip
    assert "no modifier" in data.mai["2"].meaning
    assert data.pctc["1"].allows_26 and data.pctc["1"].allows_tc
    assert data.pctc["6"].allows_26 and not data.pctc["6"].allows_tc
    assert not any(data.pctc[k].allows_26 or data.pctc[k].allows_tc for k in "02345789")
    assert data.status["I"].rule == "STAT01"


def test_claim_line_normalises_and_rejects():
    line = ClaimLine(line=1, date_of_service=date(2024, 8, 1), code=" 77003 ", modifiers="xs, 59")
    assert line.code == "77003" and line.modifiers == ("XS", "59")
    assert ClaimLine(line=2, date_of_service="2024-08-01", code="a4206", pos="1").pos == "01"
    for bad in (
        {"code": "7700"},
        {"code": "77003", "modifiers": "XSS"},
        {"code": "77003", "units": 0},
        {"code": "77003", "pos": "ABC"},
    ):
        with pytest.raises(ValidationError):
            ClaimLine(line=1, date_of_service=date(2024, 8, 1), **bad)


def test_finding_round_trip():
    finding = Finding(
        rule_id="PTP01",
        rule_name="edits.ptp_bundled",
        kind="ptp",
        severity="deny",
        claim_id="K",
        date_of_service=date(2024, 8, 1),
        lines=(2, 1),
        code="77003",
        related_code="62321",
        related_line=1,
        message="m",
        action="a",
        sources=(Source(kind="cms_file", title="t", release="r", row="x"),),
        details={"rationale": "r"},
    )
    assert Finding.from_dict(finding.to_dict()) == finding
    assert finding.to_row()["lines"] == "2 1" and finding.line == 2
