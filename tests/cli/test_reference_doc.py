"""docs/cli-reference.md is generated from the commands and must not go stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearclaim.cli.main import COMMANDS
from clearclaim.cli.reference_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli-reference.md"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text() == render(), (
        "docs/cli-reference.md is stale: run python -m clearclaim.cli.reference_doc"
        " > docs/cli-reference.md"
    )


def test_every_command_is_in_the_readme_and_has_help() -> None:
    readme = README.read_text()
    for name in COMMANDS:
        assert f"clearclaim {name}" in readme, name
    text = render()
    assert "## `clearclaim check`" in text and "## `clearclaim data import`" in text
    assert "(argument)" in text


def _help_pages() -> dict[str, str]:
    """The --help text of every command and subcommand, as a user sees it."""
    from typer.main import get_command
    from typer.testing import CliRunner

    from clearclaim.cli.main import build_app

    root: Any = get_command(build_app())
    paths: list[list[str]] = []
    for name, command in root.commands.items():
        if command.hidden:
            continue
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    runner = CliRunner()
    pages = {}
    for path in paths:
        result = runner.invoke(build_app(), [*path, "--help"], terminal_width=100)
        assert result.exit_code == 0, (path, result.output)
        pages[" ".join(path)] = result.output
    return pages


def test_help_names_arguments_without_placeholders() -> None:
    pages = _help_pages()
    assert len(pages) > 20
    for name, text in pages.items():
        usage = text.splitlines()[0]
        assert "{" not in usage and "<str>" not in text and "<int>" not in text, (name, usage)
    assert "Usage: clearclaim check [OPTIONS] NOTE" in pages["check"]
    assert "Usage: clearclaim library add [OPTIONS] PATH..." in pages["library add"]
