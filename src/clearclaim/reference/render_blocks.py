"""The neutral blocks a code page is built from, and the builder that makes them.

:mod:`clearclaim.reference.render` (the page, Markdown and HTML) and
:mod:`clearclaim.reference.render_cms` (the sections built from CMS data) both
import this module; neither imports the other's way back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_currency, format_decimal

from clearclaim.i18n import N_, get_language, gettext_for
from clearclaim.knowledge import FamilyName, indicator_label

NOT_TRANSLATED = N_("Not translated yet: shown in English")
#: the CMS NA indicator on the facility practice expense: no facility amount exists
FACILITY_NA = N_("not payable in a facility setting (NA)")
NOT_REVERIFIED = N_("not re-verified")

SECTION_TITLES: dict[str, str] = {
    "descriptor": N_("Descriptor"),
    "status": N_("Status"),
    "rvu": N_("RVUs"),
    "payment": N_("Payment by site"),
    "wrvu_rank": N_("wRVU rank"),
    "indicators": N_("Payment indicators"),
    "mue": N_("Medically unlikely edits (MUE)"),
    "add_on": N_("Add-on code"),
    "ncci": N_("NCCI edits"),
    "plain_language": N_("Plain language"),
    "synonyms": N_("Synonyms"),
    "when_to_use": N_("When to use"),
    "when_not_to_use": N_("When not to use"),
    "documentation": N_("Documentation"),
    "modifiers": N_("Modifiers"),
    "medical_necessity": N_("Medical necessity"),
    "denials": N_("Common denials"),
    "examples": N_("Examples"),
    "faqs": N_("FAQs"),
    "related": N_("Related codes"),
    "history": N_("History"),
    "sources": N_("Sources"),
    "notes": N_("Data notes"),
}
ELEMENT_LABELS: dict[str, str] = {
    "indication": N_("Indication"),
    "fluoro_time": N_("Fluoroscopy time"),
    "anatomic_site": N_("Anatomic site"),
    "interpretation_report": N_("Interpretation report"),
    "physician_presence": N_("Physician presence"),
    "radiation_dose": N_("Radiation dose"),
}
APPLIES_LABELS: dict[str, str] = {
    "required": N_("Needed to support the claim"),
    "quality": N_("Quality and radiation-safety element, not a payment condition"),
    "included": N_("Part of the procedure itself, not a separate element"),
    "not_applicable": N_("Does not apply"),
}
RELATION_LABELS: dict[str, str] = {
    "often_billed_with": N_("Often billed with"),
    "add_on_of": N_("Add-on of"),
    "add_on_code": N_("Add-on code for this procedure"),
    "includes_guidance": N_("Includes the imaging guidance"),
    "not_reported_with": N_("Not reported together"),
    "renumbered_from": N_("Renumbered from"),
    "renumbered_to": N_("Renumbered to"),
    "replaced_by": N_("Replaced by"),
    "alternative": N_("Alternative"),
    "paired_with": N_("Paired with"),
}
# Keys the page assembly may use in ``payment``, by site and by component.
SITE_LABELS: dict[str, str] = {
    "office": N_("Office"),
    "non_facility": N_("Office"),
    "hospital_outpatient": N_("Hospital outpatient"),
    "hopd": N_("Hospital outpatient"),
    "opps": N_("Hospital outpatient"),
    "facility": N_("Facility"),
    "asc": N_("Ambulatory surgical center"),
    "ambulatory_surgical_center": N_("Ambulatory surgical center"),
}
COMPONENT_LABELS: dict[str, str] = {
    "global": N_("Global"),
    "26": N_("Professional component (26)"),
    "professional": N_("Professional component (26)"),
    "pc": N_("Professional component (26)"),
    "tc": N_("Technical component (TC)"),
    "technical": N_("Technical component (TC)"),
    "facility_fee": N_("Facility payment"),
    "amount": N_("Amount"),
}
MUE_SERVICE_LABELS: dict[str, str] = {
    "practitioner": N_("Practitioner"),
    "outpatient_hospital": N_("Outpatient hospital"),
    "dme_supplier": N_("DME supplier"),
}
RVU_ROWS: tuple[tuple[str, str, str], ...] = (
    # label, facility key, non-facility key (work and MP are the same in both)
    (N_("Work"), "work", "work"),
    (N_("Practice expense"), "pe_facility", "pe_non_facility"),
    (N_("Malpractice"), "mp", "mp"),
    (N_("Total"), "total_facility", "total_non_facility"),
)
WRVU_ROWS: tuple[tuple[str, str], ...] = (
    ("category", N_("Category")),
    ("definition", N_("Definition")),
    ("percentile", N_("Percentile")),
    ("median", N_("Median")),
    ("max", N_("Maximum")),
)
INDICATOR_KEYS: tuple[tuple[str, FamilyName, str], ...] = (
    # page key, indicator family, label
    ("pctc", "pctc", N_("PC/TC indicator")),
    ("global_days", "global_days", N_("Global days")),
    ("supervision", "supervision", N_("Physician supervision")),
)


# --- neutral blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class English:
    """Free text from CMS data, in English whatever the page's language."""

    text: str


Inline = str | Link | English | tuple["Inline", ...]


@dataclass
class Block:
    kind: str  # "p", "h3", "ul", "table", "dl", "faq"
    items: list[Any] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


@dataclass
class Group:
    key: str
    title: str
    blocks: list[Block]
    untranslated: bool = False
    """True when the content is the English fallback of an untranslated section."""


def _unwrap(value: Any) -> tuple[Any, bool]:
    """A section's value and whether it is in the requested language."""
    if (
        isinstance(value, Mapping)
        and "value" in value
        and ("translated" in value or "language" in value)
    ):
        return value["value"], bool(value.get("translated", True))
    return value, True


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _then(first: list[Block], more: list[Block]) -> list[Block]:
    """``more`` after ``first``, only when ``first`` has something (detail of a section)."""
    return [*first, *more] if first else []


class _Builder:
    """Turns a page dict into groups of neutral blocks, with labels in one language."""

    def __init__(self, lang: str) -> None:
        self.language = get_language(lang)
        self.t: Callable[[str], str] = gettext_for(self.language.tag)
        self.locale = self.language.babel_locale

    # numbers are formatted for the reader's locale (decimal comma in de, fr, ru ...)
    def number(self, value: Any, digits: int = 2) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _text(value) or "—"
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _text(value) or "—"
        return format_currency(value, "USD", locale=self.locale)

    def english(self, value: Any) -> Inline:
        """CMS free text: marked as English on a page in another language."""
        text = _text(value)
        return text if self.language.tag == "en" or not text else English(text)

    # --- numbers and indicators (from the store) ---

    def _descriptor(self, page: Mapping[str, Any]) -> list[Block]:
        # the CMS short descriptor: English data on every page
        raw = page.get("descriptor")
        value, _ = _unwrap(raw)
        if _empty(value):
            return []
        return [Block("p", [self.english(value) if isinstance(raw, str) else _text(value)])]

    def indicator_text(self, family: FamilyName, raw: Any) -> str | None:
        code = raw.get("code") if isinstance(raw, Mapping) else raw
        if _empty(code):
            return None
        found = indicator_label(family, code, self.language.tag)
        if found is None:
            return _text(code)
        return f"{found.code} — {found.label}: {found.meaning}"

    def _status(self, page: Mapping[str, Any]) -> list[Block]:
        rows: list[list[Inline]] = []
        status = self.indicator_text("status", page.get("status"))
        if status:
            rows.append([self.t("Status code"), status])
        nested = page.get("indicators")
        for key, family, label in INDICATOR_KEYS:
            raw = page.get(key)
            if raw is None and isinstance(nested, Mapping):
                raw = nested.get(key)
            text = self.indicator_text(family, raw)
            if text:
                rows.append([self.t(label), text])
        if not _empty(page.get("deleted")):
            rows.append([self.t("Deleted on"), _text(page.get("deleted"))])
        return [Block("table", rows, header=["", ""])] if rows else []

    def _rvu(self, page: Mapping[str, Any]) -> list[Block]:
        rvu = page.get("rvu")
        if not isinstance(rvu, Mapping) or all(_empty(v) for v in rvu.values()):
            return []
        rows: list[list[Inline]] = []
        facility_na = bool(rvu.get("facility_na"))
        for label, fac_key, nonfac_key in RVU_ROWS:
            fac, nonfac = rvu.get(fac_key), rvu.get(nonfac_key)
            if _empty(fac) and _empty(nonfac):
                continue
            rows.append(
                [self.t(label), self.facility_cell(fac_key, fac, facility_na), self.number(nonfac)]
            )
        header = ["", self.t("Facility"), self.t("Non-facility")]
        return [Block("table", rows, header=header)] if rows else []

    def facility_cell(self, key: str, value: Any, facility_na: bool) -> str:
        """A facility RVU, or the NA text where CMS marks the facility amount not applicable
        (the file still carries a number there; it pays nothing in a facility)."""
        if facility_na and key in ("pe_facility", "total_facility"):
            return self.t(FACILITY_NA)
        return self.number(value)

    def site_label(self, key: str) -> str:
        label = SITE_LABELS.get(key.lower()) or COMPONENT_LABELS.get(key.lower())
        return self.t(label) if label else key

    def _payment(self, page: Mapping[str, Any]) -> list[Block]:
        payment = page.get("payment")
        if isinstance(payment, int | float) and not isinstance(payment, bool):
            return [Block("p", [self.money(payment)])]
        if not isinstance(payment, Mapping) or not payment:
            return []
        blocks: list[Block] = []
        sites = {k: v for k, v in payment.items() if isinstance(v, Mapping)}
        flat = {k: v for k, v in payment.items() if not isinstance(v, Mapping)}
        if sites:
            columns: list[str] = []
            for amounts in sites.values():
                columns.extend(str(c) for c in amounts if str(c) not in columns)
            header = [""] + [self.site_label(c) for c in columns]
            rows = [
                [self.site_label(str(site))] + [self.money(amounts.get(c)) for c in columns]
                for site, amounts in sites.items()
            ]
            blocks.append(Block("table", rows, header=header))
        money_rows = [
            [self.site_label(str(k)), self.money(v)] for k, v in flat.items() if not _empty(v)
        ]
        if money_rows:
            blocks.append(Block("table", money_rows, header=["", ""]))
        return blocks

    def _wrvu(self, page: Mapping[str, Any]) -> list[Block]:
        rank = page.get("wrvu_rank")
        if not isinstance(rank, Mapping):
            return []
        rows: list[list[Inline]] = []
        for key, label in WRVU_ROWS:
            value = rank.get(key)
            if _empty(value):
                continue
            shown = self.number(value, 0 if key == "percentile" else 2)
            rows.append([self.t(label), shown if not isinstance(value, str) else value])
        return [Block("table", rows, header=["", ""])] if rows else []

    # --- curated sections ---

    def _paragraph(self, value: Any) -> list[Block]:
        return [Block("p", [_text(value)])]

    def _bullets(self, value: Any) -> list[Block]:
        if isinstance(value, str):
            return [Block("p", [value])]
        return [Block("ul", [_text(v) for v in value if not _empty(v)])]

    def _documentation(self, value: Any) -> list[Block]:
        rows: list[list[Inline]] = []
        for item in value:
            if not isinstance(item, Mapping):
                rows.append(["", "", _text(item)])
                continue
            element = _text(item.get("element"))
            applies = _text(item.get("applies"))
            rows.append(
                [
                    self.t(ELEMENT_LABELS[element]) if element in ELEMENT_LABELS else element,
                    self.t(APPLIES_LABELS[applies]) if applies in APPLIES_LABELS else applies,
                    _text(item.get("text")),
                ]
            )
        header = [self.t("Element"), self.t("How it applies"), self.t("What to document")]
        return [Block("table", rows, header=header)]

    def _modifiers(self, value: Any) -> list[Block]:
        rows: list[list[Inline]] = [
            [_text(item.get("modifier")), _text(item.get("text"))]
            if isinstance(item, Mapping)
            else ["", _text(item)]
            for item in value
        ]
        return [Block("table", rows, header=[self.t("Modifier"), self.t("When and why")])]

    def _examples(self, value: Any) -> list[Block]:
        blocks = []
        for item in value:
            if not isinstance(item, Mapping):
                blocks.append(Block("p", [_text(item)]))
                continue
            pairs = [
                (self.t(label), _text(item.get(key)))
                for key, label in (
                    ("scenario", N_("Scenario")),
                    ("coding", N_("Coding")),
                    ("why", N_("Why")),
                )
                if not _empty(item.get(key))
            ]
            blocks.append(Block("dl", pairs))
        return blocks

    def _faqs(self, value: Any) -> list[Block]:
        pairs = [
            (_text(item.get("question")), _text(item.get("answer")))
            for item in value
            if isinstance(item, Mapping)
        ]
        return [Block("faq", pairs)] if pairs else []

    def _related(self, value: Any) -> list[Block]:
        rows: list[list[Inline]] = []
        for item in value:
            if not isinstance(item, Mapping):
                rows.append([_text(item), "", ""])
                continue
            relation = _text(item.get("relation"))
            label = RELATION_LABELS.get(relation)
            rows.append(
                [
                    _text(item.get("code")),
                    self.t(label) if label else relation,
                    _text(item.get("note")),
                ]
            )
        header = [self.t("Code"), self.t("Relation"), self.t("Note")]
        return [Block("table", rows, header=header)]

    def _history(self, value: Any) -> list[Block]:
        items = []
        for item in value:
            if isinstance(item, Mapping):
                when = _text(item.get("date"))
                items.append(
                    f"{when}: {_text(item.get('text'))}" if when else _text(item.get("text"))
                )
            else:
                items.append(_text(item))
        return [Block("ul", items)]

    def _sources(self, value: Any) -> list[Block]:
        items: list[Inline] = []
        for item in value:
            if not isinstance(item, Mapping):
                items.append(_text(item))
                continue
            title = _text(item.get("title"))
            url = _text(item.get("url"))
            head: Inline = Link(title, url) if re.match(r"https?://", url) else title
            verified = item.get("verified")
            date_label = self.t("date verified")
            when = f"{date_label}: {verified}" if not _empty(verified) else self.t(NOT_REVERIFIED)
            shipped = _text(item.get("file"))
            file_label = self.t("File")
            shipped_text = f"{file_label}: {shipped}" if shipped else ""
            tail = " — ".join(
                p
                for p in (
                    _text(item.get("publisher")),
                    _text(item.get("supports")),
                    shipped_text,
                    when,
                )
                if p
            )
            items.append((head, f" — {tail}" if tail else ""))
        return [Block("ul", items)]
