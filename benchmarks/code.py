"""Code reference speed: cold `clearclaim code 76000` (a new process, store built)
and warm search latency (p50/p99 in-process).

Usage: python benchmarks/code.py
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from clearclaim import Checker
from clearclaim.reference.search import ensure_index, search

QUERIES = [
    "fluoroscopic guidance spine injection",
    "spinal injection guidance",
    "flouroscopy",
    "central venous access fluoro",
    "hip arthrography injection",
    "c-arm guidance",
    "epidurl steroid injecton lumbar",
    "knee joint injection",
    "7700*",
    "77003",
    "facet joint injection lumbar",
    "port placement",
    "needle localization",
    "shoulder arthrogram",
    "transforaminal epidural",
    "bone biopsy",
]


def main() -> None:
    store = Checker.open().store
    ensure_index(store)
    command = shutil.which("clearclaim") or os.path.join(
        os.path.dirname(sys.executable), "clearclaim"
    )
    colds = []
    cold_cpu = []
    for _ in range(7):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([command, "code", "76000"], check=True, capture_output=True)
        colds.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu.append(
            (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
        )
    print(
        f"cold `clearclaim code 76000` (piped): median {statistics.median(colds):.0f} ms, "
        f"min {min(colds):.0f} ms over {len(colds)}; "
        f"CPU median {statistics.median(cold_cpu):.0f} ms"
    )
    for query in QUERIES:  # warm the caches once
        search(store, query)
    timings = []
    cpu = []
    for _ in range(30):
        for query in QUERIES:
            started, started_cpu = time.perf_counter(), time.process_time()
            search(store, query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    print(
        f"search warm p50: {statistics.median(timings):.2f} ms, "
        f"p99: {timings[int(0.99 * (len(timings) - 1))]:.2f} ms over {len(timings)} queries; "
        f"CPU p50 {statistics.median(cpu):.2f} ms"
    )
    for query in ("C-arm", "arthrogram knee"):
        top = search(store, query, limit=3)
        print(f"{query!r} -> {', '.join(hit.code for hit in top)}")
    first = search(store, "fluoroscopic guidance spine injection", limit=1)
    print(f"'fluoroscopic guidance spine injection' -> {first[0].code if first else None}")


if __name__ == "__main__":
    main()
