"""The one rule registry: every rule a finding can carry, in one schema.

Rules are data in three kinds of file, each read by the engine that applies
them: the policy rules (``rules/data/fluoro.yaml``, ``modifiers.yaml``,
``documentation.yaml``: conditions and outcomes), the checker's templated rules
(``rules/data/bilateral.yaml``, ``distinct_modifiers.yaml``, ``regions.yaml``,
``components.yaml``, ``companions.yaml``, ``successors.yaml``: a message
template per rule ID), the CMS edit rules (``edits/data/rules.yaml``: message
templates the single-claim and the batch path share) and the diagnosis code
rules (``diagnosis/data/diagnosis_rules.yaml``). The registry reads them all
into :class:`RuleSpec`: a stable ID, a name, its kind, severity, effective
dates, sources, and its effect on the claim, so that ``clearclaim rules``,
``docs/rules.md``, the report and the tests all see one list. Reading YAML
only, it loads no engine (no Polars).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clearclaim._yaml import load_yaml
from clearclaim.models import Effect, Finding, RuleKind, Severity, Source
from clearclaim.rules.loader import Rule, default_rules

#: a policy rule's outcome -> its effect on the claim
_OUTCOME_EFFECT: dict[str, Effect] = {
    "suppress": "suppress",
    "replace": "replace",
    "add_modifier": "add_modifier",
    "remove_modifier": "remove_modifier",
    "set_units": "set_units",
    "flag": "none",
    "allow": "none",
}


class RuleSpec(BaseModel):
    """One rule as the registry lists it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: RuleKind
    severity: Severity
    title: str
    effect: Effect
    effective_start: date
    effective_end: date | None = None
    sources: list[Source] = Field(min_length=1)
    uncertainty: str | None = None
    #: the data file that defines the rule
    home: str

    def in_force(self, day: date) -> bool:
        return self.effective_start <= day and (
            self.effective_end is None or day <= self.effective_end
        )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def finding(
        self,
        *,
        day: date,
        code: str,
        message: str,
        action: str,
        details: dict[str, str],
        kind: RuleKind | None = None,
    ) -> Finding:
        """The finding this rule gives about ``code``, with its sources and
        uncertainty from the registry (texts as written in the rule's data)."""
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            kind=kind or self.kind,
            severity=self.severity,
            date_of_service=day,
            codes=(code,),
            code=code,
            message=" ".join(message.split()),
            action=" ".join(action.split()),
            effect=self.effect,
            sources=tuple(self.sources),
            uncertainty=self.uncertainty,
            details=details,
        )


class Registry:
    """Every rule, by ID, in a stable order (policy, bilateral, then CMS edits)."""

    def __init__(self, specs: list[RuleSpec]) -> None:
        seen: dict[str, RuleSpec] = {}
        for spec in specs:
            if spec.id in seen:
                raise ValueError(
                    f"rule {spec.id} is defined in {seen[spec.id].home} and {spec.home}"
                )
            seen[spec.id] = spec
        self._rules = seen

    def rules(self) -> list[RuleSpec]:
        return list(self._rules.values())

    def ids(self) -> set[str]:
        return set(self._rules)

    def rule(self, rule_id: str) -> RuleSpec:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules


def _policy_spec(rule: Rule, home: str) -> RuleSpec:
    kind: RuleKind = "documentation" if rule.id.startswith("DOC") else "policy"
    return RuleSpec(
        id=rule.id,
        name=rule.name,
        kind=kind,
        severity=rule.severity,
        title=rule.title,
        effect=_OUTCOME_EFFECT[rule.outcome.action],
        effective_start=rule.effective.from_,
        effective_end=rule.effective.to,
        sources=[
            Source(kind="policy", title=c.source, section=c.section, url=c.url, verified=c.checked)
            for c in rule.citations
        ],
        uncertainty=rule.uncertainty,
        home=f"rules/data/{home}",
    )


def _data(package: str, name: str) -> Any:
    # read beside the package without importing it (clearclaim.edits loads Polars)
    folder = resources.files("clearclaim").joinpath(package, "data", name)
    return load_yaml(folder.read_text("utf-8"))


#: the checker's templated rule files (rules/data): the kind of their rules, and
#: the kind of the file's own source
TEMPLATED_FILES: dict[str, tuple[RuleKind, str]] = {
    "bilateral.yaml": ("bilateral", "cms_file"),
    "distinct_modifiers.yaml": ("ptp", "policy"),
    "regions.yaml": ("policy", "cms_file"),
    "components.yaml": ("pc_tc", "cms_file"),
    "companions.yaml": ("policy", "policy"),
    "successors.yaml": ("policy", "cms_file"),
    "performed.yaml": ("policy", "policy"),
    "joint_units.yaml": ("policy", "cms_file"),
    "implant_units.yaml": ("policy", "cms_file"),
    "status.yaml": ("policy", "cms_file"),
}


def _templated_specs(name: str, kind: RuleKind, source_kind: str) -> list[RuleSpec]:
    """The rules of a file of message templates keyed by rule ID (see
    rules/templated.py): one source for the file, and each rule's own sources."""
    spec = _data("rules", name)
    source = Source(
        kind=source_kind,
        title=spec["source"]["title"],
        publisher=spec["source"].get("publisher"),
        file=spec["source"].get("file"),
    )
    return [
        RuleSpec(
            id=rule_id,
            name=body["name"],
            kind=kind,
            severity=body["severity"],
            title=body["title"],
            effect=body["effect"],
            effective_start=body["effective"]["from"],
            effective_end=body["effective"].get("to"),
            sources=[source]
            + [
                Source(
                    kind="policy",
                    title=extra["title"],
                    publisher=extra.get("publisher"),
                    section=extra.get("section"),
                    url=extra.get("url"),
                )
                for extra in body.get("sources", [])
            ],
            uncertainty=" ".join(str(body.get("uncertainty", "")).split()) or None,
            home=f"rules/data/{name}",
        )
        for rule_id, body in spec["rules"].items()
    ]


def _edit_specs() -> list[RuleSpec]:
    spec = _data("edits", "rules.yaml")
    return [
        RuleSpec(
            id=body["id"],
            name=body["name"],
            kind=body["kind"],
            severity=body["severity"],
            title=body["title"],
            effect=body.get("effect", "none"),
            effective_start=body["effective_start"],
            effective_end=body.get("effective_end"),
            sources=[Source(kind="cms_file", title=" ".join(str(body["citation"]).split()))],
            uncertainty=body.get("uncertainty"),
            home="edits/data/rules.yaml",
        )
        for body in spec["rules"]
    ]


def _modifier_name_specs() -> list[RuleSpec]:
    spec = _data("rules", "modifier_names.yaml")
    body = spec["rule"]
    return [
        RuleSpec(
            id=body["id"],
            name=body["name"],
            kind="policy",
            severity=body["severity"],
            title=body["title"],
            effect=body["effect"],
            effective_start=body["effective"]["from"],
            effective_end=body["effective"].get("to"),
            sources=[Source(kind="policy", title=s["source"]) for s in spec["sources"]],
            uncertainty=" ".join(str(body.get("uncertainty", "")).split()) or None,
            home="rules/data/modifier_names.yaml",
        )
    ]


_DX_SEVERITY: dict[str, Severity] = {"error": "deny", "warning": "warn", "info": "info"}


def _diagnosis_specs() -> list[RuleSpec]:
    spec = _data("diagnosis", "diagnosis_rules.yaml")
    sources = {
        key: Source(
            kind="policy", title=body["title"], url=body.get("url"), verified=body.get("verified")
        )
        for key, body in spec["sources"].items()
    }
    return [
        RuleSpec(
            id=body["id"],
            name=body["name"],
            kind="diagnosis",
            severity=_DX_SEVERITY[body["severity"]],
            title=body["title"],
            effect="none",
            effective_start=body["effective_start"],
            effective_end=body.get("effective_end"),
            sources=[sources[body["source"]]],
            uncertainty=body.get("uncertainty"),
            home="diagnosis/data/diagnosis_rules.yaml",
        )
        for body in spec["rules"]
    ]


@cache
def registry() -> Registry:
    """The shipped rules, read and validated once."""
    ruleset = default_rules()
    specs = [_policy_spec(r, ruleset.files.get(r.id, "")) for r in ruleset.rules]
    for name, (kind, source_kind) in TEMPLATED_FILES.items():
        specs += _templated_specs(name, kind, source_kind)
    specs += _modifier_name_specs()
    specs += _edit_specs()
    specs += _diagnosis_specs()
    return Registry(specs)
