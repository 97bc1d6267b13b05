"""``clearclaim check``: a procedure note and the intended codes in, the report out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearclaim.cli._shell import (
    console,
    handle_errors,
    parse_date_option,
    print_json,
)
from clearclaim.errors import FieldError, InputError

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
    note: Annotated[str, typer.Argument(help="The procedure note: a text file, or - for stdin.")],
    codes: Annotated[
        str | None,
        typer.Option(help="Intended codes, comma separated: 62323,77003-26,77002x2."),
    ] = None,
    pos: Annotated[
        str | None, typer.Option(help="Place of service (11 office, 22 HOPD...).")
    ] = None,
    equipment: Annotated[
        str | None, typer.Option(help="Who owns the fluoroscopy unit: facility or physician.")
    ] = None,
    date_of_service: Annotated[
        str | None, typer.Option("--date", help="Date of service, YYYY-MM-DD (default today).")
    ] = None,
    setting: Annotated[
        str, typer.Option(help="Claim type: professional (CMS-1500) or facility (UB-04).")
    ] = "professional",
    lang: Annotated[str, typer.Option(help="Language of the labels (en, es, zh, ...).")] = "en",
    zip_code: Annotated[
        str | None, typer.Option("--zip", help="ZIP code for the locality.")
    ] = None,
    locality: Annotated[
        str | None, typer.Option(help="Payment locality as MAC-LL, e.g. 01112-05.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    audit: Annotated[
        bool, typer.Option(help="Record the decisions (never the note) in the audit trail.")
    ] = True,
) -> None:
    """Check a procedure note and its codes: what to bill, what not and why, the gaps."""
    from clearclaim import Checker
    from clearclaim.checker import ClaimContext, parse_codes
    from clearclaim.i18n import normalize_language

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
        )
    except ValueError as exc:  # pydantic: the message names the field, never the note
        errors = getattr(exc, "errors", lambda: [])()
        first = errors[0] if errors else {"loc": ("input",), "msg": str(exc)}
        raise FieldError(str(first["msg"]), field="--" + str(first["loc"][0])) from None
    with Checker.open() as checker:
        report = checker.check(context, audit=audit).to_dict()
    if as_json:
        print_json(report)
    else:
        render(report, language)


def render(report: dict[str, Any], language: str) -> None:
    from clearclaim.i18n import gettext_for

    t = gettext_for(language)
    ctx = report["context"]
    console.print(
        f"[bold]clearclaim check[/bold]  {ctx['date_of_service']}  POS {ctx['pos']}  "
        f"{ctx['setting']}  equipment: {ctx['equipment'] or '-'}"
    )
    bill = Table("code", "units", "modifiers", "why", title=t("Bill"))
    for line in report["lines"]:
        bill.add_row(
            line["code"], str(line["units"]), " ".join(line["modifiers"]) or "-", line["rationale"]
        )
    console.print(bill)
    if report["suppressed"]:
        table = Table("code", "rule", "why", title=t("Do not bill"))
        for item in report["suppressed"]:
            table.add_row(item["code"], item["rule"], item["reason"])
        console.print(table)
    docs = report["documentation"]
    console.print(
        f"[bold]{t('Documentation missing')}:[/bold] {', '.join(docs['missing']) or t('none')}"
    )
    pay = Table(
        "code", "modifier", "amount", "setting", "release", "facility payment",
        title=t("Medicare payment"),
    )
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
            f"${amount:,.2f}" if amount is not None else (line.get("reason") or "-"),
            str(line.get("setting", "")),
            str(line.get("release", "")),
            facility_text,
        )
    console.print(pay)
    if report["denial_risks"]:
        risks = Table("#", "severity", "code", "risk", title=t("Denial risks"))
        for risk in report["denial_risks"][:10]:
            risks.add_row(
                str(risk["rank"]), risk["severity"], str(risk["code"] or ""), risk["risk"]
            )
        console.print(risks)
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning['message']}", markup=True)
    for item in report.get("library", []):
        passage = item["passage"]
        console.print(
            f'[cyan]your library on {item["about"]}:[/cyan] "{passage.get("quote", "")}" '
            f"({passage.get('document', '')}, {passage.get('location', '')})",
            markup=True,
        )
    if report["undetermined"]:
        console.print(f"could not determine: {', '.join(report['undetermined'])}")
