"""The ``clearclaim`` command: thin shells over the Python API.

Errors from the core become one line on stderr naming what and where, with
exit code 2 for bad input and 1 for data or store problems; no traceback.
"""

from __future__ import annotations

import sys

import typer

from clearclaim.cli.data_cmd import data_app
from clearclaim.cli.library_cmd import ask_command, library_app
from clearclaim.errors import ClearclaimError

app = typer.Typer(
    name="clearclaim",
    help="Coding and claim checking for US procedure billing, from CMS release files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
app.add_typer(library_app, name="library")
app.command("ask")(ask_command)


def main() -> None:
    try:
        app()
    except ClearclaimError as exc:
        typer.echo(f"clearclaim: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
