"""``clearclaim log``: the procedure log and its wRVUs (a thin shell over the Checker).

Registered in cli/main.py as the group ``log``. Bad input (an unknown code, a
date no release of its year values, absurd units, an unreadable file) prints
one line naming what and where and exits with code 2; an import reports each
rejected row by line and reason on stderr, keeps the rest, and exits 2 when
any row was rejected.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from clearclaim import Checker, InputError
from clearclaim.cli._shell import handle_errors, parse_date_option, print_json

log_app = typer.Typer(
    name="log",
    help="Procedure log: log procedures, total their wRVUs by the release in force, benchmark.",
    no_args_is_help=True,
)
benchmarks_app = typer.Typer(
    name="benchmarks", help="Your wRVU benchmark table (MGMA, AMGA, SullivanCotter ...).",
    no_args_is_help=True,
)  # fmt: skip
log_app.add_typer(benchmarks_app, name="benchmarks")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ProviderOption = Annotated[str | None, typer.Option("--provider", help="Only this provider.")]
FromOption = Annotated[str | None, typer.Option("--from", help="First date of service.")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last date of service.")]
ContractOption = Annotated[
    Path | None,
    typer.Option("--contract", help="wRVU contract (YAML); default: the shipped contract."),
]


def _checker() -> Checker:
    return Checker.open()


def _modifiers(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(m.strip() for m in value.replace(";", ",").split(",") if m.strip())
    return out


@log_app.command("add")
@handle_errors
def add_command(
    date: Annotated[
        str, typer.Option("--date", metavar="YYYY-MM-DD", help="Date of service (YYYY-MM-DD).")
    ],
    code: Annotated[str, typer.Option("--code", help="CPT/HCPCS code.")],
    modifiers: Annotated[
        list[str] | None,
        typer.Option("--modifiers", "--modifier", help="Modifiers: 26,59 or repeat the option."),
    ] = None,
    units: Annotated[int, typer.Option("--units", help="Units.")] = 1,
    provider: Annotated[str | None, typer.Option("--provider", help="Provider.")] = None,
    pos: Annotated[str | None, typer.Option("--pos", help="Place of service (default 11).")] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Log it even if the same entry is already logged.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Log one procedure."""
    with _checker() as checker:
        entry_id = checker.log_add(
            day=date, code=code, modifiers=_modifiers(modifiers), units=units,
            provider=provider, pos=pos, again=again,
        )  # fmt: skip
    if json_output:
        print_json({"entry_id": entry_id})
    else:
        typer.echo(f"logged entry {entry_id}")


@log_app.command("import")
@handle_errors
def import_command(
    path: Annotated[Path, typer.Argument(help="A CSV or .xlsx export of procedures.")],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FIELD=Column for a column of another name (repeatable); "
            "fields: code date provider units modifier1-4 modifiers pos.",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Import procedures; bad rows are reported by line, the rest imported in one transaction."""
    with _checker() as checker:
        result = checker.log_import(path, mapping=mapping or [])
    for problem in result.problems:
        if problem.status == "rejected":
            typer.echo(f"clearclaim: {problem.describe(result.source)}", err=True)
    if json_output:
        print_json(result.model_dump(mode="json"))
    else:
        typer.echo(
            f"{result.source}: {result.rows_read} rows read, {result.added} added, "
            f"{result.rejected} rejected, {result.duplicates} already logged"
            + (f", {result.flagged} flagged as possible duplicates" if result.flagged else "")
        )
        for problem in result.problems:
            if problem.status == "flagged":
                typer.echo(f"  {problem.describe(result.source)}")
    if result.rejected:
        raise typer.Exit(2)


@log_app.command("report")
@handle_errors
def report_command(
    provider: ProviderOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    by: Annotated[
        str, typer.Option("--by", help="day, week, month, quarter, code or provider.")
    ] = "month",
    rate: Annotated[float | None, typer.Option("--rate", help="$ per wRVU.")] = None,
    compare_year: Annotated[
        int | None,
        typer.Option("--compare-year", help="Also value the log under that year's RVUs."),
    ] = None,
    contract: ContractOption = None,
    benchmark: Annotated[
        str | None, typer.Option("--benchmark", help="Benchmark table (default: the last loaded).")
    ] = None,
    no_payment: Annotated[
        bool, typer.Option("--no-payment", help="Skip the Medicare payment estimates.")
    ] = False,
    json_output: JsonOption = False,
    csv_output: Annotated[bool, typer.Option("--csv", help="Print the rows as CSV.")] = False,
) -> None:
    """wRVUs valued by the release in force on each date, grouped, with payment and benchmarks."""
    if rate is not None and rate < 0:
        raise InputError(f"--rate: {rate:g} is not a rate per wRVU")
    with _checker() as checker:
        report = checker.log_report(
            provider=provider,
            start=parse_date_option(date_from, "--from"),
            end=parse_date_option(date_to, "--to"),
            by=by, rate=rate, compare_year=compare_year, contract=contract,
            payments=not no_payment, benchmark=benchmark,
        )  # fmt: skip
    if json_output:
        print_json(report.to_dict())
        return
    if csv_output:
        buffer = io.StringIO()
        fields = ["group", "procedures", "units", "wrvu", "compensation", "medicare_payment",
                  "compare_wrvu", "compare_difference"]  # fmt: skip
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in report.rows:
            writer.writerow(row.model_dump())
        typer.echo(buffer.getvalue(), nl=False)
        return
    _print_report(report.to_dict())


def _print_report(report: dict[str, Any]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    title = f"wRVU by {report['by']}" + (f", {report['provider']}" if report["provider"] else "")
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(report["by"])
    for name in ("procedures", "units", "wRVU"):
        table.add_column(name, justify="right")
    if report["rate_per_wrvu"] is not None:
        table.add_column("earned", justify="right")  # wRVU x rate
    if report["total_medicare_payment"] is not None:
        table.add_column("Medicare", justify="right")
    if report["compare_year"] is not None:
        table.add_column(f"wRVU {report['compare_year']}", justify="right")
    for row in report["rows"]:
        cells = [row["group"] or "(none)", str(row["procedures"]), str(row["units"]),
                 f"{row['wrvu']:,.2f}"]  # fmt: skip
        if report["rate_per_wrvu"] is not None:
            cells.append(f"${row['compensation']:,.2f}")
        if report["total_medicare_payment"] is not None:
            paid = row["medicare_payment"]
            cells.append("-" if paid is None else f"${paid:,.2f}")
        if report["compare_year"] is not None:
            cells.append(f"{row['compare_wrvu']:,.2f}")
        table.add_row(*cells)
    console.print(table)
    line = f"total {report['total_wrvu']:,.2f} wRVU over {report['procedures']} procedures"
    if report["total_compensation"] is not None:
        line += f"; ${report['total_compensation']:,.2f} at ${report['rate_per_wrvu']:g}/wRVU"
    if report["total_medicare_payment"] is not None:
        line += f"; Medicare ${report['total_medicare_payment']:,.2f} (before reductions)"
    console.print(line)
    if report["compare_year"] is not None:
        console.print(
            f"under {report['compare_year']} RVUs: {report['compare_total_wrvu']:,.2f} wRVU"
            + (f" ({report['compare_unvalued']} procedures not in that year's file)"
               if report["compare_unvalued"] else "")
        )  # fmt: skip
    console.print(f"releases: {', '.join(report['releases']) or '-'}; contract "
                  f"{report['contract']}")  # fmt: skip
    for item in report["benchmarks"]:
        console.print(
            f"{item['provider'] or '(no provider)'}: {item['annualised_wrvu']:,.0f} wRVU a year "
            f"({item['days']} days), {item['placement']}"
        )
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning['message']}")


@log_app.command("plan")
@handle_errors
def plan_command(
    goal: Annotated[float, typer.Option("--goal", help="wRVU goal.")],
    by: Annotated[str, typer.Option("--by", help="Reach it by this date (YYYY-MM-DD).")],
    provider: ProviderOption = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Count from this date (default: 1 January).")
    ] = None,
    contract: ContractOption = None,
    json_output: JsonOption = False,
) -> None:
    """How many of which procedures reach a wRVU goal by a date, in the provider's mix."""
    day = parse_date_option(by, "--by")
    assert day is not None
    with _checker() as checker:
        result = checker.log_plan(
            goal=goal, by=day, provider=provider, start=parse_date_option(date_from, "--from"),
            contract=contract,
        )  # fmt: skip
    if json_output:
        print_json(result.to_dict())
        return
    typer.echo(
        f"goal {result.goal:,.0f} wRVU by {result.by}: {result.done_wrvu:,.2f} done since "
        f"{result.date_from}, {result.remaining_wrvu:,.2f} to go in {result.days_left} days "
        f"({result.per_week_wrvu:,.2f} a week); valued with {result.release}"
    )
    if result.remaining_wrvu <= 0:
        typer.echo("the goal is reached: no more procedures needed")
    for line in result.lines if result.remaining_wrvu > 0 else []:
        typer.echo(
            f"  {line.procedures:>6} x {line.code:<8} {line.wrvu_each:>7.2f} wRVU each "
            f"= {line.wrvu:>9,.2f}  ({line.share:.0%} of the mix) {line.description or ''}"
        )
    for warning in result.warnings:
        typer.echo(f"warning: {warning.message}", err=True)


@log_app.command("chart")
@handle_errors
def chart_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the PNG and HTML files.")],
    provider: ProviderOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    by: Annotated[str, typer.Option("--by", help="day, week, month or quarter.")] = "month",
    contract: ContractOption = None,
) -> None:
    """wRVU over time, by code and against the benchmark: PNG files and one HTML file."""
    with _checker() as checker:
        paths = checker.log_chart(
            out, provider=provider, start=parse_date_option(date_from, "--from"),
            end=parse_date_option(date_to, "--to"), by=by, contract=contract,
        )  # fmt: skip
    for path in paths:
        typer.echo(str(path))


@log_app.command("list")
@handle_errors
def list_command(
    provider: ProviderOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    include_voided: Annotated[bool, typer.Option("--all", help="Include void entries.")] = False,
    json_output: JsonOption = False,
) -> None:
    """The log as it stands (edits applied)."""
    with _checker() as checker:
        rows = checker.log_entries(
            provider=provider, start=parse_date_option(date_from, "--from"),
            end=parse_date_option(date_to, "--to"), include_voided=include_voided,
        )  # fmt: skip
    if json_output:
        print_json(rows)
        return
    for row in rows:
        mods = f"-{row['modifiers'].replace(',', '-')}" if row["modifiers"] else ""
        void = "  VOID" if row["voided"] else ""
        typer.echo(
            f"{row['entry_id']:>7}  {row['date_of_service']}  {row['code']}{mods} x{row['units']}"
            f"  {row['provider'] or '-'}  POS {row['pos']}{void}"
        )


@log_app.command("edit")
@handle_errors
def edit_command(
    entry_id: Annotated[int, typer.Argument(help="Entry id (log list).")],
    units: Annotated[int | None, typer.Option("--units")] = None,
    code: Annotated[str | None, typer.Option("--code")] = None,
    date: Annotated[str | None, typer.Option("--date")] = None,
    modifiers: Annotated[
        str | None, typer.Option("--modifiers", help="The new modifiers (26,59; '' for none).")
    ] = None,
    provider: Annotated[str | None, typer.Option("--provider")] = None,
    pos: Annotated[str | None, typer.Option("--pos")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Who (default: you).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Change an entry: the change is added to its history, nothing is overwritten."""
    with _checker() as checker:
        history = checker.log_edit(
            entry_id, user=user, reason=reason, units=units, code=code, date_of_service=date,
            modifiers=_modifiers([modifiers]) if modifiers is not None else None,
            provider=provider, pos=pos,
        )  # fmt: skip
    if json_output:
        print_json(history)
    else:
        typer.echo(f"entry {entry_id}: {len(history)} changes in its history")


@log_app.command("void")
@handle_errors
def void_command(
    entry_id: Annotated[int, typer.Argument(help="Entry id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the history).")],
    user: Annotated[str | None, typer.Option("--user", help="Who (default: you).")] = None,
) -> None:
    """Take an entry out of every total; it stays in the log with its history."""
    with _checker() as checker:
        checker.log_void(entry_id, reason=reason, user=user)
    typer.echo(f"entry {entry_id} is void")


@log_app.command("history")
@handle_errors
def history_command(
    entry_id: Annotated[int | None, typer.Argument(help="Entry id (default: all).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Who changed what, when."""
    with _checker() as checker:
        rows = checker.log_history(entry_id)
    if json_output:
        print_json(rows)
        return
    for row in rows:
        what = (f"{row['field']}: {row['old_value']} -> {row['new_value']}"
                if row["action"] == "edit" else row["action"])  # fmt: skip
        why = f"  ({row['reason']})" if row["reason"] else ""
        typer.echo(f"{row['changed_at']}  {row['changed_by']}  entry {row['entry_id']}  "
                   f"{what}{why}")  # fmt: skip


@log_app.command("export")
@handle_errors
def export_command(
    path: Annotated[Path, typer.Argument(help="FILE.csv, FILE.parquet or FILE.xlsx.")],
) -> None:
    """Export the log as it stands (void entries marked)."""
    with _checker() as checker:
        count = checker.log_export(path)
    typer.echo(f"{path}: {count} entries")


@log_app.command("provider")
@handle_errors
def provider_command(
    name: Annotated[str, typer.Argument(help="Provider as logged.")],
    specialty: Annotated[
        str | None, typer.Option("--specialty", help="As named in your benchmark table.")
    ] = None,
    locality: Annotated[
        str | None, typer.Option("--locality", help="Payment locality MAC-LL.")
    ] = None,
    zip_code: Annotated[str | None, typer.Option("--zip", help="ZIP code of the practice.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Set a provider's specialty and payment locality."""
    with _checker() as checker:
        row = checker.log_provider(name, specialty=specialty, locality=locality,
                                   zip_code=zip_code)  # fmt: skip
    if json_output:
        print_json(row)
    else:
        typer.echo(json.dumps(row))


@benchmarks_app.command("load")
@handle_errors
def benchmarks_load_command(
    path: Annotated[Path, typer.Argument(help="CSV: specialty and percentile columns.")],
    name: Annotated[str | None, typer.Option("--name", help="Table name (default: file)")] = None,
    json_output: JsonOption = False,
) -> None:
    """Load your benchmark table (replaces a table of the same name)."""
    with _checker() as checker:
        result = checker.log_benchmarks_load(path, name=name)
    for problem in result["problems"]:
        typer.echo(f"clearclaim: {path.name}, line {problem['line']}, field "
                   f"{problem['field']}: {problem['reason']}", err=True)  # fmt: skip
    if json_output:
        print_json(result)
    else:
        typer.echo(f"benchmark table {result['name']}: {result['rows']} percentile rows")
    if result["problems"]:
        raise typer.Exit(2)
