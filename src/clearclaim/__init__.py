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
    "ask": "clearclaim.library",
    "check": "clearclaim.checker",
    "check_diagnoses": "clearclaim.diagnosis",
    "Checker": "clearclaim.session",
    "ClaimContext": "clearclaim.checker",
    "ClaimPrice": "clearclaim.pricing",
    "code_page": "clearclaim.reference.page",
    "CodeStatus": "clearclaim.store.queries.catalog",
    "DataCoverage": "clearclaim.models",
    "DiagnosisCheck": "clearclaim.diagnosis",
    "Document": "clearclaim.library",
    "FieldError": "clearclaim.errors",
    "get_language": "clearclaim.i18n",
    "gettext_for": "clearclaim.i18n",
    "import_paths": "clearclaim.importers",
    "ImportReport": "clearclaim.importers",
    "LANGUAGES": "clearclaim.i18n",
    "Library": "clearclaim.library",
    "load_contract": "clearclaim.wrvu",
    "normalize_language": "clearclaim.i18n",
    "PairLookup": "clearclaim.edits.models",
    "parse_codes": "clearclaim.checker",
    "passages_for": "clearclaim.library",
    "price": "clearclaim.pricing",
    "PriceResult": "clearclaim.pricing",
    "ProcedureLog": "clearclaim.wrvu",
    "render_code_page_html": "clearclaim.web.pages.code",
    "render_html": "clearclaim.reference.render",
    "render_markdown": "clearclaim.reference.render",
    "Report": "clearclaim.models",
    "ScrubReport": "clearclaim.edits.batch",
    "search": "clearclaim.reference.search",
    "SearchHit": "clearclaim.reference.search",
    "Store": "clearclaim.store",
    "WrvuPlan": "clearclaim.wrvu",
    "WrvuReport": "clearclaim.wrvu",
}

__all__ = [  # noqa: RUF022 (sorted case-insensitively, as tests/test_public_api.py checks)
    "__version__",
    "ask",
    "check",
    "check_diagnoses",
    "Checker",
    "ClaimContext",
    "ClaimPrice",
    "ClearclaimError",
    "code_page",
    "CodeStatus",
    "DataCoverage",
    "DataError",
    "DiagnosisCheck",
    "Document",
    "FieldError",
    "get_language",
    "gettext_for",
    "import_paths",
    "ImportReport",
    "InputError",
    "LANGUAGES",
    "Library",
    "load_contract",
    "normalize_language",
    "PairLookup",
    "parse_codes",
    "passages_for",
    "price",
    "PriceResult",
    "ProcedureLog",
    "ReleaseError",
    "render_code_page_html",
    "render_html",
    "render_markdown",
    "Report",
    "ScrubReport",
    "search",
    "SearchHit",
    "Store",
    "StoreError",
    "WrvuPlan",
    "WrvuReport",
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
