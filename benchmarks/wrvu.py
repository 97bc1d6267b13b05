"""Benchmark the wRVU valuation: 1,000,000 logged procedures valued by the release in force.

    python benchmarks/wrvu.py [--procedures 1000000] [--db STORE] [--repeat 3] [--store-copy]
                              [--json]

Generates (seeded) a log of real codes from the store over 2022-2023 (global
rows, and professional / technical components of codes that have them; four
providers; 1-3 units), then times the vectorised valuation
(:func:`clearclaim.wrvu.value_log`): each date's release from the store's
lookup, the RVU rows of every release used, the join, the contract's modifier
credit and the multiple-procedure rule, and the monthly totals. "cold" includes
reading the RVU rows of the releases (once per process); "warm" is the median of
the repeats (wall and CPU seconds: on a shared machine the CPU figure is the
steadier one). With ``--store-copy`` the log is also appended to a copy of the
store (one transaction) and a full report is timed from the store, twice (the
first writes the log's Parquet snapshot, the second reads it).
Target: under 5 s for 1,000,000 procedures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from clearclaim import Checker
from clearclaim.wrvu import load_contract, value_log
from clearclaim.wrvu.value import ReleaseMap, log_frame

TARGET_SECONDS = 5.0
START, END = date(2022, 1, 1), date(2023, 12, 31)


def generate(releases: ReleaseMap, count: int, seed: int = 21) -> pl.DataFrame:
    """A log frame of ``count`` procedures of real codes (codes of the first release)."""
    choice = releases.choice(START)
    assert choice is not None, "no PFS release of 2022 is loaded"
    rvu = releases.rows(choice)
    plain = (
        rvu.filter((pl.col("modifier") == "") & (pl.col("work_rvu") > 0))["hcpcs"]
        .unique()
        .sort()
        .to_list()
    )
    split = rvu.filter(pl.col("modifier") == "26")["hcpcs"].unique().sort().to_list()
    rng = random.Random(seed)
    codes = rng.sample(plain, 800) + rng.sample(split, 200)
    components = set(split)
    days = (END - START).days + 1
    rows = []
    for i in range(count):
        code = codes[rng.randrange(len(codes))]
        modifier = rng.choice(("26", "26", "TC")) if code in components else ""
        rows.append(
            (
                i + 1,
                START + timedelta(days=rng.randrange(days)),
                code,
                modifier,
                rng.choice((1, 1, 1, 2, 3)),
                f"Provider {i % 4 + 1}",
                "11",
            )
        )
    return log_frame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="store (default: $CLEARCLAIM_DB or yours)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store-copy", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    checker = Checker.open(args.db)
    contract = load_contract()
    started = time.perf_counter()
    releases = ReleaseMap(checker.store)
    log = generate(releases, args.procedures)
    generated = time.perf_counter() - started
    releases = ReleaseMap(checker.store)  # cold: no RVU rows read yet

    def run() -> tuple[float, float, int, float]:
        began, cpu = time.perf_counter(), time.process_time()
        valued, _ = value_log(log, releases, contract)
        monthly = (
            valued.group_by(pl.col("date_of_service").dt.strftime("%Y-%m"))
            .agg(pl.col("wrvu").sum())
            .sort("date_of_service")
        )
        total = float(valued["wrvu"].fill_null(0).sum())
        return time.perf_counter() - began, total, monthly.height, time.process_time() - cpu

    cold, total, months, cold_cpu = run()
    runs = [run() for _ in range(args.repeat)]
    warm = [r[0] for r in runs]
    result: dict[str, object] = {
        "procedures": log.height,
        "releases": len(releases.frames),
        "months": months,
        "total_wrvu": round(total, 2),
        "generate_seconds": round(generated, 2),
        "value_cold_seconds": round(cold, 3),
        "value_warm_p50_seconds": round(statistics.median(warm), 3),
        "value_cold_cpu_seconds": round(cold_cpu, 3),
        "value_warm_cpu_p50_seconds": round(statistics.median(r[3] for r in runs), 3),
        "target_seconds": TARGET_SECONDS,
    }

    if args.store_copy:
        from clearclaim.store.queries import wrvu as queries
        from clearclaim.store.queries.wrvu import NewEntry

        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "store.sqlite"
            shutil.copyfile(checker.store.location, copy)
            with Checker.open(str(copy), build=False) as copied:
                began = time.perf_counter()
                queries.append_entries(
                    copied.store,
                    (
                        NewEntry(d.isoformat(), c, m, u, p, pos, f"bench#{i}", "benchmark", i)
                        for i, d, c, m, u, p, pos in log.iter_rows()
                    ),
                    user="benchmark",
                    file_name="benchmark",
                )
                result["append_seconds"] = round(time.perf_counter() - began, 2)
                times = []
                for _ in range(2):  # the first also writes the log's Parquet snapshot
                    began = time.perf_counter()
                    report = copied.log_report(by="month", payments=False)
                    times.append(round(time.perf_counter() - began, 2))
                result["report_from_store_seconds"] = times
                result["report_total_wrvu"] = round(report.total_wrvu, 2)
    checker.close()

    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"valued {result['procedures']:,} procedures over {result['releases']} releases "
        f"({result['months']} months, {result['total_wrvu']:,} wRVU): "
        f"cold {result['value_cold_seconds']} s, warm p50 {result['value_warm_p50_seconds']} s "
        f"(CPU {result['value_cold_cpu_seconds']} s / {result['value_warm_cpu_p50_seconds']} s; "
        f"target < {TARGET_SECONDS:g} s)"
    )
    if args.store_copy:
        print(
            f"appended to a store copy in {result['append_seconds']} s; full report from the "
            f"store in {' s, then '.join(map(str, result['report_from_store_seconds']))} s "
            f"({result['report_total_wrvu']:,} wRVU)"
        )


if __name__ == "__main__":
    main()
