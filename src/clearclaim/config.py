"""Where clearclaim keeps its store and finds the CMS files it ships."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

STORE_ENV = "CLEARCLAIM_DB"
DATA_ENV = "CLEARCLAIM_DATA_DIR"
STORE_FILENAME = "clearclaim.sqlite"


def default_store_location() -> str:
    """The store path (or, later, URL): ``$CLEARCLAIM_DB`` or the per-user data folder."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return configured
    return str(Path(user_data_dir("clearclaim", appauthor=False)) / STORE_FILENAME)


def shipped_data_dir() -> Path | None:
    """The CMS release files that ship with clearclaim.

    A wheel carries them inside the package (``clearclaim/cms_data``); a source
    checkout has them at the repository root (``data/cms``).
    ``$CLEARCLAIM_DATA_DIR`` points elsewhere.
    """
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "cms_data", package_dir.parents[1] / "data" / "cms"):
        if candidate.is_dir():
            return candidate
    return None
