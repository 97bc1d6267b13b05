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

__version__ = "0.1.0"

__all__ = [
    "ClearclaimError",
    "DataError",
    "InputError",
    "ReleaseError",
    "StoreError",
    "__version__",
]
