"""The fast matchers find what medspaCy's own matchers find, on real notes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import re2
import yaml

from clearclaim.notes.matching import (
    SET_MAX_TEXT,
    PatternSet,
    Prefiltered,
    ascii_spaces,
    re2_source,
    token_pattern_regex,
    without_lookarounds,
)
from clearclaim.notes.pipeline import _build, load_json, load_yaml, target_rules

ROOT = Path(__file__).resolve().parents[2]
MTSAMPLES = ROOT.parent / "shared" / "data" / "notes" / "mtsamples_procedure_notes.jsonl"


def _notes() -> list[str]:
    notes = [
        yaml.safe_load(p.read_text(encoding="utf-8"))["note"]
        for p in sorted((ROOT / "tests" / "check_cases").glob("cc*.yaml"))
    ]
    if MTSAMPLES.exists():
        with MTSAMPLES.open(encoding="utf-8") as lines:
            notes += [json.loads(line)["text"] for line in lines if line.strip()]
    return notes


NOTES = _notes()


def _our_patterns() -> list[tuple[str, int]]:
    """Every regex the reader's pipeline runs, with the flags medspaCy gives it."""
    patterns = [(rule.pattern, re.IGNORECASE) for rule in target_rules()]
    patterns += [
        (rule["pattern"], re.IGNORECASE)
        for rule in load_json("section_rules.json")["section_rules"]
        if isinstance(rule.get("pattern"), str)
    ]
    patterns += [
        (rule["pattern"], re.IGNORECASE)
        for rule in load_json("context_rules.json")["context_rules"]
        if isinstance(rule.get("pattern"), str)
    ]
    return patterns


def test_notes_are_there() -> None:
    assert len(NOTES) > 150


def test_re2_finds_the_same_spans_as_re_on_every_note() -> None:
    patterns = _our_patterns()
    on_re2 = 0
    for pattern, flags in patterns:
        source = re2_source(pattern, flags)
        if source is None:
            continue
        on_re2 += 1
        fast, slow = re2.compile(source), re.compile(pattern, flags)
        for note in NOTES:
            text = ascii_spaces(note)
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in slow.finditer(text)
            ], pattern[:60]
    assert on_re2 > len(patterns) * 0.8  # nearly all run on RE2


def test_look_around_stays_on_re() -> None:
    assert re2_source(r"\bprior\b(?!\s+to\b)", re.IGNORECASE) is None
    assert re2_source(r"(?<=x)y") is None
    assert re2_source(r"\bfluoro\w*", re.IGNORECASE) == r"(?i)\bfluoro\w*"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bprior\b(?!\s+to\b)", r"\bprior\b"),
        (r"(?<=x)y(?<!z)", "y"),
        (r"occipital (?:nerves?|n(?=\.))", r"occipital (?:nerves?|n)"),
        # brackets and parentheses inside a class or escaped are not groups
        (r"x[\](?!]y(?=(a|(b)))z\(?!", r"x[\](?!]yz\(?!"),
    ],
)
def test_without_lookarounds(pattern: str, expected: str) -> None:
    assert without_lookarounds(pattern) == expected


def test_patterns_with_look_around_match_wherever_re_does() -> None:
    """Run on ``re``, a look-around pattern is skipped where RE2 does not find it
    without its look-arounds: that gate must never hide a match."""
    gated = 0
    for pattern, flags in _our_patterns():
        if re2_source(pattern, flags) is not None:
            continue
        gate = re2_source(without_lookarounds(pattern), flags)
        if gate is None:
            continue
        gated += 1
        fast, slow = re2.compile(gate), re.compile(pattern, flags)
        for note in NOTES:
            text = ascii_spaces(note)
            if slow.search(text):
                assert fast.search(text), pattern[:60]
    assert gated >= 5


def test_pattern_set_says_which_patterns_occur() -> None:
    sources = [s for s in (re2_source(p, f) for p, f in _our_patterns()) if s]
    patterns = PatternSet()
    for source in sources:
        patterns.add(source)
    compiled = [re2.compile(s) for s in sources]
    long_text = "\n\n".join(NOTES)  # one very long text, past the set's limit
    for text in [*NOTES[:80], long_text[: SET_MAX_TEXT - 1], long_text]:
        expected = {i for i, c in enumerate(compiled) if c.search(text)}
        assert expected <= patterns.hits(text)
        if len(text) <= SET_MAX_TEXT:
            assert patterns.hits(text) == expected


@pytest.mark.parametrize(
    ("tokens", "text", "spans"),
    [
        (  # an optional first word
            [{"LOWER": {"IN": ["may", "might"]}, "OP": "?"}, {"LOWER": "be"}, {"LOWER": "ruled"}],
            "it may be ruled out; be ruled",
            [(3, 15), (21, 29)],
        ),
        (  # "n't" is split from the word before it
            [{"LOWER": {"IN": ["was", "is"]}}, {"LOWER": {"IN": ["not", "n't"]}}],
            "isn't here, was not done, island not",
            [(0, 5), (12, 19)],
        ),
        (  # a value with a space never equals one token
            [{"LOWER": {"IN": ["risks of", "risk of"]}}],
            "risk of bleeding",
            [],
        ),
        (  # whole words only, any case
            [{"LOWER": "no"}, {"LOWER": {"IN": ["new", "abnormal"]}, "OP": "?"}],
            "No new findings; not now; no",
            [(0, 6), (26, 28)],
        ),
    ],
)
def test_token_pattern_as_regex(tokens: list[dict[str, Any]], text: str, spans: list) -> None:
    pattern = re.compile(token_pattern_regex(tokens), re.IGNORECASE)
    assert [m.span() for m in pattern.finditer(text)] == spans


def test_token_pattern_with_other_attributes_is_refused() -> None:
    with pytest.raises(ValueError, match="not translated"):
        token_pattern_regex([{"POS": "NOUN"}])
    with pytest.raises(ValueError, match="not translated"):
        token_pattern_regex([{"LOWER": {"REGEX": "x"}}])
    with pytest.raises(ValueError, match="not translated"):
        token_pattern_regex([{"LOWER": "a", "OP": "?"}])


def test_ascii_spaces_keeps_offsets() -> None:
    text = "L4-5\u00a0ILESI,\u2009FT 0.6\u202fmin\n\tdone"
    fixed = ascii_spaces(text)
    assert len(fixed) == len(text)
    assert fixed == "L4-5 ILESI, FT 0.6 min\n\tdone"


def _context_of(nlp: Any, note: str) -> list[tuple[Any, ...]]:
    doc = nlp(ascii_spaces(note))
    return sorted(
        (
            span.start,
            span.end,
            span.label_,
            span._.is_negated,
            span._.is_hypothetical,
            span._.is_historical,
            span._.is_uncertain,
            span._.is_family,
            tuple(sorted(m.category for m in span._.modifiers)),
        )
        for span in doc.spans["medspacy_spans"]
    )


def test_context_with_regexes_equals_context_with_token_patterns() -> None:
    """ConText gives every target of every note the same modifiers either way."""
    as_regex, as_tokens = _build(True), _build(False)
    group = as_regex.get_pipe("medspacy_target_matcher")._span_group_name
    assert group == "medspacy_spans"
    differing = [
        i
        for i, note in enumerate(NOTES)
        if _context_of(as_regex, note) != _context_of(as_tokens, note)
    ]
    assert differing == []
    assert load_yaml("targets.yaml")  # the data the targets came from is there


def test_prefiltered_finds_what_re_finds() -> None:
    from clearclaim.notes.measures import _dose_patterns, _time_patterns

    times = _time_patterns()
    patterns = [
        *(getattr(times, name) for name in ("labelled", "clock", "compound", "words")),
        _dose_patterns().labelled,
    ]
    for pattern in patterns:
        for note in NOTES:
            text = ascii_spaces(note)
            assert [m.span() for m in pattern.finditer(text)] == [
                m.span() for m in pattern.compiled.finditer(text)
            ], pattern.pattern[:60]


def test_prefiltered_runs_re_on_a_text_that_is_not_ascii() -> None:
    # "²" is a word character for re and not for RE2: RE2 would miss the boundary
    unit = Prefiltered(r"\d+\s*cm²\b(?!-)")
    assert [m.group(0) for m in unit.finditer("DAP 12 cm² total")] == ["12 cm²"]
    assert list(unit.finditer("no area here")) == []


def test_the_largest_reader_patterns_run_on_re2() -> None:
    # a look-around or a \u escape sends a whole label's pattern to ``re``, run on
    # every note: the indication words and the measures must stay RE2-gated
    by_label = {rule.category: rule.pattern for rule in target_rules()}
    assert re2_source(by_label["INDICATION"], re.IGNORECASE) is not None
    from clearclaim.notes.measures import _dose_patterns, _time_patterns

    times = _time_patterns()
    for pattern in (times.labelled, times.clock, times.compound, times.words):
        assert pattern.gated
    assert _dose_patterns().labelled.gated


def test_the_sectionizer_finds_the_same_sections_without_writing_each_token() -> None:
    from medspacy.section_detection import Sectionizer

    from clearclaim.notes.pipeline import TEXT_KEY, get_pipeline

    nlp = get_pipeline()
    sectionizer = dict(nlp.pipeline)["medspacy_sectionizer"]
    before = [c for name, c in nlp.pipeline if name != "medspacy_sectionizer"]

    def sections(call: object, text: str) -> list[tuple[object, ...]]:
        doc = nlp.make_doc(text)
        doc.user_data[TEXT_KEY] = text
        for component in before:
            doc = component(doc)
        doc = call(sectionizer, doc)  # type: ignore[operator]
        return [
            (s.category, s.title_start, s.title_end, s.body_start, s.body_end)
            for s in doc._.sections
        ]

    assert any(len(sections(Sectionizer.__call__, n)) > 2 for n in NOTES)
    for note in NOTES:
        assert sections(Sectionizer.__call__, note) == sections(Sectionizer._medspacy_call, note)


def test_a_labels_re2_patterns_run_on_re2_beside_one_that_needs_python() -> None:
    from clearclaim.notes.pipeline import target_rules

    landmark = [r for r in target_rules() if r.literal == "LANDMARK"]
    assert len(landmark) == 2  # "no imaging" needs a look-ahead; "by palpation" does not
    assert sorted(re2_source(r.pattern, re.IGNORECASE) is None for r in landmark) == [False, True]


def test_the_tokenizer_without_whitespace_special_cases_makes_the_same_tokens() -> None:
    import medspacy

    from clearclaim.notes.pipeline import drop_whitespace_special_cases, silence_loggers

    silence_loggers()
    theirs = medspacy.load(medspacy_enable=["medspacy_tokenizer"]).tokenizer
    ours = medspacy.load(medspacy_enable=["medspacy_tokenizer"]).tokenizer
    drop_whitespace_special_cases(ours)
    assert set(theirs.rules) - set(ours.rules) == {" ", "\t", "\n", "\xa0"}

    def tokens(tokenizer: Any, text: str) -> list[tuple[str, int, str]]:
        return [(t.text, t.idx, t.whitespace_) for t in tokenizer(text)]

    odd_spacing = ["Fluoro  0.3 min.\n\n\tDose:\t12 mGy \n", "L4-5\n\nILESI,\xa0fluoro  \t \n"]
    for note in NOTES + odd_spacing:
        for text in (note, ascii_spaces(note)):
            assert tokens(ours, text) == tokens(theirs, text)
