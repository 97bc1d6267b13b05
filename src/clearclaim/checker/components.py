"""Modifiers 26 and TC beyond the fluoroscopy codes: a diagnostic code in the
office, and on the hospital's own claim.

MOD01-MOD04 and MOD08 (rules/data/modifiers.yaml) judge 26 and TC on the
fluoroscopy codes. Any code whose PFS PC/TC indicator is 1 (a professional and
a technical component: a hysterosalpingogram's 74740, an arthrogram's 73040) is
billed globally in the office when the practice owns the equipment (MOD12), and
without 26 or TC on the hospital's claim (MOD15), both in
``rules/data/components.yaml``; PCTC02 in the CMS edits already adds 26 on the
physician's claim in a facility.
"""

from __future__ import annotations

from clearclaim.rules.engine import ClaimState
from clearclaim.rules.loader import RuleSet
from clearclaim.rules.registry import registry
from clearclaim.rules.templated import templated_finding
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries

#: the PC/TC indicator of a code split into a professional and a technical part
DIAGNOSTIC_SPLIT = "1"


def component_modifiers(store: Store, state: ClaimState, rules: RuleSet) -> None:
    """26 and TC on the claim's diagnostic codes beyond the fluoroscopy codes."""
    global_in_office(store, state, rules)
    none_on_facility_claim(store, state, rules)


def none_on_facility_claim(store: Store, state: ClaimState, rules: RuleSet) -> None:
    """MOD15: 26 and TC off a PC/TC-indicator-1 code on the hospital's claim."""
    if state.setting != "facility":
        return
    fluoro = rules.expand(["@fluoro_codes"], on=state.day)  # MOD08 judges these
    rule = registry().rule("MOD15")
    for line in state.lines:
        components = [m for m in line.modifiers if m in ("26", "TC")]
        if not components or line.code in fluoro:
            continue
        indicator, release = queries.pctc_indicator(store, line.code, state.day)
        if indicator != DIAGNOSTIC_SPLIT:
            continue
        values = {"release": release, "modifier": "/".join(components)}
        line.modifiers = [m for m in line.modifiers if m not in components]
        line.rule_ids.append(rule.id)
        line.rationale.append(f"{rule.id}: {rule.title}")
        state.findings.append(
            templated_finding("components.yaml", rule.id, state.day, line.code, values)
        )


def global_in_office(store: Store, state: ClaimState, rules: RuleSet) -> None:
    """MOD12: 26 off a PC/TC-indicator-1 code in a non-facility place of service
    when the physician's practice owns the equipment."""
    if state.equipment != "physician" or state.setting != "professional":
        return
    if state.pos in rules.expand(["@facility_pos"]):
        return
    fluoro = rules.expand(["@fluoro_codes"], on=state.day)  # MOD03 judges these
    rule = registry().rule("MOD12")
    for line in state.lines:
        if "26" not in line.modifiers or line.code in fluoro:
            continue
        indicator, release = queries.pctc_indicator(store, line.code, state.day)
        if indicator != DIAGNOSTIC_SPLIT:
            continue
        values = {"release": release, "pos": state.pos or ""}
        line.modifiers = [m for m in line.modifiers if m != "26"]
        line.rule_ids.append(rule.id)
        line.rationale.append(f"{rule.id}: {rule.title}")
        state.findings.append(
            templated_finding("components.yaml", rule.id, state.day, line.code, values)
        )
