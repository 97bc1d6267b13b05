"""Answers: extractive, verbatim, cited with a link; refusals; codes and synonyms; backends."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from clearclaim.errors import InputError
from clearclaim.library import Answer, Evidence, Library
from clearclaim.library.paths import files_dir


def _stored_texts(library: Library) -> list[str]:
    with sqlite3.connect(library.path) as db:
        return [row[0] for row in db.execute("SELECT text FROM passages")]


def test_answer_quotes_the_library_verbatim(full_library: Library) -> None:
    answer = full_library.ask("Is 77003 payable with a lumbar epidural injection 62323?")
    assert answer.grounded
    assert 1 <= len(answer.citations) <= 3
    texts = _stored_texts(full_library)
    for citation in answer.citations:
        assert any(citation.quote in text for text in texts)
        assert citation.quote in answer.answer
        assert 0 < citation.score <= 1
    top = answer.citations[0]
    assert "77003" in top.quote
    assert "62323" in answer.codes and "77003" in answer.codes


def test_quotes_are_found_in_the_original_documents(
    full_library: Library, fixture_files: dict[str, Path]
) -> None:
    """Text formats: every quote is in the source file, spacing aside."""
    for question in (
        "What is Acme Health's timely filing limit for claims?",
        "Can we bill fluoroscopy if the physician was not in the room during imaging?",
    ):
        for citation in full_library.ask(question).citations:
            source = fixture_files[citation.document_id].read_text().replace("**", "")
            assert " ".join(citation.quote.split()) in " ".join(source.split())


def test_citation_locations_and_links(full_library: Library) -> None:
    pdf = full_library.ask("When is 77001 used?").citations[0]
    assert (pdf.document_id, pdf.page) == ("ncci-radiology-summary", 2)
    assert pdf.location == "page 2, section \u201cC. Radiologic Guidance Codes\u201d"
    folder = files_dir(full_library.path).resolve().as_uri()
    assert pdf.uri == f"{folder}/ncci-radiology-summary.pdf#page=2"
    html = full_library.ask("Is ultrasound guidance acceptable for an epidural steroid injection?")
    assert html.citations[0].uri.endswith("lcd-epidural-steroid-injections.html#guidance")
    assert html.citations[0].location == "section \u201cImaging Guidance\u201d"
    text = full_library.ask("Is 77003 billed with a spinal cord stimulator trial lead placement?")
    assert text.citations[0].location.startswith(
        "section \u201cSPINAL CORD STIMULATOR TRIALS\u201d"
    )
    assert ", line " in text.citations[0].location


def test_not_covered_says_so_plainly(full_library: Library) -> None:
    answer = full_library.ask("What is the global surgery period for a total knee arthroplasty?")
    assert not answer.grounded
    assert answer.citations == []
    assert "does not cover" in answer.answer


def test_json_contract(full_library: Library) -> None:
    for question in ("When is 77001 used?", "Does Medicare cover acupuncture?"):
        data = full_library.ask(question).model_dump(mode="json")
        assert {"question", "grounded", "answer", "citations"} <= set(data)
        for citation in data["citations"]:
            assert {"document", "location", "quote", "score"} <= set(citation)


def test_code_option_ranks_passages_about_the_code(full_library: Library) -> None:
    question = "What guidance rules apply?"
    plain = full_library.ask(question)
    coded = full_library.ask(question, code="77002")
    assert coded.codes == ["77002"]
    assert coded.grounded
    assert "77002" in coded.citations[0].quote
    assert [c.quote for c in coded.citations] != [c.quote for c in plain.citations]


def test_code_synonyms_find_passages_that_never_name_the_code(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "c-arm-note.md"
    path.write_text(
        "# Spine procedures\n\nThe C-arm time for spine injections must be in the report.\n\n"
        "# Billing office\n\nThe billing office closes at five on Fridays.\n"
    )
    library.add([path])
    answer = library.ask("What must be in the report?", code="77003")
    assert answer.grounded
    assert answer.citations[0].quote == "The C-arm time for spine injections must be in the report."


def test_passages_for_a_finding(full_library: Library) -> None:
    found = full_library.passages_for(
        "imaging guidance bundled into facet joint injection", "77003"
    )
    assert 1 <= len(found) <= 3
    assert {c.document_id for c in found} & {
        "facet-joint-billing-article",
        "ncci-radiology-summary",
        "riverside-internal-coding-guidelines",
    }
    assert full_library.passages_for("hospice election statement", None) == []
    assert len(full_library.passages_for("fluoroscopy", "77003", limit=1)) == 1


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_bad_questions(full_library: Library, question: str) -> None:
    with pytest.raises(InputError):
        full_library.ask(question)


def test_no_document_text_in_logs(
    library: Library, fixture_files: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    library.add([fixture_files["riverside-internal-coding-guidelines"]])
    library.ask("Can we bill fluoroscopy if the physician was not in the room?")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "physician was not in the room" not in logged
    assert "C-arm" not in logged


class _ShoutingBackend:
    """A stand-in for a generative backend: sees only the evidence retrieval gave it."""

    name = "shouting"

    def __init__(self) -> None:
        self.seen: list[Evidence] = []

    def compose(self, question: str, evidence: Sequence[Evidence], codes: Sequence[str]) -> Answer:
        self.seen = list(evidence)
        return Answer(
            question=question,
            grounded=bool(evidence),
            answer=" ".join(item.citation.quote.upper() for item in evidence),
            citations=[item.citation for item in evidence],
            backend=self.name,
        )


def test_answer_backend_is_pluggable(tmp_path: Path, fixture_files: dict[str, Path]) -> None:
    backend = _ShoutingBackend()
    with Library(tmp_path / "lib.sqlite", embedder=None, backend=backend) as library:
        library.add([fixture_files["mue-overview"]])
        answer = library.ask("How do we appeal a medically unlikely edit denial?")
    assert answer.backend == "shouting"
    assert backend.seen and backend.seen[0].citation.quote in backend.seen[0].text
    assert answer.answer.isupper()


def test_question_of_stopwords_only_is_not_covered(full_library: Library) -> None:
    answer = full_library.ask("What is it about?")
    assert not answer.grounded and answer.citations == []
