"""Shared helpers for the reference tests."""

from __future__ import annotations

import pytest

from clearclaim.reference import content as content_module


@pytest.fixture(autouse=True)
def _fresh_content_cache():
    # Tests write temporary content trees; parsed files must not leak between tests.
    content_module.clear_cache()
    yield
    content_module.clear_cache()
