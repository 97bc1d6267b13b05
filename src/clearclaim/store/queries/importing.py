"""What the importers and ``data fetch`` read from the store: CMS's own index of
RVU releases (their dates and download addresses)."""

from __future__ import annotations

from typing import NamedTuple

from clearclaim.store.store import Store


class IndexedRelease(NamedTuple):
    """One row of CMS's RVU release index (``rvu_zip_links.csv``)."""

    file: str
    date_start: str | None
    date_end: str | None
    url: str | None


def indexed_release(store: Store, label: str) -> IndexedRelease | None:
    """The newest loaded index row of release ``label`` (RVU24AR), or None."""
    row = store.fetchone(
        "SELECT file, date_start, date_end, url FROM rvu_release_index WHERE UPPER(file) = ?"
        " ORDER BY release_id DESC",
        (label.upper(),),
    )
    return IndexedRelease(*row) if row else None


def release_named_by_url(store: Store, url: str) -> str | None:
    """The release name the index gives a download address, or None."""
    row = store.fetchone("SELECT file FROM rvu_release_index WHERE url = ?", (url,))
    return str(row[0]) if row else None
