"""The ICD-10-CM code set, from the simple-icd-10-cm package.

The package parses its tabular list (an XML file of some 98,000 items) when it
is imported, which takes several seconds. The few facts a check needs (each
code, whether it is billable, its descriptor) are kept in a compact index,
written once per package version to the per-user cache folder, so a later
process reads them in a fraction of a second. The package remains the source:
the index is rebuilt from it whenever its version changes or the file is gone.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import warnings
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from platformdirs import user_cache_dir

from clearclaim.lookalike import lookalikes

PACKAGE = "simple-icd-10-cm"
CACHE_ENV = "CLEARCLAIM_CACHE_DIR"
_LOCK = threading.Lock()


def _cache_file() -> Path:
    folder = Path(os.environ.get(CACHE_ENV) or user_cache_dir("clearclaim", appauthor=False))
    return folder / f"icd10cm-{version(PACKAGE)}.json"


def _from_package() -> dict[str, tuple[bool, str]]:
    with warnings.catch_warnings():
        # the package reads its data with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm

    index: dict[str, tuple[bool, str]] = {}
    for item in cm.get_all_codes(True):
        code = str(item)
        if _is_code_name(code) and code not in index:
            index[code] = (bool(cm.is_leaf(code)), str(cm.get_description(code)))
    return index


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[bool, str]]:
    """Code -> (billable, descriptor), from the cache file or built from the package."""
    with _LOCK:
        path = _cache_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {code: (bool(v[0]), str(v[1])) for code, v in raw.items()}
        except (OSError, ValueError, TypeError, IndexError):
            pass
        index = _from_package()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
            ) as handle:
                json.dump(index, handle, separators=(",", ":"))
            os.replace(handle.name, path)
        except OSError:
            pass  # a read-only home: the next process builds it again
        return index


def _is_code_name(name: str) -> bool:
    """Codes start with a letter; chapters are numbers and blocks are ranges (M40-M54).
    A block of one category (B20, F99, P84) is named as the category, which is a code."""
    return name[:1].isalpha() and "-" not in name


def is_code(code: str) -> bool:
    """A code of the set (a heading or a billable code; not a chapter or a block)."""
    return code in _index()


def is_billable(code: str) -> bool:
    """A leaf of the tabular list: no code under it (with its 7th character, if any)."""
    found = _index().get(code)
    return bool(found and found[0])


def description(code: str) -> str | None:
    found = _index().get(code)
    return found[1] if found else None


def billable_under(code: str) -> list[str]:
    """The billable codes under a heading (every code under it starts with it)."""
    return [c for c in _billable() if c.startswith(code) and c != code]


@lru_cache(maxsize=1)
def _billable() -> tuple[str, ...]:
    return tuple(sorted(c for c, (leaf, _) in _index().items() if leaf))


def all_billable() -> tuple[str, ...]:
    return _billable()


def close_matches(code: str, n: int = 5) -> list[str]:
    """Billable codes that look like ``code``: the longest shared beginning, then
    similarity."""
    candidates = [c for c in _billable() if c[:2] == code[:2]] or list(_billable())
    return lookalikes(code, candidates, n, key=lambda c: c.replace(".", ""))
