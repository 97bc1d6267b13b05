"""The public API: a curated, sorted __all__ whose every name resolves."""

from __future__ import annotations

import clearclaim


def test_all_is_sorted_and_resolves() -> None:
    names = [n for n in clearclaim.__all__ if n != "__version__"]
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    for name in clearclaim.__all__:
        assert getattr(clearclaim, name) is not None, name


def test_the_main_entry_points_are_callable() -> None:
    for name in ("check", "price", "code_page", "search", "ask", "import_paths"):
        assert callable(getattr(clearclaim, name))
