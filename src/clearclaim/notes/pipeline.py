"""The medspaCy pipeline, built once per process from the data files.

medspaCy's tokenizer, TargetMatcher (targets from data/), ConText (its default
rules plus ours from data/context_rules.json) and Sectionizer (our section
rules from data/section_rules.json).

Sentences: medspaCy's default PyRuSH sentencizer takes about 5 ms on a short
note (two thirds of the whole analysis) and logs every token at DEBUG level
through loguru to stderr. Procedure notes are short lines and terse phrases,
so a rule-based splitter (punctuation, and line breaks before a capital, a
digit or a bullet) does as well here in microseconds. The loguru loggers of
medspaCy's dependencies are still switched off where the pipeline is built, in
case anything imports PyRuSH: notes are patient data and never reach a log.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
import yaml
from spacy.attrs import IDX, IS_LOWER, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from clearclaim._yaml import load_yaml as parse_yaml
from clearclaim.errors import DataError
from clearclaim.notes.matching import (
    TEXT_KEY,
    re2_source,
    speed_up_regex_matching,
    speed_up_sectionizer,
    token_pattern_regex,
)

# Modules that log through loguru (PyRuSH logs each token at DEBUG).
_LOGURU_MODULES = ("PyRuSH", "medspacy", "PyFastNER", "quicksectx")

_lock = threading.Lock()
_nlp: Any = None


def silence_loggers() -> None:
    """Switch off loguru for the NLP dependencies (patient text must never be logged)."""
    try:
        from loguru import logger
    except ImportError:  # loguru comes with PyRuSH; without it there is nothing to silence
        return
    for name in _LOGURU_MODULES:
        logger.disable(name)


def _data_text(name: str) -> str:
    try:
        return (
            resources.files("clearclaim.notes").joinpath("data").joinpath(name).read_text("utf-8")
        )
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"note reader data file missing: {name}") from exc


@cache
def load_yaml(name: str) -> Any:
    """One of the reader's YAML data files (cached)."""
    try:
        return parse_yaml(_data_text(name))
    except yaml.YAMLError as exc:
        raise DataError(f"note reader data file is not valid YAML: {name}: {exc}") from exc


@cache
def load_json(name: str) -> Any:
    try:
        return json.loads(_data_text(name))
    except json.JSONDecodeError as exc:
        raise DataError(f"note reader data file is not valid JSON: {name}: {exc}") from exc


_SENT_END = frozenset({".", "?", "!", ";"})


@Language.component("clearclaim_sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts for terse clinical notes (see the module docstring).

    A token starts a sentence after a line break (unless a wrapped line goes on
    in lower case) and after ., ?, ! or ; followed by a space. The decision is
    made on the token arrays and written at once (``from_array``): setting each
    token's ``is_sent_start`` was a tenth of a check.
    """
    if not len(doc):
        return doc
    rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_LOWER, SPACY]).tolist()
    text = doc.user_data.get(TEXT_KEY) or doc.text
    starts = [1] * len(rows)
    for i in range(1, len(rows)):
        start, length, is_space, _, space_after = rows[i - 1]
        before = text[start : start + length]
        if is_space and "\n" in before:
            # a wrapped line continues in lower case; a new line item starts otherwise
            starts[i] = 1 if not rows[i][3] or "\n\n" in before else -1
        elif not (space_after and before in _SENT_END):
            starts[i] = -1
    # spaCy stores SENT_START unsigned: -1 ("not a start") is written wrapped
    column: Any = numpy.array(starts, dtype="int64").astype("uint64")[:, None]
    doc.from_array([SENT_START], column)
    return doc


def target_rules() -> list[Any]:
    """TargetRules for every label in targets.yaml, elements.yaml and procedures.yaml.

    The patterns of one label (or one procedure type) are joined into a single
    alternation: medspaCy's regex matcher rebuilds the document text for every
    pattern, so 35 patterns instead of 90 saves about a millisecond a note.
    """
    from medspacy.target_matcher import TargetRule

    def joined(patterns: list[str]) -> str:
        return "|".join(f"(?:{p})" for p in patterns)

    def rules_of(literal: str, category: str, patterns: list[str]) -> list[Any]:
        # RE2 runs an alternation only when every part of it is RE2's syntax: the
        # parts that need Python's (a look-around) go in a rule of their own, so
        # that Python's engine runs only them and not the whole alternation
        re2_ready = [p for p in patterns if re2_source(p, re.IGNORECASE) is not None]
        python_only = [p for p in patterns if p not in re2_ready]
        return [
            TargetRule(literal, category, pattern=joined(part))
            for part in (re2_ready, python_only)
            if part
        ]

    rules: list[Any] = []
    targets = load_yaml("targets.yaml")
    elements = load_yaml("elements.yaml")
    for source in (targets, {k: elements[k] for k in ("INDICATION", "SITE")}):
        for label, entries in source.items():
            rules += rules_of(label, label, [next(iter(entry.values())) for entry in entries])
    for proc in load_yaml("procedures.yaml")["procedures"]:
        rules += rules_of(proc["type"], "PROCEDURE", proc["patterns"])
        if "site_words" in proc:
            rules += rules_of(proc["type"], "PROCEDURE_SITE", proc["site_words"])
    return rules


def context_rules(as_regex: bool = True) -> list[Any]:
    """medspaCy's default ConText rules, less those we drop, plus ours (all from data).

    ``as_regex``: the default rules' token patterns are run as regexes (see
    matching.py); False keeps them as spaCy token patterns (to compare).
    """
    import medspacy.context
    from medspacy.context import ConTextRule

    ours = load_json("context_rules.json")
    drop = set(ours.get("drop_default", []))
    default_path = Path(medspacy.context.__file__).resolve().parents[2] / "resources" / "en"
    defaults = json.loads((default_path / "context_rules.json").read_text("utf-8"))
    rules = [r for r in defaults["context_rules"] if r["literal"] not in drop]
    for rule in rules:  # token patterns run as regexes (see matching.py)
        if as_regex and isinstance(rule.get("pattern"), list):
            rule["pattern"] = token_pattern_regex(rule["pattern"])
    return [ConTextRule.from_dict(r) for r in rules + ours["context_rules"]]


def drop_whitespace_special_cases(tokenizer: Any) -> None:
    """Take the tokenizer's special cases for a lone space, tab, newline or no-break
    space out of its rules.

    Each maps the whitespace to itself, and the tokenizer makes every run of
    whitespace other than one plain space a token anyway, so the tokens do not
    change (a test compares them on every note). But a special case keeps the
    word it meets from the tokenizer's cache: a note's words were split again on
    every check, about a tenth of a check's time.
    """
    tokenizer.rules = {text: case for text, case in tokenizer.rules.items() if not text.isspace()}


def _build(token_patterns_as_regex: bool = True) -> Any:
    silence_loggers()
    import medspacy
    from medspacy.section_detection import SectionRule

    # Tokenizer and PyRuSH sentencizer from medspaCy; the matcher writes to a span
    # group (not doc.ents) so that overlapping targets of different labels
    # ("SI joint" is a site and a procedure) are all kept.
    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer"])
    silence_loggers()
    drop_whitespace_special_cases(nlp.tokenizer)
    nlp.add_pipe("clearclaim_sentences")
    matcher = nlp.add_pipe(
        "medspacy_target_matcher", config={"result_type": "group", "prune": False}
    )
    matcher.add(target_rules())
    context = nlp.add_pipe("medspacy_context", config={"input_span_type": "group", "rules": None})
    context.add(context_rules(token_patterns_as_regex))
    # span_attrs None: medspaCy's section-to-attribute defaults name sections we
    # do not have (family history, instructions), so mapping them only costs time
    sectionizer = nlp.add_pipe(
        "medspacy_sectionizer",
        config={"rules": None, "input_span_type": "group", "span_attrs": None},
    )
    sectionizer.add(
        [SectionRule.from_dict(r) for r in load_json("section_rules.json")["section_rules"]]
    )
    return nlp


def get_pipeline() -> Any:
    """The process-wide pipeline (built on first use, about a second)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                speed_up_regex_matching()
                speed_up_sectionizer()
                _nlp = _build()
    return _nlp


def read(text: str) -> Doc:
    """``text`` through the pipeline, with the text kept on the Doc for the matchers.

    spaCy rebuilds ``Doc.text`` from the tokens each time it is asked, and each
    regex matcher asks once; the Doc's text is the text given, so it is stored
    once (see matching.TEXT_KEY).
    """
    nlp = get_pipeline()
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
