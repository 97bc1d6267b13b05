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
    FieldError,
    InputError,
    ReleaseError,
    StoreError,
)

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "AddResult": "clearclaim.library",
    "Answer": "clearclaim.library",
    "ArchiveLimits": "clearclaim.library.limits",
    "Checker": "clearclaim.session",
    "CodeStatus": "clearclaim.store.queries.catalog",
    "Document": "clearclaim.library",
    "SearchHit": "clearclaim.reference.search",
    "ClaimContext": "clearclaim.checker",
    "FieldError": "clearclaim.errors",
    "Library": "clearclaim.library",
    "PairLookup": "clearclaim.edits.models",
    "ProcedureLog": "clearclaim.wrvu",
    "WrvuPlan": "clearclaim.wrvu",
    "WrvuReport": "clearclaim.wrvu",
    "load_contract": "clearclaim.wrvu",
    "Report": "clearclaim.checker",
    "ScrubReport": "clearclaim.edits.batch",
    "Store": "clearclaim.store",
    "ask": "clearclaim.library",
    "gettext_for": "clearclaim.i18n",
    "normalize_language": "clearclaim.i18n",
    "check": "clearclaim.checker",
    "code_page": "clearclaim.reference.page",
    "import_paths": "clearclaim.importers",
    "parse_codes": "clearclaim.checker",
    "passages_for": "clearclaim.library",
    "price": "clearclaim.pricing",
    "render_html": "clearclaim.reference.render",
    "render_markdown": "clearclaim.reference.render",
    "search": "clearclaim.reference.search",
}

__all__ = [
    "AddResult",
    "Answer",
    "ArchiveLimits",
    "Checker",
    "ClaimContext",
    "ClearclaimError",
    "CodeStatus",
    "DataError",
    "Document",
    "FieldError",
    "InputError",
    "Library",
    "PairLookup",
    "ProcedureLog",
    "ReleaseError",
    "Report",
    "ScrubReport",
    "SearchHit",
    "Store",
    "StoreError",
    "WrvuPlan",
    "WrvuReport",
    "__version__",
    "ask",
    "check",
    "code_page",
    "gettext_for",
    "import_paths",
    "load_contract",
    "normalize_language",
    "parse_codes",
    "passages_for",
    "price",
    "render_html",
    "render_markdown",
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
