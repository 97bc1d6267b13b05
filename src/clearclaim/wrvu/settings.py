"""Per-provider settings of the log: specialty (for benchmarks) and payment locality."""

from __future__ import annotations

from typing import Any

from clearclaim.errors import FieldError
from clearclaim.store import Store
from clearclaim.store.queries import wrvu as queries


def set_provider(
    store: Store,
    provider: str,
    *,
    specialty: str | None = None,
    locality: str | None = None,
    zip_code: str | None = None,
) -> dict[str, Any]:
    """Set what is given; a locality is checked against the loaded GPCI files."""
    name = provider.strip()
    if not name:
        raise FieldError("no provider name", field="PROVIDER")
    if locality and zip_code:
        raise FieldError("give --locality or --zip, not both", field="--locality")
    if locality or zip_code:
        from datetime import date

        from clearclaim.pricing import pricer_for

        # the pricing engine resolves it: an unknown ZIP or locality is an input error here
        pricer_for(store).localities.resolve(date.today(), zip_code=zip_code, locality=locality)
    row = queries.set_provider(
        store, name, specialty=specialty, locality=locality, zip_code=zip_code
    )
    return row._asdict()
