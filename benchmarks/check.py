"""Speed of `clearclaim check`: warm in-process p50/p99 over the case set, and the
cold start of the command line (a new process, store already built).

Usage: python benchmarks/check.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "check"))

from evaluate import context_for, load_cases  # noqa: E402

from clearclaim import Checker  # noqa: E402
from clearclaim.checker import check  # noqa: E402
from clearclaim.notes import warm_up  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    store = Checker.open().store
    warm_up()
    contexts = [context_for(case) for case in load_cases()]
    for context in contexts:  # warm every cache once
        check(store, context)
    timings = []
    for _ in range(args.rounds):
        for context in contexts:
            started = time.perf_counter()
            check(store, context)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"cases: {len(contexts)}, checks timed: {len(timings)}")
    print(f"warm check p50: {statistics.median(timings):.2f} ms")
    print(f"warm check p99: {percentile(timings, 0.99):.2f} ms")

    command = [
        sys.executable,
        "-m",
        "clearclaim.cli.main",
        "check",
        str(ROOT / "examples" / "lumbar_esi.txt"),
        "--codes",
        "62323,77003",
        "--pos",
        "22",
        "--date",
        "2026-08-03",
        "--json",
        "--no-audit",
    ]
    colds = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        colds.append(time.perf_counter() - started)
    print(f"cold CLI check (new process): median {statistics.median(colds):.2f} s over 3")


if __name__ == "__main__":
    main()
