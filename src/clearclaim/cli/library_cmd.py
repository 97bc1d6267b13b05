"""`clearclaim library add|list|remove` and `clearclaim ask`: thin shells over clearclaim.library.

Registered in cli/main.py as::

    app.add_typer(library_app, name="library")
    app.command("ask")(ask_command)

Errors print one line to stderr and exit with the error's code (2 for input
errors); nothing prints a traceback. Document text is printed only as the
quotes an answer is made of.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from clearclaim import AddResult, Answer, ClearclaimError, Library
from clearclaim.cli._text import escape

library_app = typer.Typer(
    name="library",
    help="Your coding library: payer policies, MAC articles, NCCI chapters, internal guidelines.",
    no_args_is_help=True,
)

JsonOption = Annotated[
    bool, typer.Option("--json", metavar="", help="Print JSON instead of a table.")
]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _fail(exc: ClearclaimError) -> NoReturn:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


@library_app.command("add")
def add_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...", help="PDF, HTML, DOCX, Markdown or text files, or folders of them."
        ),
    ],
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", metavar="TAG", help="Tag the documents (repeatable)."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Add documents; a changed file replaces its earlier version, the same file is kept once.

    Example: clearclaim library add ncci-chapter-9.pdf ~/policies --tag medicare
    """
    try:
        with Library() as library:
            results = library.add(paths, tags=tag or [])
    except ClearclaimError as exc:
        _fail(exc)
    for result in results:
        # one line per file that was not added: its path and why (never its text)
        if result.status == "failed":
            typer.echo(f"error: {result.message}", err=True)
        elif result.status == "skipped":
            typer.echo(f"skipped: {result.message}", err=True)
    if json_output:
        typer.echo(json.dumps([r.model_dump() for r in results], indent=2))
    else:
        _print_results(results)
    code = max((r.exit_code for r in results), default=0)
    if code:
        raise typer.Exit(code)


def _id_column(table: Table, ids: list[str]) -> None:
    # Ids are typed back into `library remove`: never cut or wrapped.
    table.add_column("id", no_wrap=True, min_width=max((len(i) for i in ids), default=2))


def _print_results(results: list[AddResult]) -> None:
    shown = [r for r in results if r.status not in {"failed", "skipped"}]  # went to stderr
    if not shown:
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    _id_column(table, [r.document_id or "" for r in shown])
    table.add_column("status", no_wrap=True)
    table.add_column("passages", no_wrap=True, justify="right")
    table.add_column("note", overflow="fold")
    for r in shown:
        table.add_row(escape(r.document_id), r.status, str(r.passages), escape(r.message))
    _console().print(table)


@library_app.command("list")
def list_command(json_output: JsonOption = False) -> None:
    """List the documents in the library."""
    try:
        with Library() as library:
            documents = library.documents()
    except ClearclaimError as exc:
        _fail(exc)
    if json_output:
        typer.echo(json.dumps([d.model_dump(mode="json") for d in documents], indent=2))
        return
    if not documents:
        typer.echo("The library is empty. Add documents with: clearclaim library add PATH")
        return
    # Fits 80 columns: ids stay whole, titles wrap.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    _id_column(table, [d.id for d in documents])
    table.add_column("title", min_width=12, ratio=1)
    table.add_column("format")
    table.add_column("passages", justify="right")
    table.add_column("tags")
    for d in documents:
        pages = f" {d.pages}pp" if d.pages else ""
        table.add_row(
            escape(d.id), escape(d.title), f"{d.media_type}{pages}", str(d.passages),
            escape(", ".join(d.tags)),
        )  # fmt: skip
    _console().print(table)


@library_app.command("remove")
def remove_command(
    document_ids: Annotated[
        list[str],
        typer.Argument(metavar="DOCUMENT_ID...", help="Document ids (see `library list`)."),
    ],
) -> None:
    """Remove documents and their stored copies.

    Example: clearclaim library remove lcd-epidural
    """
    try:
        with Library() as library:
            for document_id in document_ids:
                removed = library.remove(document_id)
                typer.echo(f"removed {removed.id} ({removed.title})")
    except ClearclaimError as exc:
        _fail(exc)


def ask_command(
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="The question, in quotes.")],
    code: Annotated[
        str | None,
        typer.Option(
            "--code", metavar="CODE", help="Rank passages about this code higher, e.g. 77003."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10, metavar="N", help="Most quotes (1-10).")
    ] = 3,
    json_output: JsonOption = False,
) -> None:
    """Answer a question from your library only, quoting it; says so when it cannot.

    Example: clearclaim ask "Can I bill 77003 with a lumbar epidural injection?" --code 77003
    """
    try:
        with Library() as library:
            answer = library.ask(question, code=code, limit=limit)
    except ClearclaimError as exc:
        _fail(exc)
    if json_output:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        _print_answer(answer)


def _print_answer(answer: Answer) -> None:
    console = _console()
    if not answer.grounded:
        console.print(escape(answer.answer))
        return
    for n, citation in enumerate(answer.citations, 1):
        console.print(f"[bold]{escape(f'[{n}]')}[/bold] \u201c{escape(citation.quote)}\u201d")
        console.print(f"    [dim]{escape(citation.document)}, {escape(citation.location)}[/dim]")
        if citation.uri:
            console.print(f"    [dim]{escape(citation.uri)}[/dim]")
