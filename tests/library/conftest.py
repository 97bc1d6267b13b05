"""Fixtures for the library tests: documents built from tests/fixtures/library at test time."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from clearclaim.library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "library"


def _load_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("library_fixture_build", FIXTURES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()


@pytest.fixture(scope="session")
def fixture_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every good fixture document, by document id."""
    return build.build_all(tmp_path_factory.mktemp("library-src"))


@pytest.fixture(scope="session")
def bad_files(
    tmp_path_factory: pytest.TempPathFactory, fixture_files: dict[str, Path]
) -> dict[str, Path]:
    return build.build_bad(
        tmp_path_factory.mktemp("library-bad"), fixture_files["ncci-radiology-summary"]
    )


@pytest.fixture(scope="session")
def questions() -> dict[str, list[dict]]:  # type: ignore[type-arg]
    return yaml.safe_load((FIXTURES / "questions.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_library(
    tmp_path_factory: pytest.TempPathFactory, fixture_files: dict[str, Path]
) -> Iterator[Library]:
    """One library holding every fixture document, shared by read-only tests."""
    library = Library(tmp_path_factory.mktemp("library") / "library.sqlite", embedder=None)
    results = library.add(sorted(fixture_files.values()))
    assert [r.status for r in results] == ["added"] * len(fixture_files)
    yield library
    library.close()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """An empty library of its own, for tests that change it."""
    lib = Library(tmp_path / "lib" / "library.sqlite", embedder=None)
    yield lib
    lib.close()
