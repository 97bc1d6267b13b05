"""Where the library lives, and the guard that keeps every stored path inside it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from platformdirs import user_data_dir

from clearclaim.errors import InputError

LIBRARY_ENV = "CLEARCLAIM_LIBRARY"
LIBRARY_FILENAME = "library.sqlite"
FILES_DIRNAME = "library_files"

# Document ids double as file names in library_files/, so they are limited to
# characters that cannot name another folder.
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


def default_library_location() -> Path:
    """``$CLEARCLAIM_LIBRARY`` or ``library.sqlite`` in the per-user data folder of the store."""
    configured = os.environ.get(LIBRARY_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("clearclaim", appauthor=False)) / LIBRARY_FILENAME


def files_dir(db_path: Path) -> Path:
    """The library folder: copies of the original files, beside the database."""
    return db_path.parent / FILES_DIRNAME


def check_document_id(document_id: str) -> str:
    if not _ID.fullmatch(document_id):
        raise InputError(
            f"invalid document id {document_id!r}",
            hint="ids are lower-case letters, digits, '-' and '_'; see `clearclaim library list`",
        )
    return document_id


def slug(name: str) -> str:
    """A document id made from a file name: 'NCCI Ch. 9.pdf' -> 'ncci-ch-9'."""
    stem = Path(name).stem.lower()
    cleaned = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60].strip("-")
    return cleaned or "document"


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused when ``name`` would step outside ``folder``.

    Stored names come from the database, which a user (or another tool) can
    edit: an absolute path, '..', a separator or a symlink that leads out of
    the library folder is refused, never followed.
    """
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise InputError(f"library path {name!r} escapes the library folder {folder}")
    candidate = folder / name
    root = folder.resolve()
    resolved = candidate.resolve()
    if resolved.parent != root:
        raise InputError(f"library path {name!r} escapes the library folder {folder}")
    return candidate
