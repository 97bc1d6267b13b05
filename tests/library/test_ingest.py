"""Adding, replacing, de-duplicating and removing documents; the library folder guard."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clearclaim.errors import InputError, UnreadableFileError
from clearclaim.library import Library
from clearclaim.library import readers as readers_module
from clearclaim.library.paths import files_dir


def _add_one(library: Library, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    (result,) = library.add([path], **kwargs)  # type: ignore[arg-type]
    return result


def test_add_list_and_stored_copy(library: Library, fixture_files: dict[str, Path]) -> None:
    result = _add_one(library, fixture_files["mue-overview"], tags=["mue", " "])
    assert (result.status, result.document_id) == ("added", "mue-overview")
    (document,) = library.documents()
    assert document.title == "Medically Unlikely Edits: An Overview"
    assert (document.media_type, document.pages, document.tags) == ("pdf", 2, ["mue"])
    assert document.passages == result.passages > 0
    stored = files_dir(library.path) / document.stored_name
    assert stored.read_bytes() == fixture_files["mue-overview"].read_bytes()
    assert not list(files_dir(library.path).glob(".adding-*"))


def test_re_adding_same_file_is_unchanged_but_keeps_new_tags(
    library: Library, fixture_files: dict[str, Path]
) -> None:
    path = fixture_files["acme-health-fluoroscopy-policy"]
    first = _add_one(library, path)
    again = _add_one(library, path, tags=["acme"])
    assert again.status == "unchanged"
    assert again.document_id == first.document_id
    assert library.documents()[0].tags == ["acme"]


def test_changed_file_replaces_its_passages(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "payer-policy.md"
    path.write_text("# Policy\n\nThe payer pays 77002 with knee injections.\n")
    _add_one(library, path)
    assert library.ask("Does the payer pay 77002 with knee injections?").grounded
    path.write_text(
        "# Policy\n\nThe payer requires prior authorization for sacroiliac injections.\n"
    )
    result = _add_one(library, path)
    assert result.status == "updated"
    assert len(library.documents()) == 1
    assert not library.ask("Does the payer pay 77002 with knee injections?").grounded
    answer = library.ask("Is prior authorization required for sacroiliac injections?")
    assert answer.citations[0].quote.startswith("The payer requires prior authorization")


def test_same_content_under_another_path_is_a_duplicate(
    library: Library, fixture_files: dict[str, Path], tmp_path: Path
) -> None:
    original = fixture_files["riverside-internal-coding-guidelines"]
    copy = tmp_path / "copy-of-guidelines.txt"
    shutil.copy(original, copy)
    _add_one(library, original)
    result = _add_one(library, copy)
    assert result.status == "duplicate"
    assert result.document_id == "riverside-internal-coding-guidelines"
    assert len(library.documents()) == 1


def test_repeated_paragraphs_are_stored_once(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "repeats.txt"
    boilerplate = "Confidential: for internal coding use only."
    path.write_text(f"{boilerplate}\n\nModifier XS marks a separate structure.\n\n{boilerplate}\n")
    _add_one(library, path)
    with sqlite3.connect(library.path) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM passages")]
    assert sum(text.count(boilerplate) for text in texts) == 1
    assert any("Modifier XS marks a separate structure." in text for text in texts)


def test_multi_file_add_goes_on_past_bad_files(
    library: Library, fixture_files: dict[str, Path], bad_files: dict[str, Path]
) -> None:
    paths = [
        bad_files["encrypted"],
        fixture_files["mue-overview"],
        bad_files["unsupported"],
        bad_files["image_only"],
        fixture_files["facet-joint-billing-article"],
    ]
    results = library.add(paths)
    assert [r.status for r in results] == ["failed", "added", "failed", "failed", "added"]
    assert "encrypted.pdf" in results[0].message and results[0].exit_code == 1
    assert "notes.rtf" in results[2].message and results[2].exit_code == 2
    assert "scanned-letter.pdf" in results[3].message
    assert {d.id for d in library.documents()} == {"mue-overview", "facet-joint-billing-article"}
    stored = sorted(p.name for p in files_dir(library.path).iterdir() if p.name[0] != ".")
    assert stored == ["facet-joint-billing-article.docx", "mue-overview.pdf"]


def test_folder_add(library: Library, fixture_files: dict[str, Path]) -> None:
    folder = fixture_files["mue-overview"].parent
    results = library.add([folder])
    assert {r.document_id for r in results if r.status == "added"} == set(fixture_files)


def test_failure_half_way_keeps_the_earlier_version(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "policy.txt"
    path.write_text("FLUORO\n\nFluoroscopy time must be documented in minutes.\n")
    _add_one(library, path)
    path.write_text("FLUORO\n\nA new version that will fail while it is read.\n\nMore text.\n")
    real = readers_module._READERS["text"]

    def failing(reader):  # type: ignore[no-untyped-def]
        iterator = real(reader)
        yield next(iterator)
        raise UnreadableFileError("truncated file", path=str(reader.path))

    monkeypatch.setitem(readers_module._READERS, "text", failing)
    assert _add_one(library, path).status == "failed"
    monkeypatch.undo()
    answer = library.ask("How must fluoroscopy time be documented?")
    assert answer.grounded
    assert answer.citations[0].quote == "Fluoroscopy time must be documented in minutes."
    stored = files_dir(library.path) / "policy.txt"
    assert "must be documented in minutes" in stored.read_text()
    assert not list(files_dir(library.path).glob(".adding-*"))


def test_remove(library: Library, fixture_files: dict[str, Path]) -> None:
    _add_one(library, fixture_files["mue-overview"])
    removed = library.remove("mue-overview")
    assert removed.id == "mue-overview"
    assert library.documents() == []
    assert not (files_dir(library.path) / "mue-overview.pdf").exists()
    assert not library.ask("What does an MUE adjudication indicator of 2 mean?").grounded
    with pytest.raises(InputError, match="no document 'mue-overview'"):
        library.remove("mue-overview")


@pytest.mark.parametrize("bad_id", ["../library", "..", "a/b", "/etc/passwd", "X"])
def test_document_ids_that_could_escape_are_refused(library: Library, bad_id: str) -> None:
    library.add([])  # creates the library file
    with pytest.raises(InputError, match="invalid document id"):
        library.remove(bad_id)


def test_stored_path_escaping_the_library_folder_is_refused(
    library: Library, fixture_files: dict[str, Path], tmp_path: Path
) -> None:
    _add_one(library, fixture_files["mue-overview"])
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    library.close()
    with sqlite3.connect(library.path) as db:  # a tampered database
        db.execute("UPDATE documents SET stored_name = '../../precious.txt'")
    library = Library(library.path, embedder=None)
    answer = library.ask("What does an MUE adjudication indicator of 2 mean?")
    assert answer.grounded and answer.citations[0].uri is None  # no link out of the folder
    with pytest.raises(InputError, match="escapes the library folder"):
        library.remove("mue-overview")
    assert outside.read_text() == "keep me"
    library.close()


def test_symlink_out_of_the_library_folder_is_refused(
    library: Library, fixture_files: dict[str, Path], tmp_path: Path
) -> None:
    _add_one(library, fixture_files["mue-overview"])
    target = tmp_path / "elsewhere.pdf"
    target.write_bytes(b"x")
    stored = files_dir(library.path) / "mue-overview.pdf"
    stored.unlink()
    stored.symlink_to(target)
    with pytest.raises(InputError, match="escapes the library folder"):
        library.remove("mue-overview")
    assert target.exists()


def test_reading_a_missing_library_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none" / "library.sqlite"
    with Library(path, embedder=None) as library:
        assert library.documents() == []
        answer = library.ask("Is 77003 bundled?")
        assert not answer.grounded and "empty" in answer.answer
        assert library.passages_for("fluoroscopy", "77003") == []
    assert not path.exists()


def test_environment_variable_chooses_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_files: dict[str, Path]
) -> None:
    from clearclaim.library import default_library_location, passages_for

    path = tmp_path / "env" / "lib.sqlite"
    monkeypatch.setenv("CLEARCLAIM_LIBRARY", str(path))
    assert default_library_location() == path
    with Library(embedder=None) as library:
        library.add([fixture_files["lcd-epidural-steroid-injections"]])
    assert (tmp_path / "env" / "lib_files").is_dir()  # named after the library file
    found = passages_for("imaging guidance bundled with epidural injection", "77003")
    assert found and found[0].document_id == "lcd-epidural-steroid-injections"
