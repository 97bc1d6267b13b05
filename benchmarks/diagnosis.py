"""Diagnosis code checks: the load of the ICD-10-CM code set (first run: from the package,
later runs: from the cached index), then warm checks.

Usage: python benchmarks/diagnosis.py [--calls 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261205)
    args = parser.parse_args()

    started = time.perf_counter()
    from clearclaim.diagnosis import check_diagnoses
    from clearclaim.diagnosis.codeset import all_billable

    check_diagnoses(["M54.16"], date(2026, 5, 4))
    loaded = time.perf_counter() - started
    codes = list(all_billable())
    rng = random.Random(args.seed)
    draws = [[rng.choice(codes).replace(".", "") for _ in range(3)] for _ in range(args.calls)]
    timings = []
    for batch in draws:
        began = time.perf_counter()
        check_diagnoses(batch, date(2026, 5, 4))
        timings.append(time.perf_counter() - began)
    ordered = sorted(timings)
    print(f"code set load (first check): {loaded:.1f} s ({len(codes):,} billable codes)")
    print(
        f"check of 3 valid codes: p50 {ordered[len(ordered) // 2] * 1e3:.3f} ms, "
        f"p99 {ordered[int(len(ordered) * 0.99)] * 1e3:.3f} ms, "
        f"mean {statistics.fmean(timings) * 1e3:.3f} ms over {len(timings)} calls"
    )
    began = time.perf_counter()
    check_diagnoses(["M54.99"], date(2026, 5, 4))
    print(f"unknown code with close matches: {(time.perf_counter() - began) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
