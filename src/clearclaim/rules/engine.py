"""The policy rule engine: rule data (``rules/data/*.yaml``) applied to a claim.

The claim is a list of lines plus its context (place of service, who owns the
equipment, claim type, date of service) and what the note reader found. Each
rule in force on the date of service is tested in file order; a rule whose
``when`` holds acts on the lines its outcome names (suppress, replace, add or
remove a modifier, set units) or adds a finding (flag, allow). Every action is
recorded with the rule's ID, message, what to do and its citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearclaim.models import Effect, Finding
from clearclaim.notes.models import NoteAnalysis
from clearclaim.rules.documentation import documentation_gaps
from clearclaim.rules.loader import CodeSet, Condition, Rule, RuleSet, default_rules
from clearclaim.rules.registry import registry

DISTINCT_RE = re.compile(
    r"\b(separate (session|encounter|incision|site|lesion)|distinct (site|session|lesion)|"
    r"different (site|session|anatomic))\b",
    re.IGNORECASE,
)


@dataclass
class Line:
    code: str
    units: int = 1
    modifiers: list[str] = field(default_factory=list)
    origin: str = "intended"  # intended, proposed, documented, replacement
    rationale: list[str] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    #: the note's text that supports a documented line, and how strongly
    evidence: list[dict[str, Any]] = field(default_factory=list)
    support: str | None = None  # explicit, imaging, inherent
    #: a documented guidance code judged in place of the coder's stand-alone 76000
    instead_of_intended: bool = False


@dataclass
class Suppressed:
    """A code taken off the claim (or units over a limit), and the finding why."""

    code: str
    finding: Finding
    replaced_by: str | None = None
    #: for units over a limit: how many were not billable (the line keeps the rest)
    units: int | None = None
    #: the reason when it is more specific than the finding's message
    reason: str | None = None

    @property
    def rule(self) -> str:
        return self.finding.rule_id


@dataclass
class ClaimState:
    lines: list[Line]
    pos: str | None
    equipment: str | None
    setting: str
    day: date
    note: NoteAnalysis | None
    note_text: str = ""
    suppressed: list[Suppressed] = field(default_factory=list)
    #: the policy, bilateral and documentation findings
    findings: list[Finding] = field(default_factory=list)
    #: CMS edit findings the check acted on (with the effect it applied)
    applied: list[Finding] = field(default_factory=list)

    def codes(self) -> set[str]:
        return {line.code for line in self.lines}


def policy_finding(
    rule: Rule, codes: list[str], day: date, *, effect: Effect = "none", severity: str | None = None
) -> Finding:
    """The finding a policy rule gives, with its sources from the registry."""
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        kind="documentation" if rule.id.startswith("DOC") else "policy",
        severity=severity or rule.severity,
        date_of_service=day,
        codes=tuple(codes),
        code=codes[0] if codes else None,
        message=" ".join(rule.message.split()),
        action=" ".join(rule.action.split()),
        effect=effect,
        sources=tuple(registry().rule(rule.id).sources),
        uncertainty=" ".join(rule.uncertainty.split()) if rule.uncertainty else None,
    )


def _fluoro_codes(rules: RuleSet, day: date) -> set[str]:
    return rules.expand(["@fluoro_codes"], on=day)


_ENGINES: dict[int, RuleEngine] = {}


#: the code gates kept per engine, one per rule and date of service
_MAX_GATES = 50_000


def engine_for(rules: RuleSet) -> RuleEngine:
    """One engine per rule set, so that its expanded code lists are reused."""
    engine = _ENGINES.get(id(rules))
    if engine is None or engine.rules is not rules:
        engine = RuleEngine(rules)
        _ENGINES[id(rules)] = engine
    return engine


def _name_replaced(state: ClaimState, line: Line, finding: Finding, new: str) -> None:
    """Name ``line``'s code in ``suppressed`` as replaced by ``new``; a code that
    was itself a replacement (62311 -> 62322 -> 62323) is not named again: the
    first code's entry now points to the last."""
    replaced = line.origin == "replacement"
    earlier = next((s for s in state.suppressed if replaced and s.replaced_by == line.code), None)
    if earlier is not None:
        earlier.replaced_by = new
        return
    state.suppressed.append(Suppressed(line.code, finding, replaced_by=new))


def replace_line(state: ClaimState, line: Line, new: str, finding: Finding, reason: str) -> None:
    """Bill ``new`` on ``line`` instead of its code: the old code is named in
    ``suppressed`` with the finding, and the line says why (``reason``)."""
    _name_replaced(state, line, finding, new)
    state.applied.append(finding)
    line.code = new
    line.origin = "replacement"
    line.rule_ids.append(finding.rule_id)
    line.rationale.append(f"{finding.rule_id}: {reason}")


#: note facts that are the reader's attributes of the same name
_ATTRIBUTE_FACTS = frozenset(
    {
        "fluoroscopy",
        "physician_presence",
        "interpreted_elsewhere",
        "arthrogram_series",
        "cross_sectional_arthrography",
        "vascular_ultrasound",
        "needle_placed",
        "ultrasound_image",
        "nontunneled_removal_only",
    }
)
#: the note reader's procedure types of a thoracentesis, pleural drain or paracentesis
_DRAINAGE_TYPES = ("pleural_drainage", "peritoneal_drainage")


class RuleEngine:
    def __init__(self, rules: RuleSet | None = None) -> None:
        self.rules = rules or default_rules()
        self._gates: dict[tuple[str, date], CodeSet | frozenset[str] | None] = {}

    # -- conditions ------------------------------------------------------------

    def _codes(self, refs: list[str], day: date | None) -> CodeSet:
        # every condition of every rule asks this for every line
        return self.rules.code_set(refs, on=day)

    def _note_fact(self, state: ClaimState, fact: str, wanted: Any) -> bool:
        note = state.note
        if note is None or not note.determinable:
            return False  # what the note does not tell cannot trigger a rule
        values = wanted if isinstance(wanted, list) else [wanted]
        if fact in _ATTRIBUTE_FACTS:
            return getattr(note, fact) in values
        if fact == "procedure_spinal":
            if not note.procedures:
                return False
            return note.spinal_procedure in values
        if fact == "written_report":
            return note.has_written_report in values
        if fact == "element_missing":
            fluoro = sorted(state.codes() & _fluoro_codes(self.rules, state.day))
            report = documentation_gaps(note, fluoro, state.day, self.rules)
            return any(v in report.missing for v in values)
        if fact == "distinct_site_documented":
            return self._distinct_site(state) in values
        if fact == "needle_placed_by_landmark":
            return ("landmark" in note.imaging_modalities) in values
        if fact == "imaging_used":
            imaged = note.fluoroscopy == "used" or bool(
                {"ct", "ultrasound"} & set(note.imaging_modalities)
            )
            return imaged in values
        if fact == "spinal_and_guided_other_site":
            # a spinal procedure (or a block of the sympathetic chain beside the
            # spine, whose guidance is 77003) and one away from the spine whose
            # needle was guided; the reader's vocabulary is loaded with the note
            from clearclaim.notes.vocabulary import vocabulary

            paraspinal = vocabulary()["paraspinal_nerves"]
            kinds = {
                p.spinal or bool(paraspinal & set(p.nerves))
                for p in note.procedures
                if p.spinal or not p.by_landmark
            }
            return (kinds == {True, False}) in values
        if fact == "nerve_named":
            return any(nerve in values for p in note.procedures for nerve in p.nerves)
        if fact == "fluoroscopic_exam_of_its_own":
            # a stand-alone fluoroscopic study (a sniff test) beside procedures
            # none of which the note places under fluoroscopy, in a session that
            # names another guidance (ultrasound, landmarks): the fluoroscopy is
            # the study's own
            exams = [p for p in note.procedures if p.type == "diagnostic_fluoroscopy"]
            others = [p for p in note.procedures if p.type != "diagnostic_fluoroscopy"]
            own = (
                bool(exams)
                and bool(others)
                and bool({"ultrasound", "landmark"} & set(note.imaging_modalities))
                and not any(p.by_fluoroscopy for p in others)
            )
            return own in values
        if fact == "procedure_action":
            # what was done with a device: "existing_access" for a study through a
            # nephrostomy already in place, "repositioning" for a catheter ...
            return any(p.action in values for p in note.procedures)
        if fact == "ultrasound_documented":
            return ("ultrasound" in note.imaging_modalities) in values
        if fact == "fluoroscopy_without_ultrasound":
            guided = note.fluoroscopy == "used" and "ultrasound" not in note.imaging_modalities
            return guided in values
        if fact == "drainage_by_landmark":
            # a thoracentesis or paracentesis the note places by landmarks, in a
            # session whose imaging guided another procedure (a thyroid FNA under
            # ultrasound beside a tap done by percussion)
            drains = [p for p in note.procedures if p.type in _DRAINAGE_TYPES]
            by_landmark = bool(drains) and all(p.by_landmark for p in drains)
            return by_landmark in values
        if fact == "modality_without_fluoroscopy":
            used = set(note.imaging_modalities) & set(values)
            return bool(used) and note.fluoroscopy != "used"
        return False

    @staticmethod
    def _distinct_site(state: ClaimState) -> bool:
        note = state.note
        if note is None:
            return False
        sites = {(p.anatomic_site, p.laterality, p.region) for p in note.procedures}
        if len(sites) > 1:
            return True
        return bool(DISTINCT_RE.search(state.note_text))

    def _holds(self, cond: Condition, state: ClaimState, line: Line | None) -> bool:
        day = state.day
        if cond.any_of:
            if not any(self._holds(sub, state, line) for sub in cond.any_of):
                return False
            if not cond.codes_any:
                return True
        if cond.codes_any and (line is None or line.code not in self._codes(cond.codes_any, day)):
            return False
        present = state.codes()
        if cond.with_any and not present & self._codes(cond.with_any, day):
            return False
        if cond.without_any and present & self._codes(cond.without_any, day):
            return False
        if cond.claim_only:
            allowed = self._codes(cond.claim_only, day)
            if any(code not in allowed for code in present):
                return False
        pos = state.pos or ""
        if cond.pos_in and pos not in self._codes(cond.pos_in, None):
            return False
        if cond.pos_not_in and pos in self._codes(cond.pos_not_in, None):
            return False
        if cond.equipment and state.equipment != cond.equipment:
            return False
        if cond.setting and state.setting != cond.setting:
            return False
        if line is not None:
            if cond.origin_in and line.origin not in cond.origin_in:
                return False
            if cond.modifiers_any and not set(line.modifiers) & set(cond.modifiers_any):
                return False
            if cond.modifiers_none and set(line.modifiers) & set(cond.modifiers_none):
                return False
            if cond.units_over is not None and line.units <= cond.units_over:
                return False
        if cond.date_from and day < cond.date_from:
            return False
        if cond.date_to and day > cond.date_to:
            return False
        return all(self._note_fact(state, fact, wanted) for fact, wanted in cond.note.items())

    def _code_gates(self, cond: Condition, day: date) -> list[CodeSet] | None:
        """The code sets one of which a line's code must be in for ``cond`` to
        hold, or None when any code may (a condition on the claim alone)."""
        if cond.codes_any:
            return [self._codes(cond.codes_any, day)]
        if not cond.any_of:
            return None
        gates: list[CodeSet] = []
        for sub in cond.any_of:
            sub_gates = self._code_gates(sub, day)
            if sub_gates is None:
                return None
            gates += sub_gates
        return gates

    def _subjects(self, rule: Rule, state: ClaimState) -> list[Line]:
        # most rules name their codes: a line of another code is not asked the
        # rest of the condition (the rule engine runs every rule on every check)
        key = (rule.id, state.day)
        if key not in self._gates:
            if len(self._gates) > _MAX_GATES:
                self._gates.clear()  # a long-running server meets many dates
            gates = self._code_gates(rule.when, state.day)
            # one set of codes per rule and day: a line is asked one question; a
            # rule of one code set keeps that (shared) set, not a copy
            self._gates[key] = (
                None
                if gates is None
                else gates[0]
                if len(gates) == 1
                else frozenset().union(*gates)
            )
        gate = self._gates[key]
        return [
            line
            for line in list(state.lines)
            if (gate is None or line.code in gate) and self._holds(rule.when, state, line)
        ]

    # -- outcomes --------------------------------------------------------------

    def apply(self, state: ClaimState) -> ClaimState:
        for rule in self.rules.in_force(state.day):
            if rule.id.startswith("DOC"):
                continue  # documentation gaps are reported from documentation_gaps()
            subjects = self._subjects(rule, state)
            if subjects:
                self._act(rule, state, subjects)
        return state

    def apply_modifier_rules(self, state: ClaimState) -> None:
        """Only the rules that add or remove a modifier: for a line put back on the
        claim after the rules ran (another site's guidance code still takes 26)."""
        for rule in self.rules.in_force(state.day):
            if rule.outcome.action not in ("add_modifier", "remove_modifier"):
                continue
            subjects = self._subjects(rule, state)
            if subjects:
                self._act(rule, state, subjects)

    def _act(self, rule: Rule, state: ClaimState, subjects: list[Line]) -> None:
        outcome = rule.outcome
        day = state.day
        targets: CodeSet | set[str] = self._codes([outcome.code], day) if outcome.code else set()
        acted: list[str] = []
        if outcome.action == "suppress":
            for line in subjects:
                if line.code in targets and line in state.lines:
                    state.lines.remove(line)
                    finding = policy_finding(rule, [line.code], state.day, effect="suppress")
                    state.findings.append(finding)
                    state.suppressed.append(Suppressed(line.code, finding))
                    acted.append(line.code)
            return
        if outcome.action == "replace":
            for line in subjects:
                new = outcome.code_map.get(line.code)
                if new is None or line not in state.lines:
                    continue
                old = line.code
                finding = policy_finding(rule, [old, new], state.day, effect="replace")
                state.findings.append(finding)
                _name_replaced(state, line, finding, new)
                existing = next(
                    (ln for ln in state.lines if ln.code == new and ln is not line), None
                )
                if existing is not None:
                    state.lines.remove(line)
                    continue
                line.code = new
                if outcome.units is not None:
                    line.units = outcome.units  # 64450 x3 for three genicular branches: 64454 x1
                line.origin = "replacement"
                line.rule_ids.append(rule.id)
                line.rationale.append(f"{rule.id}: {rule.title} (replaces {old})")
                for added in outcome.adds.get(old, []):
                    if added not in state.codes():
                        state.lines.append(
                            Line(
                                code=added,
                                modifiers=[m for m in line.modifiers if m in ("26", "TC")],
                                origin="replacement",
                                rationale=[f"{rule.id}: {rule.title} (replaces {old})"],
                                rule_ids=[rule.id],
                            )
                        )
            return
        if outcome.action in ("add_modifier", "remove_modifier"):
            for line in subjects:
                if line.code not in targets:
                    continue
                if outcome.action == "add_modifier":
                    # a TC already on the line stays for MOD04 to remove, with its reason
                    if outcome.modifier not in line.modifiers:
                        line.modifiers.append(outcome.modifier or "")
                else:
                    # the rule names one modifier of a family it tests (26/TC, 59/X{EPSU},
                    # 50/LT/RT): every member of the family found on the line goes
                    family = {outcome.modifier, *rule.when.modifiers_any}
                    for sub in rule.when.any_of:
                        family.update(sub.modifiers_any)
                    line.modifiers = [m for m in line.modifiers if m not in family]
                line.rule_ids.append(rule.id)
                line.rationale.append(f"{rule.id}: {rule.title}")
                acted.append(line.code)
            if acted:
                self._finding(rule, state, acted, effect=outcome.action)
            return
        if outcome.action == "set_units":
            for line in subjects:
                if line.code in targets and outcome.units is not None:
                    excess = line.units - outcome.units
                    if excess > 0:
                        # the line keeps what may be billed; the excess is named
                        finding = policy_finding(rule, [line.code], state.day, effect="set_units")
                        state.suppressed.append(
                            Suppressed(
                                line.code,
                                finding,
                                units=excess,
                                reason=f"{excess} unit(s) over the {outcome.units} allowed: "
                                + finding.message,
                            )
                        )
                    line.units = outcome.units
                    line.rule_ids.append(rule.id)
                    line.rationale.append(f"{rule.id}: {rule.title}")
                    acted.append(line.code)
            if acted:
                self._finding(rule, state, acted, effect="set_units")
            return
        # flag and allow: a finding, the claim unchanged
        codes = [line.code for line in subjects if not targets or line.code in targets]
        if codes:
            self._finding(rule, state, codes)
            if outcome.action == "allow":
                for line in subjects:
                    line.rationale.append(f"{rule.id}: {rule.title}")

    @staticmethod
    def _finding(rule: Rule, state: ClaimState, codes: list[str], effect: str = "none") -> None:
        severity = rule.severity if rule.outcome.action != "allow" else "info"
        state.findings.append(
            policy_finding(
                rule,
                sorted(set(codes)),
                state.day,
                effect=effect,  # type: ignore[arg-type]
                severity=severity,
            )
        )
