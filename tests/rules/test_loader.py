"""Rule files: validation, IDs, citations, dates, code lists, generated docs."""

from __future__ import annotations

import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

from clearclaim.errors import DataError
from clearclaim.rules import default_rules, load_rules
from clearclaim.rules.loader import RULE_ID, RULE_NAME

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(str(resources.files("clearclaim.rules") / "data"))


def test_shipped_rules_load() -> None:
    rs = default_rules()
    ids = [r.id for r in rs.rules]
    assert len(ids) == len(set(ids)) >= 25
    assert {"FLU01", "FLU03", "MOD01", "DOC02"} <= set(ids)
    for rule in rs.rules:
        assert RULE_ID.match(rule.id) and RULE_NAME.match(rule.name)
        assert rule.citations and all(c.source for c in rule.citations)
        assert rule.effective.to is None or rule.effective.to >= rule.effective.from_


def test_style_names_match() -> None:
    rs = default_rules()
    assert rs.rule("FLU03").name == "fluoro.included_guidance"
    assert rs.rule("DOC02").name == "docs.fluoro_time"


def test_code_lists_resolve_by_date() -> None:
    rs = default_rules()
    assert "62321" in rs.expand(["@includes_fluoro_guidance"], date(2024, 1, 1))
    assert "62321" not in rs.expand(["@includes_fluoro_guidance"], date(2016, 6, 1))
    assert "76001" in rs.expand(["@fluoro_codes"], date(2018, 6, 1))
    assert "76001" not in rs.expand(["@fluoro_codes"], date(2019, 1, 1))
    assert {"22", "24", "19", "21", "23"} <= rs.expand(["@facility_pos"])


def test_effective_dates() -> None:
    rs = default_rules()
    assert rs.rule("FLU02").effective.from_ == date(2019, 1, 1)
    assert rs.rule("FLU11").effective.to == date(2010, 3, 31)
    assert rs.rule("FLU10").effective.from_ == date(2010, 4, 1)
    in_2009 = {r.id for r in rs.in_force(date(2009, 6, 15))}
    assert "FLU11" in in_2009 and "FLU10" not in in_2009


def test_doc_rules_say_which_kind_of_gap() -> None:
    rs = default_rules()
    kinds = {
        (r.element, code): req.gap_kind
        for r in rs.rules
        if r.id.startswith("DOC")
        for req in r.requirements
        for code in req.codes
    }
    assert kinds[("fluoro_time", "76000")] == "payment"
    assert kinds[("fluoro_time", "77003")] == "quality"
    assert kinds[("radiation_dose", "77002")] == "quality"
    assert ("physician_presence", "77003") not in kinds


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit(path: Path, fn) -> None:
    doc = yaml.safe_load(path.read_text("utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")


@pytest.mark.parametrize(
    ("file", "mutate", "needle"),
    [
        ("fluoro.yaml", lambda d: d["rules"].append(dict(d["rules"][0])), "defined twice"),
        ("fluoro.yaml", lambda d: d["rules"][0].update(id="FLUX1"), "FLUX1"),
        ("fluoro.yaml", lambda d: d["rules"][0].update(name="Fluoro Standalone"), "dotted"),
        ("fluoro.yaml", lambda d: d["rules"][0].update(citations=[]), "citations"),
        ("fluoro.yaml", lambda d: d["rules"][0].pop("citations"), "citations"),
        (
            "fluoro.yaml",
            lambda d: d["rules"][0].update(effective={"from": "2020-01-01", "to": "2019-01-01"}),
            "before",
        ),
        (
            "fluoro.yaml",
            lambda d: d["rules"][0].update(effective={"from": "2020-13-01"}),
            "effective",
        ),
        ("fluoro.yaml", lambda d: d["rules"][0]["when"].update(with_any=["@nope"]), "@nope"),
        ("fluoro.yaml", lambda d: d["rules"][0].update(severity="fatal"), "severity"),
        ("fluoro.yaml", lambda d: d["rules"][0].update(surprise=1), "surprise"),
        ("modifiers.yaml", lambda d: d["rules"][0]["when"].update(pos_in=["@fluoro_codes"]), "pos"),
        ("documentation.yaml", lambda d: d["rules"][0].update(element="smell"), "element"),
        (
            "code_lists.yaml",
            lambda d: d["lists"]["fluoro_codes"]["codes"].append({"code": "7600"}),
            "7600",
        ),
    ],
)
def test_invalid_rule_files_are_rejected(tmp_path: Path, file: str, mutate, needle: str) -> None:
    data = _copy_data(tmp_path)
    _edit(data / file, mutate)
    with pytest.raises(DataError) as info:
        load_rules(data)
    assert needle in str(info.value)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "fluoro.yaml").write_text("rules: [\n  - id: FLU01\n", "utf-8")
    with pytest.raises(DataError) as info:
        load_rules(data)
    assert "fluoro.yaml" in str(info.value)


def test_docs_page_is_current() -> None:
    from clearclaim.rules.docs import render

    page = ROOT / "docs" / "rules.md"
    assert page.read_text("utf-8") == render(), (
        "docs/rules.md is stale: run python -m clearclaim.rules.docs docs/rules.md"
    )
