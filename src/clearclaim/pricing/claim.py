"""Pricing a whole claim: the line amounts, then the reductions CMS applies across lines.

A claim is taken as one session of one provider on one date at one place, so
every multiple procedure rule that applies "in the same session" applies to
all its lines. The rules are data (``payment_rules.yaml``: ``mppr``), each with
its citation and the dates it applies to; the engine only ranks and multiplies:

- MPPR01, indicator 2: lines ranked by fee schedule amount, 100% for the
  highest, 50% for the others (the sixth and later are "by report": the MAC
  prices them; 50% is shown, with a note).
- MPPR02/03, indicator 4 (diagnostic imaging): the technical components ranked
  by their amount, 100% / 50%; the professional components 100% / 95% (from
  2017; 75% in 2012-2016). A global line is split into its TC and PC amounts
  (the -TC and -26 rows at the same locality and setting) and each part is
  reduced on its own. How CMS ranks the professional components is not stated
  in the readme: they are ranked by their own amount, and the notes say so.
- MPPR04/05, indicators 6 and 7: the TC of diagnostic cardiovascular (75%) and
  ophthalmology (80%) services.
- Status T lines are paid only when no other fee-schedule service is on the claim.

Not applied (the claim notes say so when such a line is present): multiple
endoscopy rules (indicator 3), pre-1995 rules (1), the therapy PE reduction (5),
bilateral, assistant, co- and team surgery adjustments. The OPPS cap is applied
to each line before the reductions (an assumption, noted on the claim).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from clearclaim.errors import FieldError
from clearclaim.models import DataCoverage, DataWarning
from clearclaim.pricing.models import (
    ClaimLineInput,
    ClaimLinePrice,
    ClaimPrice,
    PriceResult,
    Reduction,
)
from clearclaim.pricing.pfs import Pricer, cents, money, parse_day, pricer_for
from clearclaim.pricing.rules import MpprRule, payment_rules
from clearclaim.store import Store

HUNDRED = Decimal(100)
ZERO = Decimal(0)

CLAIM_ASSUMPTIONS = (
    "The claim is taken as one session of one provider: every line can be ranked with "
    "every other line for the multiple procedure reductions.",
    "The OPPS imaging cap is applied to each line before the multiple procedure reductions "
    "(order assumed; CMS's readme does not state it).",
)


@dataclass
class _Entry:
    line: int
    unit: int
    price: PriceResult
    fee: Decimal | None
    reductions: list[Reduction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bundled: bool = False

    @property
    def allowed(self) -> Decimal | None:
        if self.fee is None:
            return None
        if self.bundled:
            return ZERO
        return self.fee - sum((r.reduction for r in self.reductions), ZERO)


def _as_line(
    item: ClaimLineInput | str | dict[str, object] | tuple[str, str | None],
) -> ClaimLineInput:
    if isinstance(item, ClaimLineInput):
        return item
    if isinstance(item, str):
        code, _, mod = item.strip().partition("-")
        return ClaimLineInput(code=code, modifier=mod or None)
    if isinstance(item, tuple):
        return ClaimLineInput(code=item[0], modifier=item[1])
    return ClaimLineInput.model_validate(item)


def price_claim(
    store: Store | Pricer,
    lines: Iterable[ClaimLineInput | str | dict[str, object] | tuple[str, str | None]],
    *,
    date_of_service: date | str,
    zip_code: str | None = None,
    locality: str | None = None,
    pos: str = "11",
) -> ClaimPrice:
    """Price every line, then apply the claim-level reductions (see the module doc).

    ``lines`` are :class:`ClaimLineInput` values, ``"CODE"`` / ``"CODE-MOD"`` strings,
    ``(code, modifier)`` tuples or dicts with ``code``, ``modifier``, ``units``.
    """
    pricer = store if isinstance(store, Pricer) else pricer_for(store)
    day = parse_day(date_of_service)
    inputs = [_as_line(item) for item in lines]
    if not inputs:
        raise FieldError("a claim needs at least one line", field="lines")
    where: dict[str, str | None] = {"zip_code": zip_code, "locality": locality, "pos": pos}
    entries: list[_Entry] = []
    for number, line in enumerate(inputs, start=1):
        result = pricer.price(
            line.code,
            modifier=line.modifier,
            date_of_service=day,
            zip_code=zip_code,
            locality=locality,
            pos=pos,
        )
        for unit in range(1, line.units + 1):
            entries.append(_Entry(number, unit, result, result.amount))

    rules = payment_rules()
    claim_notes: list[str] = list(CLAIM_ASSUMPTIONS)
    _bundle_status_t(entries)
    for rule in rules.mppr:
        _apply_rule(pricer, rule, entries, day, where, claim_notes)
    present = {e.price.indicators.mult_proc.code for e in entries if e.fee is not None}
    for indicator, text in rules.mppr_not_applied.items():
        if indicator in present:
            claim_notes.append(text)

    warnings: list[DataWarning] = []
    coverage: list[DataCoverage] = []
    for entry in entries:
        for warning in entry.price.warnings:
            if warning not in warnings:
                warnings.append(warning)
        for covered in entry.price.data_coverage:
            if covered not in coverage:
                coverage.append(covered)
    priced = [
        ClaimLinePrice(
            line=e.line,
            unit=e.unit,
            code=e.price.code,
            modifier=e.price.modifier,
            fee_schedule_amount=e.fee,
            allowed=e.allowed,
            reductions=e.reductions,
            notes=e.notes if e.fee is not None else [e.price.reason or "no amount"],
            price=e.price,
        )
        for e in entries
    ]
    first = entries[0].price
    return ClaimPrice(
        date_of_service=day,
        locality=first.locality,
        pos=first.pos,
        setting=first.setting,
        lines=priced,
        total=sum((e.allowed for e in entries if e.allowed is not None), ZERO),
        notes=claim_notes,
        data_coverage=coverage,
        warnings=warnings,
    )


def _bundle_status_t(entries: Sequence[_Entry]) -> None:
    """Status T: paid only if no other fee-schedule service is billed the same day."""
    others = [e for e in entries if e.fee is not None and e.price.status_code != "T"]
    if not others:
        return
    for entry in entries:
        if entry.fee is not None and entry.price.status_code == "T":
            entry.bundled = True
            entry.notes.append(
                f"status T: bundled into {others[0].price.code} billed on the same claim "
                "(paid only when no other fee-schedule service is billed that day)"
            )


def _component_amount(
    pricer: Pricer, entry: _Entry, component: str, day: date, where: dict[str, str | None]
) -> Decimal | None:
    """The TC or PC part of a line's amount (the whole line for TC-only / PC-only codes)."""
    price = entry.price
    pctc = price.indicators.pctc.code
    if component == "whole":
        return entry.fee
    own = "TC" if component == "tc" else "26"
    other = "26" if component == "tc" else "TC"
    if price.modifier == own:
        return entry.fee
    if price.modifier == other:
        return None
    if price.modifier is None and pctc == "1":
        part = pricer.price(price.code, modifier=own, date_of_service=day, **where)  # type: ignore[arg-type]
        return part.amount
    # stand-alone codes: technical-only (3) is all TC, professional-only (2) all PC
    if pctc == "3":
        return entry.fee if component == "tc" else None
    if pctc == "2":
        return entry.fee if component == "pc" else None
    return None


def _apply_rule(
    pricer: Pricer,
    rule: MpprRule,
    entries: Sequence[_Entry],
    day: date,
    where: dict[str, str | None],
    claim_notes: list[str],
) -> None:
    period = rule.period_for(day)
    if period is None:
        return
    candidates: list[tuple[Decimal, _Entry]] = []
    for entry in entries:
        if entry.fee is None or entry.bundled:
            continue
        if entry.price.indicators.mult_proc.code not in rule.indicators:
            continue
        base = _component_amount(pricer, entry, rule.component, day, where)
        if base is not None and base > 0:
            candidates.append((base, entry))
    if len(candidates) < 2:
        return
    # highest first; the sort is stable, so equal amounts keep the claim's order
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    for rank, (base, entry) in enumerate(candidates, start=1):
        percent = period.factor(rank)
        # round what is paid (half up), not what is taken off: that is the amount a
        # remittance shows
        reduction = base - cents(base * percent / HUNDRED)
        entry.reductions.append(
            Reduction(
                rule_id=rule.id,
                rule=rule.name,
                component=rule.component,
                rank=rank,
                percent=percent,
                base=base,
                reduction=reduction,
                citation=rule.citation,
            )
        )
        if reduction:
            part = {"whole": "amount", "tc": "technical component", "pc": "professional component"}
            entry.notes.append(
                f"{rule.id}: rank {rank}, {percent}% of the {part[rule.component]} "
                f"{money(base)}: minus {money(reduction)}"
            )
        if rule.by_report_after and rank > rule.by_report_after:
            entry.notes.append(
                f"{rule.id}: procedure {rank} is beyond the {rule.by_report_after} the rule "
                "ranks; CMS leaves it to the MAC ('by report'); the reduced amount is shown"
            )
    claim_notes.append(f"{rule.id} ({rule.name}) applied: {rule.citation} Ranking: {rule.ranking}.")
