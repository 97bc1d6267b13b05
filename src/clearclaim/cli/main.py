"""The ``clearclaim`` command: thin shells over the Python API.

Errors from the core become one line on stderr naming what and where, with
exit code 2 for bad input and 1 for data or store problems; no traceback.

A cold start is what a user waits for, so ``main()`` imports only the module of
the command being run; ``app`` (for tests and ``--help``) has every command.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from clearclaim import ClearclaimError

#: command name -> (module, attribute, kind): "command" functions or "group" Typer apps
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("clearclaim.cli.check_cmd", "check_command", "command"),
    "price": ("clearclaim.cli.price_cmd", "price_command", "command"),
    "edits": ("clearclaim.cli.edits_cmd", "edits_command", "command"),
    "scrub": ("clearclaim.cli.edits_cmd", "scrub_command", "command"),
    "code": ("clearclaim.cli.code_cmd", "code_command", "command"),
    "search": ("clearclaim.cli.code_cmd", "search_command", "command"),
    "ask": ("clearclaim.cli.library_cmd", "ask_command", "command"),
    "library": ("clearclaim.cli.library_cmd", "library_app", "group"),
    "data": ("clearclaim.cli.data_cmd", "data_app", "group"),
    "log": ("clearclaim.cli.log_cmd", "log_app", "group"),
    "rules": ("clearclaim.cli.rules_cmd", "rules_command", "command"),
    "serve": ("clearclaim.cli.serve_cmd", "serve_command", "command"),
}


def _plain_help_names() -> None:
    """Name values in --help the way click does, not by their Python type.

    Typer 0.29 writes a required argument as ``{NOTE}`` in the usage line, adds
    the Python type to arguments (``NOTE <str>``) and shows options without a
    metavar as ``--date <str>``: placeholders to a coder. Here an argument is
    ``NOTE`` (``[NOTE]`` when optional), an option's value is its metavar or its
    name (``--date DATE``), and choices keep their list. Skipped if Typer changes
    these names.
    """
    from typer.core import TyperArgument, TyperOption

    if getattr(TyperArgument, "_clearclaim_plain", False) or not all(
        hasattr(cls, name)
        for cls, name in (
            (TyperArgument, "_usage_display_name"),
            (TyperArgument, "_rich_display_name"),
            (TyperArgument, "display_type_rich"),
            (TyperOption, "display_type_rich"),
        )
    ):
        return

    def usage_name(self: Any) -> str:
        name = str(self.metavar or self.name.upper())
        name = name if self.required else f"[{name}]"
        many = self.nargs != 1 and not name.rstrip("]").endswith("...")
        return name + ("..." if many else "")

    def no_type(self: Any, ctx: Any) -> None:
        return None

    typed = TyperOption.display_type_rich

    def option_value(self: Any, ctx: Any) -> str | None:
        if self.metavar:
            return str(self.metavar)
        if self.type_descriptor.is_choice:
            return typed(self, ctx)
        return str(self.name).upper()

    def list_name(self: Any) -> str:
        name = str(self.metavar or self.name.upper())
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")

    replaced = (
        (TyperArgument, "_usage_display_name", usage_name),
        (TyperArgument, "_rich_display_name", list_name),
        (TyperArgument, "display_type_rich", no_type),
        (TyperOption, "display_type_rich", option_value),
        (TyperArgument, "_clearclaim_plain", True),
    )
    for cls, name, value in replaced:
        setattr(cls, name, value)


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or just ``only`` when it names one."""
    _plain_help_names()
    application = typer.Typer(
        name="clearclaim",
        help="Coding and claim checking for US procedure billing, from CMS release files.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        # plain help: arguments as NOTE, options with their value type (TEXT), no
        # "{note}" or "<str>" placeholders
        rich_markup_mode=None,
    )
    application.callback(invoke_without_command=True)(_root)
    names = [only] if only in COMMANDS else list(COMMANDS)
    for name in names:
        module_name, attribute, kind = COMMANDS[name]
        target = getattr(importlib.import_module(module_name), attribute)
        if kind == "group":
            application.add_typer(target, name=name)
        else:
            application.command(name)(target)
    if len(names) == 1:
        # click runs a lone command without its name: a hidden no-op keeps it a group
        application.command("_", hidden=True)(lambda: None)
    return application


def _version(value: bool) -> None:
    if value:
        from clearclaim import __version__

        typer.echo(f"clearclaim {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Coding and claim checking for US procedure billing, from CMS release files."""


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
    if only is None and "--version" in sys.argv[1:2]:
        from clearclaim import __version__

        typer.echo(f"clearclaim {__version__}")
        return
    try:
        build_app(only)()
    except ClearclaimError as exc:
        typer.echo(f"clearclaim: {exc}", err=True)
        sys.exit(exc.exit_code)


def __getattr__(name: str) -> Any:
    if name == "app":
        application = build_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)


if __name__ == "__main__":
    main()
