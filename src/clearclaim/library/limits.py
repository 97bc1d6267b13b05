"""How far a document may expand when it is unpacked: bounds against zip and XML bombs.

A DOCX is a zip of XML parts. A small file can expand a hundredfold (a 2 MB
file to 600 MB, several GB once parsed), or declare XML entities that expand
without end. Before a DOCX is parsed, its table of contents is checked
against these bounds and every XML part is checked for a DOCTYPE (Word never
writes one; entity definitions live there). PDF streams are bounded by pypdf
itself (75 MB per stream, decoded one page at a time).

The bounds can be raised for an unusual library through the environment:

- ``CLEARCLAIM_LIBRARY_MAX_PART_MB``: largest part once unpacked (default 64);
- ``CLEARCLAIM_LIBRARY_MAX_UNPACKED_MB``: all parts together (default 256);
- ``CLEARCLAIM_LIBRARY_MAX_RATIO``: unpacked size / packed size of one part
  larger than 1 MB (default 100);
- ``CLEARCLAIM_LIBRARY_MAX_PARTS``: number of parts (default 5000).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from clearclaim.errors import InputError

MB = 1024 * 1024

ENVIRONMENT: dict[str, tuple[str, int]] = {
    # variable: (field, multiplier)
    "CLEARCLAIM_LIBRARY_MAX_PART_MB": ("max_part_bytes", MB),
    "CLEARCLAIM_LIBRARY_MAX_UNPACKED_MB": ("max_unpacked_bytes", MB),
    "CLEARCLAIM_LIBRARY_MAX_RATIO": ("max_ratio", 1),
    "CLEARCLAIM_LIBRARY_MAX_PARTS": ("max_parts", 1),
}


class ArchiveLimits(BaseModel):
    """Bounds on an archive-based document (DOCX) before it is parsed."""

    model_config = ConfigDict(frozen=True)

    max_part_bytes: int = Field(default=64 * MB, gt=0)
    max_unpacked_bytes: int = Field(default=256 * MB, gt=0)
    max_ratio: int = Field(default=100, gt=0)
    ratio_applies_over: int = Field(default=1 * MB, ge=0)
    max_parts: int = Field(default=5000, gt=0)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ArchiveLimits:
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for variable, (name, unit) in ENVIRONMENT.items():
            raw = env.get(variable)
            if raw is None or not raw.strip():
                continue
            try:
                number = int(raw.strip())
            except ValueError:
                number = 0
            if number <= 0:
                raise InputError(f"{variable}={raw!r}: expected a whole number above 0")
            values[name] = number * unit
        return cls(**values)


__all__ = ["ENVIRONMENT", "ArchiveLimits"]
