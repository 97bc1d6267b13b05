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
    "ClaimContext": "clearclaim.checker",
    "ClaimPrice": "clearclaim.pricing",
    "DataCoverage": "clearclaim.models",
    "DiagnosisCheck": "clearclaim.diagnosis",
    "FieldError": "clearclaim.errors",
    "ImportReport": "clearclaim.importers",
    "Library": "clearclaim.library",
    "PriceResult": "clearclaim.pricing",
    "Report": "clearclaim.checker",
    "Store": "clearclaim.store",
    "ask": "clearclaim.library",
    "check": "clearclaim.checker",
    "check_diagnoses": "clearclaim.diagnosis",
    "code_page": "clearclaim.reference.page",
    "import_paths": "clearclaim.importers",
    "passages_for": "clearclaim.library",
    "price": "clearclaim.pricing",
    "search": "clearclaim.reference.search",
}

__all__ = [
    "Checker",
    "ClaimContext",
    "ClaimPrice",
    "ClearclaimError",
    "DataCoverage",
    "DataError",
    "DiagnosisCheck",
    "FieldError",
    "ImportReport",
    "InputError",
    "Library",
    "PriceResult",
    "ReleaseError",
    "Report",
    "Store",
    "StoreError",
    "__version__",
    "ask",
    "check",
    "check_diagnoses",
    "code_page",
    "import_paths",
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
