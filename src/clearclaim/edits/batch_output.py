"""Where scrub writes, and how: never over its input, never half a file.

- ``--out`` and ``--errors`` may not name the claim file, nor each other;
- a folder (an existing one, or a path ending in ``/``) gets the default file
  name inside it (``claims.findings.csv``, ``claims.errors.csv``);
- a file in a folder that does not exist is refused (scrub creates no folders:
  a typo in a path should not scatter files);
- each file is written to a temporary file in the same folder and renamed over
  the old one when complete, so a killed scrub leaves the old file whole;
- every text cell that a spreadsheet would run as a formula (starting with
  ``= + - @``, a tab or a carriage return) is written with a leading ``'``
  (OWASP's CSV injection guidance).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from clearclaim.errors import InputError

#: a cell starting with one of these is a formula to a spreadsheet
FORMULA_START = r"^[=+\-@\t\r]"


def default_paths(path: Path) -> tuple[Path, Path]:
    """``claims.csv`` -> ``claims.findings.csv``, ``claims.errors.csv`` beside it."""
    stem = path.name
    for suffix in (".gz", ".csv", ".parquet", ".pq", ".txt", ".xlsx", ".xlsm"):
        stem = stem.removesuffix(suffix)
    return path.with_name(f"{stem}.findings.csv"), path.with_name(f"{stem}.errors.csv")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _target(given: str | Path | None, default: Path, option: str) -> Path:
    if given is None or str(given) == "":
        return default
    text = str(given)
    path = Path(text)
    if path.is_dir() or text.endswith(("/", os.sep)):
        if not path.is_dir():
            raise InputError(
                f"{option} {text}: no such folder", hint="create it first, or name a file"
            )
        return path / default.name
    if not path.parent.is_dir():
        raise InputError(
            f"{option} {text}: the folder {path.parent} does not exist",
            hint="scrub creates no folders: create it first, or name another file",
        )
    return path


def output_paths(
    source: Path, out: str | Path | None, errors: str | Path | None
) -> tuple[Path, Path, bool]:
    """The findings file, the errors file, and whether the errors file was named
    (else it is written only when a row is rejected)."""
    default_out, default_errors = default_paths(source)
    out_path = _target(out, default_out, "--out")
    errors_path = _target(errors, default_errors, "--errors")
    for option, path in (("--out", out_path), ("--errors", errors_path)):
        if _same(path, source):
            raise InputError(
                f"{option} {path} is the claim file itself: scrub never writes over its input",
                hint="name another file",
            )
    if _same(out_path, errors_path):
        raise InputError(
            f"--out and --errors are the same file ({out_path})", hint="name two files"
        )
    return out_path, errors_path, errors is not None and str(errors) != ""


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed to it when the block ends without
    an error (removed when it fails): readers see the old file or the whole new one."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell a spreadsheet would run as a formula, prefixed with ``'``."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or frame.is_empty():
        return frame
    # one pass to find the columns that hold such a cell; only those are rewritten
    # (rewriting every text column would copy the whole findings file)
    found = frame.select(pl.col(text).str.contains(FORMULA_START).any()).row(0)
    risky = [name for name, hit in zip(text, found, strict=True) if hit]
    if not risky:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.concat_str([pl.lit("'"), pl.col(name)]))
        .otherwise(pl.col(name))
        .alias(name)
        for name in risky
    )
