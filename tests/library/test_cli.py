"""The `library` and `ask` commands, registered the way cli/main.py registers them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from clearclaim.cli.library_cmd import ask_command, library_app

app = typer.Typer()
app.add_typer(library_app, name="library")
app.command("ask")(ask_command)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CLEARCLAIM_LIBRARY", str(tmp_path / "data" / "library.sqlite"))
    monkeypatch.delenv("CLEARCLAIM_EMBEDDING_MODEL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_add_list_ask_remove(
    runner: CliRunner, fixture_files: dict[str, Path], bad_files: dict[str, Path]
) -> None:
    result = runner.invoke(
        app,
        [
            "library",
            "add",
            str(fixture_files["mue-overview"]),
            str(bad_files["encrypted"]),
            str(fixture_files["lcd-epidural-steroid-injections"]),
            "--tag",
            "medicare",
        ],
    )
    # The encrypted file fails with one line naming it; the others are added.
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line]
    assert len(errors) == 1 and "encrypted.pdf: encrypted PDF" in errors[0]
    assert "Traceback" not in result.output
    assert "mue-overview" in result.stdout and "added" in result.stdout

    listed = runner.invoke(app, ["library", "list", "--json"])
    assert listed.exit_code == 0
    documents = json.loads(listed.stdout)
    assert {d["id"] for d in documents} == {"mue-overview", "lcd-epidural-steroid-injections"}
    assert all(d["tags"] == ["medicare"] for d in documents)
    table = runner.invoke(app, ["library", "list"])
    assert "Medically Unlikely Edits" in table.stdout

    asked = runner.invoke(
        app, ["ask", "What does an MUE adjudication indicator of 2 mean?", "--json"]
    )
    assert asked.exit_code == 0
    answer = json.loads(asked.stdout)
    assert answer["grounded"] is True
    assert answer["citations"][0]["document"] == "Medically Unlikely Edits: An Overview"
    assert answer["citations"][0]["location"].startswith("page 1")

    human = runner.invoke(app, ["ask", "Is ultrasound guidance acceptable for an epidural?"])
    assert human.exit_code == 0
    assert "[1]" in human.stdout and "#guidance" in human.stdout

    removed = runner.invoke(app, ["library", "remove", "mue-overview"])
    assert removed.exit_code == 0 and "removed mue-overview" in removed.stdout


def test_ask_not_covered(runner: CliRunner, fixture_files: dict[str, Path]) -> None:
    runner.invoke(app, ["library", "add", str(fixture_files["mue-overview"])])
    result = runner.invoke(app, ["ask", "Does Medicare cover acupuncture?", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["grounded"] is False and data["citations"] == []
    plain = runner.invoke(app, ["ask", "Does Medicare cover acupuncture?"])
    assert "does not cover" in plain.stdout


def test_input_errors_exit_2_with_one_line(runner: CliRunner, bad_files: dict[str, Path]) -> None:
    unsupported = runner.invoke(app, ["library", "add", str(bad_files["unsupported"])])
    assert unsupported.exit_code == 2
    assert unsupported.stderr.strip().startswith("error: ")
    assert "notes.rtf: unsupported file type" in unsupported.stderr
    assert len(unsupported.stderr.strip().splitlines()) == 1

    escape = runner.invoke(app, ["library", "remove", "../etc"])
    assert escape.exit_code == 2
    assert "invalid document id" in escape.stderr

    empty = runner.invoke(app, ["ask", "   "])
    assert empty.exit_code == 2
    assert "the question is empty" in empty.stderr
    assert "Traceback" not in empty.output


def test_empty_library_list(runner: CliRunner) -> None:
    result = runner.invoke(app, ["library", "list"])
    assert result.exit_code == 0
    assert "empty" in result.stdout
