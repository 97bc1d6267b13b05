"""What the CMS files say about one code on one date: the data half of a code page.

Every value comes from the store, from the release in force on the date (or
the nearest, with a warning). Indicator values are given with their meaning in
words from ``knowledge/indicators.yaml``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from clearclaim.errors import ReleaseError, UnknownCodeError
from clearclaim.knowledge import indicator_label
from clearclaim.models import DataWarning
from clearclaim.store import ReleaseChoice, Store
from clearclaim.store.queries import catalog
from clearclaim.store.queries import reference as queries
from clearclaim.store.queries.edits import CONTRACTOR_DEFINED

CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
PARTNERS_SHOWN = 12


def normalise_code(code: str) -> str:
    return code.strip().upper()


def _choice(
    store: Store, family: str, day: date, warnings: list[DataWarning]
) -> ReleaseChoice | None:
    try:
        choice = store.release_for(family, day)
    except ReleaseError:
        return None
    if choice.warning and choice.warning not in warnings:
        warnings.append(choice.warning)
    return choice


def _label(family: str, value: Any, lang: str) -> dict[str, Any] | None:
    if value in (None, ""):
        return None
    found = indicator_label(family, value, lang)  # type: ignore[arg-type]
    if found is None:
        return {"code": str(value), "label": None, "meaning": None}
    return {
        "code": found.code,
        "label": found.label,
        "meaning": found.meaning,
        "translated": found.translated,
    }


def closest_codes(store: Store, code: str, limit: int = 5) -> list[str]:
    """Codes that look like ``code`` (the code catalog's answer)."""
    return catalog.closest_codes(store, code, limit)


def code_is_known(store: Store, code: str) -> bool:
    """In any loaded release of the PFS, HCPCS, NCCI, MUE or RBCS files (deleted codes
    included): the code catalog's answer."""
    return catalog.is_known(store, code)


def code_facts(
    store: Store, code: str, day: date, lang: str = "en", *, curated: bool = False
) -> dict[str, Any]:
    """Descriptor, status and indicators, RVUs, MUE, add-on and NCCI facts for ``code``."""
    code = normalise_code(code)
    if not CODE_RE.match(code):
        raise UnknownCodeError(code, closest=closest_codes(store, code), where="(not a HCPCS code)")
    warnings: list[DataWarning] = []
    rvu_choice = _choice(store, "pfs_rvu", day, warnings)
    rows: dict[str, dict[str, Any]] = {}
    if rvu_choice:
        rows = queries.rvu_rows(store, rvu_choice, code)
    level2 = _hcpcs_level2(store, code, day, warnings)
    if not rows and not level2 and not curated and not code_is_known(store, code):
        raise UnknownCodeError(code, closest=closest_codes(store, code))

    base = rows.get("") or next(iter(rows.values()), None)
    facts: dict[str, Any] = {
        "code": code,
        "date_of_service": day.isoformat(),
        "release": rvu_choice.release.label if rvu_choice else None,
        "in_pfs_release": bool(rows),
        "descriptor": (base or {}).get("description") or (level2 or {}).get("short"),
        "descriptor_source": (
            f"CMS PFS relative value file {rvu_choice.release.label} (short descriptor)"
            if base and rvu_choice
            else ("CMS HCPCS Level II file (short description)" if level2 else None)
        ),
        "status": _label("status", (base or {}).get("status_code"), lang),
        "indicators": {
            "pctc": _label("pctc", (base or {}).get("pctc_indicator"), lang),
            "global_days": _label("global_days", (base or {}).get("global_days"), lang),
            "supervision": _label("supervision", (base or {}).get("supervision"), lang),
            "mult_proc": (base or {}).get("mult_proc"),
            "imaging_family": (base or {}).get("imaging_family"),
            "bilat_surg": (base or {}).get("bilat_surg"),
            "asst_surg": (base or {}).get("asst_surg"),
            "co_surg": (base or {}).get("co_surg"),
            "team_surg": (base or {}).get("team_surg"),
        },
        "rvu": _rvu_block(rows.get("") or base) if base else None,
        "component_rvus": {(mod or "global"): _rvu_block(row) for mod, row in sorted(rows.items())},
        "conversion_factor": (base or {}).get("conversion_factor"),
        "hcpcs_level2": level2,
        "mue": _mue(store, code, day, lang, warnings),
        "add_on": _add_on(store, code, day, warnings),
        "ncci": _ncci(store, code, day, warnings),
        "warnings": warnings,
    }
    if not rows and rvu_choice:
        warnings.append(
            DataWarning(
                code="not_in_release",
                family="pfs_rvu",
                message=(
                    f"{code} has no row in the PFS release {rvu_choice.release.label}: "
                    "it is deleted, not yet effective, or not paid under the PFS"
                ),
            )
        )
    return facts


def _rvu_block(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "work": row["work_rvu"],
        "pe_facility": row["pe_rvu_facility"],
        "pe_non_facility": row["pe_rvu_non_facility"],
        "mp": row["mp_rvu"],
        "total_facility": row["total_facility"],
        "total_non_facility": row["total_non_facility"],
        "non_facility_na": row["na_non_facility"] == "NA",
        "facility_na": row["na_facility"] == "NA",
    }


def _hcpcs_level2(
    store: Store, code: str, day: date, warnings: list[DataWarning]
) -> dict[str, Any] | None:
    if code[0].isdigit():
        return None
    choice = _choice(store, "hcpcs_description", day, warnings)
    if choice is None:
        return None
    found = queries.hcpcs_descriptions(store, choice, code)
    if not found:
        return None
    return {"short": found.get("Short"), "long": found.get("Long"), "release": choice.release.label}


def _mue(
    store: Store, code: str, day: date, lang: str, warnings: list[DataWarning]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for service in ("practitioner", "outpatient_hospital", "dme_supplier"):
        choice = _choice(store, f"mue_{service}", day, warnings)
        if choice is None:
            continue
        row = queries.mue_row(store, choice, code)
        if row:
            result[service] = {
                "units": row[0],
                "mai": _label("mue_mai", row[1], lang),
                "rationale": row[2],
                "release": choice.release.label,
            }
    return result


def _active(row_deleted: str | None, day: date) -> bool:
    return not row_deleted or date.fromisoformat(row_deleted) >= day


def _add_on(store: Store, code: str, day: date, warnings: list[DataWarning]) -> dict[str, Any]:
    choice = _choice(store, "aoc", day, warnings)
    if choice is None:
        return {"is_add_on": None}
    as_add_on = [
        r
        for r in queries.aoc_rows(store, choice, code, as_add_on=True)
        if all(_active(d, day) for d in (r[3], r[4], r[6]))
        and (not r[5] or date.fromisoformat(r[5]) <= day)
    ]
    supports = [
        r[1]
        for r in queries.aoc_rows(store, choice, code, as_add_on=False)
        if all(_active(d, day) for d in (r[3], r[4], r[6]))
    ]
    primaries = sorted({r[2] for r in as_add_on})
    return {
        "is_add_on": bool(as_add_on),
        "edit_types": sorted({r[0] for r in as_add_on}),
        "primary_count": len(primaries),
        "primaries": primaries[:40],
        "contractor_defined_primaries": CONTRACTOR_DEFINED in primaries,
        "add_ons_it_supports": sorted(set(supports))[:40],
        "release": choice.release.label,
    }


def _ncci(store: Store, code: str, day: date, warnings: list[DataWarning]) -> dict[str, Any]:
    """Counts and the first partners, aggregated in the database: a common code such
    as 76000 is column 2 of thousands of edits."""
    result: dict[str, Any] = {}
    on = day.isoformat()
    for setting in ("practitioner", "outpatient_hospital"):
        choice = _choice(store, f"ptp_{setting}", day, warnings)
        if choice is None:
            continue
        summary: dict[str, Any] = {"release": choice.release.label, "deleted_before_date": 0}
        for column, key, listed in (
            ("column_1", "active_as_column_1", "bundles"),
            ("column_2", "active_as_column_2", "column_2_codes"),
        ):
            total, active = queries.ptp_counts(store, choice, code, column=column, on=on)
            summary[key] = active
            summary["deleted_before_date"] += total - active
            summary[listed] = [
                {"code": row[0], "modifier_indicator": row[1], "rationale": row[2]}
                for row in queries.ptp_partners(
                    store, choice, code, column=column, on=on, limit=PARTNERS_SHOWN
                )
            ]
        summary["partners_definition"] = (
            "edits in force on the date; modifier indicator 0 (no modifier bypasses) "
            f"first, then by code; at most {PARTNERS_SHOWN} shown"
        )
        result[setting] = summary
    return result
