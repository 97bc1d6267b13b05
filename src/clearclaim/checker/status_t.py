"""Codes of fee-schedule status T (STAT05, ``rules/data/status.yaml``): a catheter
contrast study (36598) is paid only when no other fee-schedule service is billed
that day, so beside the repositioning it checked it is bundled."""

from __future__ import annotations

from clearclaim.checker.distinct import is_surgical
from clearclaim.edits import engine_for
from clearclaim.errors import InputError
from clearclaim.rules.engine import ClaimState, Suppressed
from clearclaim.rules.templated import templated_finding
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries

#: the statuses of a service payable under the fee schedule
_PAYABLE = frozenset({"A", "R"})


def bundle_status_t(store: Store, state: ClaimState) -> None:
    """Take off the claim each intended status T code billed beside a payable
    procedure that no edit of the T code denies."""
    for line in [ln for ln in state.lines if ln.origin == "intended"]:
        if queries.status_code(store, line.code, state.day).indicator != "T":
            continue
        other = next(
            (
                o.code
                for o in state.lines
                if o.code != line.code and _payable_beside(store, state, line.code, o.code)
            ),
            None,
        )
        if other is None:
            continue
        finding = templated_finding("status.yaml", "STAT05", state.day, line.code, {"other": other})
        state.lines.remove(line)
        state.suppressed.append(Suppressed(line.code, finding))
        state.applied.append(finding)


def _payable_beside(store: Store, state: ClaimState, code: str, other: str) -> bool:
    # a procedure (not a guidance add-on, whose own validity is the rules' to
    # judge: 77001 beside a port study is no placement)
    if not is_surgical(other):
        return False
    if queries.status_code(store, other, state.day).indicator not in _PAYABLE:
        return False
    try:
        lookup = engine_for(store).edits_between(code, other, day=state.day, setting=state.setting)
    except InputError:
        return False  # a code no loaded file knows is judged by the edit check
    # the T code's own edit denies the other beside it: only the T code is paid
    return not any(edit.applies and edit.column_1 == code for edit in lookup.edits)
