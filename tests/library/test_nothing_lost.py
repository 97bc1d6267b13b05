"""Issue #19 for the library: bad input fails alone and cleanly, nothing is lost."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim.cli.main import app
from clearclaim.errors import InputError
from clearclaim.library import Library
from clearclaim.library.limits import ArchiveLimits
from clearclaim.library.paths import files_dir

runner = CliRunner()
POLICY = (
    "# Payer imaging policy\n\n"
    "## Fluoroscopic guidance with epidural injections\n\n"
    "Do not report it separately: the injection codes include it.\n\n"
    "## Prior authorization\n\n"
    "Requests go through the portal at least five business days before the service.\n"
)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "library.sqlite"
    monkeypatch.setenv("CLEARCLAIM_LIBRARY", str(path))
    monkeypatch.delenv("CLEARCLAIM_EMBEDDING_MODEL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return path


def _docx(parts: dict[str, bytes], good: Path | None = None) -> bytes:
    """A DOCX: the parts of ``good`` (a real DOCX) with ``parts`` replacing some."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        if good is not None:
            with zipfile.ZipFile(good) as source:
                for item in source.infolist():
                    if item.filename not in parts:
                        out.writestr(item, source.read(item.filename))
        for name, data in parts.items():
            out.writestr(name, data)
    return buffer.getvalue()


def test_markup_in_documents_prints_as_text(cli_env: Path, tmp_path: Path) -> None:
    source = tmp_path / "markup.md"
    source.write_text(
        "# Rules [/cyan] and [b]bold\\\n\n"
        "Fluoroscopic guidance [/cyan] is bundled into 62323 [bold]always\\\n",
        encoding="utf-8",
    )
    added = runner.invoke(app, ["library", "add", str(source)])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["library", "list"])
    assert listed.exit_code == 0 and "[/cyan]" in listed.stdout, listed.output
    asked = runner.invoke(app, ["ask", "Is fluoroscopic guidance bundled into 62323?"])
    assert asked.exit_code == 0, asked.output
    assert "[/cyan]" in asked.stdout and "[bold]always" in asked.stdout


def test_two_libraries_in_one_folder_keep_their_own_copies(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "policy.md").write_text(POLICY, encoding="utf-8")
    (two / "policy.md").write_text(POLICY.replace("five", "ten"), encoding="utf-8")
    with (
        Library(tmp_path / "a.sqlite", embedder=None) as a,
        Library(tmp_path / "b.sqlite", embedder=None) as b,
    ):
        assert a.add([one / "policy.md"])[0].status == "added"
        assert b.add([two / "policy.md"])[0].status == "added"
        copy_a = files_dir(a.path) / "policy.md"
        copy_b = files_dir(b.path) / "policy.md"
        assert copy_a != copy_b
        assert "five" in copy_a.read_text() and "ten" in copy_b.read_text()
        b.remove("policy")
        assert copy_a.is_file() and "five" in copy_a.read_text()
        assert a.ask("When do prior authorization requests go through the portal?").grounded


def test_copies_in_the_folder_libraries_once_shared_are_recovered(tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text(POLICY, encoding="utf-8")
    with Library(tmp_path / "team.sqlite", embedder=None) as library:
        library.add([source])
    own = files_dir(tmp_path / "team.sqlite") / "policy.md"
    legacy = tmp_path / "library_files"
    legacy.mkdir()
    os.replace(own, legacy / "policy.md")  # where an older version kept it
    with Library(tmp_path / "team.sqlite", embedder=None) as library:
        assert library.documents()[0].id == "policy"
    assert own.read_text() == POLICY
    assert (legacy / "policy.md").is_file()  # the shared folder is left as it was


def test_one_malformed_docx_fails_alone(cli_env: Path, tmp_path: Path, fixture_files) -> None:
    good = fixture_files["facet-joint-billing-article"]
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-truncated.docx").write_bytes(
        _docx({"word/document.xml": b"<?xml version='1.0'?><w:document xmlns:w="}, good)
    )
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document>&b;</w:document>'
    )
    (folder / "b-entities.docx").write_bytes(_docx({"word/document.xml": bomb}, good))
    (folder / "c-picture.png").write_bytes(b"\x89PNG\r\n")
    (folder / "d-policy.md").write_text(POLICY, encoding="utf-8")
    (folder / "e-good.docx").write_bytes(good.read_bytes())
    result = runner.invoke(app, ["library", "add", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line]
    assert len(errors) == 3, errors
    assert "a-truncated.docx" in errors[0] and "not a readable DOCX" in errors[0]
    assert "b-entities.docx" in errors[1] and "DOCTYPE" in errors[1]
    assert "c-picture.png" in errors[2] and "unsupported file type" in errors[2]
    listed = runner.invoke(app, ["library", "list", "--json"])
    assert {d["id"] for d in __import__("json").loads(listed.stdout)} == {"d-policy", "e-good"}


def test_a_compression_bomb_is_refused(tmp_path: Path, fixture_files) -> None:
    good = fixture_files["facet-joint-billing-article"]
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_docx({"word/media/padding.bin": b"\0" * (20 * 1024 * 1024)}, good))
    assert bomb.stat().st_size < 200_000
    with Library(tmp_path / "library.sqlite", embedder=None) as library:
        result = library.add([bomb])[0]
        assert result.status == "failed" and "compression bomb" in result.message
        assert library.documents() == []
    # the bounds are configurable: a smaller part limit refuses a smaller file
    limits = ArchiveLimits.from_environment({"CLEARCLAIM_LIBRARY_MAX_PART_MB": "1"})
    padded = tmp_path / "padded.docx"
    padded.write_bytes(_docx({"word/media/image.bin": os.urandom(2 * 1024 * 1024)}, good))
    with Library(tmp_path / "other.sqlite", embedder=None, limits=limits) as library:
        result = library.add([padded])[0]
        assert result.status == "failed" and "CLEARCLAIM_LIBRARY_MAX_PART_MB" in result.message
    with pytest.raises(InputError, match="CLEARCLAIM_LIBRARY_MAX_RATIO"):
        ArchiveLimits.from_environment({"CLEARCLAIM_LIBRARY_MAX_RATIO": "many"})


@pytest.mark.parametrize("code", ['"', "1" * 300, "9" * 5000, "../etc"])
def test_ask_code_is_checked_at_the_boundary(cli_env: Path, tmp_path: Path, code: str) -> None:
    source = tmp_path / "policy.md"
    source.write_text(POLICY, encoding="utf-8")
    runner.invoke(app, ["library", "add", str(source)])
    result = runner.invoke(app, ["ask", "Is guidance bundled?", "--code", code])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1 and "--code" in lines[0] and "not a CPT or HCPCS code" in lines[0]
    assert "Traceback" not in result.output


def test_killed_adds_leave_no_temporaries_and_files_are_private(
    tmp_path: Path, fixture_files
) -> None:
    path = tmp_path / "library.sqlite"
    with Library(path, embedder=None) as library:
        library.add([fixture_files["mue-overview"]])
    folder = files_dir(path)
    dead = folder / ".adding-999999999-leftover.pdf"  # no such process
    dead.write_bytes(b"x" * 1024)
    path.chmod(0o644)  # a library made by an older version
    with Library(path, embedder=None) as library:
        assert library.documents()
    assert not dead.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.sqlite"
    with Library(fresh, embedder=None) as library:
        library.add([fixture_files["mue-overview"]])
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_links_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nNot part of the policies folder at all.\n")
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "policy.md").write_text(POLICY, encoding="utf-8")
    (folder / "etc").symlink_to(outside, target_is_directory=True)
    (folder / "secret.md").symlink_to(outside / "secret.md")
    with Library(tmp_path / "library.sqlite", embedder=None) as library:
        results = library.add([folder])
        assert {r.status for r in results} == {"added", "skipped"}
        skipped = [r for r in results if r.status == "skipped"]
        assert len(skipped) == 2 and all("not followed" in r.message for r in skipped)
        assert [d.id for d in library.documents()] == ["policy"]


def test_a_section_heading_counts_in_retrieval(tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text(POLICY, encoding="utf-8")
    with Library(tmp_path / "library.sqlite", embedder=None) as library:
        library.add([source])
        for question in (
            "Can I bill fluoroscopic guidance with an epidural injection?",
            "Is fluoro separately billable with an ESI?",
        ):
            answer = library.ask(question)
            assert answer.grounded, question
            assert answer.citations[0].quote.startswith("Do not report it separately")
            assert answer.citations[0].section == "Fluoroscopic guidance with epidural injections"
        assert not library.ask("What is the turnaround for dental implants?").grounded


def test_a_library_opens_while_another_process_writes_to_it(tmp_path: Path) -> None:
    """Opening a library reads its schema and writes nothing: it does not fail on
    another process's open write transaction, an upload under way ("database is
    locked" once the busy timeout ran out)."""
    import sqlite3

    from clearclaim.store.queries.library import LibraryIndex

    path = tmp_path / "library.sqlite"
    LibraryIndex(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('upload', 'under way')")
        opened = LibraryIndex(path)
        assert opened.db.execute("SELECT COUNT(*) FROM documents").fetchone() == (0,)
        opened.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
