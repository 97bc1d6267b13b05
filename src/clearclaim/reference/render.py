"""Markdown and HTML for a code page (the curated part and every label).

Both renderers take the plain JSON page (a dict) and return a string. Any key
may be missing or ``None``: what is there is rendered, nothing else. Curated
sections may be plain values or ``{"value": ..., "language": ..., "translated":
bool}`` as produced by :meth:`CuratedContent.to_page`; an untranslated section
gets the "Not translated yet: shown in English" marker and, in HTML, ``lang="en"
dir="ltr"`` so English text inside an Arabic page still reads left to right.

Every label comes from the gettext catalogs. Arabic pages are wrapped right to
left: ``<article dir="rtl">`` in HTML, a ``<div dir="rtl">`` block in Markdown.
Free text that comes from CMS data (MUE and NCCI rationales, facility payment
notes, data warnings) is English and is shown as it is; on a page in another
language it is marked ``lang="en" dir="ltr"`` in HTML.

The sections built from the CMS data (MUE, add-on code, NCCI edits, payment
detail, payment indicators, data notes) live in :mod:`clearclaim.reference.render_cms`.

The page is first turned into a small list of neutral blocks (heading,
paragraph, list, table, definition list); each output format is then a short
serializer, so HTML and Markdown cannot disagree on content.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from clearclaim.i18n import gettext_for
from clearclaim.reference import render_cms as cms
from clearclaim.reference.render_blocks import (
    NOT_TRANSLATED,
    SECTION_TITLES,
    Block,
    English,
    Group,
    Inline,
    Link,
    _Builder,
    _empty,
    _text,
    _then,
    _unwrap,
)


def build_groups(self: _Builder, page: Mapping[str, Any]) -> list[Group]:
    """The page as titled groups of blocks, in page order."""
    groups: list[Group] = []
    for key, method in (
        ("descriptor", self._descriptor),
        ("status", self._status),
        ("indicators", lambda p: cms.indicator_blocks(self, p)),
        ("rvu", lambda p: _then(self._rvu(p), cms.component_rvu_blocks(self, p))),
        ("payment", lambda p: _then(self._payment(p), cms.payment_detail_blocks(self, p))),
        ("wrvu_rank", self._wrvu),
        ("mue", lambda p: cms.mue_blocks(self, p.get("mue"))),
        ("add_on", lambda p: cms.add_on_blocks(self, p.get("add_on"))),
        ("ncci", lambda p: cms.ncci_blocks(self, p.get("ncci"))),
    ):
        blocks = method(page)
        if blocks:
            groups.append(Group(key, self.t(SECTION_TITLES[key]), blocks))
    for key, method in (
        ("plain_language", self._paragraph),
        ("synonyms", self._bullets),
        ("when_to_use", self._bullets),
        ("when_not_to_use", self._bullets),
        ("documentation", self._documentation),
        ("modifiers", self._modifiers),
        ("medical_necessity", self._paragraph),
        ("denials", self._bullets),
        ("examples", self._examples),
        ("faqs", self._faqs),
        ("related", self._related),
        ("history", self._history),
        ("sources", self._sources),
    ):
        value, translated = _unwrap(page.get(key))
        if _empty(value):
            continue
        blocks = method(value)
        if not blocks:
            continue
        groups.append(Group(key, self.t(SECTION_TITLES[key]), blocks, untranslated=not translated))
    notes = cms.notes_blocks(self, page.get("warnings"))
    if notes:
        title = SECTION_TITLES["notes"]
        groups.append(Group("notes", self.t(title), notes))
    return groups


# --- serializers ---------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_inline(value: Inline) -> str:
    if isinstance(value, Link):
        return f"[{_md(value.text)}]({value.url.replace(')', '%29').replace(' ', '%20')})"
    if isinstance(value, English):
        return _md(value.text)
    if isinstance(value, tuple):
        return "".join(_md_inline(v) for v in value)
    return _md(value)


def _md_cell(value: Inline) -> str:
    return _md_inline(value).replace("|", "\\|").replace("\n", " ")


def _md_block(block: Block) -> str:
    if block.kind == "p":
        return _md_inline(block.items[0])
    if block.kind == "h3":
        return f"### {_md_inline(block.items[0])}"
    if block.kind == "ul":
        return "\n".join(f"- {_md_inline(item)}" for item in block.items)
    if block.kind == "dl":
        return "\n".join(f"- **{_md(term)}:** {_md(desc)}" for term, desc in block.items)
    if block.kind == "faq":
        return "\n\n".join(f"**{_md(q)}**\n\n{_md(a)}" for q, a in block.items)
    if block.kind == "table":
        header = block.header or [""] * len(block.items[0])
        lines = [
            "| " + " | ".join(_md_cell(h) for h in header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.items]
        return "\n".join(lines)
    raise ValueError(f"unknown block kind {block.kind!r}")


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_inline(value: Inline) -> str:
    if isinstance(value, Link):
        return f'<a href="{_h(value.url)}" rel="noopener">{_h(value.text)}</a>'
    if isinstance(value, English):
        return f'<span lang="en" dir="ltr">{_h(value.text)}</span>'
    if isinstance(value, tuple):
        return "".join(_html_inline(v) for v in value)
    return _h(value)


def _html_block(block: Block) -> str:
    if block.kind == "p":
        return f"<p>{_html_inline(block.items[0])}</p>"
    if block.kind == "h3":
        return f"<h3>{_html_inline(block.items[0])}</h3>"
    if block.kind == "ul":
        return "<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in block.items) + "</ul>"
    if block.kind in ("dl", "faq"):
        cls = "cc-faq" if block.kind == "faq" else "cc-example"
        body = "".join(f"<dt>{_h(term)}</dt><dd>{_h(desc)}</dd>" for term, desc in block.items)
        return f'<dl class="{cls}">{body}</dl>'
    if block.kind == "table":
        head = ""
        if any(block.header):
            head = (
                "<thead><tr>" + "".join(f"<th>{_h(h)}</th>" for h in block.header) + "</tr></thead>"
            )
        rows = "".join(
            "<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>"
            for row in block.items
        )
        return f"<table>{head}<tbody>{rows}</tbody></table>"
    raise ValueError(f"unknown block kind {block.kind!r}")


def _page_language(page: Mapping[str, Any], lang: str | None) -> str:
    return lang if lang is not None else _text(page.get("language")) or "en"


def render_markdown(page: Mapping[str, Any], lang: str | None = None) -> str:
    """Markdown for a code page. ``lang`` defaults to ``page["language"]``, then English.

    Arabic output is wrapped in a ``<div dir="rtl">`` block (blank lines inside
    so Markdown still renders); English fallback sections inside it are wrapped
    in ``<div dir="ltr" lang="en">``.
    """
    builder = _Builder(_page_language(page, lang))
    language = builder.language
    parts: list[str] = []
    code = _text(page.get("code"))
    if code:
        parts.append(f"# {_md(code)}")
    header = cms.header_line(builder, page)
    if header:
        parts.append(_md(header))
    marker = builder.t(NOT_TRANSLATED)
    for group in build_groups(builder, page):
        body = "\n\n".join(_md_block(b) for b in group.blocks)
        if group.untranslated:
            # The English fallback keeps its own direction inside a right-to-left page;
            # the heading and the marker stay in the page's language and direction.
            if language.direction == "rtl":
                body = f'<div dir="ltr" lang="en">\n\n{body}\n\n</div>'
            body = f"> *{_md(marker)}*\n\n{body}"
        parts.append(f"## {_md(group.title)}\n\n{body}")
    text = "\n\n".join(parts)
    if language.direction == "rtl":
        text = f'<div dir="rtl" lang="{language.bcp47}">\n\n{text}\n\n</div>'
    return text + "\n"


def render_html(page: Mapping[str, Any], lang: str | None = None) -> str:
    """An HTML fragment (``<article>``) for a code page, with ``lang`` and ``dir`` set."""
    builder = _Builder(_page_language(page, lang))
    language = builder.language
    parts: list[str] = []
    code = _text(page.get("code"))
    if code:
        parts.append(f"<h1>{_h(code)}</h1>")
    header = cms.header_line(builder, page)
    if header:
        parts.append(f'<p class="cc-meta">{_h(header)}</p>')
    marker = builder.t(NOT_TRANSLATED)
    for group in build_groups(builder, page):
        body = "".join(_html_block(b) for b in group.blocks)
        if group.untranslated:
            body = (
                f'<p class="cc-untranslated"><em>{_h(marker)}</em></p>'
                f'<div class="cc-fallback" lang="en" dir="ltr">{body}</div>'
            )
        parts.append(
            f'<section class="cc-section cc-{_h(group.key)}">'
            f"<h2>{_h(group.title)}</h2>{body}</section>"
        )
    return (
        f'<article class="clearclaim-code" lang="{language.bcp47}" '
        f'dir="{language.direction}">' + "".join(parts) + "</article>"
    )


def render_labels(lang: str | None = None) -> dict[str, str]:
    """Every section title in ``lang``, keyed like the page (for other shells' templates)."""
    t = gettext_for(lang)
    return {key: t(msgid) for key, msgid in SECTION_TITLES.items()}


__all__ = [
    "NOT_TRANSLATED",
    "SECTION_TITLES",
    "build_groups",
    "render_html",
    "render_labels",
    "render_markdown",
]
