"""Bounds on what an import may unpack: a release zip or a gzip file that expands
past them is refused with a clear error before it fills the memory.

CMS's largest files (the NCCI PTP tables) unpack to a few hundred megabytes and
compress about ten to one. A "zip bomb" expands a few megabytes to gigabytes,
at ratios of a thousand to one. The defaults sit well above every real CMS file
and far below a bomb; each can be set per call or through the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from clearclaim.errors import UnreadableFileError

MIB = 1 << 20

#: environment variables that override the defaults (values in MiB, ratio as a number)
ENV_MEMBER = "CLEARCLAIM_MAX_MEMBER_MB"
ENV_TOTAL = "CLEARCLAIM_MAX_ARCHIVE_MB"
ENV_RATIO = "CLEARCLAIM_MAX_RATIO"


@dataclass(frozen=True)
class Limits:
    """How much one file, and one archive in all, may expand to."""

    #: bytes one zip member or one gzip file may expand to
    max_member_bytes: int = 1024 * MIB
    #: bytes all the members of one zip may expand to together
    max_total_bytes: int = 4096 * MIB
    #: expanded / compressed size above which a member larger than 16 MiB is refused
    max_ratio: float = 200.0

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            max_member_bytes=_mib(ENV_MEMBER, base.max_member_bytes),
            max_total_bytes=_mib(ENV_TOTAL, base.max_total_bytes),
            max_ratio=float(os.environ.get(ENV_RATIO) or base.max_ratio),
        )

    def check_member(self, display: str, size: int, compressed: int) -> None:
        """Refuse a member by the sizes its archive declares (before reading it)."""
        if size > self.max_member_bytes:
            raise self.too_big(display, f"declares {_mb(size)} unpacked")
        if size > 16 * MIB and compressed > 0 and size / compressed > self.max_ratio:
            raise UnreadableFileError(
                f"refused: expands {size / compressed:,.0f} to 1 ({_mb(compressed)} to "
                f"{_mb(size)}), more than the limit of {self.max_ratio:,.0f} to 1 for a data "
                "file (a compression bomb?)",
                path=display,
                hint=f"if the file is genuine, raise {ENV_RATIO}",
            )

    def too_big(self, display: str, what: str) -> UnreadableFileError:
        return UnreadableFileError(
            f"refused: {what}, more than the limit of {_mb(self.max_member_bytes)} per file",
            path=display,
            hint=f"if the file is genuine, raise {ENV_MEMBER} (MiB)",
        )

    def total_too_big(self, display: str, total: int) -> UnreadableFileError:
        return UnreadableFileError(
            f"refused: the archive unpacks to {_mb(total)}, more than the limit of "
            f"{_mb(self.max_total_bytes)} per archive",
            path=display,
            hint=f"if the archive is genuine, raise {ENV_TOTAL} (MiB)",
        )


def _mib(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(float(value) * MIB) if value else default


def _mb(size: int) -> str:
    return f"{size / MIB:,.1f} MiB"
