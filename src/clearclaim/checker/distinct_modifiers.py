"""Modifier 59 and XE/XP/XS/XU: on the column-2 code, and only where an edit is.

Medicare's PTP logic lets the modifier on either code of a pair bypass the
edit, so the engine (edits/ptp.py) passes 20553-59 beside 64483; coders and
auditors still look for it on the column-2 code (MOD10), and a code that needs
its modifier for an edit of its own lends it to no other (MOD14: 64625-59 beside
64635 leaves 64636 its own). A modifier on a code that no edit pairs with
another code of the claim bypasses nothing and draws review (MOD11). The rules
are data in ``rules/data/distinct_modifiers.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable

from clearclaim.checker.distinct import (
    DISTINCT_MODIFIERS,
    SEPARATE_STRUCTURE,
    joint_injected_and_treated,
    remove_added_xs,
    same_site,
    separate_structure_of,
)
from clearclaim.models import Finding
from clearclaim.rules.engine import ClaimState, Line
from clearclaim.rules.loader import RuleSet
from clearclaim.rules.registry import registry
from clearclaim.rules.templated import templated_finding
from clearclaim.store import Store

_PTP_RULES = ("PTP01", "PTP02", "PTP03")


def _distinct(line: Line) -> list[str]:
    return [m for m in line.modifiers if m in DISTINCT_MODIFIERS]


def place_distinct_modifiers(
    store: Store, state: ClaimState, findings: Iterable[Finding], rules: RuleSet
) -> bool:
    """Move a distinct-service modifier from a column-1 code to its column-2 code
    (MOD10) or give the column-2 code its own (MOD14), drop one no edit needs
    (MOD11) or the note does not support (MOD13); True when a line changed."""
    findings = [f for f in findings if f.rule_id in _PTP_RULES]
    numbered = dict(enumerate(state.lines, start=1))
    changed = _to_column_two(store, state, findings, numbered, rules)
    changed = _at_the_same_site(store, state, findings, numbered, rules) or changed
    changed = _own_xs_unneeded(state, findings, numbered) or changed
    return _without_edit(state, findings, numbered) or changed


def _own_xs_unneeded(state: ClaimState, findings: list[Finding], numbered: dict[int, Line]) -> bool:
    """Take off an XS the check gave a line for an edit whose other code has since
    left the claim, when the line is the column-2 code of no edit it bypasses (a
    sniff test's 76000 kept XS from a 77002 that an edit then removed)."""
    bypassing = {f.line for f in findings if f.rule_id == "PTP03"}
    changed = False
    for number, line in numbered.items():
        if number not in bypassing:
            changed = remove_added_xs(line) or changed
    return changed


def _at_the_same_site(
    store: Store,
    state: ClaimState,
    findings: list[Finding],
    numbered: dict[int, Line],
    rules: RuleSet,
) -> bool:
    """MOD13: a coder's distinct-service modifier on the column-2 code of an edit,
    when the note documents both procedures on one structure at the same level
    (a biopsy of the vertebra the kyphoplasty treated), or an injection of the
    joint a closed treatment code works on: the modifier goes and the edit then
    takes the code off."""
    changed = False
    for finding in findings:
        if finding.rule_id != "PTP03":
            continue
        second = numbered.get(finding.line or 0)
        first = numbered.get(finding.related_line or 0)
        if first is None or second is None or not _distinct(second) or _distinct(first):
            continue
        levels = same_site(state, first.code, second.code) or joint_injected_and_treated(
            store, state, first.code, second.code, rules
        )
        if levels is None:
            continue
        modifier = _distinct(second)[0]
        second.modifiers = [m for m in second.modifiers if m not in DISTINCT_MODIFIERS]
        _record(
            state,
            "MOD13",
            second,
            {
                "modifier": modifier,
                "column_1": first.code,
                "levels": ", ".join(levels),
            },
        )
        changed = True
    return changed


def _to_column_two(
    store: Store,
    state: ClaimState,
    findings: list[Finding],
    numbered: dict[int, Line],
    rules: RuleSet,
) -> bool:
    bypassed = [f for f in findings if f.rule_id == "PTP03"]
    # a code that is itself the column-2 code of a bypassed pair needs its modifier
    column_two_codes = {f.code for f in bypassed}
    # column-1 line number -> the column-2 lines whose edits its modifier bypasses
    moves: dict[int, list[Line]] = {}
    # a column-1 code that needs its modifier for an edit of its own (64625-59
    # beside 64635): its column-2 code (64636) takes one too (MOD14)
    copies: list[tuple[Line, Line]] = []
    for finding in bypassed:
        second = numbered.get(finding.line or 0)
        first = numbered.get(finding.related_line or 0)
        if first is None or second is None or _distinct(second) or not _distinct(first):
            continue
        if first.code in column_two_codes:
            if (first, second) not in copies:
                copies.append((first, second))
            continue
        seconds = moves.setdefault(finding.related_line or 0, [])
        if second not in seconds:
            seconds.append(second)
    moves = {number: seconds for number, seconds in moves.items() if seconds}
    for first, second in copies:
        _give(store, state, rules, "MOD14", second, first, _distinct(first)[0])
    for number, seconds in moves.items():
        first = numbered[number]
        moved = _distinct(first)[0]
        first.modifiers = [m for m in first.modifiers if m not in DISTINCT_MODIFIERS]
        for second in seconds:
            _give(store, state, rules, "MOD10", second, first, moved)
    return bool(moves or copies)


def _give(
    store: Store,
    state: ClaimState,
    rules: RuleSet,
    rule_id: str,
    second: Line,
    first: Line,
    modifier: str,
) -> None:
    """The column-2 line's own distinct-service modifier: XS where the note
    documents two structures, else the coder's ``modifier``."""
    new = (
        SEPARATE_STRUCTURE
        if separate_structure_of(store, state, second.code, first.code, rules)
        else modifier
    )
    second.modifiers = [*second.modifiers, new]
    values = {"modifier": modifier, "column_1": first.code, "new_modifier": new}
    _record(state, rule_id, second, values)


def _without_edit(state: ClaimState, findings: list[Finding], numbered: dict[int, Line]) -> bool:
    paired = {n for f in findings for n in (f.line, f.related_line) if n is not None}
    codes = [line.code for line in state.lines]
    changed = False
    for number, line in numbered.items():
        modifiers = _distinct(line)
        # the same code on two lines: the modifier tells the lines apart
        if not modifiers or number in paired or codes.count(line.code) > 1:
            continue
        others = sorted({c for c in codes if c != line.code})
        if not others:
            continue
        line.modifiers = [m for m in line.modifiers if m not in DISTINCT_MODIFIERS]
        _record(state, "MOD11", line, {"modifier": modifiers[0], "others": ", ".join(others)})
        changed = True
    return changed


def _record(state: ClaimState, rule_id: str, line: Line, values: dict[str, str]) -> None:
    line.rule_ids.append(rule_id)
    line.rationale.append(f"{rule_id}: {registry().rule(rule_id).title}")
    state.findings.append(
        templated_finding("distinct_modifiers.yaml", rule_id, state.day, line.code, values)
    )
