"""The check: a ClaimContext in, a Report out.

1. read the note (documentation elements, procedures, fluoroscopy use);
2. build the claim from the intended codes (or propose the imaging code the
   note supports);
3. apply the policy rules (rules/data), then the CMS edits (PTP, MUE, add-on,
   PC/TC, status) until the claim is stable;
4. report the documentation gaps, the Medicare payment of each line and the
   denial risks, each with its source.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from clearclaim._yaml import load_yaml
from clearclaim.checker.bilateral import bilateral_modifiers
from clearclaim.checker.components import component_modifiers
from clearclaim.checker.coverage import data_coverage
from clearclaim.checker.distinct import (
    procedure_types_of_codes,
    restore_fluoroscopy_of_other_joint,
    restore_guidance_of_other_site,
    restore_ultrasound_of_other_procedure,
    separate_structure_of,
)
from clearclaim.checker.distinct_modifiers import place_distinct_modifiers
from clearclaim.checker.documented import (
    documented_companions,
    documented_ct,
    documented_imaging,
    documented_ultrasound,
    drop_fluoroscopy_billed_by_a_rule,
    drop_guidance_of_bundled,
    drop_unsupported,
)
from clearclaim.checker.edit_effects import apply_edit_findings
from clearclaim.checker.models import ClaimContext
from clearclaim.checker.modifier_names import unknown_modifier_findings
from clearclaim.checker.performed import drop_cancelled, drop_not_performed
from clearclaim.checker.review import needs_review
from clearclaim.checker.risks import denial_risks
from clearclaim.checker.site_units import bill_documented_implant_sites, bill_documented_joints
from clearclaim.checker.spinal_region import correct_levels
from clearclaim.checker.status_t import bundle_status_t
from clearclaim.checker.successors import succeed_by_guidance
from clearclaim.edits import ClaimCheck, ClaimLine, EditEngine, engine_for
from clearclaim.errors import ClearclaimError, FieldError, InputError, UnknownCodeError
from clearclaim.models import (
    DataWarning,
    DenialRisk,
    Documentation,
    DocumentationGap,
    Finding,
    NoteSummary,
    Payment,
    Quote,
    Report,
    ReportLine,
    RequestSummary,
    SuppressedCode,
)
from clearclaim.notes import analyze_note
from clearclaim.notes.models import NoteAnalysis
from clearclaim.reference.facts import closest_codes, code_is_known
from clearclaim.rules import default_rules, documentation_gaps
from clearclaim.rules.engine import ClaimState, Line, Suppressed
from clearclaim.rules.engine import engine_for as rule_engine_for
from clearclaim.rules.registry import registry
from clearclaim.rules.translations import localize_report
from clearclaim.store import Store
from clearclaim.store.queries import checker as queries

PROPOSALS_PATH = Path(__file__).resolve().parent / "proposals.yaml"
MAX_PASSES = 4


@lru_cache(maxsize=1)
def _proposals() -> dict[str, Any]:
    return load_yaml(PROPOSALS_PATH.read_text(encoding="utf-8"))


def _proposal_for(proc_type: str, spinal: bool, day: date) -> dict[str, Any] | None:
    entry = _proposals()["procedures"].get(proc_type)
    options = entry if isinstance(entry, list) else [entry] if entry else []
    for option in options:
        start, end = option.get("from"), option.get("to")
        if (start is None or start <= day) and (end is None or day <= end):
            chosen = dict(option)
            if spinal and option.get("spinal_code"):
                chosen["code"] = option["spinal_code"]
            return chosen
    return None


def _propose(note: NoteAnalysis, day: date) -> tuple[list[Line], list[dict[str, Any]]]:
    """The imaging code the note supports when no codes were given."""
    notes: list[dict[str, Any]] = []
    if not note.determinable or note.fluoroscopy != "used":
        return [], notes
    if note.physician_presence == "negated":
        return [], notes
    proposed: dict[str, Line] = {}
    for procedure in note.procedures:
        option = _proposal_for(procedure.type, procedure.spinal, day)
        if option is None:
            continue
        why = f"{procedure.label}: {option['why']}"
        if option.get("uncertain"):
            why += " (uncertain: check the procedure code's guidance)"
        notes.append({"procedure": procedure.type, "code": option.get("code"), "why": why})
        code = option.get("code")
        if code and code not in proposed:
            proposed[code] = Line(code=code, origin="proposed", rationale=[why])
    return list(proposed.values()), notes


def _validate_codes(store: Store, context: ClaimContext) -> None:
    for item in context.codes:
        if not code_is_known(store, item.code):
            raise UnknownCodeError(
                item.code, closest=closest_codes(store, item.code), where="in --codes"
            )


def _validate_pos(store: Store, pos: str, day: date) -> None:
    found = queries.place_of_service(store, pos, day)
    if found is None or not found.assigned:
        raise InputError(f"--pos {pos} is not an assigned CMS place-of-service code")


#: the anatomic modifiers (sides, eyelids, fingers, toes, coronary arteries):
#: they bypass a PTP edit only for two procedures on different sites (NCCI
#: Policy Manual, chapter I, section E)
_SIDES = frozenset(
    {"LT", "RT", "E1", "E2", "E3", "E4", "FA", "TA", "LC", "LD", "LM", "RC", "RI"}
    | {f"F{n}" for n in range(1, 10)}
    | {f"T{n}" for n in range(1, 10)}
)


def _claim_lines(state: ClaimState) -> list[ClaimLine]:
    return [
        ClaimLine(
            claim_id="check",
            line=i,
            date_of_service=state.day,
            code=line.code,
            modifiers=tuple(line.modifiers),
            units=line.units,
            pos=state.pos,
        )
        for i, line in enumerate(state.lines, start=1)
    ]


def _positioned_elsewhere(note: NoteAnalysis, day: date) -> list[str]:
    """The guidance code of each procedure whose needle position the note gives
    only in another procedure's description (a hip's 77002 beside a TFESI)."""
    proposals = (
        _proposal_for(p.type, p.spinal, day) for p in note.procedures if p.position_elsewhere
    )
    return sorted({str(chosen["code"]) for chosen in proposals if chosen and chosen.get("code")})


def _without_sides(modifiers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(m for m in modifiers if m not in _SIDES)


def _edit_check(
    engine: EditEngine, state: ClaimState, setting: str, store: Store | None = None
) -> ClaimCheck | None:
    """The CMS edits on the claim, a PTP edit judged as if no anatomic modifier
    were billed when its two lines do not name different sites: 20611-LT beside
    the 76942 that guided it, 27096-RT beside 20610-RT, or 20550-F8 beside
    20612-F8 shows no procedures on different sides or digits (a separate joint
    still takes XS from the rules). Two sides the note documents as separate
    structures are judged so too, to take XS with their side modifiers (64483-LT
    and 20610-RT: the knee is another structure than the spine); where the note
    does not show that, the side modifiers bypass the edit on their own."""
    if not state.lines:
        return None
    lines = _claim_lines(state)
    result = engine.check(lines, setting=setting)
    sides = {ln.line: set(ln.modifiers) & _SIDES for ln in lines}

    def opposite(a: int | None, b: int | None) -> bool:
        mine, theirs = sides.get(a or 0, set()), sides.get(b or 0, set())
        return bool(mine and theirs and mine != theirs)

    def separate(code: str | None, other: str | None) -> bool:
        return (
            store is not None
            and code is not None
            and other is not None
            and separate_structure_of(store, state, code, other, default_rules())
        )

    same_side = [
        f
        for f in result.findings
        if f.kind == "ptp"
        and f.details.get("modifier") in _SIDES
        and (not opposite(f.line, f.related_line) or separate(f.code, f.related_code))
    ]
    if not same_side:
        return result
    plain = engine.check(
        [ln.model_copy(update={"modifiers": _without_sides(ln.modifiers)}) for ln in lines],
        setting=setting,
    )
    pairs = {(f.line, f.related_line) for f in same_side}
    judged = [f for f in plain.findings if f.kind == "ptp" and (f.line, f.related_line) in pairs]
    kept = [f for f in result.findings if f not in same_side]
    return result.model_copy(update={"findings": kept + judged})


def _apply_edits(
    store: Store,
    engine: EditEngine,
    state: ClaimState,
    result: ClaimCheck | None,
    setting: str,
) -> ClaimCheck | None:
    """Let the CMS edit findings change the claim, checking it again after each
    change, until it settles (or MAX_PASSES)."""
    for _ in range(MAX_PASSES):
        if result is None or not apply_edit_findings(store, state, result.findings):
            break
        result = _edit_check(engine, state, setting, store)
    return result


def check(store: Store, context: ClaimContext, *, library: Any = None) -> Report:
    """Check one procedure note and its intended codes. Pure: nothing is written."""
    warnings: list[DataWarning] = []
    day = context.date_of_service
    if day is None:
        day = date.today()
        warnings.append(
            DataWarning(
                code="date_assumed",
                message=f"no date of service given: {day.isoformat()} (today) used",
            )
        )
    pos = context.pos
    if pos is None:
        pos = "11" if context.setting == "professional" else "22"
        warnings.append(
            DataWarning(code="pos_assumed", message=f"no place of service given: {pos} assumed")
        )
    _validate_pos(store, pos, day)
    _validate_codes(store, context)
    _validate_locality(store, context, day)
    note = analyze_note(context.note, procedure_types_of_codes(item.code for item in context.codes))

    lines: dict[tuple[str, tuple[str, ...]], Line] = {}
    for item in context.codes:
        key = (item.code, tuple(sorted(item.modifiers)))
        if key in lines:
            lines[key].units += item.units  # the same code twice is one line with more units
        else:
            lines[key] = Line(
                code=item.code,
                units=item.units,
                modifiers=list(item.modifiers),
                rationale=["intended code"],
            )
    proposal_notes: list[dict[str, Any]] = []
    claim = list(lines.values())
    if not context.codes:
        claim, proposal_notes = _propose(note, day)
    elif not note.determinable and _procedure_from_codes(note, claim, day):
        # the intended codes say what was done; the note is read for the rest
        note = note.model_copy(update={"determinable": True})
    if not note.determinable:
        # a note clearclaim cannot read supports nothing: say what could not be
        # determined instead of guessing; the intended codes are still edit-checked
        warnings.append(
            DataWarning(
                code="note_undetermined",
                message="the note could not be read "
                f"({', '.join(note.undetermined) or 'unknown'}): no billing "
                "recommendation; the intended codes were checked against the CMS "
                "edits only",
            )
        )
        return _undetermined_report(store, context, note, claim, pos, day, warnings)
    state = ClaimState(
        lines=claim,
        pos=pos,
        equipment=context.equipment,
        setting=context.setting,
        day=day,
        note=note,
        note_text=context.note,
    )
    rules = default_rules()
    drop_not_performed(state)
    bundle_status_t(store, state)
    succeed_by_guidance(state)
    correct_levels(state)
    bill_documented_joints(state)
    bill_documented_implant_sites(state)
    documented = documented_imaging(store, note, state.lines, day, rules)
    documented += documented_ultrasound(store, note, state.lines, day, rules)
    documented += documented_ct(note, state.lines)
    documented += documented_companions(note, state.lines, context.setting)
    state.lines.extend(documented)
    instead = {line.code for line in documented if line.instead_of_intended}
    before = list(state.lines)
    policy = rule_engine_for(rules)
    policy.apply(state)
    restored = [
        restore_guidance_of_other_site(store, state, before, rules),
        restore_ultrasound_of_other_procedure(store, state, before, rules),
        restore_fluoroscopy_of_other_joint(store, state, before, rules),
    ]
    if any(restored):
        policy.apply_modifier_rules(state)
    bilateral_modifiers(store, state)
    component_modifiers(store, state, rules)

    engine = engine_for(store)
    first = _edit_check(engine, state, context.setting, store)
    intended_findings = list(first.findings) if first else []
    result = _apply_edits(store, engine, state, first, context.setting)
    if result is not None and place_distinct_modifiers(store, state, result.findings, rules):
        # a modifier taken off (MOD13) lets an edit take its code off the claim
        checked = _edit_check(engine, state, context.setting, store)
        result = _apply_edits(store, engine, state, checked, context.setting)
    fluoro_codes = rules.expand(["@fluoro_codes"], on=day)
    drop_unsupported(state, instead)
    drop_guidance_of_bundled(store, state, documented)
    drop_fluoroscopy_billed_by_a_rule(state, documented, fluoro_codes)
    final_findings = list(result.findings) if result else []
    data_warnings = list(result.warnings) if result else (list(first.warnings) if first else [])

    fluoro = sorted({ln.code for ln in state.lines} & fluoro_codes)
    docs = documentation_gaps(note, fluoro, day, rules, _positioned_elsewhere(note, day))
    payment, payment_warnings = _payments(store, context, state, pos, day)
    warnings.extend(data_warnings)
    warnings.extend(payment_warnings)
    if context.language != "en":
        warnings.append(
            DataWarning(
                code="english_text",
                message="CMS short descriptors are CMS's own English text; rule texts, "
                "labels and data warnings follow --lang",
            )
        )
    dx_findings, dx_documents_indication = _diagnoses(context, day, docs, warnings)
    dx_findings += unknown_modifier_findings(((c.code, c.modifiers) for c in context.codes), day)
    if dx_documents_indication:
        docs = docs.model_copy(
            update={
                "missing": [m for m in docs.missing if m != "indication"],
                "gaps": [g for g in docs.gaps if g.element != "indication"],
            }
        )
    gap_findings = [_gap_finding(gap, day) for gap in docs.gaps]
    report = Report(
        context=_request_summary(context, pos, day),
        lines=[_line_out(line) for line in state.lines],
        suppressed=[_suppressed_out(item) for item in state.suppressed],
        documentation=Documentation(
            missing=docs.missing,
            found=_found_quotes(note),
            gaps=docs.gaps,
        ),
        findings=_unique_findings(
            [*state.applied, *final_findings, *state.findings, *gap_findings, *dx_findings]
        ),
        payment=payment,
        denial_risks=denial_risks(
            intended_findings, final_findings + dx_findings, state, gap_findings
        ),
        warnings=_unique_warnings(warnings),
        note=_note_summary(note, proposal_notes),
        undetermined=_undetermined_that_matters(note, state, day),
        needs_review=needs_review(note, context, state, day),
        data_coverage=data_coverage(store, context.setting, pos, day)
        + _diagnosis_coverage(context, day),
    )
    if library is not None:
        report.library = _library_passages(library, report)
    return localize_report(report, context.language)


def _suppressed_out(item: Suppressed) -> SuppressedCode:
    return SuppressedCode.from_finding(
        item.finding, item.code, reason=item.reason, replaced_by=item.replaced_by, units=item.units
    )


def _diagnoses(
    context: ClaimContext, day: date, docs: Any, warnings: list[DataWarning]
) -> tuple[list[Finding], bool]:
    """The claim's ICD-10-CM codes as findings (DX01-DX03), and whether a valid one
    documents the indication (DESIGN.md: a valid diagnosis in the request does)."""
    if not context.diagnoses:
        return [], False
    from clearclaim.diagnosis import check_diagnoses

    result = check_diagnoses(context.diagnoses, day)
    rules = registry()
    findings = [
        Finding(
            rule_id=dx.rule_id,
            rule_name=dx.name,
            kind="diagnosis",
            severity=rules.rule(dx.rule_id).severity,
            date_of_service=day,
            codes=(dx.code,),
            code=dx.code,
            message=dx.message,
            action=dx.action,
            sources=(dx.source,),
        )
        for dx in result.findings
    ]
    warnings.append(
        DataWarning(
            code="medical_necessity_not_checked", family="icd10cm", message=result.not_checked
        )
    )
    return findings, result.indication_documented


def _diagnosis_coverage(context: ClaimContext, day: date) -> list[Any]:
    if not context.diagnoses:
        return []
    from clearclaim.diagnosis.check import coverage

    return [coverage(day)]


def _validate_locality(store: Store, context: ClaimContext, day: date) -> None:
    """A ZIP code or locality that names no payment locality is bad input, as in
    ``price`` (not an empty payment table)."""
    if context.zip_code is None and context.locality is None:
        return
    if context.zip_code is not None and context.locality is not None:
        raise FieldError("give --zip or --locality, not both", field="--zip")
    from clearclaim.pricing import pricer_for

    pricer_for(store).localities.resolve(day, zip_code=context.zip_code, locality=context.locality)


def _gap_finding(gap: DocumentationGap, day: date) -> Finding:
    rule = registry().rule(gap.rule)
    return Finding(
        rule_id=gap.rule,
        rule_name=rule.name,
        kind="documentation",
        severity=gap.severity,
        date_of_service=day,
        codes=tuple(gap.codes),
        code=gap.codes[0] if gap.codes else None,
        message=gap.message,
        action=gap.action,
        sources=tuple(rule.sources),
        uncertainty=rule.uncertainty,
        details={"element": gap.element, "gap_kind": gap.gap_kind},
    )


def _unique_findings(findings: list[Finding]) -> list[Finding]:
    """Each finding once: an edit the check acted on is also in the pass that found it."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Finding] = []
    for finding in findings:
        key = (finding.rule_id, finding.codes or finding.code, finding.related_code, finding.line)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _unique_warnings(warnings: list[DataWarning]) -> list[DataWarning]:
    seen: set[str] = set()
    return [w for w in warnings if not (w.message in seen or seen.add(w.message))]  # type: ignore[func-returns-value]


def _undetermined_that_matters(note: NoteAnalysis, state: ClaimState, day: date) -> list[str]:
    """What the note left open that bears on this claim: physician presence only
    where 76000 is billed (the guidance codes' physician is the operator), the use
    of fluoroscopy only where a fluoroscopy code is billed, the procedure only
    where no intended code names it."""
    billed = {line.code for line in state.lines}
    fluoro = default_rules().expand(["@fluoro_codes"], on=day)
    coded = any(line.origin != "documented" and line.code not in fluoro for line in state.lines)
    relevant = {
        "physician_presence": bool(billed & {"76000", "76001"}),
        "fluoroscopy_use": bool(billed & fluoro),
        # the intended codes say what was done
        "procedure": not coded,
    }
    return [item for item in note.undetermined if relevant.get(item, True)]


def _procedure_from_codes(note: NoteAnalysis, claim: list[Line], day: date) -> bool:
    """The note names no procedure, but the intended codes do (a note in another
    language or a cancelled procedure stays undetermined)."""
    if {"language", "procedure_not_performed", "procedure_planned"} & set(note.undetermined):
        return False
    # an unfilled template documents nothing, whatever the codes say (a ticked
    # box says it was filled in)
    if not (
        note.elements
        or note.intraoperative_imaging
        or note.imaging_modalities
        or note.form_answered
    ):
        return False
    fluoro = default_rules().expand(["@fluoro_codes"], on=day)
    return any(line.code not in fluoro for line in claim)


def _undetermined_report(
    store: Store,
    context: ClaimContext,
    note: NoteAnalysis,
    claim: list[Line],
    pos: str,
    day: date,
    warnings: list[DataWarning],
) -> Report:
    state = ClaimState(
        lines=claim,
        pos=pos,
        equipment=context.equipment,
        setting=context.setting,
        day=day,
        note=note,
    )
    engine = engine_for(store)
    result = _edit_check(engine, state, context.setting)
    findings = list(result.findings) if result else []
    if result:
        warnings.extend(result.warnings)
    unreadable = "language" in note.undetermined
    if unreadable:
        # a note in another language: the intended codes the CMS edits leave are
        # listed, checked against the edits only (the note is not read for them)
        for line in state.lines:
            line.rationale.append("the note could not be read: checked against the CMS edits only")
        result = _apply_edits(store, engine, state, result, context.setting)
        # what the edits took off is in ``state.applied``; the rest is the final check's
        findings = list(result.findings) if result else []
        # the component modifiers follow the setting, not the note (26 in a facility)
        rule_engine_for(default_rules()).apply_modifier_rules(state)
    # a session the note says was cancelled: its codes are named as not billable
    drop_cancelled(state)
    findings += state.applied
    report = Report(
        context=_request_summary(context, pos, day),
        lines=[_line_out(line) for line in state.lines] if unreadable else [],
        suppressed=[_suppressed_out(item) for item in state.suppressed],
        documentation=Documentation(
            found={
                name: [Quote.model_validate(span) for span in spans]
                for name, spans in note.documentation_found().items()
            }
        ),
        findings=findings,
        payment=Payment(note="no billing recommendation"),
        denial_risks=[
            DenialRisk(
                rank=i,
                severity=f.severity,
                code=f.code,
                rule=f.rule_id,
                risk=f.message,
                what_to_do=f.action,
                source=f.source_text(),
            )
            for i, f in enumerate((f for f in findings if f.severity != "info"), start=1)
        ],
        warnings=_unique_warnings(warnings),
        note=_note_summary(note, []),
        undetermined=list(note.undetermined),
        needs_review=[
            "the note could not be read ("
            + (", ".join(note.undetermined) or "unknown")
            + "): a person must read it before the claim goes out"
        ],
        data_coverage=data_coverage(store, context.setting, pos, day),
    )
    return localize_report(report, context.language)


def _found_quotes(note: NoteAnalysis) -> dict[str, list[Quote]]:
    """``documentation.found``: element -> the note's supporting text. The spans
    come validated from the reader, so they are copied, not validated again
    (a note can have dozens, and this was a fifth of a check)."""
    return {
        name: [
            Quote.model_construct(start=s.start, end=s.end, text=s.text, section=s.section)
            for s in element.spans
        ]
        for name, element in sorted(note.elements.items())
    }


def _request_summary(context: ClaimContext, pos: str, day: date) -> RequestSummary:
    """What was asked, as the report and the audit trail record it (never the note)."""
    return RequestSummary(
        date_of_service=day.isoformat(),
        pos=pos,
        setting=context.setting,
        equipment=context.equipment,
        language=context.language,
        intended_codes=[
            f"{c.code}{''.join('-' + m for m in c.modifiers)}"
            + (f"x{c.units}" if c.units > 1 else "")
            for c in context.codes
        ],
        diagnoses=list(context.diagnoses),
    )


def _note_summary(note: NoteAnalysis, proposals: list[dict[str, Any]]) -> NoteSummary:
    return NoteSummary(
        language=note.language,
        determinable=note.determinable,
        fluoroscopy=note.fluoroscopy,
        physician_presence=note.physician_presence,
        procedures=[p.model_dump(mode="json", exclude={"span"}) for p in note.procedures],
        proposals=proposals,
    )


def _line_out(line: Line) -> ReportLine:
    rules = registry()
    sources = [
        source
        for rule_id in dict.fromkeys(line.rule_ids)
        if rule_id in rules
        for source in rules.rule(rule_id).sources
    ]
    return ReportLine(
        code=line.code,
        units=line.units,
        modifiers=list(line.modifiers),
        rationale="; ".join(line.rationale) or line.origin,
        origin=line.origin,
        sources=sources,
        evidence=[Quote.model_validate(span) for span in line.evidence],
    )


def _payments(
    store: Store, context: ClaimContext, state: ClaimState, pos: str, day: date
) -> tuple[Payment, list[DataWarning]]:
    from clearclaim.pricing import pricer_for

    pricer = pricer_for(store)
    priced: list[dict[str, Any]] = []
    warnings: list[DataWarning] = []
    seen: set[str] = set()
    total = 0.0
    complete = True
    for line in state.lines:
        modifier = next((m for m in line.modifiers if m in ("26", "TC")), None)
        try:
            result = pricer.price(
                line.code,
                modifier=modifier,
                date_of_service=day,
                zip_code=context.zip_code,
                locality=context.locality,
                pos=pos,
            )
        except ClearclaimError as exc:
            priced.append(
                {"code": line.code, "modifier": modifier, "amount": None, "reason": exc.message}
            )
            complete = False
            continue
        data = result.model_dump(mode="json", exclude={"amounts", "arithmetic"})
        data["units"] = line.units
        data["line_amount"] = (
            round(float(result.amount) * line.units, 2) if result.amount is not None else None
        )
        if data["line_amount"] is None:
            complete = False
        else:
            total += data["line_amount"]
        for warning in data.pop("warnings", []):
            if warning["message"] not in seen:
                seen.add(warning["message"])
                warnings.append(DataWarning.model_validate(warning))
        priced.append(data)
    payment = Payment(
        lines=priced,
        total=round(total, 2) if complete else None,
        note="physician fee schedule amounts per line before claim-level reductions",
    )
    return payment, warnings


def _short_topic(rule_id: str, reason: str) -> str:
    """A short query for the library: the rule's title, else the reason's first words
    (a long message dilutes the relevance of any one passage)."""
    rules = registry()
    if rule_id in rules:
        return rules.rule(rule_id).title
    return " ".join(reason.split()[:12])


def _library_passages(library: Any, report: Report) -> list[dict[str, Any]]:
    attached: list[dict[str, Any]] = []
    topics: list[tuple[str, str | None]] = [
        (f"{s.code} {_short_topic(s.rule, s.reason)}", s.code) for s in report.suppressed
    ]
    topics += [(" ".join(g.message.split()[:12]), None) for g in report.documentation.gaps[:3]]
    for topic, code in topics[:6]:
        try:
            passages = library.passages_for(topic, code, limit=2)
        except ClearclaimError:
            continue
        for passage in passages:
            item = passage.model_dump(mode="json") if hasattr(passage, "model_dump") else passage
            attached.append({"about": code or topic[:60], "passage": item})
    return attached
