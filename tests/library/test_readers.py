"""Each reader: text, headings, pages, anchors; and the error paths, each naming the file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from clearclaim.errors import InputError, UnreadableFileError
from clearclaim.library.passages import build_passages
from clearclaim.library.readers import Block, open_reader


def blocks(path: Path) -> tuple[list[Block], object]:
    reader = open_reader(path)
    return list(reader.blocks()), reader


def test_pdf_pages_headings_and_running_header(fixture_files: dict[str, Path]) -> None:
    found, reader = blocks(fixture_files["ncci-radiology-summary"])
    assert reader.title == "NCCI Policy Summary: Radiology Services"
    assert reader.pages == 4
    headings = {(b.text, b.page) for b in found if b.level}
    assert ("C. Radiologic Guidance Codes", 2) in headings
    assert ("E. Professional and Technical Components", 3) in headings
    body = [b for b in found if not b.level]
    # The running header and "Page N of 4" footer appear on every page of the file,
    # but only page 1's copy survives (a later page's is dropped as running).
    assert not any("Page 3 of 4" in b.text for b in found)
    assert sum("clearclaim test fixture" in b.text for b in found) <= 1
    joint = next(b for b in body if "20610" in b.text)
    assert joint.page == 2
    assert "77002 may be reported with 20610" in joint.text


def test_html_headings_anchors_and_skipped_parts(fixture_files: dict[str, Path]) -> None:
    found, reader = blocks(fixture_files["lcd-epidural-steroid-injections"])
    assert reader.title == "LCD (sample): Epidural Steroid Injections for Pain Management"
    text = " ".join(b.text for b in found)
    assert "analytics" not in text  # <script>
    assert "font-family" not in text  # <style>
    assert "Indications | Imaging guidance" not in text  # <nav>
    assert "62320\u201362327" in text  # &ndash; decoded
    guidance = next(b for b in found if b.level and b.text == "Imaging Guidance")
    assert guidance.anchor == "guidance"
    row = next(b for b in found if b.text.startswith("Bilateral transforaminal"))
    assert (
        row.text
        == "Bilateral transforaminal injection at one level | One line, modifier 50, one unit"
    )
    passages = list(build_passages(iter(found), "lcd"))
    follow_up = next(p for p in passages if p.heading == "Follow-up documentation")
    assert follow_up.anchor == "follow-up"


def test_docx_headings_pages_and_table(fixture_files: dict[str, Path]) -> None:
    found, reader = blocks(fixture_files["facet-joint-billing-article"])
    assert reader.title == "Billing and Coding Article: Facet Joint Interventions"
    assert reader.pages == 3  # two hard page breaks
    by_heading = {b.text: b for b in found if b.level}
    assert by_heading["Imaging Guidance"].page == 2
    assert by_heading["Documentation Requirements"].page == 3
    assert any(b.text == "Levels and sides | Procedure note" for b in found)


def test_markdown_front_matter_lines_and_table(fixture_files: dict[str, Path]) -> None:
    found, _ = blocks(fixture_files["acme-health-fluoroscopy-policy"])
    text = " ".join(b.text for b in found)
    assert "RP-RAD-014" not in text  # front matter is metadata
    assert "fluoroscopy time in minutes" in text  # **bold** markup removed
    timely = next(b for b in found if b.text.startswith("Acme Health must receive"))
    source = fixture_files["acme-health-fluoroscopy-policy"].read_text().splitlines()
    assert source[timely.line - 1].startswith("Acme Health must receive")
    assert any(b.text.startswith("Outpatient hospital (19 or 22) | Professional") for b in found)


def test_text_headings_and_form_feed_pages(tmp_path: Path) -> None:
    path = tmp_path / "guide.txt"
    path.write_text("MODIFIER RULES\n\nUse XS for a separate site.\n\fPage two text here.\n")
    found, reader = blocks(path)
    assert [(b.text, b.level, b.page) for b in found] == [
        ("MODIFIER RULES", 2, 1),
        ("Use XS for a separate site.", 0, 1),
        ("Page two text here.", 0, 2),
    ]
    assert reader.pages == 2


def test_unsupported_type_names_the_file(bad_files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"notes\.rtf: unsupported file type '\.rtf'") as caught:
        open_reader(bad_files["unsupported"])
    assert caught.value.exit_code == 2
    assert "docx" in str(caught.value)  # the hint says what to do


def test_encrypted_pdf_is_refused_by_name(bad_files: dict[str, Path]) -> None:
    with pytest.raises(UnreadableFileError, match=r"encrypted\.pdf: encrypted PDF"):
        blocks(bad_files["encrypted"])


def test_owner_password_only_pdf_opens(bad_files: dict[str, Path]) -> None:
    found, _ = blocks(bad_files["owner_only"])
    assert any("77002 may be reported with 20610" in b.text for b in found)


def test_image_only_pdf_is_refused_by_name(bad_files: dict[str, Path]) -> None:
    with pytest.raises(UnreadableFileError, match=r"scanned-letter\.pdf: no text layer"):
        blocks(bad_files["image_only"])


def test_corrupt_pdf_and_binary_text(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a pdf at all")
    with pytest.raises(UnreadableFileError, match=r"broken\.pdf: not a readable PDF"):
        blocks(broken)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(UnreadableFileError, match=r"binary\.txt: binary content"):
        blocks(binary)
    docx = tmp_path / "fake.docx"
    docx.write_bytes(b"PK not really a zip")
    with pytest.raises(UnreadableFileError, match=r"fake\.docx: not a readable DOCX"):
        blocks(docx)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="no such file"):
        open_reader(tmp_path / "gone.pdf")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_large_files_are_streamed(tmp_path: Path, suffix: str) -> None:
    """An 8 MB file is read with a small fraction of its size in memory at once."""
    paragraph = "Fluoroscopic guidance is bundled into the epidural code family. " * 6
    if suffix == ".html":
        unit = f"<h2>Section</h2><p>{paragraph}</p>\n"
    elif suffix == ".md":
        unit = f"## Section\n\n{paragraph}\n\n"
    else:
        unit = f"SECTION\n\n{paragraph}\n\n"
    path = tmp_path / f"big{suffix}"
    with path.open("w") as handle:
        for _ in range(8 * 1024 * 1024 // len(unit)):
            handle.write(unit)
    reader = open_reader(path)
    tracemalloc.start()
    count = sum(1 for _ in reader.blocks())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count > 30_000
    assert peak < 1024 * 1024, f"peak {peak} bytes"


def test_pdf_is_read_from_an_open_file_not_loaded_whole(
    fixture_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a path, pypdf copies the whole file into memory; given a file, it seeks."""
    import pypdf

    given: list[object] = []
    real = pypdf.PdfReader

    def spy(stream, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append(stream)
        return real(stream, *args, **kwargs)

    monkeypatch.setattr(pypdf, "PdfReader", spy)
    found, _ = blocks(fixture_files["mue-overview"])
    assert found
    assert len(given) == 1 and hasattr(given[0], "seek") and not isinstance(given[0], (str, Path))


def test_docx_line_breaks_separate_words(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    run = document.add_paragraph().add_run("Report 77002")
    run.add_break()  # a line break, not a page break
    run.add_text("with 20610")
    path = tmp_path / "breaks.docx"
    document.save(str(path))
    found, reader = blocks(path)
    assert [b.text for b in found] == ["Report 77002 with 20610"]
    assert reader.pages is None and found[0].page is None
