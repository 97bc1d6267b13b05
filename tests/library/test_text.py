"""Terms, codes, sentences and passages: the pieces the ranking and the quotes are built on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearclaim.library.passages import MAX_WORDS, build_passages
from clearclaim.library.readers import Block
from clearclaim.library.synonyms import load, parse
from clearclaim.library.text import codes_in, sentence_spans, terms


def test_codes_and_ranges() -> None:
    assert codes_in("Bill 77003 or G0260, not 2024.") == ["77003", "G0260"]
    found = codes_in("codes 62320 through 62327 and 64490-64495")
    assert {"62323", "64493"} <= set(found)
    # A wide span is two numbers, not a code family.
    assert "50000" not in codes_in("10000-99999")


def test_terms_fold_synonyms() -> None:
    synonyms = load()
    assert (
        synonyms.terms("fluoro") == synonyms.terms("fluoroscopic") == synonyms.terms("fluoroscopy")
    )
    assert synonyms.terms("What does my payer say about the MUEs?") == ["payer", "mue"]
    assert terms("Modifier 59 and XS") == ["modifi", "59", "xs"]


def test_synonyms_file_is_checked() -> None:
    import pytest

    from clearclaim.errors import DataError

    with pytest.raises(DataError, match="expected a list"):
        parse("codes:\n  '77003': fluoro\n")
    assert parse("codes:\n  '77003': [C-arm]\n").phrases_for("77003") == [("c", "arm")]


def test_sentences_keep_abbreviations_and_lines() -> None:
    text = "Use XS, e.g. for a knee. Then bill 20610! Dr. Lee agrees.\nRow | cell"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Use XS, e.g. for a knee.",
        "Then bill 20610!",
        "Dr. Lee agrees.",
        "Row | cell",
    ]


@given(st.text(alphabet=st.sampled_from(list("ab .!?\nXe.g")), max_size=200))
def test_sentence_spans_are_exact_ordered_slices(text: str) -> None:
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_passages_never_cross_a_page_or_heading_and_stay_short() -> None:
    long_paragraph = " ".join(f"Sentence number {n} is about fluoroscopy." for n in range(80))
    blocks = [
        Block("Guidance", page=1, level=2),
        Block("Short one.", page=1),
        Block("Still page one.", page=1),
        Block("Page two starts.", page=2),
        Block("Modifiers", page=2, level=2),
        Block(long_paragraph, page=2),
    ]
    passages = list(build_passages(blocks, "doc"))
    assert [(p.page, p.heading) for p in passages[:2]] == [(1, "Guidance"), (2, "Guidance")]
    assert passages[0].text == "Short one.\nStill page one."
    rest = passages[2:]
    assert len(rest) > 1 and all(p.heading == "Modifiers" for p in rest)
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert " ".join(" ".join(p.text for p in rest).split()) == long_paragraph
    assert [p.ordinal for p in passages] == list(range(len(passages)))
