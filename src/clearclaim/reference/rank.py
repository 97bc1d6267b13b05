"""A code's work RVU ranked among the codes of its category, in the same release."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import Any

from clearclaim._yaml import load_yaml
from clearclaim.store import ReleaseChoice, Store
from clearclaim.store.queries.reference import ranked_work_rvus

CATEGORIES_PATH = Path(__file__).resolve().parent / "categories.yaml"
RANKED_STATUSES = ("A", "R", "T")
DEFINITION = (
    "Codes of the same category in the same PFS release, counting global rows only (no "
    "modifier), with status A, R or T (paid under the fee schedule) and a work RVU above "
    "zero. Percentile: the share of those codes whose work RVU is at or below this code's."
)


@lru_cache(maxsize=1)
def _categories() -> list[dict[str, Any]]:
    return load_yaml(CATEGORIES_PATH.read_text(encoding="utf-8"))["categories"]


def category_of(code: str) -> str | None:
    for entry in _categories():
        if "pattern" in entry:
            if re.match(entry["pattern"], code):
                return str(entry["name"])
        elif code.isdigit() and entry["low"] <= code <= entry["high"]:
            return str(entry["name"])
    return None


def _category_entry(name: str) -> dict[str, Any]:
    return next(entry for entry in _categories() if entry["name"] == name)


@lru_cache(maxsize=64)
def _category_values(
    store_id: int, release_ids: tuple[int, ...], category: str, store: Store
) -> list[float]:
    """Sorted work RVUs of one category's codes (by code range in the database when
    the category is a CPT section, else by pattern over the release)."""
    entry = _category_entry(category)
    code_range = (str(entry["low"]), str(entry["high"])) if "low" in entry else None
    rows = ranked_work_rvus(store, release_ids, RANKED_STATUSES, code_range)
    return sorted(work for code, work in rows if category_of(code) == category)


def wrvu_rank(
    store: Store, choice: ReleaseChoice, code: str, work_rvu: float | None
) -> dict[str, Any]:
    category = category_of(code)
    result: dict[str, Any] = {
        "category": category,
        "definition": DEFINITION,
        "release": choice.release.label,
        "percentile": None,
        "median": None,
        "max": None,
        "codes_in_category": 0,
    }
    if category is None:
        return result
    values = _category_values(id(store), tuple(choice.ids), category, store)
    result["codes_in_category"] = len(values)
    if not values:
        return result
    result["median"] = round(median(values), 2)
    result["max"] = max(values)
    if work_rvu is not None and work_rvu > 0:
        result["percentile"] = round(100 * bisect_right(values, float(work_rvu)) / len(values), 1)
    return result
