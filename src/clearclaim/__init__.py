"""clearclaim: coding and claim checking for US procedure billing.

The public Python API. Shells (CLI, REST, web) call only what is exported here.
"""

from clearclaim.errors import (
    ClearclaimError,
    DataError,
    InputError,
    ReleaseError,
    StoreError,
)

from clearclaim.library import Library, ask, passages_for

__version__ = "0.1.0"

__all__ = [
    "ClearclaimError",
    "DataError",
    "InputError",
    "Library",
    "ReleaseError",
    "StoreError",
    "__version__",
    "ask",
    "passages_for",
]
