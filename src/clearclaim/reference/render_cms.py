"""The sections of a code page built from CMS data, for :mod:`clearclaim.reference.render`.

Medically unlikely edits, the add-on code table, NCCI procedure-to-procedure
edits, payment detail (locality, facility payment, why an amount is missing),
payment indicators, RVUs by component, the page header (date of service and PFS
release) and the data notes. Each function takes the renderer's builder (labels
in one language, locale-aware numbers) and a part of the page dict, and returns
neutral blocks; anything missing or ``None`` gives no block.

Labels and the meaning of indicator values are gettext messages (our own words,
translated in the catalogs). Free text from the CMS files (rationales, facility
payment notes, data warnings) is English data and is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_currency

from clearclaim.i18n import N_
from clearclaim.knowledge import FamilyName, indicator_label, load_indicators
from clearclaim.reference.render_blocks import (
    MUE_SERVICE_LABELS,
    Block,
    Inline,
    _Builder,
    _empty,
    _text,
)
from clearclaim.store.queries.edits import CONTRACTOR_DEFINED

NONE = N_("None")
YES = N_("Yes")
NO = N_("No")
RELEASE = N_("Release")
HEADER_DATE = N_("Date of service: {date}")
HEADER_RELEASE = N_("Physician fee schedule release: {release}")

# --- medically unlikely edits ---------------------------------------------------------

MUE_ROWS = (
    N_("Maximum units"),
    N_("Adjudication indicator (MAI)"),
    N_("Meaning"),
    N_("Rationale"),
)

# --- add-on codes -----------------------------------------------------------------------

# add-on edit types: knowledge/indicators.yaml, family aoc_edit_type
CONTRACTOR_PRIMARIES = N_("CCCCC in the table: the MAC defines the eligible primary codes")

# --- NCCI procedure-to-procedure edits ------------------------------------------------

NCCI_TABLES: dict[str, str] = {
    "practitioner": N_("Practitioner"),
    "outpatient_hospital": N_("Outpatient hospital"),
}
# modifier indicators: knowledge/indicators.yaml, family ptp_modifier
NCCI_COUNTS = (
    ("active_as_column_1", N_("Edits with this code in column 1 (it includes the other code)")),
    ("active_as_column_2", N_("Edits with this code in column 2 (included in the other code)")),
    ("deleted_before_date", N_("Edits deleted before the date of service")),
)
NCCI_PARTNERS = (
    ("bundles", N_("Codes this code includes (this code in column 1)")),
    ("column_2_codes", N_("Codes that include this code (this code in column 2)")),
)
PARTNERS_SHOWN = N_("{shown} of {count} shown")
PARTNERS_DEFINITION = N_(
    "Partner codes: edits in force on the date of service, modifier indicator 0 first, "
    "then by code; at most {count} shown per list."
)
# the definition that clearclaim.reference.facts writes (English data)
_KNOWN_DEFINITION = re.compile(
    r"edits in force on the date; modifier indicator 0 \(no modifier bypasses\) first, "
    r"then by code; at most (\d+) shown"
)

# --- payment detail ---------------------------------------------------------------------

LOCALITY_NATIONAL = N_("National (no locality adjustment)")
LOCALITY_MAC = N_("MAC {mac}, locality {number}: {name}")
FACILITY_HEADER = (
    N_("Site"),
    N_("Payment system"),
    N_("APC"),
    N_("Status indicator"),
    N_("Rate"),
    N_("Release"),
    N_("Note"),
)
OPPS_CAP = N_("Capped at the OPPS payment amount")

# --- payment indicators (RVU file readme, in our own words) -----------------------------

# The payment indicators shown, in page order; their labels are in knowledge/indicators.yaml.
INDICATORS: tuple[FamilyName, ...] = (
    "mult_proc",
    "imaging_family",
    "bilat_surg",
    "asst_surg",
    "co_surg",
    "team_surg",
)


# --- RVUs by component ------------------------------------------------------------------

COMPONENT_COLUMNS: dict[str, str] = {
    "global": N_("Global"),
    "26": N_("Professional component (26)"),
    "TC": N_("Technical component (TC)"),
}
COMPONENT_ROWS = (
    ("work", N_("Work")),
    ("pe_facility", N_("Practice expense (facility)")),
    ("pe_non_facility", N_("Practice expense (non-facility)")),
    ("mp", N_("Malpractice")),
    ("total_facility", N_("Total (facility)")),
    ("total_non_facility", N_("Total (non-facility)")),
)
COMPONENT_TITLE = N_("RVUs by component")
CONVERSION_FACTOR = N_("Conversion factor")
LOCALITY = N_("Locality")
FACILITY_TITLE = N_("Facility payment")
NO_AMOUNT_TITLE = N_("Why an amount is missing or adjusted")


def _table(rows: list[list[Inline]], header: list[str] | None = None) -> list[Block]:
    return [Block("table", rows, header=header or ["", ""])] if rows else []


def _count(b: _Builder, value: Any) -> str:
    return b.number(value, 0)


# --- header and notes -------------------------------------------------------------------


def header_line(b: _Builder, page: Mapping[str, Any]) -> str | None:
    """The line under the code: date of service and the PFS release the page uses."""
    parts = []
    if not _empty(page.get("date_of_service")):
        parts.append(b.t(HEADER_DATE).format(date=_text(page["date_of_service"])))
    if not _empty(page.get("release")):
        parts.append(b.t(HEADER_RELEASE).format(release=_text(page["release"])))
    return " · ".join(parts) or None


def notes_blocks(b: _Builder, warnings: Any) -> list[Block]:
    """The data warnings (release not in force, code not in the release ...), as they are."""
    if not isinstance(warnings, list | tuple):
        return []
    items: list[Inline] = []
    for warning in warnings:
        message = warning.get("message") if isinstance(warning, Mapping) else warning
        if not _empty(message) and b.english(message) not in items:
            items.append(b.english(message))
    return [Block("ul", items)] if items else []


# --- payment indicators -----------------------------------------------------------------


def indicator_blocks(b: _Builder, page: Mapping[str, Any]) -> list[Block]:
    """Multiple procedure, imaging family, bilateral, assistant, co- and team surgery."""
    nested = page.get("indicators")
    rows: list[list[Inline]] = []
    for key in INDICATORS:
        raw = page.get(key)
        if raw is None and isinstance(nested, Mapping):
            raw = nested.get(key)
        if isinstance(raw, Mapping):
            raw = raw.get("code")
        if _empty(raw):
            continue
        value = _text(raw)
        found = indicator_label(key, value, b.language.tag)
        meaning: Inline | None = found.label if found else None
        title = found.family_title if found else b.t(load_indicators().families[key].title)
        rows.append([title, (f"{value} — ", meaning) if meaning else value])
    return _table(rows)


# --- RVUs by component and payment detail -----------------------------------------------


def component_rvu_blocks(b: _Builder, page: Mapping[str, Any]) -> list[Block]:
    """RVUs of the global, professional (26) and technical (TC) rows, when the code splits."""
    components = page.get("component_rvus")
    if not isinstance(components, Mapping) or len(components) < 2:
        return []
    keys = [k for k in components if isinstance(components[k], Mapping)]
    header = [""] + [b.t(COMPONENT_COLUMNS[k]) if k in COMPONENT_COLUMNS else k for k in keys]
    rows: list[list[Inline]] = []
    for field, label in COMPONENT_ROWS:
        values = [components[k].get(field) for k in keys]
        if all(_empty(v) for v in values):
            continue
        cells = [
            b.facility_cell(field, v, bool(components[k].get("facility_na")))
            for k, v in zip(keys, values, strict=True)
        ]
        rows.append([b.t(label), *cells])
    if not rows:
        return []
    return [Block("h3", [b.t(COMPONENT_TITLE)]), Block("table", rows, header=header)]


def _locality_text(b: _Builder, locality: Mapping[str, Any]) -> str | None:
    if locality.get("national"):
        return b.t(LOCALITY_NATIONAL)
    if _empty(locality.get("mac")) and _empty(locality.get("name")):
        return None
    return b.t(LOCALITY_MAC).format(
        mac=_text(locality.get("mac")),
        number=_text(locality.get("number")),
        name=_text(locality.get("name")),
    )


def _facility_rows(b: _Builder, by_site: Mapping[str, Any]) -> list[list[Inline]]:
    rows: list[list[Inline]] = []
    for site, detail in by_site.items():
        components = detail.get("components") if isinstance(detail, Mapping) else None
        if not isinstance(components, Mapping):
            continue
        facility = next(
            (
                c["facility_payment"]
                for c in components.values()
                if isinstance(c, Mapping) and isinstance(c.get("facility_payment"), Mapping)
            ),
            None,
        )
        if facility is None:
            continue
        rate = facility.get("rate")
        rows.append(
            [
                b.site_label(str(site)),
                _text(facility.get("system")) or "—",
                _text(facility.get("apc")) or "—",
                _text(facility.get("status_indicator")) or "—",
                b.money(rate) if not _empty(rate) else "—",
                _text(facility.get("release")) or "—",
                b.english(facility.get("note")),
            ]
        )
    return rows


def _reason_items(b: _Builder, by_site: Mapping[str, Any]) -> list[Inline]:
    """One line per site and reason: the components it applies to, then the reason."""
    items: list[Inline] = []
    for site, detail in by_site.items():
        components = detail.get("components") if isinstance(detail, Mapping) else None
        if not isinstance(components, Mapping):
            continue
        reasons: dict[str, list[str]] = {}
        for component, cell in components.items():
            if not isinstance(cell, Mapping):
                continue
            if not _empty(cell.get("reason")):
                reasons.setdefault(_text(cell["reason"]), []).append(str(component))
            if cell.get("opps_cap_applied"):
                reasons.setdefault("", []).append(str(component))
        for reason, names in reasons.items():
            where = ", ".join(b.site_label(n) for n in names)
            text: Inline = b.english(reason) if reason else b.t(OPPS_CAP)
            items.append((f"{b.site_label(str(site))} — {where}: ", text))
    return items


def payment_detail_blocks(b: _Builder, page: Mapping[str, Any]) -> list[Block]:
    """Locality and conversion factor, the facility payment by site, and the reasons."""
    detail = page.get("payment_detail")
    detail = detail if isinstance(detail, Mapping) else {}
    rows: list[list[Inline]] = []
    locality = detail.get("locality")
    if isinstance(locality, Mapping):
        text = _locality_text(b, locality)
        if text:
            rows.append([b.t(LOCALITY), text])
    factor = page.get("conversion_factor")
    if isinstance(factor, int | float) and not isinstance(factor, bool):
        shown = format_currency(factor, "USD", locale=b.locale, decimal_quantization=False)
        rows.append([b.t(CONVERSION_FACTOR), shown])
    blocks = _table(rows)
    by_site = detail.get("by_site")
    if isinstance(by_site, Mapping):
        facility = _facility_rows(b, by_site)
        if facility:
            blocks += [
                Block("h3", [b.t(FACILITY_TITLE)]),
                Block("table", facility, header=[b.t(h) for h in FACILITY_HEADER]),
            ]
        reasons = _reason_items(b, by_site)
        if reasons:
            blocks += [Block("h3", [b.t(NO_AMOUNT_TITLE)]), Block("ul", reasons)]
    return blocks


# --- medically unlikely edits -----------------------------------------------------------


def _mue_table(b: _Builder, entry: Mapping[str, Any]) -> list[list[Inline]]:
    units, mai_label, meaning_label, rationale_label = MUE_ROWS
    rows: list[list[Inline]] = []
    value = entry.get("units", entry.get("value"))
    if not _empty(value):
        rows.append([b.t(units), _count(b, value)])
    mai = entry.get("mai")
    code = mai.get("code") if isinstance(mai, Mapping) else mai
    if not _empty(code):
        found = indicator_label("mue_mai", _text(code), b.language.tag)
        rows.append([b.t(mai_label), f"{found.code} — {found.label}" if found else _text(code)])
        if found:
            rows.append([b.t(meaning_label), found.meaning])
    if not _empty(entry.get("rationale")):
        rows.append([b.t(rationale_label), b.english(entry["rationale"])])
    if not _empty(entry.get("release")):
        rows.append([b.t(RELEASE), _text(entry["release"])])
    return rows


def mue_blocks(b: _Builder, mue: Any) -> list[Block]:
    """One table per MUE table (practitioner, outpatient hospital, DME supplier)."""
    if _empty(mue):
        return []
    if not isinstance(mue, Mapping):
        return _table([[b.t(MUE_ROWS[0]), _count(b, mue)]])
    if "value" in mue or "units" in mue or "mai" in mue:
        return _table(_mue_table(b, mue))
    blocks: list[Block] = []
    for service, entry in mue.items():
        if not isinstance(entry, Mapping):
            continue
        rows = _mue_table(b, entry)
        if not rows:
            continue
        label = MUE_SERVICE_LABELS.get(str(service))
        name = b.t(label) if label else str(service)
        mue_label = b.t("MUE")
        blocks += [Block("h3", [f"{mue_label} ({name})"]), *_table(rows)]
    return blocks


# --- add-on code ------------------------------------------------------------------------


def add_on_blocks(b: _Builder, add_on: Any) -> list[Block]:
    """Whether the code is an add-on, its edit types and primaries, and the add-ons it takes."""
    if not isinstance(add_on, Mapping) or add_on.get("is_add_on") is None:
        return []
    answer = YES if add_on["is_add_on"] else NO
    rows: list[list[Inline]] = [[b.t(N_("Add-on code")), b.t(answer)]]
    types = [str(t) for t in add_on.get("edit_types") or []]
    if types:
        labels = [indicator_label("aoc_edit_type", t, b.language.tag) for t in types]
        words = [found.label if found else t for t, found in zip(types, labels, strict=True)]
        rows.append([b.t(N_("Edit type")), "; ".join(words)])
    contractor = bool(add_on.get("contractor_defined_primaries"))
    # the contractor's "code" stands for "primaries defined by the MAC", not a code
    primaries = [str(p) for p in add_on.get("primaries") or [] if str(p) != CONTRACTOR_DEFINED]
    count = add_on.get("primary_count")
    if isinstance(count, int) and contractor:
        count -= 1
    if add_on["is_add_on"] and isinstance(count, int) and (count or not contractor):
        rows.append([b.t(N_("Eligible primary codes")), _count(b, count)])
    if primaries or contractor:
        label = b.t(N_("Primary codes"))
        if isinstance(count, int) and count > len(primaries):
            shown = b.t(PARTNERS_SHOWN).format(
                shown=_count(b, len(primaries)), count=_count(b, count)
            )
            label = f"{label} ({shown})"
        cell = [", ".join(primaries)] if primaries else []
        if contractor:
            cell.append(b.t(CONTRACTOR_PRIMARIES))
        rows.append([label, " — ".join(cell)])
    supports = [str(c) for c in add_on.get("add_ons_it_supports") or []]
    rows.append(
        [
            b.t(N_("Add-on codes it takes as a primary code")),
            ", ".join(supports) if supports else b.t(NONE),
        ]
    )
    if not _empty(add_on.get("release")):
        rows.append([b.t(RELEASE), _text(add_on["release"])])
    return _table(rows)


# --- NCCI edits -------------------------------------------------------------------------


def _modifier_text(b: _Builder, value: Any) -> str:
    code = _text(value)
    found = indicator_label("ptp_modifier", code, b.language.tag) if code else None
    return f"{code} — {found.label}" if found else code or "—"


def _definition(b: _Builder, text: str) -> Inline:
    known = _KNOWN_DEFINITION.fullmatch(text.strip().rstrip("."))
    if known:
        return b.t(PARTNERS_DEFINITION).format(count=known.group(1))
    return b.english(text)


def ncci_blocks(b: _Builder, ncci: Any) -> list[Block]:
    """Per NCCI table: counts as column 1 and 2, then the partner codes listed."""
    if not isinstance(ncci, Mapping):
        return []
    blocks: list[Block] = []
    definitions: list[str] = []
    header = [b.t(N_("Code")), b.t(N_("Modifier indicator")), b.t(N_("Rationale"))]
    for table, entry in ncci.items():
        if not isinstance(entry, Mapping):
            continue
        label = NCCI_TABLES.get(str(table))
        blocks.append(Block("h3", [b.t(label) if label else str(table)]))
        rows: list[list[Inline]] = [
            [b.t(text), _count(b, entry.get(key))]
            for key, text in NCCI_COUNTS
            if not _empty(entry.get(key))
        ]
        if not _empty(entry.get("release")):
            rows.append([b.t(RELEASE), _text(entry["release"])])
        blocks += _table(rows)
        for key, title in NCCI_PARTNERS:
            partners = [p for p in entry.get(key) or [] if isinstance(p, Mapping)]
            if not partners:
                continue
            total_key = "active_as_column_1" if key == "bundles" else "active_as_column_2"
            total = entry.get(total_key)
            caption = b.t(title)
            if isinstance(total, int) and total > len(partners):
                shown = b.t(PARTNERS_SHOWN).format(
                    shown=_count(b, len(partners)), count=_count(b, total)
                )
                caption = f"{caption} — {shown}"
            partner_rows: list[list[Inline]] = [
                [
                    _text(p.get("code")),
                    _modifier_text(b, p.get("modifier_indicator")),
                    b.english(p.get("rationale")),
                ]
                for p in partners
            ]
            blocks += [Block("p", [caption]), Block("table", partner_rows, header=header)]
        definition = _text(entry.get("partners_definition"))
        if definition and definition not in definitions:
            definitions.append(definition)
    if not blocks:
        return []
    blocks += [Block("p", [_definition(b, d)]) for d in definitions]
    return blocks


__all__ = [
    "add_on_blocks",
    "component_rvu_blocks",
    "header_line",
    "indicator_blocks",
    "mue_blocks",
    "ncci_blocks",
    "notes_blocks",
    "payment_detail_blocks",
]
