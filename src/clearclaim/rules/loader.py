"""Load and validate the policy rules (YAML data in ``clearclaim/rules/data``).

A rule file holds ``rules:``, a list of rules; ``code_lists.yaml`` holds named
code lists the rules refer to as ``@name``. Validation is strict (unknown keys
are errors) so that a typo in a rule file fails the test suite, not a claim.

Condition vocabulary (``when``), all parts must hold:

- ``codes_any``: the claim has at least one of these codes (the subject codes)
- ``with_any`` / ``without_any``: the claim also has one / none of these codes
- ``pos_in`` / ``pos_not_in``: place of service (codes or ``@facility_pos``)
- ``equipment``: who owns the fluoroscopy unit, ``facility`` or ``physician``
- ``setting``: ``professional`` (CMS-1500) or ``facility`` (UB-04) claim
- ``modifiers_any`` / ``modifiers_none``: modifiers on the subject code
- ``units_over``: units of the subject code above this number
- ``date_from`` / ``date_to``: date-of-service bounds inside the rule's ``effective``
- ``note``: facts from the note reader (``fluoroscopy``, ``physician_presence``,
  ``procedure_spinal``, ``element_missing``, ``written_report``,
  ``distinct_site_documented``, ``modality_without_fluoroscopy``,
  ``needle_placed_by_landmark``, ``fluoroscopy_without_ultrasound`` and the
  others of ``NoteFact``)
- ``any_of``: a list of conditions of which one must hold

Outcomes: ``suppress``, ``replace`` (``code_map``), ``add_modifier``,
``remove_modifier``, ``set_units``, ``flag``, ``allow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from clearclaim._yaml import load_yaml
from clearclaim.errors import DataError

RULE_ID = re.compile(r"^(?:FLU|MOD|DOC|PTP|MUE|AOC|PCT|STA)\d{2}$")
RULE_NAME = re.compile(r"^[a-z]+(?:\.[a-z0-9_]+)+$")
HCPCS = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-V]\d{4})$")
POS = re.compile(r"^\d{2}$")
MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
ELEMENTS = (
    "fluoro_time",
    "indication",
    "radiation_dose",
    "anatomic_site",
    "interpretation_report",
    "physician_presence",
)
RULE_FILES = ("fluoro.yaml", "modifiers.yaml", "documentation.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Citation(_Strict):
    source: str = Field(min_length=5)
    section: str | None = None
    url: str | None = None
    checked: date | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://")):
            raise ValueError("url must start with http(s)://")
        return v


class Effective(_Strict):
    from_: date = Field(alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _order(self) -> Effective:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"effective.to {self.to} is before effective.from {self.from_}")
        return self

    def covers(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class ListedCode(_Strict):
    code: str
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    note: str | None = None
    replaced_by: str | None = None

    def valid_on(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class CodeRange(_Strict):
    """A run of numeric CPT codes (``20100``-``20999``), both ends included."""

    from_: str = Field(alias="from", pattern=r"^\d{5}$")
    to: str = Field(pattern=r"^\d{5}$")
    note: str | None = None

    @model_validator(mode="after")
    def _order(self) -> CodeRange:
        if self.to < self.from_:
            raise ValueError(f"range {self.from_}-{self.to} runs backwards")
        return self

    def codes(self) -> Iterable[str]:
        return (f"{n:05d}" for n in range(int(self.from_), int(self.to) + 1))


class CodeList(_Strict):
    title: str
    kind: Literal["hcpcs", "pos"] = "hcpcs"
    citations: list[Citation] = Field(min_length=1)
    codes: list[ListedCode] = Field(default_factory=list)
    ranges: list[CodeRange] = Field(default_factory=list)
    _range_codes: frozenset[str] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _codes(self) -> CodeList:
        if not self.codes and not self.ranges:
            raise ValueError("a code list needs codes or ranges")
        pattern = POS if self.kind == "pos" else HCPCS
        seen: set[str] = set()
        for c in self.codes:
            if not pattern.match(c.code):
                raise ValueError(f"{c.code!r} is not a valid {self.kind} code")
            if c.code in seen:
                raise ValueError(f"code {c.code} listed twice")
            seen.add(c.code)
        return self

    def range_codes(self) -> frozenset[str]:
        """Every code of the list's ranges, built once: a range such as
        20100-29999 is ten thousand codes, and rules ask for them on every date."""
        if self._range_codes is None:
            self._range_codes = frozenset(c for run in self.ranges for c in run.codes())
        return self._range_codes


NoteFact = Literal[
    "fluoroscopy",
    "physician_presence",
    "procedure_spinal",
    "element_missing",
    "written_report",
    "distinct_site_documented",
    "modality_without_fluoroscopy",
    "needle_placed_by_landmark",
    "interpreted_elsewhere",
    "imaging_used",
    "arthrogram_series",
    "cross_sectional_arthrography",
    "spinal_and_guided_other_site",
    "ultrasound_image",
    "needle_placed",
    "vascular_ultrasound",
    "fluoroscopy_without_ultrasound",
    "nerve_named",
    "nontunneled_removal_only",
    "ultrasound_documented",
    "procedure_action",
    "fluoroscopic_exam_of_its_own",
    "drainage_by_landmark",
]


class Condition(_Strict):
    codes_any: list[str] = Field(default_factory=list)
    with_any: list[str] = Field(default_factory=list)
    without_any: list[str] = Field(default_factory=list)
    #: every code on the claim is in these lists (the line is alone with its kind)
    claim_only: list[str] = Field(default_factory=list)
    #: the line came from the coder's codes ("intended") or was found in the note
    #: ("documented"); a rule about what the coder billed names "intended"
    origin_in: list[Literal["intended", "documented", "proposed", "replacement", "added"]] = Field(
        default_factory=list
    )
    pos_in: list[str] = Field(default_factory=list)
    pos_not_in: list[str] = Field(default_factory=list)
    equipment: Literal["facility", "physician"] | None = None
    setting: Literal["professional", "facility"] | None = None
    modifiers_any: list[str] = Field(default_factory=list)
    modifiers_none: list[str] = Field(default_factory=list)
    units_over: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    note: dict[NoteFact, Any] = Field(default_factory=dict)
    any_of: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.codes_any and not self.any_of:
            raise ValueError("a condition needs codes_any (or any_of)")
        for m in self.modifiers_any + self.modifiers_none:
            if not MODIFIER.match(m):
                raise ValueError(f"{m!r} is not a modifier")
        return self

    def code_refs(self) -> Iterable[str]:
        yield from self.codes_any + self.with_any + self.without_any + self.claim_only
        for sub in self.any_of:
            yield from sub.code_refs()

    def pos_refs(self) -> Iterable[str]:
        yield from self.pos_in + self.pos_not_in
        for sub in self.any_of:
            yield from sub.pos_refs()


class Outcome(_Strict):
    action: Literal[
        "suppress", "replace", "add_modifier", "remove_modifier", "set_units", "flag", "allow"
    ]
    code: str | None = None
    code_map: dict[str, str] = Field(default_factory=dict)
    #: for a replace: codes billed with the replacement (a deleted code that CPT
    #: split in two: 74245 is 74240 with the add-on 74248)
    adds: dict[str, list[str]] = Field(default_factory=dict)
    modifier: str | None = None
    units: int | None = None

    @model_validator(mode="after")
    def _fields(self) -> Outcome:
        needs = {
            "replace": ("code_map",),
            "add_modifier": ("code", "modifier"),
            "remove_modifier": ("code", "modifier"),
            "set_units": ("code", "units"),
            "suppress": ("code",),
        }.get(self.action, ())
        for name in needs:
            if not getattr(self, name):
                raise ValueError(f"outcome {self.action} needs {name}")
        return self


class Requirement(_Strict):
    codes: list[str] = Field(min_length=1)
    gap_kind: Literal["payment", "quality"]
    sense: Literal["written_report", "tip_position"] | None = None
    why: str | None = None


class Rule(_Strict):
    id: str
    name: str
    severity: Literal["deny", "warn", "info"]
    title: str
    applies_to: list[str] = Field(min_length=1)
    when: Condition
    outcome: Outcome
    message: str = Field(min_length=20)
    action: str = Field(min_length=5)
    citations: list[Citation] = Field(min_length=1)
    effective: Effective
    uncertainty: str | None = None
    element: str | None = None
    #: DOC rules: the query or addendum text the physician completes
    prompt: str | None = None
    requirements: list[Requirement] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError(f"rule id {v!r} is not like FLU01 / MOD01 / DOC01")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not RULE_NAME.match(v):
            raise ValueError(f"rule name {v!r} is not dotted lower case (fluoro.included_guidance)")
        return v

    @model_validator(mode="after")
    def _doc_rules(self) -> Rule:
        if self.id.startswith("DOC"):
            if self.element not in ELEMENTS:
                raise ValueError(f"DOC rule needs element, one of {', '.join(ELEMENTS)}")
            if not self.requirements:
                raise ValueError("DOC rule needs requirements (codes and gap_kind)")
            if not self.prompt:
                raise ValueError("DOC rule needs a prompt (the text the physician completes)")
        elif self.element or self.requirements or self.prompt:
            raise ValueError("only DOC rules have element / requirements / prompt")
        return self

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]


class CodeSet:
    """The codes some refs name on one date, without copying a big list per date:
    the codes valid on every date (ranges, undated entries) are shared, and only
    the few dated entries are chosen for the day. Answers ``in`` and ``set & it``."""

    __slots__ = ("dated", "lasting")

    def __init__(self, lasting: frozenset[str], dated: frozenset[str]) -> None:
        self.lasting = lasting
        self.dated = dated

    def __contains__(self, code: object) -> bool:
        return code in self.lasting or code in self.dated

    def __rand__(self, other: Iterable[str]) -> set[str]:
        return {code for code in other if code in self}

    __and__ = __rand__

    def __iter__(self) -> Iterator[str]:
        yield from self.lasting
        yield from (c for c in self.dated if c not in self.lasting)

    def __bool__(self) -> bool:
        return bool(self.lasting or self.dated)


@dataclass
class _CodeSetEntry:
    """The parts of one refs' :class:`CodeSet`: date-free codes, dated entries,
    and the dated codes chosen per day."""

    rules: Any
    lasting: frozenset[str]
    dated: tuple[ListedCode, ...]
    by_day: dict[date | None, frozenset[str]] = field(default_factory=dict)


_CODE_SETS: dict[tuple[int, tuple[str, ...]], _CodeSetEntry] = {}


class RuleSet(BaseModel):
    """Every rule and code list, validated together (IDs unique, @refs resolved)."""

    model_config = ConfigDict(frozen=True)

    rules: list[Rule]
    code_lists: dict[str, CodeList]
    files: dict[str, str] = Field(default_factory=dict)  # rule id -> file name

    @model_validator(mode="after")
    def _cross_checks(self) -> RuleSet:
        seen_ids: dict[str, str] = {}
        seen_names: set[str] = set()
        for rule in self.rules:
            if rule.id in seen_ids:
                raise ValueError(f"rule id {rule.id} defined twice")
            if rule.name in seen_names:
                raise ValueError(f"rule name {rule.name} defined twice")
            seen_ids[rule.id] = rule.name
            seen_names.add(rule.name)
            refs = list(rule.when.code_refs()) + rule.applies_to
            refs += [r for r in (rule.outcome.code,) if r]
            refs += list(rule.outcome.code_map) + list(rule.outcome.code_map.values())
            refs += [c for req in rule.requirements for c in req.codes]
            for ref in refs:
                self._check_ref(rule.id, ref, "hcpcs")
            for ref in rule.when.pos_refs():
                self._check_ref(rule.id, ref, "pos")
        return self

    def _check_ref(self, rule_id: str, ref: str, kind: str) -> None:
        if ref.startswith("@"):
            lst = self.code_lists.get(ref[1:])
            if lst is None:
                raise ValueError(f"{rule_id}: unknown code list {ref}")
            if lst.kind != kind:
                raise ValueError(f"{rule_id}: {ref} is a {lst.kind} list, used as {kind}")
            return
        pattern = POS if kind == "pos" else HCPCS
        if not pattern.match(ref):
            raise ValueError(f"{rule_id}: {ref!r} is not a valid {kind} code")

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def code_set(self, refs: Iterable[str], on: date | None = None) -> CodeSet:
        """:meth:`expand` as a :class:`CodeSet`, cached: rules ask it for every
        line of every claim, on every date of service."""
        key = tuple(refs)
        entry = _CODE_SETS.get((id(self), key))
        # the entry holds its rule set, so an id is never another (freed) set's
        if entry is None or entry.rules is not self:
            entry = _CodeSetEntry(self, *self._split(key))
            _CODE_SETS[(id(self), key)] = entry
        dated = entry.by_day.get(on)
        if dated is None:
            if len(entry.by_day) > 4096:
                entry.by_day.clear()
            dated = frozenset(c.code for c in entry.dated if on is None or c.valid_on(on))
            entry.by_day[on] = dated
        return CodeSet(entry.lasting, dated)

    def _split(self, refs: tuple[str, ...]) -> tuple[frozenset[str], tuple[ListedCode, ...]]:
        """The codes refs name on every date, and the listed codes with dates."""
        lasting: set[str] = set()
        dated: list[ListedCode] = []
        for ref in refs:
            if not ref.startswith("@"):
                lasting.add(ref)
                continue
            listed = self.code_lists[ref[1:]]
            lasting.update(listed.range_codes())
            for c in listed.codes:
                if c.from_ is None and c.to is None:
                    lasting.add(c.code)
                else:
                    dated.append(c)
        return frozenset(lasting), tuple(dated)

    def expand(self, refs: Iterable[str], on: date | None = None) -> set[str]:
        """Codes named by refs (``@list`` expanded), valid on the date if one is given."""
        out: set[str] = set()
        for ref in refs:
            if ref.startswith("@"):
                listed = self.code_lists[ref[1:]]
                for c in listed.codes:
                    if on is None or c.valid_on(on):
                        out.add(c.code)
                out.update(listed.range_codes())
            else:
                out.add(ref)
        return out

    def replacements(self, on: date) -> dict[str, str]:
        """Deleted code -> its successor, by the replace rules in force on ``on``
        (76001 -> 76000 and 27370 -> 27369 from 2019)."""
        key = (id(self), on)
        entry = _REPLACEMENTS.get(key)
        # the entry holds its rule set, so the id cannot be another set's
        if entry is not None and entry[0] is self:
            return dict(entry[1])
        found: dict[str, str] = {}
        for rule in self.in_force(on):
            when = rule.when
            # a successor replaces its code whatever else is billed: a replace
            # rule with any other condition (62322 with 77003) is not one
            conditions = set(when.model_dump(exclude_defaults=True)) - _SUCCESSION_KEYS
            if rule.outcome.action != "replace" or conditions:
                continue
            if (when.date_from and on < when.date_from) or (when.date_to and on > when.date_to):
                continue
            found.update(rule.outcome.code_map)
        if len(_REPLACEMENTS) > 4096:
            _REPLACEMENTS.clear()
        _REPLACEMENTS[key] = (self, found)
        return dict(found)

    def in_force(self, on: date) -> list[Rule]:
        key = (id(self), on)
        entry = _IN_FORCE.get(key)
        # the entry holds its rule set, so the id cannot be another set's
        if entry is None or entry[0] is not self:
            if len(_IN_FORCE) > 4096:
                _IN_FORCE.clear()
            entry = (self, tuple(r for r in self.rules if r.effective.covers(on)))
            _IN_FORCE[key] = entry
        return list(entry[1])


#: replacements() answers per rule set and date (rule sets are immutable)
_REPLACEMENTS: dict[tuple[int, date], tuple[Any, dict[str, str]]] = {}
#: in_force() answers per rule set and date: every check asks it
_IN_FORCE: dict[tuple[int, date], tuple[Any, tuple[Rule, ...]]] = {}
#: the conditions a deleted code's successor rule may have (the code and the dates)
_SUCCESSION_KEYS = frozenset({"codes_any", "date_from", "date_to"})


def _read_yaml(path: Path | Any, label: str) -> Any:
    try:
        return load_yaml(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DataError("rule file missing", path=label) from None
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML: {exc}", path=label) from None


def _error_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)


def load_rules(directory: Path | None = None) -> RuleSet:
    """Read and validate every rule file (the shipped ones unless a directory is given)."""
    base: Any = directory if directory is not None else resources.files("clearclaim.rules") / "data"
    lists_raw = _read_yaml(base / "code_lists.yaml", "code_lists.yaml") or {}
    try:
        code_lists = {
            name: CodeList.model_validate(body)
            for name, body in (lists_raw.get("lists") or {}).items()
        }
    except ValidationError as exc:
        raise DataError(_error_text(exc), path="code_lists.yaml") from None
    rules: list[Rule] = []
    files: dict[str, str] = {}
    for fname in RULE_FILES:
        raw = _read_yaml(base / fname, fname) or {}
        for i, body in enumerate(raw.get("rules") or []):
            try:
                rule = Rule.model_validate(body)
            except ValidationError as exc:
                rid = body.get("id", f"#{i + 1}") if isinstance(body, dict) else f"#{i + 1}"
                raise DataError(f"rule {rid}: {_error_text(exc)}", path=fname) from None
            rules.append(rule)
            files.setdefault(rule.id, fname)
    try:
        return RuleSet(rules=rules, code_lists=code_lists, files=files)
    except ValidationError as exc:
        raise DataError(_error_text(exc), path="rules") from None


@cache
def default_rules() -> RuleSet:
    """The shipped rule set, loaded once."""
    return load_rules()
