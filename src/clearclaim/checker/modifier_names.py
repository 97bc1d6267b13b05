"""MOD09: a modifier clearclaim does not recognise is flagged, never billed silently.

The known modifiers and the rule are data (``rules/data/modifier_names.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from clearclaim._yaml import load_yaml
from clearclaim.models import Finding
from clearclaim.rules.registry import registry


@cache
def _spec() -> dict[str, Any]:
    path = resources.files("clearclaim.rules") / "data" / "modifier_names.yaml"
    return dict(load_yaml(path.read_text("utf-8")))


@cache
def known_modifiers() -> frozenset[str]:
    spec = _spec()
    return frozenset(str(m) for m in [*spec["level_1"], *spec["level_2"]])


def unknown_modifier_findings(
    lines: Iterable[tuple[str, Iterable[str]]], day: date
) -> list[Finding]:
    """One MOD09 finding per (code, modifier) outside the known modifiers."""
    spec, rule = _spec()["rule"], registry().rule("MOD09")
    if not rule.in_force(day):
        return []
    known = known_modifiers()
    found: list[Finding] = []
    for code, modifiers in lines:
        for modifier in modifiers:
            if modifier in known:
                continue
            found.append(
                rule.finding(
                    day=day,
                    code=code,
                    message=" ".join(spec["message"].split()).format(modifier=modifier, code=code),
                    action=spec["action"],
                    details={"modifier": modifier},
                    kind="policy",
                )
            )
    return found
