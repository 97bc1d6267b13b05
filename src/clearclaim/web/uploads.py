"""Uploaded files: read within the size limit, written only inside the data folder.

A client's file name is never used as a path: the stored name is a fresh random
id plus a suffix from a short allow-list, so ``../../etc/passwd`` or an
absolute name cannot place a file anywhere but the folder asked for.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fastapi import UploadFile

from clearclaim.web.problems import Problem

CHUNK = 1024 * 1024
_SAFE_STEM = re.compile(r"[^A-Za-z0-9._ -]+")


async def read_limited(upload: UploadFile, limit: int, field: str) -> bytes:
    """The upload's bytes, or a 413 naming the field when it is over ``limit``."""
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data.extend(chunk)
        if len(data) > limit:
            raise Problem(
                413, "Too large", f"{field}: the file is larger than {limit:,} bytes", field=field
            )
    return bytes(data)


def safe_stem(filename: str | None) -> str:
    """A display name from the client's file name: no folders, no odd characters."""
    name = Path((filename or "upload").replace("\\", "/")).name
    stem = _SAFE_STEM.sub("_", Path(name).stem).strip(" .") or "upload"
    return stem[:80]


def store_upload(folder: Path, data: bytes, filename: str | None, suffix: str) -> Path:
    """Write ``data`` as a new file in ``folder`` (created) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / f"{safe_stem(filename)}-{uuid.uuid4().hex[:12]}{suffix}").resolve()
    if folder.resolve() not in target.parents:  # cannot happen with safe_stem; checked anyway
        raise Problem(422, "Invalid file name", "the file name is not allowed", field="file")
    target.write_bytes(data)
    return target
