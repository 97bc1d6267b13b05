"""``clearclaim price``: what Medicare pays for codes, with the arithmetic.

Register with ``app.command("price")(price_command)``. Errors become one line on
stderr and exit code 2 for bad input (1 for data or store problems), so this
works the same under ``clearclaim.cli.main`` and under a bare Typer app.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from clearclaim import Checker, ClaimPrice, ClearclaimError, DataCoverage, FieldError, PriceResult
from clearclaim.cli._shell import parse_date_option


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _split(code: str, modifier: str | None) -> tuple[str, str | None]:
    """``76000-26`` carries its own modifier; ``--modifier`` applies to the others."""
    base, sep, own = code.strip().partition("-")
    return (base, own) if sep and own else (base, modifier)


def _render(result: PriceResult) -> str:
    mod = f"-{result.modifier}" if result.modifier else ""
    loc = result.locality
    place = "national (GPCIs 1.000)" if loc.national else f"{loc.key} {loc.name}"
    if loc.state:
        place += f" ({loc.state})"
    if loc.zip_code:
        place += f", from ZIP {loc.zip_code}"
    setting = "facility" if result.setting == "facility" else "non-facility"
    lines = [
        f"{result.code}{mod}  {result.description or ''}".rstrip(),
        f"  date of service {result.date_of_service}  release {result.release}",
        f"  locality {place}",
        f"  POS {result.pos.code} {result.pos.name} ({setting})",
    ]
    chosen = result.amounts[result.setting]
    if result.amount is not None:
        capped = " (OPPS cap applied)" if result.opps_cap_applied else ""
        lines.append(
            f"  amount {_money(result.amount)}{capped}  non-participating "
            f"{_money(chosen.non_participating)}  limiting charge "
            f"{_money(chosen.limiting_charge)}"
        )
    else:
        lines.append(f"  amount: none, because {result.reason or 'CMS sets no amount'}")
    other = "facility" if result.setting == "non_facility" else "non_facility"
    other_amount = result.amounts[other]
    other_words = other.replace("_", "-")
    if other_amount.amount is not None:
        lines.append(f"  {other_words} amount {_money(other_amount.amount)}")
    else:
        lines.append(f"  {other_words} amount: none, because {other_amount.reason}")
    r, g = result.rvu.shown(), result.gpci.shown()
    lines.append(f"  RVUs  work {r['work']}  PE {r['pe']}  MP {r['mp']}  total {r['total']}")
    gpci_from = f" ({result.gpci.release})" if result.gpci.release else ""
    lines.append(
        f"  GPCIs work {g['work']}  PE {g['pe']}  MP {g['mp']}{gpci_from}"
        f"  CF {result.conversion_factor}"
    )
    lines.extend(f"  {line}" for line in result.arithmetic)
    ind = result.indicators
    for name, value in (
        ("status", ind.status),
        ("PC/TC", ind.pctc),
        ("global days", ind.global_days),
        ("multiple procedure", ind.mult_proc),
        ("imaging family", ind.imaging_family),
        ("supervision", ind.supervision),
    ):
        if value.code is not None:
            lines.append(f"  {name}: {value.code}" + (f" {value.label}" if value.label else ""))
    fac = result.facility_payment
    if fac is not None:
        if fac.rate is not None:
            lines.append(
                f"  facility payment ({fac.system} {fac.release}): SI {fac.status_indicator}"
                + (f" APC {fac.apc}" if fac.apc else "")
                + f" {_money(fac.rate)}. {fac.note}"
            )
        else:
            lines.append(f"  facility payment ({fac.system}): {fac.note}")
    lines.extend(f"  warning: {w.message}" for w in result.warnings)
    lines.extend(_coverage_lines(result.data_coverage))
    return "\n".join(lines)


def _coverage_lines(coverage: list[DataCoverage]) -> list[str]:
    """The data behind the price, one line per family: in force, nearest or missing."""
    lines = ["  data:"]
    for entry in coverage:
        if entry.state == "in_force":
            lines.append(f"    {entry.title}: {entry.release}, in force")
        elif entry.state == "nearest":
            lines.append(
                f"    {entry.title}: {entry.release}, NEAREST ({entry.days_away} days away): "
                f"{entry.why}"
            )
        else:
            lines.append(f"    {entry.title}: MISSING, not used: {entry.why}")
    return lines


def _render_claim(claim: ClaimPrice) -> str:
    setting = claim.setting.replace("_", "-")
    lines = [
        f"claim, {claim.date_of_service}, POS {claim.pos.code} ({setting}), "
        f"locality {claim.locality.key} {claim.locality.name}"
    ]
    for line in claim.lines:
        mod = f"-{line.modifier}" if line.modifier else ""
        unit = f" unit {line.unit}" if line.unit > 1 else ""
        fee, allowed = _money(line.fee_schedule_amount), _money(line.allowed)
        lines.append(
            f"  {line.line}{unit}. {line.code}{mod}: fee schedule {fee}, allowed {allowed}"
        )
        lines.extend(f"       {note}" for note in line.notes)
    lines.append(f"  total allowed {_money(claim.total)}")
    lines.extend(f"  note: {note}" for note in claim.notes)
    lines.extend(f"  warning: {w.message}" for w in claim.warnings)
    lines.extend(_coverage_lines(claim.data_coverage))
    return "\n".join(lines)


def price_command(
    codes: Annotated[
        list[str] | None,
        typer.Argument(help="HCPCS/CPT codes; CODE-26 or CODE-TC carries its own modifier."),
    ] = None,
    modifier: Annotated[
        str | None, typer.Option("--modifier", "-m", help="26 or TC (or 53 where CMS prices it).")
    ] = None,
    date_of_service: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="Date of service, YYYY-MM-DD (default: today)."
        ),
    ] = None,
    zip_code: Annotated[
        str | None, typer.Option("--zip", help="ZIP code: its locality from the CMS ZIP5 file.")
    ] = None,
    locality: Annotated[
        str | None, typer.Option("--locality", help="MAC-locality, e.g. 01112-05.")
    ] = None,
    pos: Annotated[
        str, typer.Option("--pos", help="Place of service: 11 office, 19/22 outpatient, 24 ASC.")
    ] = "11",
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON: a list, one object per code.")
    ] = False,
    claim: Annotated[
        bool,
        typer.Option("--claim", help="Price the codes as one claim (multiple procedure rules)."),
    ] = False,
    all_codes: Annotated[
        bool, typer.Option("--all", help="Export every priced code (needs --out).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Export file, .csv or .parquet (with --all).")
    ] = None,
) -> None:
    """What Medicare pays for CODES under the physician fee schedule, and why.

    National amounts unless --zip or --locality is given; facility or non-facility
    by --pos. Example: clearclaim price 76000 --locality 13202-01 --date 2026-07-15
    """
    try:
        day = parse_date_option(date_of_service, "--date") or date.today()
        if zip_code and locality:
            raise FieldError(
                "give either --zip or --locality, not both", field="--zip/--locality",
                hint="--zip finds the locality itself",
            )  # fmt: skip
        with Checker.open() as checker:
            if all_codes:
                if codes:
                    raise FieldError(
                        "--all exports every code: give no codes with it", field="codes"
                    )
                if out is None:
                    raise FieldError("--all needs --out FILE.csv or FILE.parquet", field="out")
                info = checker.export_fee_schedule(
                    out, date_of_service=day, locality=locality, zip_code=zip_code
                )
                if as_json:
                    typer.echo(info.model_dump_json(indent=2))
                else:
                    typer.echo(
                        f"wrote {info.rows} rows ({info.codes} code/modifier rows x "
                        f"{info.localities} localities) to {info.path} in {info.seconds:.1f} s "
                        f"from {info.release}"
                    )
                    for warning in info.warnings:
                        typer.echo(f"warning: {warning.message}", err=True)
                return
            if not codes:
                raise FieldError("give one or more codes, or --all --out FILE", field="codes")
            if out is not None:
                raise FieldError("--out is for the --all export", field="out")
            pairs = [_split(code, modifier) for code in codes]
            if claim:
                result = checker.price_claim(
                    pairs, date_of_service=day, zip_code=zip_code, locality=locality, pos=pos
                )
                if as_json:
                    typer.echo(result.model_dump_json(indent=2))
                else:
                    typer.echo(_render_claim(result))
                return
            results = [
                checker.price(
                    code,
                    modifier=mod,
                    date_of_service=day,
                    zip_code=zip_code,
                    locality=locality,
                    pos=pos,
                )
                for code, mod in pairs
            ]
            if as_json:
                typer.echo(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
            else:
                typer.echo("\n\n".join(_render(r) for r in results))
    except ClearclaimError as exc:
        typer.echo(f"clearclaim: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
