"""The store of CMS releases, each with its effective date range."""

from clearclaim.store.store import COVERAGE_FAMILIES, FAMILY_TITLES, ReleaseChoice, Store

__all__ = ["COVERAGE_FAMILIES", "FAMILY_TITLES", "ReleaseChoice", "Store"]
