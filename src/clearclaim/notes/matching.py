"""Fast matching for medspaCy's matchers, with the same matches.

A check spends most of its time in the note reader, and most of the reader's
time went to medspaCy's matchers. This module makes them cheap without
changing what they match:

- medspaCy's RegexMatcher runs Python ``re`` over the note once per pattern.
  Our target, section and context patterns are large alternations, which
  ``re`` tries at every character. Here every pattern RE2 (Google's
  linear-time engine) can run is gathered into one RE2 set per matcher
  (``PatternSet``): one pass says which patterns occur, and only those are
  run for their spans. A pattern RE2 cannot run (look-around,
  back-references) stays on ``re``; when look-around is all that stops RE2,
  the pattern without it joins the set, and ``re`` runs only where it occurs.
- The RegexMatcher asks the Doc for its text once per pattern, and spaCy
  rebuilds the text from its tokens each time (``_TextOnce``, ``TEXT_KEY``).
- medspaCy's default ConText rules are spaCy token patterns
  (``{"LOWER": {"IN": [...]}}``, ``"OP": "?"``); spaCy's Matcher checks every
  pattern at every token. They are written as the equivalent regular
  expressions (``token_pattern_regex``) and run by the regex matcher.

RE2's ``\\s``, ``\\w`` and ``\\b`` are ASCII; ``ascii_spaces`` turns the
Unicode spaces that word processors leave in pasted notes (no-break and thin
spaces) into plain ones, one character for one, so offsets do not move.
Notes in another language never reach the pipeline (see language.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import re2

# Python-only regex syntax: look-ahead/behind, back-references, possessive or
# atomic groups. RE2 refuses these; checking first keeps RE2 from logging.
_PYTHON_ONLY = re.compile(r"\(\?<?[=!]|\(\?>|\\[1-9]|[*+?}]\+")
_RE2_FLAGS = {re.IGNORECASE: "(?i)", re.MULTILINE: "(?m)", re.DOTALL: "(?s)"}
_UNICODE_SPACES = re.compile(r"[^\S\n\t\r\f ]")  # whitespace that is not ASCII
# a line that goes on in lower case after a word (no closing punctuation): a wrap
_SOFT_WRAP = re.compile(r"(?<=[A-Za-z0-9,;)])\r?\n(?=[ \t]*(?:[a-z]|\d+(?![.)\d])[ \t]+[a-z]))")


def re2_source(pattern: str, flags: int = 0) -> str | None:
    """``pattern`` with its flags written inline for RE2, or None if RE2 cannot run it."""
    flags = int(flags) & ~int(re.UNICODE)  # str patterns are Unicode anyway
    known = 0
    for flag in _RE2_FLAGS:
        known |= int(flag)
    if _PYTHON_ONLY.search(pattern) or flags & ~known:
        return None
    inline = "".join(text for flag, text in _RE2_FLAGS.items() if flags & flag)
    source = inline + pattern
    try:
        re2.compile(source, options=_options())
    except re2.error:
        return None
    return source


#: memory for one matcher's RE2 set (RE2's default is 8 MB); past it RE2 says
#: "no match", so texts longer than SET_MAX_TEXT skip the set and run every pattern
SET_MEMORY = 64 << 20
SET_MAX_TEXT = 200_000


def _options(max_mem: int | None = None) -> Any:
    options = re2.Options()
    options.log_errors = False
    if max_mem is not None:
        options.max_mem = max_mem
    return options


class PatternSet:
    """RE2 patterns of one matcher, asked together which of them occur in a text.

    One pass over the note answers for all patterns at once; only those that
    occur are then run one by one for their spans. The last answer is kept
    for the text it was given, as every pattern asks about the same text.
    """

    def __init__(self) -> None:
        self._sources: list[str] = []
        self._set: Any = None
        self._last: tuple[str, frozenset[int]] | None = None

    def add(self, source: str) -> int:
        self._sources.append(source)
        self._set = None
        return len(self._sources) - 1

    def hits(self, text: str) -> frozenset[int]:
        last = self._last  # one read: another thread may replace it
        if last is not None and last[0] is text:
            return last[1]
        if len(text) > SET_MAX_TEXT:
            return frozenset(range(len(self._sources)))
        if self._set is None:
            compiled = re2.Set.SearchSet(_options(SET_MEMORY))
            for source in self._sources:
                compiled.Add(source)
            compiled.Compile()
            self._set = compiled
        found = frozenset(self._set.Match(text) or ())
        self._last = (text, found)
        return found


def without_lookarounds(pattern: str) -> str:
    """``pattern`` with its look-ahead and look-behind groups taken out.

    A look-around only narrows where a pattern matches and takes no text, so
    the pattern without it matches wherever the pattern does (and more): RE2
    can run it to say that the pattern cannot occur in a text.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _group_end(pattern, i)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """Index after the character class opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a "]" first is a literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _group_end(pattern: str, start: int) -> int:
    """Index after the group opening at ``start``."""
    depth, i = 0, start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


class _GatedPattern:
    """An RE2 pattern that is run only when its PatternSet says it occurs."""

    def __init__(self, source: str, patterns: PatternSet) -> None:
        self.pattern = source
        self._compiled = re2.compile(source, options=_options())
        self._patterns = patterns
        self._index = patterns.add(source)

    def finditer(self, text: str) -> Iterator[Any]:
        if self._index not in self._patterns.hits(text):
            return iter(())
        return self._compiled.finditer(text)


class Prefiltered:
    """A ``re`` pattern that is not run on a text where RE2 finds no place it could
    match: the same pattern without its look-arounds (see ``without_lookarounds``),
    asked alone or in a matcher's ``PatternSet``. Most of the reader's large
    patterns have nothing to find in most notes.

    Only an ASCII text is gated: there RE2's ASCII ``\\w``, ``\\d`` and ``\\b`` mean
    what ``re``'s do; "cm²" ends a word for ``re`` and not for RE2."""

    def __init__(self, pattern: str, flags: int = 0, patterns: PatternSet | None = None) -> None:
        self.compiled = re.compile(pattern, flags)
        self.pattern, self.flags = self.compiled.pattern, self.compiled.flags
        gate = re2_source(without_lookarounds(pattern), flags)
        self._occurs: Callable[[str], bool] | None = None
        if gate is not None and patterns is not None:
            index = patterns.add(gate)
            self._occurs = lambda text: index in patterns.hits(text)
        elif gate is not None:
            alone = re2.compile(gate, options=_options())
            self._occurs = lambda text: alone.search(text) is not None

    @property
    def gated(self) -> bool:
        return self._occurs is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._occurs is not None and text.isascii() and not self._occurs(text):
            return iter(())
        return self.compiled.finditer(text)


def _gated(compiled: Any, patterns: PatternSet) -> Any:
    """``compiled`` as the RegexMatcher runs it: on RE2 when it can, else on ``re``
    behind an RE2 gate when its look-arounds were all that RE2 could not run."""
    if not isinstance(compiled, re.Pattern):
        return compiled
    source = re2_source(compiled.pattern, compiled.flags)
    if source is not None:
        return _GatedPattern(source, patterns)
    gated = Prefiltered(compiled.pattern, compiled.flags, patterns)
    return gated if gated.gated else compiled


def ascii_spaces(text: str) -> str:
    """``text`` with every non-ASCII space made a plain space (same length)."""
    return _UNICODE_SPACES.sub(" ", text)


def unwrap_lines(text: str) -> str:
    """``text`` with wrapped lines joined (same length: the break becomes spaces).

    Dictation systems and templates wrap long lines ("2. Left hip intra-articular
    / injection"); a phrase split by the wrap is one phrase. A line that starts
    in lower case after a word is a wrap, and so is one that starts with a
    number and a word in lower case ("1 mL Omnipaque / 240 under fluoroscopy");
    a new item ("2. Left hip"), a header or a sentence after a full stop is not.
    """
    return _SOFT_WRAP.sub(lambda m: " " * len(m.group(0)), text)


def token_pattern_regex(tokens: list[dict[str, Any]]) -> str:
    """A spaCy token pattern of ``LOWER`` values (case-insensitive) as a regex.

    Tokens are words separated by spaces or tabs; a clitic (``n't``, ``'s``)
    joins the word before it, as the tokenizer splits it off. A value with a
    space in it can never equal one token, so it is dropped, as spaCy never
    matches it. Any other attribute or operator raises ValueError: such a
    pattern stays a token pattern.
    """
    required = [i for i, token in enumerate(tokens) if token.get("OP") not in ("?", "*")]
    if not required:
        raise ValueError("a token pattern with no required token is not translated")
    first = required[0]
    parts: list[str] = []
    for i, token in enumerate(tokens):
        words = _token_words(token)
        if not words:
            return r"[^\s\S]"  # nothing can match, as in spaCy
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        # "is" + "n't" is one word in the text ("isn't"): no boundary after "is"
        clitic_next = (
            following is not None
            and following.get("OP") is None
            and any(w.startswith(_CLITICS) for w in _token_words(following))
        )
        alternatives = []
        for word in sorted(words, key=len, reverse=True):  # longest first: a token is whole
            clitic = word.startswith(_CLITICS)
            body = (r"\b" if word[0].isalnum() and not clitic else "") + re.escape(word)
            body += r"\b" if word[-1].isalnum() and not clitic_next else ""
            if i < first:  # an optional word before the first required one: space after it
                alternatives.append(body + r"[ \t]+")
            elif i == first or clitic:
                alternatives.append(body)
            else:
                alternatives.append(r"[ \t]+" + body)
        op = token.get("OP")
        if op not in (None, "?", "*", "+"):
            raise ValueError(f"token operator not translated: {op!r}")
        parts.append("(?:" + "|".join(alternatives) + ")" + (op or ""))
    return "".join(parts)


_CLITICS = ("'", "n'")


def _token_words(token: dict[str, Any]) -> list[str]:
    """The lower-case words one token may be (those without a space in them)."""
    value = token.get("LOWER")
    if set(token) - {"LOWER", "OP"} or value is None:
        raise ValueError(f"token not translated: {sorted(token)}")
    if isinstance(value, dict) and set(value) != {"IN"}:
        raise ValueError(f"token predicate not translated: {sorted(value)}")
    values = value["IN"] if isinstance(value, dict) else [value]
    return [str(v).lower() for v in values if not any(c.isspace() for c in str(v))]


#: Doc.user_data key of the text the Doc was made from (set by pipeline.read)
TEXT_KEY = "clearclaim_text"


class _TextOnce:
    """A Doc whose ``text_with_ws`` is built once; everything else is the Doc's."""

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self.text_with_ws = doc.user_data.get(TEXT_KEY) or doc.text_with_ws

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)

    def __getitem__(self, key: Any) -> Any:
        return self._doc[key]

    def __iter__(self) -> Any:
        return iter(self._doc)

    def __len__(self) -> int:
        return len(self._doc)


def speed_up_regex_matching() -> None:
    """Make medspaCy's RegexMatcher compile with RE2 and read the text once."""
    from medspacy.common.regex_matcher import RegexMatcher

    if getattr(RegexMatcher, "_clearclaim_fast", False):
        return
    add, call = RegexMatcher.add, RegexMatcher.__call__

    def fast_add(self: Any, match_id: str, regex_rules: Any, on_match: Any = None) -> None:
        add(self, match_id, regex_rules, on_match)
        if not hasattr(self, "_clearclaim_set"):
            self._clearclaim_set = PatternSet()
        key = self.vocab.strings[match_id]
        self._patterns[key] = [_gated(p, self._clearclaim_set) for p in self._patterns[key]]

    def fast_call(self: Any, doc: Any) -> Any:
        return call(self, _TextOnce(doc))

    RegexMatcher.add = fast_add
    RegexMatcher.__call__ = fast_call
    RegexMatcher._clearclaim_fast = True


def speed_up_sectionizer() -> None:
    """Make medspaCy's Sectionizer build the Doc's sections without writing each
    token's section: the reader reads ``doc._.sections`` only, and writing the
    attribute on every token was most of the Sectionizer's time. The sections
    are the same; configurations this does not cover (parent sections, scope
    limits, header sentence boundaries, attribute mapping) run medspaCy's own."""
    from medspacy.section_detection import Sectionizer
    from medspacy.section_detection.section import Section

    if getattr(Sectionizer, "_clearclaim_fast", False):
        return
    call = Sectionizer.__call__

    def sections_only(self: Any, doc: Any) -> Any:
        if (
            self.require_start_line
            or self.require_end_line
            or self._parent_sections
            or self._apply_sentence_boundary
            or self.max_section_length is not None
            or self.assertion_attributes_mapping
        ):
            return call(self, doc)
        matcher = self._Sectionizer__matcher
        matches = matcher(doc)
        if not matches:
            doc._.sections = [Section(None, 0, 0, 0, len(doc))]
            return doc
        sections = [] if matches[0][1] == 0 else [Section(None, 0, 0, 0, matches[0][1])]
        for i, (match_id, start, end) in enumerate(matches):
            rule = matcher.rule_map[self.nlp.vocab.strings[match_id]]
            stop = matches[i + 1][1] if i + 1 < len(matches) else len(doc)
            if rule.max_scope is not None:
                stop = min(end + rule.max_scope, stop)
            sections.append(Section(rule.category, start, end, end, stop, None, rule))
        doc._.sections = sections
        return doc

    Sectionizer.__call__ = sections_only
    Sectionizer._clearclaim_fast = True
    Sectionizer._medspacy_call = call  # kept to compare against (tests)
