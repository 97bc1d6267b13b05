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
    cm = _package()
    return bool(cm.is_valid_item(code)) and not cm.is_chapter_or_block(code)


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
    return tuple(str(c) for c in cm.get_all_codes(True) if cm.is_leaf(c))


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
