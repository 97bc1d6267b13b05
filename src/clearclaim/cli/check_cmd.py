"""``clearclaim check``: a procedure note and the intended codes in, the report out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from clearclaim import FieldError, InputError
from clearclaim.cli._shell import (
    console,
    handle_errors,
    parse_date_option,
    print_json,
)

MAX_NOTE_BYTES = 2_000_000


def read_note(source: str) -> bytes:
    """The note's bytes from a file or ``-`` (stdin); the text itself is never echoed."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"note file not found: {source}")
        if path.stat().st_size > MAX_NOTE_BYTES:
            raise InputError(f"{source}: the note is larger than {MAX_NOTE_BYTES:,} bytes")
        data = path.read_bytes()
    if len(data) > MAX_NOTE_BYTES:
        raise InputError(f"the note is larger than {MAX_NOTE_BYTES:,} bytes")
    return data


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{source}: the note is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{source}: the note is not UTF-8 text") from None


@handle_errors
def check_command(
    note: Annotated[
        str, typer.Argument(metavar="NOTE", help="The procedure note: a text file, or - for stdin.")
    ],
    codes: Annotated[
        str | None,
        typer.Option(
            metavar="CODES", help="Intended codes, comma separated: 62323,77003-26,77002x2."
        ),
    ] = None,
    pos: Annotated[
        str | None, typer.Option(metavar="NN", help="Place of service (11 office, 22 HOPD...).")
    ] = None,
    equipment: Annotated[
        str | None,
        typer.Option(metavar="facility|physician", help="Who owns the fluoroscopy unit."),
    ] = None,
    date_of_service: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="Date of service (default today)."),
    ] = None,
    setting: Annotated[
        str, typer.Option(metavar="professional|facility", help="Claim type: CMS-1500 or UB-04.")
    ] = "professional",
    lang: Annotated[
        str, typer.Option(metavar="LANG", help="Language of the labels (en, es, zh, ...).")
    ] = "en",
    zip_code: Annotated[
        str | None, typer.Option("--zip", metavar="ZIP", help="ZIP code for the locality.")
    ] = None,
    locality: Annotated[
        str | None, typer.Option(metavar="MAC-LL", help="Payment locality, e.g. 01112-05.")
    ] = None,
    dx: Annotated[
        str | None,
        typer.Option(
            "--dx", metavar="ICD10,...", help="Diagnosis codes (ICD-10-CM): M54.16,M47.816."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    audit: Annotated[
        bool, typer.Option(help="Record the decisions (never the note) in the audit trail.")
    ] = True,
) -> None:
    """Check a procedure note and its codes: what to bill, what not and why, the gaps.

    Example: clearclaim check note.txt --codes 62323,77003 --pos 22 --equipment facility
    --date 2026-08-03
    """
    from clearclaim import Checker, ClaimContext, normalize_language, parse_codes

    if equipment not in (None, "facility", "physician"):
        raise FieldError(f"{equipment!r}: use facility or physician", field="--equipment")
    if setting not in ("professional", "facility"):
        raise FieldError(f"{setting!r}: use professional or facility", field="--setting")
    language = normalize_language(lang)
    day = parse_date_option(date_of_service)
    text = _decode(read_note(note), "the note" if note == "-" else note)
    try:
        context = ClaimContext(
            note=text,
            codes=parse_codes(codes),
            pos=pos,
            equipment=equipment,
            date_of_service=day,
            setting=setting,
            language=language,
            zip_code=zip_code,
            locality=locality,
            diagnoses=dx,
        )
    except ValueError as exc:  # pydantic: the message names the field, never the note
        errors: list[dict[str, Any]] = getattr(exc, "errors", lambda: [])()
        first = errors[0] if errors else {"loc": ("input",), "msg": str(exc)}
        field = str(first["loc"][0]) if first.get("loc") else "input"
        field = {"diagnoses": "dx", "date_of_service": "date", "zip_code": "zip"}.get(field, field)
        raise FieldError(str(first["msg"]), field="--" + field) from None
    with Checker.open() as checker:
        report = checker.check(context, audit=audit).to_dict()
    if as_json:
        print_json(report)
    else:
        render(report, language)


def render(report: dict[str, Any], language: str) -> None:
    """The report on the terminal. Every text from a note, a rule or a document is
    escaped: a ``[`` in it is text, never Rich markup."""
    from clearclaim import gettext_for

    t = gettext_for(language)
    ctx = report["context"]
    console.print(
        f"[bold]clearclaim check[/bold]  {ctx['date_of_service']}  POS {ctx['pos']}  "
        f"{ctx['setting']}  equipment: {escape(str(ctx['equipment'] or '-'))}"
    )
    bill = Table(t("Code"), t("Units"), t("Modifiers"), t("Why"), title=t("Bill"))
    for line in report["lines"]:
        why = line["rationale"]
        if line["origin"] == "documented":
            why = f"{t('from the note').upper()}: {why}"
        bill.add_row(
            line["code"], str(line["units"]), " ".join(line["modifiers"]) or "-", escape(why)
        )
    console.print(bill)
    if report["suppressed"]:
        table = Table(t("Code"), t("Rule"), t("Why"), t("What to do"), title=t("Do not bill"))
        for item in report["suppressed"]:
            instead = item.get("action") or ""
            if item.get("replaced_by"):
                instead = f"{t('Bill')} {item['replaced_by']}. " + instead
            table.add_row(item["code"], item["rule"], escape(item["reason"]), escape(instead))
        console.print(table)
    docs = report["documentation"]
    console.print(
        f"[bold]{t('Documentation missing')}:[/bold] {', '.join(docs['missing']) or t('none')}"
    )
    for gap in docs.get("gaps", []):
        console.print(
            f"  [bold]{gap['element']}[/bold] ({gap['gap_kind']}): {escape(gap['prompt'])}"
        )
    pay = Table(
        t("Code"), t("Modifier"), t("Amount"), t("Setting"), t("Release"), t("Facility payment"),
        title=t("Medicare payment"),
    )  # fmt: skip
    for line in report["payment"].get("lines", []):
        amount = line.get("line_amount", line.get("amount"))
        facility = line.get("facility_payment") or {}
        facility_text = (
            f"{facility['system']} APC {facility.get('apc') or '-'} SI "
            f"{facility.get('status_indicator') or '-'}: ${facility['rate']:,.2f}"
            if facility.get("rate") is not None
            else " ".join(
                part
                for part in (
                    facility.get("system"),
                    f"SI {facility.get('status_indicator')}"
                    if facility.get("status_indicator")
                    else "",
                )
                if part
            )
            or "-"
        )
        pay.add_row(
            line["code"],
            line.get("modifier") or "-",
            f"${amount:,.2f}" if amount is not None else escape(line.get("reason") or "-"),
            str(line.get("setting", "")),
            str(line.get("release", "")),
            escape(facility_text),
        )
    console.print(pay)
    if report["denial_risks"]:
        risks = Table("#", "severity", "code", "risk", title=t("Denial risks"))
        for risk in report["denial_risks"][:10]:
            risks.add_row(
                str(risk["rank"]), risk["severity"], str(risk["code"] or ""), escape(risk["risk"])
            )
        console.print(risks)
    for reason in report.get("needs_review", []):
        console.print(f"[bold magenta]needs review:[/bold magenta] {escape(reason)}")
    not_checked = [c for c in report.get("data_coverage", []) if c["state"] == "missing"]
    if not_checked:
        console.print(
            "[bold red]not checked for this date:[/bold red] "
            + escape(", ".join(c["title"] for c in not_checked))
            + " (no release loaded: no finding here is not a pass)"
        )
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {escape(warning['message'])}")
    for item in report.get("library", []):
        passage = item["passage"]
        console.print(
            f"[cyan]your library on {escape(str(item['about']))}:[/cyan] "
            + escape(
                f'"{passage.get("quote", "")}" '
                f"({passage.get('document', '')}, {passage.get('location', '')})"
            )
        )
    if report["undetermined"]:
        console.print(f"could not determine: {escape(', '.join(report['undetermined']))}")
