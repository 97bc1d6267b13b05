"""The ICD-10-CM index is cached in a folder of the test session, not the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("CLEARCLAIM_CACHE_DIR")
    os.environ["CLEARCLAIM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("CLEARCLAIM_CACHE_DIR", None)
    else:
        os.environ["CLEARCLAIM_CACHE_DIR"] = previous
