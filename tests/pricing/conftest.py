"""Fixtures for the pricing tests: one Pricer over the session's full store."""

from __future__ import annotations

import pytest

from clearclaim.pricing import Pricer
from clearclaim.store import Store


@pytest.fixture(scope="session")
def pricer(full_store: Store) -> Pricer:
    return Pricer(full_store)
