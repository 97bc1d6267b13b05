"""Building the store from the CMS files clearclaim ships: an explicit step.

Opening a store never imports. A shell that wants a ready store on first use
(the CLI, the web app) calls :func:`ensure_built`, which says so on stderr
when it starts the half-minute import.
"""

from __future__ import annotations

import sys

from clearclaim.config import shipped_data_dir
from clearclaim.errors import StoreError
from clearclaim.importers.run import ImportReport, import_paths
from clearclaim.store import Store


def build_from_shipped_data(store: Store, *, progress: bool = False) -> ImportReport:
    """Import every CMS file clearclaim ships into ``store``."""
    data_dir = shipped_data_dir()
    if data_dir is None:
        raise StoreError(
            "the store is empty and no shipped CMS files were found",
            hint="run 'clearclaim data import DIR' with a folder of CMS release files",
        )
    return import_paths(store, [data_dir], progress=progress)


def ensure_built(store: Store, *, progress: bool = False, announce: bool = True) -> Store:
    """Build ``store`` from the shipped files when it holds no release yet."""
    if store.is_empty():
        if announce:
            print(
                f"clearclaim: building the store at {store.location} from the shipped CMS "
                "files (once, about half a minute)",
                file=sys.stderr,
            )
        build_from_shipped_data(store, progress=progress)
    return store
