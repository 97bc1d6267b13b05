"""The edit engine: one claim in, findings out; and two codes in, their PTP edits out.

``EditEngine(store)`` is the reusable object: it caches release choices and
row lookups, so checking one claim after the first few costs well under a
millisecond. ``check_claim(store, lines)`` is the one-call convenience over it.
The batch path (``EditEngine.scrub``, batch.py) runs the same rules vectorised;
it is imported on first use (so is Polars), and it never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearclaim.edits import add_on, mue, pc_tc, ptp, status
from clearclaim.edits.common import Context
from clearclaim.edits.lookups import Lookups
from clearclaim.edits.models import (
    SETTINGS,
    ClaimCheck,
    ClaimLine,
    Finding,
    PairLookup,
    PtpEdit,
    Setting,
    normalize_code,
)
from clearclaim.edits.releases import ROLE_FAMILIES, Choice, Resolver
from clearclaim.edits.rules import edit_data, policy_source
from clearclaim.errors import FieldError, InputError, ReleaseError, UnknownCodeError
from clearclaim.models import DataWarning
from clearclaim.store import FAMILY_TITLES, Store

if TYPE_CHECKING:  # the batch path's types: Polars is not loaded for them
    from clearclaim.edits.batch import ScrubReport
    from clearclaim.edits.cache import EditTables

#: the checks in the order their findings are listed for a line
CHECKS = (ptp.check, mue.check, add_on.check, pc_tc.check, status.check)


def check_setting(setting: str) -> Setting:
    if setting not in SETTINGS:
        raise InputError(f"unknown setting {setting!r}", hint=f"use one of: {', '.join(SETTINGS)}")
    return setting


class EditEngine:
    """NCCI PTP, MUE, add-on, PC/TC and status checks over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.data = edit_data()
        self.resolver = Resolver(store)
        self.lookups = Lookups(store)
        self._tables: EditTables | None = None

    # -- release choices -----------------------------------------------------

    def choices(self, setting: Setting, day: date) -> tuple[dict[str, Choice], list[DataWarning]]:
        """The release of each role (ptp, mue, aoc, pfs) for a date, and the gaps."""
        found: dict[str, Choice] = {}
        warnings: list[DataWarning] = []
        for role, family in ROLE_FAMILIES[setting].items():
            try:
                choice = self.resolver.choose(family, day)
            except ReleaseError:
                warnings.append(
                    DataWarning(
                        code="no_release",
                        family=family,
                        message=f"no {FAMILY_TITLES.get(family, family)} is loaded: "
                        f"its checks were skipped",
                    )
                )
                continue
            found[role] = choice
            if choice.warning:
                warnings.append(choice.warning)
        return found, warnings

    # -- one claim -------------------------------------------------------------

    def check(
        self,
        lines: Iterable[ClaimLine | Mapping[str, Any]],
        *,
        setting: str = "professional",
    ) -> ClaimCheck:
        """Every finding on the claim lines given (one claim or several)."""
        mode = check_setting(setting)
        parsed = [ln if isinstance(ln, ClaimLine) else ClaimLine.model_validate(ln) for ln in lines]
        groups: dict[tuple[str, date], list[ClaimLine]] = {}
        seen: set[tuple[str, int]] = set()
        for ln in parsed:
            if (ln.claim_id, ln.line) in seen:
                raise FieldError(
                    "duplicate line number", source=ln.claim_id, line=ln.line, field="line"
                )
            seen.add((ln.claim_id, ln.line))
            groups.setdefault((ln.claim_id, ln.date_of_service), []).append(ln)
        result = ClaimCheck()
        seen_warnings: set[str] = set()
        for (claim_id, day), group in groups.items():
            choices, warnings = self.choices(mode, day)
            ctx = Context(
                self.data, self.lookups, self.resolver, mode, claim_id, day, group, choices
            )
            for run in CHECKS:
                result.findings.extend(run(ctx))
            for warning in warnings:
                if warning.message not in seen_warnings:
                    seen_warnings.add(warning.message)
                    result.warnings.append(warning)
            result.data_findings.extend(self._data_findings(ctx))
        order = {rule_id: i for i, rule_id in enumerate(self.data.rules)}
        result.findings.sort(
            key=lambda f: (f.claim_id, f.line or 0, order.get(f.rule_id, 99), f.related_line or 0)
        )
        return result

    def _data_findings(self, ctx: Context) -> list[Finding]:
        rule = self.data.rule("DATA01")
        numbers = tuple(sorted(ln.line for ln in ctx.lines))
        out = []
        for choice in ctx.choices.values():
            if choice.in_force or choice.warning is None:
                continue
            message, action = rule.render(
                {
                    "warning": choice.warning.message,
                    "family_title": choice.title,
                    "dos": ctx.day.isoformat(),
                }
            )
            out.append(
                Finding(
                    rule_id=rule.id,
                    rule_name=rule.name,
                    kind=rule.kind,
                    severity=rule.severity,
                    claim_id=ctx.claim_id,
                    date_of_service=ctx.day,
                    lines=numbers,
                    message=message,
                    action=action,
                    citation=rule.citation,
                    sources=(choice.source(), policy_source(rule)),
                    details={"family": choice.family, "release_in_force": "no"},
                )
            )
        return out

    # -- two codes -------------------------------------------------------------

    def edits_between(
        self, code_1: str, code_2: str, *, day: date, setting: str = "professional"
    ) -> PairLookup:
        """Every PTP row between two codes, either direction, judged on ``day``."""
        mode = check_setting(setting)
        codes = []
        for name, raw in (("CODE1", code_1), ("CODE2", code_2)):
            code = normalize_code(raw)
            try:
                ClaimLine(line=1, date_of_service=day, code=code)
            except ValueError as exc:
                raise FieldError(
                    "not a HCPCS/CPT code (five letters or digits)", field=name, value=raw
                ) from exc
            codes.append(code)
        family = ROLE_FAMILIES[mode]["ptp"]
        choice = self.resolver.choose(family, day)
        rows = self.lookups.ptp_pair(choice.keys, codes[0], codes[1])
        if not rows:
            for code in codes:
                if not self.lookups.known(code):
                    raise UnknownCodeError(code, where="in any loaded CMS file")
        edits: list[PtpEdit] = []
        for col1, col2 in {(r.column_1, r.column_2) for r in rows}:
            pair_rows = [r for r in rows if (r.column_1, r.column_2) == (col1, col2)]
            chosen = ptp.applicable_row(pair_rows, day)
            for row in pair_rows:
                edits.append(self._edit(choice, row, day, chosen))
        edits.sort(
            key=lambda e: (not e.applies, e.column_1, -(e.deletion_date or date.max).toordinal())
        )
        lookup = PairLookup(
            code_1=codes[0],
            code_2=codes[1],
            date_of_service=day,
            setting=mode,
            family=family,
            release=choice.label,
            release_in_force=choice.in_force,
            edits=edits,
            add_on=self._add_on_relations(codes[0], codes[1], day),
            warnings=[choice.warning] if choice.warning else [],
        )
        return lookup

    def _edit(
        self, choice: Choice, row: ptp.PtpRow, day: date, chosen: ptp.PtpRow | None
    ) -> PtpEdit:
        mi = self.data.modifier_indicators.get(row.modifier_indicator)
        in_force = (row.deletion_date is None or day <= row.deletion_date) and (
            row.effective_date is None or row.effective_date <= day
        )
        applies = row == chosen and bool(mi and mi.applies)
        if not in_force:
            if row.deletion_date and row.deletion_date < day:
                why = f"deleted {row.deletion_date.isoformat()}, before {day.isoformat()}"
            else:
                why = f"not yet effective on {day.isoformat()}"
        elif row != chosen:
            why = "an older row of this pair, replaced by the row in force"
        elif mi and not mi.applies:
            why = f"modifier indicator {row.modifier_indicator}: {mi.meaning}"
        else:
            why = f"in force on {day.isoformat()}"
        return PtpEdit(
            column_1=row.column_1,
            column_2=row.column_2,
            modifier_indicator=row.modifier_indicator,
            modifier_indicator_label=mi.label if mi else "unknown",
            modifier_indicator_meaning=mi.meaning if mi else "",
            deletion_date=row.deletion_date if row.deletion_date != date(9999, 12, 31) else None,
            effective_date=row.effective_date,
            rationale=row.rationale,
            in_force=in_force,
            applies=applies,
            why=why,
            source=choice.source(row.row_text()),
        )

    def _add_on_relations(self, code_1: str, code_2: str, day: date) -> list[str]:
        try:
            choice = self.resolver.choose("aoc", day)
        except ReleaseError:
            return []
        notes = []
        for add_on_code, primary in ((code_1, code_2), (code_2, code_1)):
            for row in self.lookups.aoc(choice.keys, add_on_code):
                if row.primary_code == primary and row.in_force(day):
                    notes.append(
                        f"{add_on_code} is a type {row.edit_type} add-on code of {primary} "
                        f"(NCCI add-on code edits {choice.label})"
                    )
        return notes

    # -- many claims -------------------------------------------------------------

    @property
    def tables(self) -> EditTables:
        """The Parquet-backed edit tables the batch path reads (cache.py)."""
        if self._tables is None:
            from clearclaim.edits.cache import EditTables

            self._tables = EditTables(self.store, self.data.aoc_contractor_code)
        return self._tables

    def scrub(
        self,
        path: str | Path,
        *,
        out: str | Path | None = None,
        errors: str | Path | None = None,
        setting: str = "professional",
        progress: bool = False,
        column_map: dict[str, str] | None = None,
    ) -> ScrubReport:
        """Check a claim file (CSV, .xlsx or Parquet, one row per line): see
        batch.scrub_file. Polars loads here, on first use."""
        from clearclaim.edits.batch import scrub_file

        return scrub_file(
            self,
            path,
            out=out,
            errors=errors,
            setting=check_setting(setting),
            progress=progress,
            column_map=column_map,
        )


def engine_for(store: Store) -> EditEngine:
    """One engine per store (so its caches are reused), renewed when the store's
    releases change."""
    return store.remember(("edit engine",), lambda: EditEngine(store), lasting=True)


def check_claim(
    store: Store,
    lines: Iterable[ClaimLine | Mapping[str, Any]],
    *,
    setting: str = "professional",
) -> list[Finding]:
    """The findings on one claim: rule findings by line, then DATA01 findings naming
    any release used that is not in force on the date of service."""
    return engine_for(store).check(lines, setting=setting).all_findings()
