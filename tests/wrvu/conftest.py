"""Fixtures for the procedure log tests: a writable copy of the session's store.

The log lives in the store, and the session's full store is shared read-only, so
the tests write to one copy of it per worker. Each test logs under provider names
of its own and reads its own providers back, so tests do not see each other's rows.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearclaim import Checker
from clearclaim.store import Store


@pytest.fixture(scope="session")
def log_store_path(full_store: Store, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("wrvu-store")
    source = Path(full_store.location)
    target = folder / "store.sqlite"
    shutil.copyfile(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{target}-wal"))
    return str(target)


@pytest.fixture
def checker(log_store_path: str) -> Iterator[Checker]:
    with Checker.open(log_store_path, build=False) as opened:
        yield opened


@pytest.fixture
def provider() -> str:
    """A provider name no other test uses."""
    return f"Test Provider {uuid.uuid4().hex[:8]}"
