"""Time to import every CMS file into a fresh store, and the store's size.

Usage: python benchmarks/import.py [DIR]   (default: ../shared/data/cms, else data/cms)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from clearclaim.importers import import_paths
from clearclaim.store import Store
from clearclaim.store.sql import file_size

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    else:
        shared = ROOT.parent / "shared" / "data" / "cms"
        source = shared if shared.is_dir() else ROOT / "data" / "cms"
    with tempfile.TemporaryDirectory(prefix="clearclaim-bench-") as folder:
        location = str(Path(folder) / "store.sqlite")
        started = time.perf_counter()
        store = Store.open(location)
        report = import_paths(store, [source])
        store.close()
        elapsed = time.perf_counter() - started
        rows = sum(f.rows_imported for f in report.files)
        size = file_size(location)
        again = time.perf_counter()
        store = Store.open(location)
        unchanged = import_paths(store, [source])
        store.close()
        rerun = time.perf_counter() - again
        skipped = sum(f.status == "unchanged" for f in unchanged.files)
        bomb_seconds, bomb_message = _refuse_a_bomb(Path(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"source:          {source}")
    print(f"files:           {len(report.files)} ({len(report.failed)} failed)")
    print(f"rows imported:   {rows:,}")
    print(f"import time:     {elapsed:.1f} s  ({rows / elapsed:,.0f} rows/s)")
    print(f"store size:      {size / 1e6:,.1f} MB")
    print(f"peak memory:     {peak:,.0f} MB")
    print(f"re-import:       {rerun:.1f} s ({skipped} files unchanged, skipped by hash)")
    print(f"zip bomb:        refused in {bomb_seconds * 1e3:.0f} ms: {bomb_message[:90]}")
    if report.failed:
        for f in report.failed:
            print(f"failed: {f.display}: {f.message}")
        sys.exit(1)


def _refuse_a_bomb(folder: Path) -> tuple[float, str]:
    """A 1 GiB member of zeros (about 1 MB zipped): refused before it is unpacked."""
    bomb = folder / "RVU26A.zip"
    block = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("PPRRVU26_JAN.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(1024):
            member.write(block)
    store = Store.open(str(folder / "bomb.sqlite"))
    started = time.perf_counter()
    report = import_paths(store, [bomb])
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, report.failed[0].message if report.failed else "NOT refused"


if __name__ == "__main__":
    main()
