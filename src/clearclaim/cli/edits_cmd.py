"""``clearclaim edits`` (is there a PTP edit between two codes?) and ``clearclaim
scrub`` (check a claim file).

Register with ``app.command("edits")(edits_command)`` and
``app.command("scrub")(scrub_command)``. Errors become one line on stderr with
exit code 2 for bad input (1 for data or store problems), under
``clearclaim.cli.main`` or a bare Typer app (``python -m clearclaim.cli.edits_cmd``).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from clearclaim import Checker, FieldError, PairLookup, ScrubReport
from clearclaim.cli._shell import handle_errors

SettingOpt = Annotated[
    str,
    typer.Option(
        "--setting",
        help="professional (practitioner tables) or facility (outpatient hospital tables)",
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="store path (default: $CLEARCLAIM_DB or the per-user store)"),
]


def _open(db: str | None) -> Checker:
    return Checker.open(db)


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError("not a date (YYYY-MM-DD)", field="--date", value=text) from None


def render_pair(lookup: PairLookup) -> str:
    """The plain-text answer of ``clearclaim edits``."""
    head = (
        f"{lookup.code_1} / {lookup.code_2} on {lookup.date_of_service.isoformat()} "
        f"({lookup.setting}: NCCI PTP edits release {lookup.release}"
        f"{'' if lookup.release_in_force else ', not in force on that date'})"
    )
    out = [head]
    if not lookup.edits:
        out.append(f"  no PTP edit between {lookup.code_1} and {lookup.code_2}, either direction")
    for edit in lookup.edits:
        state = "IN FORCE" if edit.applies else ("in force" if edit.in_force else "not in force")
        deletion = edit.deletion_date.isoformat() if edit.deletion_date else "none"
        out += [
            f"  column 1 {edit.column_1}, column 2 {edit.column_2}: {state} ({edit.why})",
            f"    modifier indicator {edit.modifier_indicator} ({edit.modifier_indicator_label}): "
            f"{edit.modifier_indicator_meaning}",
            f"    deletion date {deletion}; rationale: {edit.rationale}",
            f"    source: {edit.source.file}, row {edit.source.row}",
        ]
    if lookup.in_force:
        denied = lookup.in_force[0]
        out.append(
            f"  billed together on this date, {denied.column_2} is denied"
            + (
                " unless an NCCI-associated modifier shows a distinct service"
                if denied.modifier_indicator == "1"
                else "; no modifier bypasses the edit"
            )
        )
    out += [f"  {note}" for note in lookup.add_on]
    out += [f"warning: {w.message}" for w in lookup.warnings]
    return "\n".join(out)


@handle_errors
def edits_command(
    code1: Annotated[str, typer.Argument(help="a HCPCS/CPT code")],
    code2: Annotated[str, typer.Argument(help="another HCPCS/CPT code")],
    date_: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="date of service YYYY-MM-DD (default: today)"
        ),
    ] = None,
    setting: SettingOpt = "professional",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    db: DbOpt = None,
) -> None:
    """Is there an NCCI PTP edit between two codes (either direction), and is it in
    force on the date of service?"""
    day = _day(date_)
    with _open(db) as checker:
        lookup = checker.edits(code1, code2, day=day, setting=setting)
    if as_json:
        typer.echo(lookup.model_dump_json(indent=2))
    else:
        typer.echo(render_pair(lookup))


@handle_errors
def scrub_command(
    file: Annotated[Path, typer.Argument(help="claim lines: CSV (or .csv.gz), .xlsx or Parquet")],
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="findings CSV, or a folder for FILE.findings.csv (default: beside FILE); "
            "never the claim file",
        ),
    ] = None,
    errors: Annotated[
        str | None,
        typer.Option(
            "--errors",
            help="rejected rows CSV, or a folder (default: FILE.errors.csv, written when a "
            "row is rejected)",
        ),
    ] = None,
    column_map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="columns the file names otherwise: claim_id=Encounter,code=Proc "
            "(fields: claim_id, line, date_of_service, pos, code, modifiers, units)",
        ),
    ] = None,
    setting: SettingOpt = "professional",
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="progress bar (default: on a terminal)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    db: DbOpt = None,
) -> None:
    """Check every line of a claim file (claim ID, date of service and code; line,
    units, modifiers and POS when present) against PTP, MUE, add-on, PC/TC and
    status edits."""
    show = sys.stderr.isatty() if progress is None else progress
    with _open(db) as checker:
        report = checker.scrub(
            file,
            out=out,
            errors=errors,
            setting=setting,
            progress=show,
            column_map=column_map or None,
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
        return
    typer.echo(render_summary(report), err=True)


def render_summary(report: ScrubReport) -> str:
    """The terminal summary of a scrub: counts, per rule, what could not be checked."""
    severities = ", ".join(
        f"{n:,} {sev}" for sev, n in sorted(report.by_severity.items(), key=_severity_order)
    )
    out = [
        f"scrubbed {report.lines_checked:,} lines ({report.claims:,} claims) in "
        f"{report.seconds:.1f} s: {report.findings:,} findings"
        + (f" ({severities})" if severities else ""),
        f"findings: {report.out}",
    ]
    if report.by_rule:
        out.append("  rule      findings    claims")
        out += [
            f"  {rule:<8}{n:>10,}{report.claims_by_rule.get(rule, 0):>10,}"
            for rule, n in report.by_rule.items()
        ]
    claims = ", ".join(
        f"{n:,} {sev}"
        for sev, n in sorted(report.claims_by_severity.items(), key=_severity_order)
        if n
    )
    if claims:
        out.append(f"claims by most serious finding: {claims}")
    if report.rows_rejected:
        out.append(f"rejected rows: {report.rows_rejected:,}, reasons in {report.errors_out}")
    if report.blank_lines:
        out.append(f"blank lines skipped: {report.blank_lines:,}")
    if report.incomplete_claims:
        line = (
            f"incomplete claims (a row rejected): {report.incomplete_claims:,}, judged without "
            "the rejected rows"
        )
        if report.withheld:
            held = ", ".join(f"{n:,} {rule}" for rule, n in report.withheld.items())
            line += (
                f"; findings that depend on the missing lines withheld: {held} "
                "(fix the rejected rows and scrub again)"
            )
        out.append(line)
    for span in report.data_coverage:
        if span["state"] == "nearest":
            out.append(
                f"data: {span['title']} for {span['first_dos']} to {span['last_dos']} answered "
                f"by {span['release']} (not in force on those dates)"
            )
    for missing in report.checks_not_made:
        out.append(f"NOT CHECKED: {missing}")
    if report.clean:
        out.append("clean: no findings, every check made")
    elif not report.findings and report.checks_not_made:
        out.append("no findings, but not clean: some checks could not be made (above)")
    out += [f"warning: {w.message}" for w in report.warnings]
    return "\n".join(out)


def _severity_order(item: tuple[str, int]) -> int:
    return {"deny": 0, "warn": 1, "info": 2, "none": 3}.get(item[0], 4)


def _standalone() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True)
    app.command("edits")(edits_command)
    app.command("scrub")(scrub_command)
    return app


if __name__ == "__main__":
    _standalone()()
