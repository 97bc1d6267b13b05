"""Where the library lives, and the guard that keeps every stored path inside it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from platformdirs import user_data_dir

from clearclaim.errors import InputError

LIBRARY_ENV = "CLEARCLAIM_LIBRARY"
LIBRARY_FILENAME = "library.sqlite"
#: The folder every library in one directory once shared; read only to recover
#: the stored copies of a library made before each library had its own folder.
LEGACY_FILES_DIRNAME = "library_files"
FILES_SUFFIX = "_files"
#: Names the library that owns a files folder, so two libraries never share one.
OWNER_MARK = ".clearclaim-library"

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
    """The library's own folder of stored copies, beside its database and named after it.

    ``library.sqlite`` keeps its copies in ``library_files/``, ``team.sqlite`` in
    ``team_files/``, ``notes.db`` in ``notes.db_files/``: two libraries in one
    directory never share a folder, so adding to or removing from one never
    touches the other's copies.
    """
    name = db_path.name
    if name.endswith(".sqlite") and len(name) > len(".sqlite"):
        name = name[: -len(".sqlite")]
    return db_path.parent / f"{name}{FILES_SUFFIX}"


def claim_files_dir(db_path: Path) -> Path:
    """The library's files folder, created private and marked as this library's.

    A folder marked for another library file (``a.sqlite`` and a bare ``a``
    both map to ``a_files``) is refused rather than shared.
    """
    folder = files_dir(db_path)
    mark = folder / OWNER_MARK
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    owner = mark.read_text(encoding="utf-8").strip() if mark.is_file() else ""
    if owner and owner != db_path.name:
        raise InputError(
            f"the library folder {folder} belongs to the library {owner}, not {db_path.name}",
            hint="give this library a file name of its own",
        )
    if not owner:
        mark.write_text(db_path.name + "\n", encoding="utf-8")
    return folder


def legacy_files_dir(db_path: Path) -> Path:
    return db_path.parent / LEGACY_FILES_DIRNAME


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
