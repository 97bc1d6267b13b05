"""What the CMS files say about one code on one date: the data half of a code page.

Every value comes from the store, from the release in force on the date (or
the nearest, with a warning). Indicator values are given with their meaning in
words from ``knowledge/indicators.yaml``.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import lru_cache
from typing import Any

from clearclaim.errors import ReleaseError, UnknownCodeError
from clearclaim.knowledge import indicator_label
from clearclaim.models import DataWarning
from clearclaim.store import ReleaseChoice, Store

CODE_RE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
PARTNERS_SHOWN = 12

RVU_COLUMNS = (
    "hcpcs, modifier, description, status_code, work_rvu, pe_rvu_non_facility, na_non_facility,"
    " pe_rvu_facility, na_facility, mp_rvu, total_non_facility, total_facility, pctc_indicator,"
    " global_days, mult_proc, bilat_surg, asst_surg, co_surg, team_surg, conversion_factor,"
    " supervision, imaging_family"
)


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


def _rvu_row(row: tuple[Any, ...]) -> dict[str, Any]:
    names = [c.strip() for c in RVU_COLUMNS.split(",")]
    return dict(zip(names, row, strict=True))


@lru_cache(maxsize=4)
def _known_codes(store_id: int, store: Store) -> tuple[str, ...]:
    rows = store.fetchall(
        "SELECT DISTINCT hcpcs FROM pfs_rvu UNION SELECT DISTINCT hcpcs FROM hcpcs_record"
        " UNION SELECT DISTINCT hcpcs FROM mue"
    )
    return tuple(sorted(r[0] for r in rows))


def closest_codes(store: Store, code: str, limit: int = 5) -> list[str]:
    """Codes that look like ``code``: same prefix first, then by edit distance."""
    known = _known_codes(id(store), store)
    prefix = [c for c in known if c.startswith(code[:4])] if len(code) >= 4 else []
    close = difflib.get_close_matches(code, known, n=limit, cutoff=0.6)
    return list(dict.fromkeys([*prefix[:limit], *close]))[:limit]


def code_is_known(store: Store, code: str) -> bool:
    """In any loaded release of the PFS, HCPCS, NCCI or MUE files (deleted codes included)."""
    if store.fetchone("SELECT 1 FROM pfs_rvu WHERE hcpcs = ? LIMIT 1", (code,)):
        return True
    # the other tables are indexed by release first: ask release by release
    checks = (
        ("hcpcs_record", "hcpcs"),
        ("mue", "hcpcs"),
        ("ptp", "column_1"),
        ("ptp", "column_2"),
    )
    for table, column in checks:
        for release in store.releases():
            if release.table != table:
                continue
            row = store.fetchone(
                f"SELECT 1 FROM {table} WHERE release_id = ? AND {column} = ? LIMIT 1",
                (release.release_id, code),
            )
            if row:
                return True
    return False


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
        for row in store.fetchall(
            f"SELECT {RVU_COLUMNS} FROM pfs_rvu WHERE {rvu_choice.sql_in()} AND hcpcs = ?",
            (*rvu_choice.ids, code),
        ):
            rows[row[1]] = _rvu_row(row)
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
    found = dict(
        store.fetchall(
            f"SELECT kind, description FROM hcpcs_description WHERE {choice.sql_in()}"
            " AND hcpcs = ?",
            (*choice.ids, code),
        )
    )
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
        row = store.fetchone(
            f"SELECT mue_units, mai, rationale FROM mue WHERE {choice.sql_in()} AND hcpcs = ?",
            (*choice.ids, code),
        )
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
    columns = (
        "edit_type, add_on_code, primary_code, add_on_deletion_date, primary_deletion_date,"
        " effective_date, deletion_date"
    )
    as_add_on = [
        r
        for r in store.fetchall(
            f"SELECT {columns} FROM aoc WHERE {choice.sql_in()} AND add_on_code = ?",
            (*choice.ids, code),
        )
        if all(_active(d, day) for d in (r[3], r[4], r[6]))
        and (not r[5] or date.fromisoformat(r[5]) <= day)
    ]
    supports = [
        r[1]
        for r in store.fetchall(
            f"SELECT {columns} FROM aoc WHERE {choice.sql_in()} AND primary_code = ?",
            (*choice.ids, code),
        )
        if all(_active(d, day) for d in (r[3], r[4], r[6]))
    ]
    primaries = sorted({r[2] for r in as_add_on})
    return {
        "is_add_on": bool(as_add_on),
        "edit_types": sorted({r[0] for r in as_add_on}),
        "primary_count": len(primaries),
        "primaries": primaries[:40],
        "contractor_defined_primaries": "CCCCC" in primaries,
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
        for column, other, key, listed in (
            ("column_1", "column_2", "active_as_column_1", "bundles"),
            ("column_2", "column_1", "active_as_column_2", "column_2_codes"),
        ):
            where = f"{choice.sql_in()} AND {column} = ?"
            total, active = store.fetchone(
                "SELECT COUNT(*), SUM(CASE WHEN deletion_date >= ? THEN 1 ELSE 0 END)"
                f" FROM ptp WHERE {where}",
                (on, *choice.ids, code),
            ) or (0, 0)
            summary[key] = int(active or 0)
            summary["deleted_before_date"] += int(total or 0) - int(active or 0)
            summary[listed] = [
                {"code": row[0], "modifier_indicator": row[1], "rationale": row[2]}
                for row in store.fetchall(
                    f"SELECT {other}, modifier_indicator, rationale FROM ptp WHERE {where}"
                    " AND deletion_date >= ? ORDER BY CASE WHEN modifier_indicator = '0'"
                    f" THEN 0 ELSE 1 END, {other} LIMIT ?",
                    (*choice.ids, code, on, PARTNERS_SHOWN),
                )
            ]
        summary["partners_definition"] = (
            "edits in force on the date; modifier indicator 0 (no modifier bypasses) "
            f"first, then by code; at most {PARTNERS_SHOWN} shown"
        )
        result[setting] = summary
    return result
