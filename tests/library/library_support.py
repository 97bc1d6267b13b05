"""Helpers shared by the library tests (a plain module: conftest is not importable by name)."""

from __future__ import annotations


def cites(citation, expected: dict) -> bool:  # type: ignore[no-untyped-def,type-arg]
    """Does a citation point at the expected passage (document and page or section)?"""
    if citation.document_id != expected["doc"]:
        return False
    if "page" in expected:
        return citation.page == expected["page"]
    return expected["section"].lower() in (citation.section or "").lower()
