"""docs/cli-reference.md is generated from the commands and must not go stale."""

from __future__ import annotations

from pathlib import Path

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
