"""One rich page per code: CMS facts for the date, payment by site, wRVU rank,
history, and the curated sections in the user's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from clearclaim.errors import ClearclaimError, UnknownCodeError
from clearclaim.i18n import normalize_language
from clearclaim.reference.content import SECTIONS, load_curated
from clearclaim.reference.facts import CODE_RE, code_facts, normalise_code
from clearclaim.reference.history import rvu_history
from clearclaim.reference.rank import wrvu_rank
from clearclaim.store import Store
from clearclaim.store.queries import catalog

SITES = (("office", "11"), ("hospital_outpatient", "22"), ("ambulatory_surgical_center", "24"))
SITE_KEYS = {
    "office": "office",
    "hospital_outpatient": "hospital_outpatient",
    "ambulatory_surgical_center": "asc",
}


def _payment(
    store: Store,
    code: str,
    day: date,
    facts: dict[str, Any],
    zip_code: str | None,
    locality: str | None,
) -> dict[str, Any]:
    from clearclaim.pricing import pricer_for

    pricer = pricer_for(store)
    components: list[str | None] = [None]
    if "26" in facts["component_rvus"]:
        components.append("26")
    if "TC" in facts["component_rvus"]:
        components.append("TC")
    by_site: dict[str, Any] = {}
    summary: dict[str, dict[str, float | None]] = {}
    locality_info: dict[str, Any] | None = None
    for site, pos in SITES:
        cells: dict[str, Any] = {}
        for modifier in components:
            try:
                result = pricer.price(
                    code,
                    modifier=modifier,
                    date_of_service=day,
                    zip_code=zip_code,
                    locality=locality,
                    pos=pos,
                )
            except ClearclaimError as exc:
                cells[modifier or "global"] = {"amount": None, "reason": exc.message}
                continue
            locality_info = result.locality.model_dump(mode="json")
            cell: dict[str, Any] = {
                "amount": float(result.amount) if result.amount is not None else None,
                "reason": result.reason,
                "setting": result.setting,
                "opps_cap_applied": result.opps_cap_applied,
                "release": result.release,
            }
            if result.facility_payment is not None:
                cell["facility_payment"] = result.facility_payment.model_dump(mode="json")
            cells[modifier or "global"] = cell
        by_site[site] = {"pos": pos, "components": cells}
        amounts: dict[str, float | None] = {
            (name if name != "TC" else "tc"): cell.get("amount") for name, cell in cells.items()
        }
        facility = next(
            (c["facility_payment"] for c in cells.values() if c.get("facility_payment")), None
        )
        if facility is not None:
            amounts["facility_fee"] = facility.get("rate")
        summary[SITE_KEYS[site]] = amounts
    return {"summary": summary, "locality": locality_info, "by_site": by_site}


#: the data families a code page reads (RVUs and payment, edits, facility rates)
PAGE_FAMILIES = (
    "pfs_rvu",
    "gpci",
    "ptp_practitioner",
    "mue_practitioner",
    "aoc",
    "opps_rate",
)


def code_page(
    store: Store,
    code: str,
    *,
    day: date | None = None,
    lang: str | None = "en",
    zip_code: str | None = None,
    locality: str | None = None,
) -> dict[str, Any]:
    """Everything about ``code`` on ``day`` in ``lang`` (JSON-ready)."""
    language = normalize_language(lang)
    day = day or date.today()
    code = normalise_code(code)
    if not CODE_RE.match(code):
        # checked before the code names a file or reaches a query: a quote, a path or
        # a 5,000-digit number is one line of error, at once
        shown = code if len(code) <= 16 else code[:16] + "..."
        raise UnknownCodeError(
            shown, closest=catalog.closest_codes(store, code), where="(not a HCPCS code)"
        )
    curated = load_curated(code, language)
    facts = code_facts(store, code, day, language, curated=curated is not None)
    page: dict[str, Any] = {
        "code": code,
        "language": language,
        "date_of_service": day.isoformat(),
        "descriptor": facts["descriptor"],
        "descriptor_source": facts["descriptor_source"],
        "status": facts["status"],
        "release": facts["release"],
        "indicators": facts["indicators"],
        "rvu": facts["rvu"],
        "component_rvus": facts["component_rvus"],
        "conversion_factor": facts["conversion_factor"],
        "mue": facts["mue"],
        "add_on": facts["add_on"],
        "ncci": facts["ncci"],
        "hcpcs_level2": facts["hcpcs_level2"],
    }
    detail = (
        _payment(store, code, day, facts, zip_code, locality) if facts["in_pfs_release"] else None
    )
    # ``payment``: amounts by site and component; ``payment_detail``: reasons, releases,
    # the facility (OPPS/ASC) payment and the locality behind them
    page["payment"] = detail.pop("summary") if detail else None
    page["payment_detail"] = detail
    if facts["release"]:
        choice = store.release_for("pfs_rvu", day)
        work = (facts["rvu"] or {}).get("work")
        page["wrvu_rank"] = wrvu_rank(store, choice, code, work)
    else:
        page["wrvu_rank"] = None
    history = rvu_history(store, code)
    page["rvu_history"] = history
    cms_sources = _cms_sources(store, day, facts)
    page["cms_sources"] = cms_sources
    events = [_event_entry(e) for e in history["events"]]
    cms_entries = [_source_entry(s) for s in cms_sources]
    if curated is not None:
        curated_page = curated.to_page()
        for name in SECTIONS:
            page[name] = curated_page[name]
        page["history"] = dict(curated_page["history"])
        page["history"]["value"] = [*curated_page["history"]["value"], *events]
        page["sources"] = dict(curated_page["sources"])
        page["sources"]["value"] = [*curated_page["sources"]["value"], *cms_entries]
        if curated.deleted:
            page["deleted"] = curated.deleted.isoformat()
        page["untranslated_sections"] = curated.untranslated_sections()
    else:
        for name in SECTIONS:
            page[name] = None
        page["history"] = events or None
        page["sources"] = cms_entries
        page["untranslated_sections"] = []
    status = catalog.code_status(store, code, day)
    # ``code_status``: what the code catalog says (deleted, last valid day, successor)
    page["code_status"] = status.model_dump(mode="json", exclude={"closest"})
    if status.deleted and status.last_valid and "deleted" not in page:
        page["deleted"] = status.last_valid.isoformat()
    page["warnings"] = [w.model_dump(mode="json") for w in facts["warnings"]]
    # which release of each family the page was answered from, and how well
    page["data_coverage"] = [
        store.coverage(family, day).model_dump(mode="json") for family in PAGE_FAMILIES
    ]
    return page


def _event_entry(event: dict[str, Any]) -> dict[str, Any]:
    text = f"{event['release']}: {event['event']}"
    if "from" in event:
        changes = [
            f"{name} {event['from'][name]} -> {event['to'][name]}"
            for name in event["from"]
            if event["from"][name] != event["to"][name]
        ]
        text += " (" + ", ".join(changes) + ")"
    return {"date": None, "text": text}


def _source_entry(used: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"CMS {used['family']} release {used['release']}",
        "publisher": "Centers for Medicare & Medicaid Services (CMS)",
        "file": used["file"],
        "supports": (
            f"effective {used['effective_start']} to {used['effective_end']}"
            + ("" if used["in_force_on_date"] else "; not in force on the date, nearest used")
        ),
        "verified": None,
    }


def _cms_sources(store: Store, day: date, facts: dict[str, Any]) -> list[dict[str, Any]]:
    used = []
    for family in ("pfs_rvu", "mue_practitioner", "ptp_practitioner", "aoc"):
        try:
            choice = store.release_for(family, day)
        except ClearclaimError:
            continue
        used.append(
            {
                "family": family,
                "release": choice.release.label,
                "file": choice.release.source_name,
                "effective_start": choice.release.effective_start.isoformat(),
                "effective_end": choice.release.effective_end.isoformat(),
                "in_force_on_date": choice.in_force,
            }
        )
    return used
