"""``clearclaim data``: import, inspect and fetch CMS release files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from clearclaim import Checker, DataCoverage, InputError
from clearclaim.cli._shell import (
    console,
    err_console,
    handle_errors,
    parse_date_option,
    print_json,
)

if TYPE_CHECKING:
    from clearclaim import ImportReport

data_app = typer.Typer(help="Import, inspect and fetch CMS release files.", no_args_is_help=True)

SHOWN_ROW_ERRORS = 20


def _report(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {
                    "file": f.display,
                    "status": f.status,
                    "family": f.family,
                    "rows_read": f.rows_read,
                    "rows_imported": f.rows_imported,
                    "rows_rejected": f.rows_rejected,
                    "notes_skipped": f.notes_skipped,
                    "releases": [
                        {
                            "release": r.label,
                            "effective_start": r.effective_start.isoformat(),
                            "effective_end": r.effective_end.isoformat(),
                            "rows": r.rows,
                        }
                        for r in f.releases
                    ],
                    "errors": [
                        {"line": e.line, "field": e.field, "value": e.value, "message": e.message}
                        for e in f.errors[:SHOWN_ROW_ERRORS]
                    ],
                    "notices": [
                        {"line": e.line, "field": e.field, "value": e.value, "message": e.message}
                        for e in f.notices[:SHOWN_ROW_ERRORS]
                    ],
                    "message": f.message,
                }
                for f in report.files
            ]
        )
        return
    table = Table("file", "status", "family", "release(s)", "rows", "rejected", title="import")
    for f in report.files:
        releases = ", ".join(dict.fromkeys(r.label for r in f.releases))
        table.add_row(
            Path(f.display.split("!")[-1]).name,
            f.status,
            f.family,
            releases,
            str(f.rows_imported),
            str(f.rows_rejected),
        )
    console.print(table)
    for f in report.files:
        for e in f.notices[:SHOWN_ROW_ERRORS]:
            where = f"line {e.line}" + (f", field {e.field}" if e.field else "")
            err_console.print(f"{f.display}, {where}: {e.message}", markup=False)
        for e in f.errors[:SHOWN_ROW_ERRORS]:
            where = f"line {e.line}" + (f", field {e.field}" if e.field else "")
            err_console.print(f"{f.display}, {where}: {e.message} (row skipped)", markup=False)
        if f.rows_rejected > SHOWN_ROW_ERRORS:
            err_console.print(
                f"{f.display}: {f.rows_rejected - SHOWN_ROW_ERRORS} more rejected rows"
                " (see 'clearclaim data status --json')",
                markup=False,
            )
        if f.status == "failed":
            err_console.print(f"clearclaim: {f.message}", markup=False)


@data_app.command("import")
@handle_errors
def import_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Folders, files or CMS release zips (default: the shipped files)."),
    ] = None,
    release: Annotated[
        str | None, typer.Option(help="Release name when the file name does not say (RVU26A).")
    ] = None,
    effective: Annotated[
        str | None, typer.Option(help="Effective start date when the file name does not say.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-import files already imported.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import CMS release files (idempotent: unchanged files are skipped by hash)."""
    targets: list[Path | str] = list(paths or [])
    if not targets and Checker.shipped_data() is None:
        raise InputError("no folder given and no shipped CMS files found")
    start = parse_date_option(effective, "--effective")
    with Checker.open(build=False) as checker:
        report = checker.import_files(
            targets,
            progress=not as_json and err_console.is_terminal,
            release=release,
            effective=start,
            force=force,
        )
    _report(report, as_json=as_json)
    if not report.ok:
        raise typer.Exit(1)


@data_app.command("status")
@handle_errors
def status_command(
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Date of service to summarise, YYYY-MM-DD (default: today).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """What answers a date (in force, nearest or missing), then each release and file."""
    day = parse_date_option(on, "--date") or date.today()
    with Checker.open(build=False) as checker:
        coverage = checker.coverage(day)
        status = checker.data_status()
    if as_json:
        print_json(
            {
                "date": day.isoformat(),
                "data_coverage": [c.model_dump(mode="json") for c in coverage],
                **status,
            }
        )
        return
    console.print(_coverage_table(day, coverage))
    missing = [c.title for c in coverage if c.state == "missing"]
    if missing:
        console.print(
            f"not checked on {day.isoformat()} (nothing loaded): {', '.join(missing)}",
            markup=False,
        )
    console.print(f"store: {status['store']} ({status['size_bytes'] / 1e6:.1f} MB)")
    table = Table("family", "release", "effective", "rows", "source file", title="releases")
    for r in status["releases"]:
        table.add_row(
            r["family"],
            r["label"],
            f"{r['effective_start']} .. {r['effective_end']}",
            str(r["row_count"]),
            r["source_name"],
        )
    console.print(table)
    files = Table("file", "family", "rows read", "imported", "rejected", "sha256", title="files")
    for f in status["files"]:
        files.add_row(
            f["name"],
            f["family"],
            str(f["rows_read"]),
            str(f["rows_imported"]),
            str(f["rows_rejected"]),
            f["sha256"][:12],
        )
    console.print(files)


def _coverage_table(day: date, coverage: list[DataCoverage]) -> Table:
    table = Table("data", "state", "release", "effective", "why", title=f"data for {day}")
    for entry in coverage:
        state = entry.state
        if state == "nearest":
            state = f"nearest ({entry.days_away} days away)"
        span = (
            f"{entry.effective_start} .. {entry.effective_end}"
            if entry.effective_start and entry.effective_end
            else ""
        )
        table.add_row(entry.title, state, entry.release or "-", span, entry.why)
    return table


@data_app.command("fetch")
@handle_errors
def fetch_command(
    target: Annotated[str, typer.Argument(help="A release name (RVU26A) or a URL of a CMS zip.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server.")] = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Download an official CMS release zip and import it."""
    with Checker.open(build=False) as checker:
        report = checker.fetch_release(
            target, timeout=timeout, progress=not as_json and err_console.is_terminal
        )
    _report(report, as_json=as_json)
    if not report.ok:
        raise typer.Exit(1)


@data_app.command("layouts")
def layouts_command() -> None:
    """The CMS file layouts clearclaim recognises, with the columns each needs."""
    table = Table("layout", "store table", "required columns")
    for name, store_table, required in Checker.data_layouts():
        table.add_row(name, store_table, ", ".join(required))
    console.print(table)


@data_app.command("where")
def where_command() -> None:
    """Where the store is (set CLEARCLAIM_DB to move it)."""
    typer.echo(Checker.store_location())
