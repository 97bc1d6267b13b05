"""What the code page template needs beyond the page JSON: the summary card,
the chart scale, the NCCI partner lists, and the standalone document that
``clearclaim code --html`` can print."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from clearclaim import Checker, ClearclaimError

SITES = (
    ("office", "Office"),
    ("hospital_outpatient", "Hospital outpatient"),
    ("asc", "Ambulatory surgical center"),
)
COMPONENTS = (
    ("global", "Global"),
    ("26", "Professional component (26)"),
    ("tc", "Technical component (TC)"),
    ("facility_fee", "Facility payment"),
)


def section(page: dict[str, Any], name: str) -> tuple[Any, bool]:
    """A curated section's value and whether it is in the page's language."""
    value = page.get(name)
    if isinstance(value, dict) and "value" in value:
        return value["value"], bool(value.get("translated", True))
    return value, True


def code_view(page: dict[str, Any]) -> dict[str, Any]:
    payment = page.get("payment") or {}
    office = payment.get("office") or {}
    outpatient = payment.get("hospital_outpatient") or {}
    sources, _ = section(page, "sources")
    sources = sources or []
    verified = sorted(str(s["verified"]) for s in sources if s.get("verified"))
    rvu = page.get("rvu") or {}
    detail = page.get("payment_detail") or {}
    locality = detail.get("locality") or {}
    rows = []
    for key, label in SITES:
        cells = payment.get(key) or {}
        for component, component_label in COMPONENTS:
            amount = cells.get(component)
            if amount is not None:
                rows.append({"site": label, "component": component_label, "amount": amount})
    top = max((r["amount"] for r in rows), default=0) or 1
    for row in rows:
        row["percent"] = round(100 * row["amount"] / top, 1)
    # in a facility the physician bills the professional component when the code has one
    facility_component = "26" if outpatient.get("26") is not None else "global"
    facility_amount = outpatient.get(facility_component)
    ncci = page.get("ncci") or {}
    partners = []
    for setting, data in ncci.items():
        if not isinstance(data, dict):
            continue
        for kind, key in (("includes", "bundles"), ("included_in", "column_2_codes")):
            for item in data.get(key) or []:
                partners.append({**item, "setting": setting, "kind": kind})
    # the edits a modifier cannot bypass (indicator 0) matter most, then by code
    partners.sort(
        key=lambda p: (
            p["setting"] != "practitioner",
            p.get("modifier_indicator") != "0",
            p["code"],
        )
    )
    return {
        "national": bool(locality.get("national", True)),
        "locality": locality,
        "amount_office": office.get("global"),
        "amount_facility": facility_amount,
        "facility_component": facility_component,
        "total_rvu": rvu.get("total_non_facility"),
        "total_rvu_facility": rvu.get("total_facility"),
        "global_days": (page.get("indicators") or {}).get("global_days"),
        "sources": len(sources),
        "verified": verified[-1] if verified else None,
        "chart": rows,
        "partners": partners,
        "section": lambda name: section(page, name),
    }


def concept_prices(checker: Checker, related: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Today's national amounts of a concept's related codes, priced by the Checker."""
    today = date.today()
    prices: dict[str, dict[str, Any]] = {}
    for item in related:
        code = item["code"]
        entry: dict[str, Any] = {}
        for key, pos in (("office", "11"), ("facility", "22")):
            # in a facility a code split into components pays the physician's part (26)
            tries = [item.get("modifier")] + (
                ["26"] if key == "facility" and not item.get("modifier") else []
            )
            entry[key] = None
            for modifier in tries:
                try:
                    result = checker.price(code, modifier=modifier, date_of_service=today, pos=pos)
                except ClearclaimError:
                    continue
                if result.amount is None:
                    continue
                entry[key] = float(result.amount)
                entry[f"{key}_modifier"] = modifier if modifier != item.get("modifier") else None
                entry["descriptor"] = getattr(result, "description", None)
                entry["release"] = result.release
                break
        prices[code + (f"-{item['modifier']}" if item.get("modifier") else "")] = entry
    return prices


def render_code_page_html(page: dict[str, Any], lang: str | None = None) -> str:
    """The code page as one standalone HTML document (head, charset, title, the
    stylesheet inline): what ``clearclaim code CODE --html`` can print."""
    from clearclaim import normalize_language
    from clearclaim.web.pages.render import context_for, environment
    from clearclaim.web.settings import STATIC_DIR

    language = normalize_language(lang or page.get("language"))
    template = environment().get_template("code_standalone.html")

    # the template reads the path and the query string of a request; a file has neither
    request = SimpleNamespace(
        url=SimpleNamespace(path=f"/codes/{page.get('code', '')}"), query_params={}, cookies={}
    )
    context = context_for(request, language, page=page, view=code_view(page))  # type: ignore[arg-type]
    context["inline_css"] = (STATIC_DIR / "style.css").read_text(encoding="utf-8")
    return template.render(context)
