"""The check report, arranged for the page: the JSON keys stay as the core gives
them; this only groups and orders (gaps with their prompts, payment by line)."""

from __future__ import annotations

from typing import Any

ELEMENT_LABELS = {
    "indication": "Indication",
    "fluoro_time": "Fluoroscopy time",
    "anatomic_site": "Anatomic site",
    "interpretation_report": "Interpretation report",
    "physician_presence": "Physician presence",
    "radiation_dose": "Radiation dose",
}


def report_view(report: dict[str, Any], lang: str) -> dict[str, Any]:
    docs = report.get("documentation") or {}
    gaps = []
    for gap in docs.get("gaps") or []:
        gaps.append(
            {
                **gap,
                "element_label": ELEMENT_LABELS.get(gap.get("element", ""), gap.get("element", "")),
                # the text the physician completes; the core's ``action`` until it gives one
                "prompt_text": gap.get("prompt") or gap.get("action") or "",
                "prompt_given": bool(gap.get("prompt")),
            }
        )
    missing_without_gap = [
        m for m in docs.get("missing") or [] if m not in {g.get("element") for g in gaps}
    ]
    payment = report.get("payment") or {}
    context = report.get("context") or {}
    return {
        "raw": report,
        "context": context,
        "lines": report.get("lines") or [],
        "suppressed": report.get("suppressed") or [],
        "gaps": gaps,
        "missing_without_gap": [
            {"element": m, "element_label": ELEMENT_LABELS.get(m, m)} for m in missing_without_gap
        ],
        "found": docs.get("found") or {},
        "payment_lines": payment.get("lines") or [],
        "payment_total": payment.get("total"),
        "payment_note": payment.get("note"),
        "risks": report.get("denial_risks") or [],
        "warnings": report.get("warnings") or [],
        "findings": report.get("findings") or [],
        "undetermined": report.get("undetermined") or [],
        "library": report.get("library") or [],
        "needs_review": report.get("needs_review"),
        "data_coverage": report.get("data_coverage") or [],
        "sources": _sources(report),
        "audit_id": report.get("audit_id"),
        "element_labels": ELEMENT_LABELS,
    }


def _sources(report: dict[str, Any]) -> list[str]:
    """Every source the report cites, once, in the order first cited."""
    seen: dict[str, None] = {}
    for group in ("lines", "suppressed"):
        for item in report.get(group) or []:
            for source in item.get("sources") or []:
                text = source.get("source") or source.get("title") or ""
                if source.get("section"):
                    text = f"{text}: {source['section']}"
                if text:
                    seen.setdefault(text, None)
    for line in (report.get("payment") or {}).get("lines") or []:
        for source in line.get("sources") or []:
            text = source.get("title") or source.get("file") or ""
            if source.get("release"):
                text = f"{text} ({source['release']})"
            if text:
                seen.setdefault(text, None)
    return list(seen)
