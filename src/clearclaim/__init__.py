"""clearclaim: coding and claim checking for US procedure billing.

The public Python API. Shells (CLI, REST, web) call only what is exported here.
Names are imported on first use, so ``import clearclaim`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from clearclaim.errors import (
    ClearclaimError,
    DataError,
    InputError,
    ReleaseError,
    StoreError,
)

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "Checker": "clearclaim.session",
    "LANGUAGES": "clearclaim.i18n",
    "ClaimContext": "clearclaim.checker",
    "Library": "clearclaim.library",
    "Report": "clearclaim.checker",
    "Store": "clearclaim.store",
    "ask": "clearclaim.library",
    "check": "clearclaim.checker",
    "code_page": "clearclaim.reference.page",
    "get_language": "clearclaim.i18n",
    "gettext_for": "clearclaim.i18n",
    "import_paths": "clearclaim.importers",
    "normalize_language": "clearclaim.i18n",
    "parse_codes": "clearclaim.checker",
    "passages_for": "clearclaim.library",
    "price": "clearclaim.pricing",
    "search": "clearclaim.reference.search",
}

__all__ = [  # noqa: RUF022 (sorted case-insensitively, as tests/test_public_api.py checks)
    "Checker",
    "ClaimContext",
    "ClearclaimError",
    "DataError",
    "InputError",
    "LANGUAGES",
    "Library",
    "ReleaseError",
    "Report",
    "Store",
    "StoreError",
    "__version__",
    "ask",
    "check",
    "code_page",
    "get_language",
    "gettext_for",
    "import_paths",
    "normalize_language",
    "parse_codes",
    "passages_for",
    "price",
    "search",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'clearclaim' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
