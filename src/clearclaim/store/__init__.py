"""The store of CMS releases, each with its effective date range."""

from clearclaim.store.store import FAMILY_TITLES, ReleaseChoice, Store

__all__ = ["FAMILY_TITLES", "ReleaseChoice", "Store"]
