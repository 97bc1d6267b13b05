"""The rule texts of a report in the user's language.

Each rule's title, message, action and documentation prompt are written in
English beside the rule (rules/data, edits/data, diagnosis/data) and
translated in ``rules/i18n/<language>.yaml``, keyed by rule ID, with the same
``{placeholders}``. A finding's message was rendered from its rule's template
with the finding's values (code, line, date, the rule's fields in
``details``); the translation is rendered from the translated template with
the same values. ``localize_report`` then swaps every English text of the
report for its translation: findings, suppressed codes, documentation gaps
and prompts, denial risks and the rules named on the billed lines.

What has no translation, or whose values are not on the finding, stays in
English; CMS short descriptors always do (they are CMS's text).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from clearclaim._yaml import load_yaml
from clearclaim.models import Finding, Report

_FIELDS = ("title", "message", "action", "prompt")


@dataclass(frozen=True)
class Catalog:
    """The translated rule texts of one language."""

    language: str
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    #: data warning templates (keys of warnings.yaml) and data family titles
    warnings: dict[str, str] = field(default_factory=dict)
    family_titles: dict[str, str] = field(default_factory=dict)


@cache
def catalog(language: str) -> Catalog | None:
    """The rule texts in ``language`` (None for English or a language with no file)."""
    if language == "en" or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    path = resources.files("clearclaim.rules").joinpath("i18n", f"{language}.yaml")
    if not path.is_file():
        return None
    data = load_yaml(path.read_text("utf-8")) or {}
    return Catalog(
        language=language,
        rules={str(k): dict(v) for k, v in (data.get("rules") or {}).items()},
        phrases={str(k): str(v) for k, v in (data.get("phrases") or {}).items()},
        warnings={str(k): str(v) for k, v in (data.get("warnings") or {}).items()},
        family_titles={str(k): str(v) for k, v in (data.get("family_titles") or {}).items()},
    )


@cache
def _english() -> Catalog:
    """The English phrases the report builds around rule texts (the templates'
    English lives beside each rule; these few are written by the checker)."""
    data = load_yaml(
        resources.files("clearclaim.rules").joinpath("i18n", "phrases.yaml").read_text("utf-8")
    )
    return Catalog(language="en", phrases={str(k): str(v) for k, v in data.items()})


@cache
def warning_templates() -> dict[str, str]:
    """The English templates of the data warnings (rules/i18n/warnings.yaml)."""
    data = load_yaml(
        resources.files("clearclaim.rules").joinpath("i18n", "warnings.yaml").read_text("utf-8")
    )
    return {str(k): str(v) for k, v in (data.get("templates") or {}).items()}


def _warning_patterns(texts: Catalog) -> list[tuple[re.Pattern[str], str]]:
    """Each English warning template as a pattern (placeholders match any text),
    with its translation; the longest first, so a whole sentence goes before a
    part of it."""
    patterns = []
    for key, english in sorted(warning_templates().items(), key=lambda kv: -len(kv[1])):
        translated = texts.warnings.get(key)
        if not translated:
            continue
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        if parts[-1] == "" and len(parts) > 1:
            regex += r"(?=[.;:)]|$)"  # a trailing value ends at the sentence's mark
        patterns.append((re.compile(regex), translated))
    return patterns


def _localize_warning(
    message: str, patterns: list[tuple[re.Pattern[str], str]], titles: dict[str, str]
) -> str:
    """``message`` with every warning template it holds rewritten; a family's
    English title among the values becomes its title in ``titles``."""
    for pattern, translated in patterns:

        def render(found: re.Match[str], template: str = translated) -> str:
            values = {k: titles.get(v, v) for k, v in found.groupdict().items()}
            return template.format_map(values)

        message = pattern.sub(render, message)
    return message


def _values(finding: Finding) -> dict[str, str]:
    """The values a rule's template is rendered with, as the finding carries them."""
    values = {
        "code": finding.code or "",
        "line": str(finding.lines[0]) if finding.lines else "",
        "lines": ", ".join(str(n) for n in finding.lines),
        "dos": finding.date_of_service.isoformat() if finding.date_of_service else "",
        "related_code": finding.related_code or "",
        "related_line": str(finding.related_line or ""),
    }
    release = next((s.release for s in finding.sources if s.release), None)
    if release:
        values["release"] = release
    values.update({k: str(v) for k, v in finding.details.items()})
    return values


def _render(template: str, values: dict[str, str]) -> str | None:
    """``template`` with ``values``; None when it needs a value the finding lacks."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not names <= values.keys():
        return None
    return " ".join(template.format_map(values).split())


def _pairs(report: Report, texts: Catalog) -> dict[str, str]:
    """English text -> its translation, for every rule text in the report."""
    from clearclaim.rules.registry import registry

    pairs: dict[str, str] = {}
    for finding in report.findings:
        translated = texts.rules.get(finding.rule_id)
        if not translated:
            continue
        values = _values(finding)
        indicators = translated.get("indicators") or {}
        if values.get("bilateral_indicator") in indicators:  # BIL01's reason, translated
            values["why"] = str(indicators[values["bilateral_indicator"]])
        for name, english in (("message", finding.message), ("action", finding.action)):
            template = translated.get(name)
            rendered = _render(str(template), values) if template and english else None
            if rendered:
                pairs[english] = rendered
    for gap in report.documentation.gaps:
        translated = texts.rules.get(gap.rule, {})
        for name in ("message", "action", "prompt"):
            english = getattr(gap, name)
            if english and translated.get(name):
                pairs[english] = " ".join(str(translated[name]).split())
    rules = registry()
    for rule_id, translated in texts.rules.items():
        if rule_id in rules and translated.get("title"):
            pairs[rules.rule(rule_id).title] = str(translated["title"])
    return {english: text for english, text in pairs.items() if english != text}


#: phrases that are a whole part of a billed line's rationale ("intended code"),
#: matched only as such ("MUE02: units capped at the MUE (1)" has a rule prefix)
LINE_PHRASES = frozenset(
    {
        "intended_code",
        "documented_ultrasound",
        "units_capped",
        "separate_structure",
        "sole_primary",
        "add_on_first_unit",
        "add_on_primary_added",
        "add_on_primary_for_levels",
        "ultrasound_of_other",
        "documented_quoted",
        "documented_exam",
        "documented_add_on",
        "documented_family",
        "documented_companion",
        "not_intended",
        "second_level_add_on",
    }
)


def _phrase_patterns(texts: Catalog, keys: Any) -> list[tuple[re.Pattern[str], str]]:
    """The checker's own phrases around rule texts, as patterns to rewrite."""
    patterns = []
    for key, english in _english().phrases.items():
        translated = texts.phrases.get(key)
        if not translated or key not in keys:
            continue
        parts = re.split(r"\{(\w+)\}", english)
        # a line reason is matched whole (anchored): its values may hold spaces
        value = ".+?" if key in LINE_PHRASES else "\\S+?"
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{value})"
            for i, part in enumerate(parts)
        )
        if key in LINE_PHRASES:
            regex = rf"^(?P<_rule>[A-Z]{{2,4}}\d{{2}}: )?{regex}$"
            translated = "{_rule}" + translated
        patterns.append((re.compile(regex), translated))
    return patterns


def _swap(text: str, pairs: dict[str, str], order: list[str], phrases: list[Any]) -> str:
    if text in pairs:
        return pairs[text]
    for english in order:
        if english in text:
            text = text.replace(english, pairs[english])
    for pattern, translated in phrases:
        text = pattern.sub(lambda m, t=translated: t.format_map(m.groupdict()), text)
    return text


def _walk(value: Any, swap: Any) -> Any:
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, list):
        return [_walk(item, swap) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, swap) for key, item in value.items()}
    return value


#: the report parts whose text is rule text (never the note's quotes or CMS data)
_TRANSLATED_PARTS = ("lines", "suppressed", "documentation", "findings", "denial_risks")


def localize_report(report: Report, language: str) -> Report:
    """``report`` with its rule texts in ``language`` (itself when there is no catalog)."""
    texts = catalog(language)
    if texts is None:
        return report
    pairs = _pairs(report, texts)
    order = sorted(pairs, key=len, reverse=True)  # a whole message before a title in it
    phrases = _phrase_patterns(texts, set(_english().phrases) - LINE_PHRASES)
    line_phrases = _phrase_patterns(texts, LINE_PHRASES)

    def swap(text: str) -> str:
        return _swap(text, pairs, order, phrases)

    def swap_reason(part: str) -> str:
        for pattern, translated in line_phrases:
            found = pattern.match(part)
            if found:
                values = {k: v or "" for k, v in found.groupdict().items()}
                return translated.format_map(values)
        return swap(part)

    data = report.model_dump(mode="json")
    for line in data["lines"]:
        reasons = str(line.get("rationale") or "")
        line["rationale"] = "; ".join(swap_reason(part) for part in reasons.split("; "))
    for part in _TRANSLATED_PARTS:
        if part == "documentation":
            data[part]["gaps"] = _walk(data[part]["gaps"], swap)
        else:
            data[part] = _walk(data[part], swap)
    from clearclaim.store.store import FAMILY_TITLES

    patterns = _warning_patterns(texts)
    titles = {title: texts.family_titles.get(key, title) for key, title in FAMILY_TITLES.items()}

    def data_text(text: str) -> str:
        return _localize_warning(text, patterns, titles)

    for warning in data.get("warnings") or []:
        warning["message"] = data_text(str(warning["message"]))
    payment = data.get("payment") or {}
    if payment.get("note"):
        payment["note"] = data_text(str(payment["note"]))
    for family in data.get("data_coverage") or []:
        family["title"] = titles.get(str(family.get("title")), family.get("title"))
        if family.get("why"):
            family["why"] = data_text(str(family["why"]))
    return Report.model_validate(data)
