"""Building the store from the CMS files clearclaim ships: an explicit step.

Opening a store never imports. A shell that wants a ready store on first use
(the CLI, the web app) calls :func:`ensure_built`, which says so on stderr
when it starts the half-minute import.

A build marks the store when it starts and clears the mark when it ends, so a
build killed half way (Ctrl-C, a closed laptop) is finished by the next
command: files already imported are known by their hash and skipped, the rest
are imported.
"""

from __future__ import annotations

import sys

from clearclaim.config import shipped_data_dir
from clearclaim.errors import StoreError
from clearclaim.importers.run import ImportReport, import_paths
from clearclaim.store import Store
from clearclaim.store.lock import write_lock


def build_from_shipped_data(
    store: Store, *, progress: bool = False, force: bool = False
) -> ImportReport:
    """Import every CMS file clearclaim ships into ``store`` (marked until it ends)."""
    data_dir = shipped_data_dir()
    if data_dir is None:
        raise StoreError(
            "the store is empty and no shipped CMS files were found",
            hint="run 'clearclaim data import DIR' with a folder of CMS release files",
        )
    store.mark_build_started(str(data_dir))
    report = import_paths(store, [data_dir], progress=progress, force=force)
    if report.ok:
        store.mark_build_finished()
    return report


def needs_build(store: Store) -> bool:
    """True when the store holds no release yet, or a build was left unfinished."""
    return store.is_empty() or store.unfinished_build() is not None


def ensure_built(store: Store, *, progress: bool = False, announce: bool = True) -> Store:
    """Build ``store`` from the shipped files when it is empty, or finish a build
    that was interrupted."""
    if not needs_build(store):
        return store
    # two first commands at once: the second waits for the first build, then sees it done
    with write_lock(store.location):
        store.invalidate()
        if not needs_build(store):
            return store
        unfinished = store.unfinished_build()
        if announce:
            if unfinished:
                message = (
                    f"clearclaim: the store at {store.location} was left half built "
                    "(an import was interrupted); finishing it from the shipped CMS files"
                )
            else:
                message = (
                    f"clearclaim: building the store at {store.location} from the shipped "
                    "CMS files (once, about half a minute)"
                )
            print(message, file=sys.stderr)
        report = build_from_shipped_data(store, progress=progress)
    if not report.ok:
        names = ", ".join(f.display for f in report.failed[:3])
        raise StoreError(
            f"the store could not be built: {len(report.failed)} shipped file(s) failed ({names})",
            hint="run 'clearclaim data import' to see each error",
        )
    return store
