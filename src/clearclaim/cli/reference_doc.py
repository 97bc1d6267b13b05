"""docs/cli-reference.md, generated from the commands themselves.

``python -m clearclaim.cli.reference_doc > docs/cli-reference.md`` rewrites it;
a test fails when the file and the commands disagree.
"""

from __future__ import annotations

from typing import Any

import typer

from clearclaim.cli.main import build_app


# typer ships its own copy of click, so classes are told apart by what they have
def _param_line(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        name = str(param.name).upper()
        help_text = getattr(param, "help", None) or ""
        return f"- `{name}` (argument){': ' + help_text if help_text else ''}"
    option = param  # click.Option
    names = ", ".join(f"`{o}`" for o in option.opts)
    if getattr(option, "is_flag", False) and option.secondary_opts:
        names += ", " + ", ".join(f"`{o}`" for o in option.secondary_opts)
    help_text = getattr(option, "help", None) or ""
    default = option.default
    shown = ""
    if default not in (None, False, "", ()) and not callable(default):
        shown = f" (default: `{default}`)"
    return f"- {names}: {help_text}{shown}".rstrip()


def _command_section(path: str, command: Any) -> list[str]:
    lines = [f"## `{path}`", ""]
    if command.help:
        lines += [command.help.strip(), ""]
    params = [p for p in command.params if p.name != "help"]
    lines += [_param_line(p) for p in params]
    lines.append("")
    return lines


def render() -> str:
    root = typer.main.get_command(build_app())
    lines = [
        "# Command reference",
        "",
        "Generated from the commands by `python -m clearclaim.cli.reference_doc`;",
        "do not edit by hand.",
        "",
    ]
    for name in sorted(root.commands):  # type: ignore[attr-defined]
        command = root.commands[name]  # type: ignore[attr-defined]
        if getattr(command, "hidden", False):
            continue
        if hasattr(command, "commands"):
            for sub in sorted(command.commands):
                lines += _command_section(f"clearclaim {name} {sub}", command.commands[sub])
        else:
            lines += _command_section(f"clearclaim {name}", command)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
