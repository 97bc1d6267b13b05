"""The procedures a note describes: type, levels, side, joints, region, and
the guidance cue nearest each one."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import cache

from clearclaim.notes.guidance import DENIED_BEFORE
from clearclaim.notes.models import Procedure
from clearclaim.notes.pipeline import load_yaml
from clearclaim.notes.sections import (
    EARLIER_STUDY_SECTIONS,
    HISTORY_SECTIONS,
    PLAN_SECTIONS,
    RESULT_SECTIONS,
    Section,
    paragraph_bounds,
)
from clearclaim.notes.targets import Target, target_span
from clearclaim.notes.vocabulary import vocabulary


@cache
def laterality_regex(side: str) -> re.Pattern[str]:
    """ "left" or "right" in words, or its one letter ("R knee", "l hip")."""
    spec = load_yaml("elements.yaml")["laterality"]
    return re.compile(rf"(?i:{spec[side]}|\b{side[0]}\b){spec['one_letter_not_before']}")


@cache
def _bilateral_words(with_modifier: bool = True) -> re.Pattern[str]:
    """Both sides said in words (elements.yaml's ``bilateral``), or a code's 50."""
    words = load_yaml("elements.yaml")["laterality"]["bilateral"]
    return re.compile(rf"{words}|-50\b" if with_modifier else words, re.IGNORECASE)


def laterality_named(texts: Iterable[str]) -> str | None:
    sides: set[str] = set()
    for text in texts:
        if _bilateral_words(with_modifier=False).search(text):
            return "bilateral"
        for side in ("left", "right"):
            if laterality_regex(side).search(text):
                sides.add(side)
    if sides == {"left", "right"}:
        return "bilateral"
    return next(iter(sides)) if sides else None


_LEVEL_ORDER = {"C": 0, "T": 1, "L": 2, "S": 3}
#: the highest level of each region a note may name (C8 and L6 are nerve roots
#: and transitional segments): "C79" of an ICD-10 code "C79.51" is no level
_LAST_LEVEL = {"C": 8, "T": 12, "L": 6, "S": 5}


def _is_level(region: str, number: int) -> bool:
    return 1 <= number <= _LAST_LEVEL[region]


def levels_named(texts: Iterable[str], sacral_foramina: bool = False) -> list[str]:
    """The spinal levels the texts name: segments ("L4-5"), else single levels.
    With ``sacral_foramina`` a sacral foramen named on its own beside the
    segments ("L5-S1 and S1 transforaminal") is a level of its own."""
    texts = list(texts)
    vocab = vocabulary()
    pairs: list[str] = []
    singles: list[str] = []
    for text in texts:
        for m in vocab["level_pair"].finditer(text):
            a, an = m.group("a").upper(), int(m.group("an"))
            b = (m.group("b") or a).upper()
            bn = int(m.group("bn"))
            if not (_is_level(a, an) and _is_level(b, bn)):
                continue
            if b == a and bn != an + 1 and not (a == "L" and bn == 1):
                continue  # "L3-5" spans two levels; counted by the singles below
            label = f"{a}{an}-{b}{bn}"
            if label not in pairs:
                pairs.append(label)
        if not pairs:
            for m in vocab["level_single"].finditer(text):
                if not _is_level(m.group("a").upper(), int(m.group("an"))):
                    continue
                label = f"{m.group('a').upper()}{int(m.group('an'))}"
                if label not in singles:
                    singles.append(label)
    if pairs and sacral_foramina:
        pairs += _sacral_foramina(texts, pairs)
    return pairs or singles


def _sacral_foramina(texts: list[str], pairs: list[str]) -> list[str]:
    """The sacral levels named outside every segment ("S1" of "the S1 foramina",
    not of "L5-S1")."""
    vocab = vocabulary()
    found: list[str] = []
    for text in texts:
        inside = [m.span() for m in vocab["level_pair"].finditer(text)]
        for m in vocab["level_single"].finditer(text):
            label = f"{m.group('a').upper()}{int(m.group('an'))}"
            if label[0] != "S" or not _is_level("S", int(m.group("an"))):
                continue
            if any(a <= m.start() < b for a, b in inside) or label in found + pairs:
                continue
            found.append(label)
    return found


def region_of(levels: list[str], texts: Iterable[str], fixed: str | None) -> str | None:
    if fixed:
        return fixed
    letters = {lv[0] for lv in levels}
    joined = " ".join(texts).lower()
    upper = letters & {"C", "T"} or re.search(r"\b(?:cervical|thoracic|c-spine|t-spine)\b", joined)
    if upper and not letters & {"L", "S"}:
        return "cervical_thoracic"
    if letters & {"L", "S"} or re.search(r"\b(?:lumbar|sacral|caudal|lumbosacral)\b", joined):
        return "lumbar_sacral"
    return None


def action_of(proc_type: str, texts: list[str]) -> str | None:
    actions = vocabulary()["actions"].get(proc_type)
    if not actions:
        return None
    hits = {name for name, rx in actions if any(rx.search(t) for t in texts)}
    if "replacement" in hits or {"removal", "placement"} <= hits:
        return "replacement"
    for name in ("removal", "repositioning", "placement", "existing_access", "evaluation"):
        if name in hits:
            return name
    return None


def in_header_sentence(t: Target, sections: list[Section], category: str) -> bool:
    """True when the target is in the sentence that a ``category`` header opens
    ("Dx: distal radius fx" names a diagnosis, not a procedure done)."""
    return any(
        s.category == category
        and s.title.start <= t.start < s.body_end
        and t.sent_start <= s.title.start
        for s in sections
    )


_JOINT_WORD = re.compile(
    r"\b(hip|knee|shoulder|glenohumeral|GH(?=\s+(?:jt|jnt|joint)\b)|ankle|elbow|wrist|"
    r"acromioclavicular|AC joint|"
    r"subacromial|trochanteric|greater trochanter|GT(?=\s+bursa)|GTB|olecranon|prepatellar|"
    r"sacroiliac|SI joint)s?\b",  # "B knees", "both hips"
    re.IGNORECASE,
)
JOINT_TYPES = frozenset({"joint_injection", "arthrography"})
#: injections of the spine's own joints, which "joint injection" also names
_SPINAL_JOINT_TYPES = ("facet_medial_branch", "si_joint_injection", "si_joint_radiofrequency")
_SAME_JOINT = {
    "glenohumeral": "shoulder",
    "gh": "shoulder",
    "subacromial": "shoulder",
    "ac joint": "acromioclavicular",
    "si joint": "sacroiliac",
    "trochanteric": "hip",
    "greater trochanter": "hip",
    "gt": "hip",
    "gtb": "hip",
    # the bursae of a joint's own segment: an olecranon bursa is at the elbow
    "olecranon": "elbow",
    "prepatellar": "knee",
}


def _names_in(sentences: Iterable[str], kind: str) -> set[str]:
    """The things of one kind the sentences name, each by its one name
    (``<kind>_names`` and ``<kind>_aliases`` in procedures.yaml)."""
    words = vocabulary()[f"{kind}_names"]
    aliases = vocabulary()[f"{kind}_aliases"]
    found = {m.group(1).lower() for text in sentences for m in words.finditer(text)}
    return {aliases.get(name, name) for name in found}


def nerves_named(sentences: Iterable[str]) -> set[str]:
    """The nerves a nerve block's sentences name."""
    return _names_in(sentences, "nerve")


def segments_named(sentences: Iterable[str]) -> set[str]:
    """The limb segments a hardware removal's sentences name, by their bones:
    "distal fibula" is the ankle's."""
    return _names_in(sentences, "segment")


def organs_named(sentences: Iterable[str]) -> set[str]:
    """The organs a biopsy's sentences name (any words naming a node are the
    lymph node's)."""
    return {"lymph node" if "node" in name else name for name in _names_in(sentences, "organ")}


def joints_named(sentences: Iterable[str]) -> set[str]:
    """The different joints the procedure's sentences name."""
    found = {m.group(1).lower() for text in sentences for m in _JOINT_WORD.finditer(text)}
    return {_SAME_JOINT.get(j, j) for j in found}


#: a bursa beside a joint is a site of its own when injections are told apart
#: by site (a hip joint under fluoroscopy, its trochanteric bursa under ultrasound)
_BURSA_SITE = {
    "subacromial": "subacromial bursa",
    "trochanteric": "trochanteric bursa",
    "greater trochanter": "trochanteric bursa",
    "gt": "trochanteric bursa",
    "gtb": "trochanteric bursa",
}


def joint_sites_named(sentences: Iterable[str]) -> set[str]:
    """The different joints and bursae the procedure's sentences name; a bursa
    named with its joint is the site ("R SHOULDER - subacromial injection")."""
    found = {m.group(1).lower() for text in sentences for m in _JOINT_WORD.finditer(text)}
    bursae = {j for j in found if j in _BURSA_SITE}
    beside = {_SAME_JOINT[j] for j in bursae}
    return {_BURSA_SITE.get(j) or _SAME_JOINT.get(j, j) for j in found if j not in beside}


#: a plan that schedules a procedure for another day
_SCHEDULED = re.compile(
    r"\b(?:to be scheduled|will (?:be )?schedul\w*|(?:re)?schedul\w* (?:for|at|on|next)|"
    r"at (?:the|a) (?:next|later|follow-?up) (?:visit|date|appointment))\b",
    re.IGNORECASE,
)


def planned_only(
    note: str, sections: list[Section], procedures: list[Procedure], fluoroscopy: str
) -> bool:
    """No procedure done at this visit: none is named outside the plan, the
    fluoroscopy is only planned or not named, and the plan schedules one."""
    if procedures or fluoroscopy not in ("hypothetical", "not_mentioned"):
        return False
    plans = [s for s in sections if s.category in PLAN_SECTIONS]
    return any(_SCHEDULED.search(note, s.body_start, s.body_end) for s in plans)


def text_outside(note: str, sections: list[Section], categories: frozenset[str]) -> str:
    """The note with the bodies of the given sections blanked out."""
    chars = list(note)
    for s in sections:
        if s.category in categories:
            chars[s.body_start : s.body_end] = " " * (s.body_end - s.body_start)
    return "".join(chars)


#: sections whose words are not this session's procedure
_NOT_THIS_PROCEDURE = HISTORY_SECTIONS | PLAN_SECTIONS | RESULT_SECTIONS


#: two guidance cues named together ("ultrasound and fluoroscopic guidance")
_CUES_JOINED = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bplus\b|\bwith\b)\s*", re.IGNORECASE)


#: a paragraph a procedure heads: "THORACENTESIS: Patient sitting. ..." or
#: "2) Left knee injection:" at the start of its line
_HEADING_BEFORE = re.compile(
    r"[ \t]*(?:\d+[.)][ \t]*)?(?:(?:left|right|bilateral|lt|rt|l|r)[ \t]+)?", re.IGNORECASE
)
#: ("TDC removal:", "Port placement left:": up to two words before the colon)
_HEADING_AFTER = re.compile(r"(?:[ \t]+[A-Za-z][\w-]*){0,2}[ \t]*:")
#: the rest of a heading line of capitals after the procedure ("R HIP INJECTION")
_HEADING_LINE_END = re.compile(r"(?:[ \t]+[A-Z][\w-]*){0,2}[ \t]*")
#: a numbered item ("2. ", "3) ") and the rest of its line after the procedure
_NUMBERED = re.compile(r"[ \t]*\d+[.)][ \t]")
_ITEM_LINE_END = re.compile(r"(?:[ \t]+[\w/-]+){0,2}[ \t]*")
#: a blank line, or a line headed by another label ("Catheter: supine.")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n|\n[ \t]*(?:\d+[.)][ \t]*)?[A-Za-z][\w /&-]{0,40}:")


def _paragraph_cues(
    mention: Target, cues: list[Target], note: str, mentions: Sequence[Target]
) -> set[str] | None:
    """The guidance cues of the paragraph a procedure mention heads, or None when
    it heads none. A multi-procedure note gives each procedure its paragraph
    ("PORT: ... under fluoroscopy ... THORACENTESIS: ... Under ultrasound, ..."):
    the cues in it are that procedure's, unless the paragraph names another."""
    line_start = note.rfind("\n", 0, mention.start) + 1
    if not _HEADING_BEFORE.fullmatch(note, line_start, mention.start):
        return None
    # "Knee injection:", or a heading line of capitals ("R HIP INJECTION")
    line_end = note.find("\n", mention.end)
    line = note[line_start : len(note) if line_end < 0 else line_end]
    if not (
        _HEADING_AFTER.match(note, mention.end)
        or (line.isupper() and _HEADING_LINE_END.fullmatch(line, mention.end - line_start))
        # a numbered item's line of its own ("2. R piriformis inj"), its steps below
        or (_NUMBERED.match(line) and _ITEM_LINE_END.fullmatch(line, mention.end - line_start))
    ):
        return None
    blank = _PARAGRAPH_END.search(note, mention.end)
    end = blank.start() if blank else len(note)
    if any(m.meta != mention.meta and mention.end <= m.start < end for m in mentions):
        return None
    return {c.label for c in cues if mention.end <= c.start < end}


#: a paragraph labelled by a joint ("Left knee:", "ELBOW:", "2) R shoulder:")
_SITE_LABEL = re.compile(
    r"^[ \t]*(?:\d+[.)][ \t]*)?(?:(left|right|lt|rt|l|r)[ \t]+)?"
    + _JOINT_WORD.pattern
    + r"(?:[ \t]+[A-Za-z][\w-]*)?[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_LABEL_SIDES = {
    "left": "left",
    "lt": "left",
    "l": "left",
    "right": "right",
    "rt": "right",
    "r": "right",
}


def site_paragraph_cues(
    joints: Collection[str],
    laterality: str | None,
    other_joints: Collection[str],
    cues: list[Target],
    note: str,
) -> set[str]:
    """The guidance cues of the paragraphs a note labels by this procedure's joint
    ("Left knee: landmark approach without imaging") when no other joint
    procedure of the note names that joint: a multi-site note that names each
    procedure in its heading and describes it under its site's label."""
    found: set[str] = set()
    for label in _SITE_LABEL.finditer(note):
        joint = _SAME_JOINT.get(label.group(2).lower(), label.group(2).lower())
        side = _LABEL_SIDES.get((label.group(1) or "").lower())
        if joint not in joints or joint in other_joints:
            continue
        if side and laterality in ("left", "right") and side != laterality:
            continue
        blank = _PARAGRAPH_END.search(note, label.end())
        end = blank.start() if blank else len(note)
        found |= {c.label for c in cues if label.end() <= c.start < end}
    return found


def site_sentence_cues(
    named: Callable[[Iterable[str]], set[str]],
    own: Collection[str],
    theirs: Collection[str],
    cues: list[Target],
    note: str,
    others: Sequence[Target],
) -> set[str]:
    """The guidance cues of the sentences that name this procedure's site (its
    joint, its organ) and no other procedure's ("the right knee was prepped ...
    by palpation an 18 gauge needle entered the joint"; "a Jamshidi needle was
    advanced into the iliac crest without imaging; marrow was aspirated") when
    its own mentions have none: an operative note tells each procedure in its
    own sentences, away from the procedure list."""
    found: set[str] = set()
    for cue in cues:
        # the cue's sentence and the next on its line (or after its semicolon): the
        # way in is often told before what it reached ("The iliac spine was
        # identified by palpation, no imaging was used. ... ten cc of marrow
        # aspirate was obtained"); a new line may be another field ("Indication:")
        end = cue.sent_end
        said = note[cue.sent_start : end].rstrip()
        gap = _SPACE.match(note, cue.sent_start + len(said))
        if gap is None or "\n" not in gap.group(0) or said.endswith(";"):
            after = _FULL_STOP.search(note, end, end + 400)
            end = after.end() if after else end
        sites = named([note[cue.sent_start : end]])
        if not sites & set(own) or sites & set(theirs):
            continue
        if any(cue.sent_start <= o.start < end for o in others):
            continue
        found.add(cue.label)
    return found


#: a landmark cue that is itself a denial ("Ultrasound was not used for the
#: paracentesis"): ConText reads its "not" as negating it, yet it is the cue
_SAYS_NOT_IMAGED = re.compile(r"\bnot\s+(?:used|utilized|needed|required)\s+(?:for|during)\b")


def _another_procedure(other: Target, mention: Target, note: str) -> bool:
    """``other`` names another procedure than ``mention``: another kind, or the
    same kind at another site ("1. Left stellate ganglion block ... 2. Bilateral
    greater occipital nerve blocks")."""
    if other.meta != mention.meta:
        return True
    named = _SITES_NAMED.get(mention.meta or "")
    if named is None or other.sent_start == mention.sent_start:
        return False
    theirs = named([note[other.sent_start : other.sent_end]])
    mine = named([note[mention.sent_start : mention.sent_end]])
    return bool(theirs) and bool(mine) and not theirs & mine


#: a list item's number at the head of its line: "(2)", "#2", "2.", "2)"
_ITEM_NUMBER = re.compile(r"(?m:^)[ \t]*(?:\((\d{1,2})\)|\#[ \t]?(\d{1,2})|(\d{1,2})[.)])[ \t]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _item_paragraph_cues(
    mention: Target, cues: list[Target], note: str, mentions: Sequence[Target]
) -> set[str]:
    """The guidance cues of the paragraph told under a listed procedure's number
    (the list's "(2) Bilateral greater occipital nerve blocks", the description's
    "(2) Pt remained prone ... No imaging used for this portion."), when that
    paragraph names no other procedure."""
    line_start = note.rfind("\n", 0, mention.start) + 1
    head = _ITEM_NUMBER.match(note, line_start)
    line_end = note.find("\n", mention.end)
    if head is None or head.end() > mention.start or line_end < 0:
        return set()
    number = next(n for n in head.groups() if n)
    told = next(
        (
            m
            for m in _ITEM_NUMBER.finditer(note, line_end)
            if next(n for n in m.groups() if n) == number
        ),
        None,
    )
    if told is None:
        return set()
    # the paragraph ends at a blank line or at the next item's number
    stops = (_ITEM_NUMBER.search(note, told.end()), _BLANK_LINE.search(note, told.end()))
    end = min((stop.start() for stop in stops if stop is not None), default=len(note))
    if any(m.meta != mention.meta and told.start() <= m.start < end for m in mentions):
        return set()
    return {c.label for c in cues if told.start() <= c.start < end}


def _own_paragraph_cues(
    mention: Target, cues: list[Target], note: str, mentions: Sequence[Target]
) -> set[str]:
    """The guidance cue of the paragraph that holds the mention when that
    paragraph describes no other procedure and names one kind of guidance
    ("Patient then turned ... palpated and marked. No imaging was used for this
    portion. ... injected into the bursa")."""
    start, end = paragraph_bounds(note, mention.start, mention.end)
    if any(_another_procedure(m, mention, note) and start <= m.start < end for m in mentions):
        return set()
    # one kind of cue, or none: a form's lines of both ("Imaging: [x] Fluoroscopy"
    # above "Guidance: [x] palpation") say nothing of which guided what
    found = {c.label for c in cues if start <= c.start < end}
    return found if len(found) == 1 else set()


def nearest_cues(
    mention: Target, cues: list[Target], note: str, mentions: Sequence[Target]
) -> set[str]:
    """The guidance cues ("under fluoro", "by palpation") of one procedure mention:
    the nearest in its sentence, one after the mention first ("facet inj under
    fluoro + shoulder inj by palpation" gives each its own), with a cue named
    together with it ("ultrasound and fluoroscopic guidance"); else a landmark cue
    in the sentence right after it, in its section, that names no procedure of
    its own (a form's "Image guidance: [x] None - landmark approach" under it)."""
    others = [m for m in mentions if m.sent_start == mention.sent_start and m.meta != mention.meta]
    same = [
        c
        for c in cues
        if c.sent_start == mention.sent_start
        # a cue right after another procedure's words is that one's ("C5-6
        # CILESI under fluoro + L lateral epicondyle inj")
        and not (c.end <= mention.start and any(m.end <= c.start for m in others))
    ]
    if not same:
        # the paragraph the mention heads, else the one told under its item's number
        headed = _paragraph_cues(mention, cues, note, mentions)
        if headed:
            return headed
        told = _item_paragraph_cues(mention, cues, note, mentions)
        if told or headed is not None:
            return told
        # only a landmark cue: with none, a needle is taken as guided anyway
        later = [
            c
            for c in cues
            if c.label == "LANDMARK"
            and c.sent_start >= mention.sent_end
            # its section, or a form field of its own ("Guidance: none")
            and (c.section == mention.section or c.section not in _NOT_THIS_PROCEDURE)
        ]
        start = min((c.sent_start for c in later), default=-1)
        if (
            start < 0
            or note[mention.sent_end : start].strip()
            or any(m.sent_start == start for m in mentions)
        ):
            return _own_paragraph_cues(mention, cues, note, mentions)
        return {min((c for c in later if c.sent_start == start), key=lambda c: c.start).label}
    after = [c for c in same if c.start >= mention.end]
    pool = after or same
    nearest = min(pool, key=lambda c: abs(c.start - mention.end))
    labels = {nearest.label}
    for cue in sorted(pool, key=lambda c: c.start):
        gap = note[nearest.end : cue.start] if cue.start >= nearest.end else None
        if gap is not None and cue is not nearest and _CUES_JOINED.fullmatch(gap):
            labels.add(cue.label)
    return labels


def _code_led(
    note: str, targets: list[Target], sections: list[Section], ptype: str
) -> list[Target]:
    """Mentions of ``ptype`` by its structure's own words ("Next the right SI joint:
    ... needle into the inferior joint"), for a procedure the claim's codes name
    and the note names no other way: each in a sentence of this session that,
    or whose next sentence, says a needle went in or something was injected
    ("The left trapezius had a taut band. I injected it ...")."""
    performed = vocabulary()["performed"]
    return [
        t
        for t in targets
        if t.label == "PROCEDURE_SITE"
        and t.meta == ptype
        and t.status == "affirmed"
        and t.section not in RESULT_SECTIONS
        and not in_header_sentence(t, sections, "indication")
        and performed.search(note, t.sent_start, _two_sentences_end(note, t.start, t.end))
    ]


def _code_led_mentions(
    note: str,
    targets: list[Target],
    sections: list[Section],
    expected: Sequence[tuple[str, ...]],
    by_type: dict[str, list[Target]],
) -> list[Target]:
    """Add to ``by_type`` the code-led mentions of each expected structure the
    note names no other way; return them."""
    added: list[Target] = []
    for group in dict.fromkeys(expected):
        if not group:
            continue
        ptype = group[0]
        if not any(kind in by_type for kind in group):
            led = _code_led(note, targets, sections, ptype)
            if led:
                by_type[ptype] = led
                added += led
        elif (
            ptype in _SITES_NAMED
            and expected.count(group) > 1
            and [kind for kind in group if kind in by_type] == [ptype]
        ):
            # two codes of one structure (a knee's 20611 and a bursa's 20610) and
            # one site found: the other site's own words tell its procedure
            sites = _SITES_NAMED[ptype]
            found = sites(note[t.sent_start : t.sent_end] for t in by_type[ptype])
            others = [
                t
                for t in _code_led(note, targets, sections, ptype)
                if sites([note[t.start : t.end]]) - found
            ]
            by_type[ptype] += others
            added += others
    return added


_FULL_STOP = re.compile(r"[.?!;](?=\s)")
_SPACE = re.compile(r"\s+")
# what may come before a site at the head of a line: an item number, a side ("#1 L GH jt")
_LINE_HEAD = re.compile(
    r"(?:(?:\#\s?\d{1,2}|\d{1,2}[.)]|\(\d{1,2}\))\s*)?(?:(?:right|left|R|L|rt|lt|bilat\w*)\s*)?",
    re.IGNORECASE,
)


def _two_sentences_end(note: str, start: int, end: int) -> int:
    """Where the sentence after the one going on at ``end`` (of a site named from
    ``start``) ends, by its punctuation (a wrapped line is no sentence end here),
    within the paragraph; the paragraph's end when the site heads a line or is in
    the paragraph's opening sentence ("Right L5-S1 facet. Prone. Oblique view,
    22 g needle ...": what follows is about it)."""
    opening, stop = paragraph_bounds(note, start, end)
    before = note[note.rfind("\n", 0, start) + 1 : start].strip()
    if (
        _LINE_HEAD.fullmatch(before)
        or before.endswith(":")
        or not _FULL_STOP.search(note, opening, start)
    ):
        return stop  # a line's head (after a label at most), or the paragraph's first sentence
    for _ in range(2):
        found = _FULL_STOP.search(note, end, stop)
        if found is None:
            return stop
        end = found.end()
    return end


def procedures_of(
    note: str,
    targets: list[Target],
    sections: list[Section],
    expected: Sequence[tuple[str, ...]] = (),
) -> list[Procedure]:
    """The procedures the note describes.

    ``expected``: the procedure types of each structure the claim's codes name
    (the codes say what was done; the note is read for where and how). A
    structure none of whose types the note names is looked for by its own words
    (``site_words`` in procedures.yaml).
    """
    vocab = vocabulary()
    specs = vocab["procedures"]
    mentions = [
        t
        for t in targets
        if t.label == "PROCEDURE"
        and t.status == "affirmed"
        and t.section not in RESULT_SECTIONS
        and not in_header_sentence(t, sections, "indication")
    ]
    outside_history = text_outside(note, sections, HISTORY_SECTIONS)
    by_type: dict[str, list[Target]] = {}
    for t in mentions:
        spec = specs.get(t.meta or "")
        if spec is None:
            continue
        ctx = spec.get("needs_context")
        if ctx:
            sentence = note[t.sent_start : t.sent_end]
            rx = vocab["contexts"][ctx]
            if not rx.search(sentence):
                # the context elsewhere in the note, unless the mention's own
                # sentence names another place ("R genicular RFA" in a note
                # headed "Pain & Spine")
                other = spec.get("unless_context")
                if other and vocab["contexts"][other].search(sentence):
                    continue
                if not rx.search(outside_history):
                    continue
        by_type.setdefault(spec["type"], []).append(t)
    # a generic mention yields to a specific one in the same sentence
    for ptype, ts in list(by_type.items()):
        yields = specs[ptype].get("yields_to") or []
        kept = [
            t
            for t in ts
            if not any(o.sent_start == t.sent_start for y in yields for o in by_type.get(y, []))
        ]
        if kept:
            by_type[ptype] = kept
        else:
            del by_type[ptype]

    # before the spinal joints' words are set apart (a facet found by its own
    # words owns its "intra-articular arthrogram"), and again for a structure
    # whose only mention that took away
    mentions += _code_led_mentions(note, targets, sections, expected, by_type)
    _without_spinal_joint_words(note, by_type)
    mentions += _code_led_mentions(note, targets, sections, expected, by_type)

    kept_mentions = {t for ts in by_type.values() for t in ts}
    read_as_other = {t for t in mentions if t not in kept_mentions}
    # every mention of a type, whatever its status, for the guidance cues
    cue_only: dict[str, list[Target]] = {}
    for t in targets:
        spec = specs.get(t.meta or "") if t.label == "PROCEDURE" else None
        # a mention read as another procedure's words is not this one's
        # ("sacroiliac joint injections, fluoroscopically guided" is no cue of
        # the bursa injection)
        if spec is not None and t.section not in RESULT_SECTIONS and t not in read_as_other:
            cue_only.setdefault(spec["type"], []).append(t)
    # a procedure named in the list and told in the description by its site's
    # words ("(2) Bilateral greater trochanteric bursa injections" ... "Point of
    # maximal tenderness over the greater trochanter palpated ... no imaging"):
    # the cue beside the site is the procedure's
    for t in targets:
        if (
            t.label == "PROCEDURE_SITE"
            and t.meta in by_type
            and t.status == "affirmed"
            and t.section not in RESULT_SECTIONS
            and t not in by_type[t.meta]
        ):
            cue_only.setdefault(t.meta, []).append(t)
    procedure_text = [
        note[s.body_start : s.body_end] for s in sections if s.category == "procedure"
    ]
    sites = [t for t in targets if t.label == "SITE" and t.status == "affirmed"]
    landmarks = [
        t
        for t in targets
        if t.label in ("LANDMARK", "FLUORO_GUIDANCE", "ULTRASOUND", "CT")
        and (t.status == "affirmed" or _SAYS_NOT_IMAGED.search(t.text))
        and t.section not in EARLIER_STUDY_SECTIONS
    ]

    # "No fluoroscopy used for the removal": a fluoroscopy denied in a sentence
    # that names one procedure, or what was done to it
    denied = [
        t
        for t in targets
        if t.label == "FLUORO"
        and t.status == "negated"
        # the denial before the word ("no fluoroscopy ... for"), not a finding after
        # it ("checked for kinks under fluoro, none")
        and DENIED_BEFORE.search(note, max(t.sent_start, t.start - 24), t.start)
    ]

    def fluoroscopy_denied(ptype: str, group: list[Target]) -> bool:
        actions = vocabulary()["actions"].get(ptype, [])
        for t in denied:
            sentence = note[t.sent_start : t.sent_end]
            if any(m.sent_start == t.sent_start for m in group) or any(
                rx.search(sentence) for _, rx in actions
            ):
                return True
            # "No fluoro used for this line.": the procedure last named before it
            if _THIS_PROCEDURE.search(sentence):
                before = [m for m in mentions if m.start < t.start]
                if before and max(before, key=lambda m: m.start) in group:
                    return True
        return False

    def cues_of(group: list[Target]) -> set[str]:
        return {cue for t in group for cue in nearest_cues(t, landmarks, note, mentions)}

    out: list[Procedure] = []
    groups = [
        (ptype, group)
        for ptype, ts in sorted(by_type.items(), key=lambda kv: kv[1][0].start)
        for group in (
            _by_site(note, ts, cues_of, _SITES_NAMED[ptype]) if ptype in _SITES_NAMED else [ts]
        )
    ]
    told_by_surgery = _fluoroscopy_told_only_by_surgery(targets, groups, specs)

    def others_of(group: list[Target]) -> list[Target]:
        """The mentions of the note's other procedures."""
        return [t for _, other in groups if other is not group for t in other]

    for ptype, ts in groups:
        spec = specs[ptype]
        sentences = list(dict.fromkeys(note[t.sent_start : t.sent_end] for t in ts))
        foramina = bool(spec.get("sacral_foramina"))
        levels = levels_named(sentences, foramina) if spec["spinal"] else []
        if spec["spinal"] and not levels:
            levels = levels_named(procedure_text or [note], foramina)
        if spec["spinal"] and not levels and len([t for t in by_type if specs[t]["spinal"]]) == 1:
            # a form's "Levels: [x] L4-5 [x] L5-S1" field, outside the one-line
            # "Procedure:" field: with one spinal procedure, the levels are its own
            levels = levels_named([outside_history])
        laterality = laterality_named(sentences)
        if laterality == "bilateral" and not _bilateral_words().search(" ".join(sentences)):
            # a right and a left named in one sentence of two procedures ("R TFESI
            # + L knee inj"): each procedure's side is the one in its own words
            laterality = laterality_named(_own_clauses(note, ts, mentions)) or laterality
        if laterality is None and len(groups) == 1:
            # one procedure: a side named elsewhere in the note is its side (with
            # several, it may be another procedure's)
            laterality = laterality_named(procedure_text) or laterality_named([outside_history])
        elif laterality is None:
            # a form's "Side: [x] R [x] L" on the line under the procedure's own
            laterality = laterality_named(_lines_under(note, ts, mentions))
        if (
            laterality in ("left", "right")
            and len(groups) == 1
            and _other_side_too(outside_history)
        ):
            laterality = "bilateral"  # "same technique on the L" after the right
        joints = sorted(joints_named(sentences)) if ptype in JOINT_TYPES else []
        if laterality == "bilateral" and len(joints) > 1:
            laterality = None  # a right hip and a left knee: two joints, not both sides of one
        site = next((s.text for s in sites if any(s.sent_start == t.sent_start for t in ts)), None)
        # the cue may sit beside a mention that is not itself "done" ("No imaging
        # used for the trigger points" negates the mention it guides)
        extra = [t for t in cue_only.get(ptype, []) if t not in ts]
        if ptype in _SITES_NAMED:
            # a site's words are a cue's owner only for a procedure at that site
            # ("Left shoulder: ... under fluoroscopy" is not the right knee's)
            named = _SITES_NAMED[ptype]
            own = named(sentences)
            extra = [t for t in extra if t.label != "PROCEDURE_SITE" or named([t.text]) <= own]
        cued = ts + extra
        if len(ts) < len(by_type[ptype]):
            # one site of several: its own mentions' cues, not the other site's
            cued = ts
        guided = cues_of(cued)
        if not guided and joints:
            other_joints = {
                joint
                for other_type, other in groups
                if other is not ts and other_type in JOINT_TYPES
                for joint in joints_named(note[t.sent_start : t.sent_end] for t in other)
            }
            guided = site_paragraph_cues(joints, laterality, other_joints, landmarks, note)
            if not guided:
                guided = site_sentence_cues(
                    joints_named, joints, other_joints, landmarks, note, others_of(ts)
                )
        organs = sorted(organs_named(sentences)) if ptype == "biopsy_aspiration" else []
        if not guided and organs:
            other_organs = {
                organ
                for other_type, other in groups
                if other is not ts and other_type == ptype
                for organ in organs_named(note[t.sent_start : t.sent_end] for t in other)
            }
            guided = site_sentence_cues(
                organs_named, organs, other_organs, landmarks, note, others_of(ts)
            )
        first = ts[0]
        out.append(
            Procedure(
                type=ptype,
                label=spec["label"],
                spinal=bool(spec["spinal"]),
                region=region_of(levels, sentences, spec.get("region")) if spec["spinal"] else None,
                anatomic_site=site,
                laterality=laterality,
                levels=levels,
                levels_count=len(levels),
                action=action_of(ptype, sentences),
                by_landmark=(
                    "FLUORO_GUIDANCE" not in guided
                    and ("LANDMARK" in guided or bool(spec.get("guided_only_when_said")))
                )
                or ("FLUORO_GUIDANCE" not in guided and fluoroscopy_denied(ptype, ts))
                # a needle with no cue of its own beside a surgery whose own
                # sentences hold every fluoroscopy the note names ("Mini C-arm
                # confirms complete removal" of the K-wires, then a trigger finger
                # injection): the fluoroscopy is the surgery's
                or (not guided and told_by_surgery and bool(spec.get("needle", True))),
                by_ultrasound="ULTRASOUND" in guided and "FLUORO_GUIDANCE" not in guided,
                by_fluoroscopy="FLUORO_GUIDANCE" in guided and "ULTRASOUND" not in guided,
                by_ct=guided == {"CT"},
                joints=joints,
                nerves=sorted(nerves_named(sentences)) if ptype == "nerve_block" else [],
                organs=organs,
                segments=sorted(segments_named(sentences)) if ptype == "hardware_removal" else [],
                span=target_span(note, first),
            )
        )
    return out


def _fluoroscopy_told_only_by_surgery(
    targets: Sequence[Target],
    groups: Sequence[tuple[str, list[Target]]],
    specs: dict[str, dict[str, object]],
) -> bool:
    """Every fluoroscopy the note says was used is told of a procedure that
    places no needle (a reduction, a hardware removal): the last procedure named
    before it is such a one, and no needle procedure shares its sentence."""
    used = [t for t in targets if t.label == "FLUORO" and t.status == "affirmed"]
    named = sorted(
        (t.start, t.sent_start, bool(specs[ptype].get("needle", True)))
        for ptype, ts in groups
        for t in ts
    )
    if not used or all(needle for _, _, needle in named):
        return False
    for mention in used:
        before = [(sent, needle) for start, sent, needle in named if start < mention.start]
        if not before or before[-1][1]:
            return False
        if any(needle and sent == mention.sent_start for _, sent, needle in named):
            return False
    return True


@cache
def _other_side_pattern() -> re.Pattern[str]:
    return re.compile(load_yaml("elements.yaml")["laterality"]["other_side_too"], re.IGNORECASE)


def _other_side_too(text: str) -> bool:
    """The note repeats its one procedure on the other side ("same technique on
    the L", "Side: [X] Bilat")."""
    return bool(_other_side_pattern().search(text))


#: where one procedure's words end and another's begin in a sentence naming two
_CLAUSE_SEPARATOR = re.compile(r"\s*(?:[+;&]|,|\band\b|\bplus\b|\bthen\b|\(\d\)|\d[.)]\s)\s*")


def _lines_under(note: str, group: list[Target], mentions: list[Target]) -> list[str]:
    """The line under each mention's line, where it names no other procedure."""
    out = []
    for t in group:
        start = note.find("\n", t.start) + 1
        if not start:
            continue
        end = note.find("\n", start)
        end = len(note) if end < 0 else end
        if not any(start <= m.start < end for m in mentions if m not in group):
            out.append(note[start:end])
    return out


def _own_clauses(note: str, group: list[Target], mentions: list[Target]) -> list[str]:
    """The words of each mention's sentence that are its own: where the sentence
    names another procedure too ("R L3-4, L4-5 TFESI (fluoro) + L knee IA inj"),
    the part between the separators around the mention that holds no other
    procedure's mention; else the whole sentence."""
    out: list[str] = []
    for t in group:
        others = [m for m in mentions if m.sent_start == t.sent_start and m.meta != t.meta]
        if not others:
            out.append(note[t.sent_start : t.sent_end])
            continue
        start = max([m.end for m in others if m.end <= t.start] or [t.sent_start])
        end = min([m.start for m in others if m.start >= t.end] or [t.sent_end])
        # the separator nearest the other procedure's words bounds this one's
        # (the levels listed with commas stay with their procedure)
        first = _CLAUSE_SEPARATOR.search(note, start, t.start)
        last = list(_CLAUSE_SEPARATOR.finditer(note, t.end, end))
        lo = first.end() if first and start > t.sent_start else start
        hi = last[-1].start() if last and end < t.sent_end else end
        out.append(note[lo:hi])
    return list(dict.fromkeys(out))


def types_not_performed(targets: list[Target], procedures: list[Procedure]) -> list[str]:
    """The procedure types the note says were not done ("thoracentesis was not
    attempted", "EXAM: ... (THORACENTESIS NOT PERFORMED)") and documents nowhere
    as done."""
    negated = {
        t.meta
        for t in targets
        if t.meta is not None
        and t.label == "PROCEDURE"
        and t.status == "negated"
        and t.meta in vocabulary()["procedures"]
        # not a plan's conditional ("if this injection does not help")
        and t.section not in HISTORY_SECTIONS | PLAN_SECTIONS
    }
    return sorted(negated - {p.type for p in procedures})


#: a denial that points back at the procedure just described ("for this line")
_THIS_PROCEDURE = re.compile(
    r"\b(?:for|during|with|in) (?:this|that) (?:line|catheter|access|procedure|portion|part|step|"
    r"block|injection|aspiration|placement|one|side)\b",
    re.IGNORECASE,
)


#: how a procedure type's sites are named: a joint injection's joints, a nerve
#: block's nerves
_SITES_NAMED: dict[str, Callable[[Iterable[str]], set[str]]] = {
    "joint_injection": joint_sites_named,
    "arthrography": joints_named,
    "nerve_block": nerves_named,
    "biopsy_aspiration": organs_named,
}


def _by_site(
    note: str,
    mentions: list[Target],
    cues_of: Callable[[list[Target]], set[str]],
    named: Callable[[Iterable[str]], set[str]],
) -> list[list[Target]]:
    """A procedure's mentions, one group per site (joint, nerve) when each
    mention's sentence names one or lists several, the sentences name several, and the sites were
    guided differently (a knee aspiration under ultrasound and a trochanteric
    bursa injection by landmarks; a stellate ganglion block under fluoroscopy and
    occipital blocks by landmarks): each is a procedure with its own guidance;
    else one group."""
    sites: dict[str, list[Target]] = {}
    for t in mentions:
        found = named([note[t.sent_start : t.sent_end]])
        if not found:
            return [mentions]
        if len(found) == 1:
            sites.setdefault(found.pop(), []).append(t)
        # a sentence naming several ("a lumbar sympathetic block plus a lateral
        # femoral cutaneous block") lists them: each site's own sentences say how
        # it was guided
    groups = list(sites.values())
    if len(groups) < 2 or len({frozenset(cues_of(g)) for g in groups}) < 2:
        return [mentions]
    return groups


def _without_spinal_joint_words(note: str, by_type: dict[str, list[Target]]) -> None:
    """The words of a facet or SI joint injection that name another procedure: a
    "facet joint injection" or "SI joint injection" is not also a peripheral
    joint's injection, and the "intra-articular arthrogram" that confirmed the
    needle is not an arthrography of its own. A mention that names a peripheral
    joint (a hip, a knee) stays."""
    spinal = [t for kind in _SPINAL_JOINT_TYPES for t in by_type.get(kind, [])]
    if not spinal:
        return
    sacroiliac_done = bool({"si_joint_injection", "si_joint_radiofrequency"} & set(by_type))
    for kind in ("joint_injection", "arthrography"):
        kept = []
        for t in by_type.get(kind, []):
            joints = joints_named([note[t.sent_start : t.sent_end]])
            if joints - {"sacroiliac"}:
                kept.append(t)  # a peripheral joint
            elif kind == "joint_injection" and not (
                any(o.sent_start == t.sent_start for o in spinal)
                or ("sacroiliac" in joints and sacroiliac_done)
            ):
                kept.append(t)  # no joint named, and no spinal joint's words
        if kept:
            by_type[kind] = kept
        else:
            by_type.pop(kind, None)
