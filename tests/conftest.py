"""Shared fixtures: one store built from every shipped CMS file, once per session.

The store is cached between runs under .pytest_cache, keyed by a hash of the
shipped files and of the importer code, so a second run starts in seconds.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearclaim.config import shipped_data_dir
from clearclaim.importers import import_paths
from clearclaim.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED_CMS = ROOT.parent / "shared" / "data" / "cms"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    data_dir = shipped_data_dir()
    assert data_dir is not None
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(data_dir)}:{path.stat().st_size}".encode())
    # the code that writes the store: the importers and every store module
    for folder in ("importers", "store"):
        for path in sorted((ROOT / "src" / "clearclaim" / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    found = shipped_data_dir()
    assert found is not None, "the shipped CMS files (data/cms) are missing"
    return found


@pytest.fixture(scope="session")
def full_store(data_dir: Path) -> Iterator[Store]:
    """Every shipped CMS file imported (read-only use: do not write to it)."""
    cache = ROOT / ".pytest_cache" / "clearclaim-store"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"full-{_fingerprint()}.sqlite"
    # pytest-xdist workers share the cache: one builds while the others wait
    with (cache / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            for stale in cache.glob("full-*"):
                stale.unlink()
            building = path.with_suffix(".building")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{building}{suffix}").unlink(missing_ok=True)
            store = Store.open(str(building))
            report = import_paths(store, [data_dir])
            assert report.ok, [f.message for f in report.failed]
            store.close()
            os.replace(building, path)
    store = Store.open(str(path))
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(str(tmp_path / "store.sqlite"))
    yield store
    store.close()


@pytest.fixture(autouse=True)
def _private_user_files(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Tests never read or write the user's own audit trail or coding library."""
    private = tmp_path_factory.mktemp("user")
    if "CLEARCLAIM_AUDIT" not in os.environ:
        monkeypatch.setenv("CLEARCLAIM_AUDIT", str(private / "audit.jsonl"))
    if "CLEARCLAIM_LIBRARY" not in os.environ:
        monkeypatch.setenv("CLEARCLAIM_LIBRARY", str(private / "library.sqlite"))
