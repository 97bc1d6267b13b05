"""The web application's settings, read from the environment once at start."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import BaseModel, Field

#: the stylesheet and scripts the pages link (and a standalone page inlines)
STATIC_DIR = Path(__file__).resolve().parent / "static"
DATA_ENV = "CLEARCLAIM_WEB_DATA"
UPLOAD_LIMIT_ENV = "CLEARCLAIM_MAX_UPLOAD_BYTES"
DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024


class WebSettings(BaseModel):
    """Where uploads and scrub jobs are kept, and how large an upload may be."""

    data_dir: Path = Field(description="Uploaded files and scrub results live only under here.")
    max_upload_bytes: int = Field(default=DEFAULT_UPLOAD_LIMIT, gt=0)
    #: largest note accepted by the check (characters), as the CLI's limit
    max_note_chars: int = Field(default=2_000_000, gt=0)

    @classmethod
    def from_env(cls) -> WebSettings:
        data = os.environ.get(DATA_ENV)
        limit = os.environ.get(UPLOAD_LIMIT_ENV)
        return cls(
            data_dir=Path(data)
            if data
            else Path(user_data_dir("clearclaim", appauthor=False)) / "web",
            max_upload_bytes=int(limit) if limit else DEFAULT_UPLOAD_LIMIT,
        )
