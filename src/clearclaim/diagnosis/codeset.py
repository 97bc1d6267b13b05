"""The ICD-10-CM code set, from the simple-icd-10-cm package (loaded once)."""

from __future__ import annotations

import difflib
import threading
import warnings
from functools import lru_cache
from types import ModuleType

_LOCK = threading.Lock()


def _package() -> ModuleType:
    with _LOCK:
        with warnings.catch_warnings():
            # the package reads its data with a deprecated importlib call
            warnings.simplefilter("ignore", DeprecationWarning)
            import simple_icd_10_cm

        return simple_icd_10_cm


def is_code(code: str) -> bool:
    """A code of the set (a heading or a billable code; not a chapter or a block)."""
    return _is_code_name(code) and bool(_package().is_valid_item(code))


def _is_code_name(name: str) -> bool:
    """Codes start with a letter; chapters are numbers and blocks are ranges (M40-M54).
    A block of one category (B20, F99, P84) is named as the category, which is a code."""
    return name[:1].isalpha() and "-" not in name


def is_billable(code: str) -> bool:
    """A leaf of the tabular list: no code under it (with its 7th character, if any)."""
    return bool(_package().is_leaf(code))


def description(code: str) -> str | None:
    try:
        return str(_package().get_description(code))
    except ValueError:
        return None


def children(code: str) -> list[str]:
    return [str(c) for c in _package().get_children(code)]


def billable_under(code: str) -> list[str]:
    """The billable codes under a heading."""
    cm = _package()
    return [str(c) for c in cm.get_descendants(code) if cm.is_leaf(c)]


@lru_cache(maxsize=1)
def _all_codes() -> tuple[str, ...]:
    cm = _package()
    # billable codes only: a close match is offered as a code to report
    leaves = (str(c) for c in cm.get_all_codes(True) if _is_code_name(str(c)) and cm.is_leaf(c))
    return tuple(dict.fromkeys(leaves))  # a block named as its one category is listed twice


def close_matches(code: str, n: int = 5) -> list[str]:
    """Codes that look like ``code``: the longest shared beginning, then similarity."""
    undotted = code.replace(".", "")
    candidates = [c for c in _all_codes() if c[:2] == code[:2]] or list(_all_codes())

    def score(candidate: str) -> tuple[int, float]:
        plain = candidate.replace(".", "")
        shared = 0
        for a, b in zip(undotted, plain, strict=False):
            if a != b:
                break
            shared += 1
        return shared, difflib.SequenceMatcher(None, undotted, plain).ratio()

    ranked = sorted(candidates, key=score, reverse=True)
    return [c for c in ranked[:n] if score(c)[1] >= 0.5]
