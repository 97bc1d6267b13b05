"""The checker's templated rules: a data file of message templates keyed by rule
ID (``rules/data/bilateral.yaml``, ``distinct_modifiers.yaml``, ``regions.yaml``,
``components.yaml``, ``companions.yaml``, ``successors.yaml``), rendered with a
finding's values. The values are kept in the finding's ``details``, so that a
translated template renders too."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from clearclaim._yaml import load_yaml
from clearclaim.models import Finding
from clearclaim.rules.registry import registry


@cache
def rule_file(name: str) -> dict[str, Any]:
    """One templated rule file, read once."""
    path = resources.files("clearclaim.rules") / "data" / name
    return dict(load_yaml(path.read_text("utf-8")))


def templated_finding(
    name: str, rule_id: str, day: date, code: str, values: dict[str, str]
) -> Finding:
    """The finding of rule ``rule_id`` of file ``name``: its message and action
    rendered with ``values`` (and ``code``)."""
    spec = rule_file(name)["rules"][rule_id]
    values = {"code": code, **values}
    return (
        registry()
        .rule(rule_id)
        .finding(
            day=day,
            code=code,
            message=str(spec["message"]).format(**values),
            action=str(spec["action"]).format(**values),
            details=values,
        )
    )
