"""Benchmark ``clearclaim scrub`` end to end, and the single-claim check.

    python benchmarks/scrub.py [--lines 1000000] [--db STORE] [--repeat 3] [--json]

Builds a synthetic claim file of real code pairs from the store
(clearclaim.edits.synthetic, seeded), then times, in a fresh process each run,
the whole scrub: interpreter start, imports, opening the store, reading the
claims, every check, findings and rejected rows written. It prints lines per
minute, the ratio to the time Polars takes just to read the same file (also in
a fresh process, and in-process), the scrub process's peak memory
(``os.wait4`` rusage of that child), and the p50 / p95 of one in-process
claim check. The edit tables' Parquet copies are made before the timed runs
(a one-time cost per store state, printed separately).
Targets: >= 10,000,000 lines/min, < 2 GiB, p50 < 1 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from clearclaim import Checker
from clearclaim.edits import ClaimLine, EditEngine
from clearclaim.edits.synthetic import claims_frame

TARGET_LINES_PER_MINUTE = 10_000_000
TARGET_BYTES = 2 * 1024**3
TARGET_P50_MS = 1.0


def run_child(args: list[str]) -> tuple[float, int, str, float]:
    """Wall seconds from spawn to exit, the child's own peak RSS in bytes, its stdout,
    and its CPU seconds (user + system: above the wall time when it uses both cores).

    The child is reaped with ``os.wait4``, which returns that child's rusage
    (``RUSAGE_CHILDREN`` would mix in every earlier child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            message = err.read().decode(errors="replace").strip()
            raise SystemExit(f"{' '.join(args[:5])} failed ({proc.returncode}): {message}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, usage.ru_maxrss * 1024, out.read().decode(), cpu  # Linux: KiB


def polars_read_seconds(path: Path) -> float:
    started = time.perf_counter()
    pl.read_csv(path, infer_schema=False)
    return time.perf_counter() - started


def single_claim_latency(engine: EditEngine, frame: pl.DataFrame, n: int = 2000) -> dict:
    """p50/p95 of ``engine.check`` over real claims of the file (after a warm-up)."""
    good = frame.filter(
        pl.col("code").str.len_chars() == 5,
        pl.col("units").str.contains(r"^\d+$"),
        pl.col("date_of_service").str.to_date(strict=False).is_not_null(),
    )
    claims = []
    for _, group in good.head(40 * (n + 500)).group_by("claim_id", maintain_order=True):
        claims.append(
            [
                ClaimLine(
                    claim_id=r["claim_id"],
                    line=int(r["line"]),
                    date_of_service=r["date_of_service"],
                    code=r["code"],
                    modifiers=r["modifiers"] or "",
                    units=int(r["units"]),
                    pos=r["pos"],
                )
                for r in group.iter_rows(named=True)
            ]
        )
        if len(claims) >= n + 500:
            break
    for lines in claims[:500]:
        engine.check(lines)
    timings = []
    for lines in claims[500:]:
        started = time.perf_counter()
        engine.check(lines)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "claims": len(timings),
        "mean_lines": round(sum(len(c) for c in claims[500:]) / max(1, len(timings)), 2),
        "p50_ms": round(timings[len(timings) // 2], 3),
        "p95_ms": round(timings[int(len(timings) * 0.95)], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="store (default: $CLEARCLAIM_DB or per-user)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    opts = parser.parse_args()

    store = Checker.open(opts.db).store
    location = store.location
    engine = EditEngine(store)
    started = time.perf_counter()
    engine.tables.build_all()
    cache_seconds = time.perf_counter() - started

    workdir = opts.workdir or Path(tempfile.mkdtemp(prefix="clearclaim-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    claims = workdir / f"claims-{opts.lines}-{opts.seed}.csv"
    frame = claims_frame(store, opts.lines, seed=opts.seed)
    frame.write_csv(claims)
    n_lines = frame.height

    # the real command line: ``clearclaim scrub`` (its module, so no PATH is needed)
    scrub = [
        sys.executable,
        "-m",
        "clearclaim.cli.main",
        "scrub",
        str(claims),
        "--out",
        str(workdir / "findings.csv"),
        "--errors",
        str(workdir / "errors.csv"),
        "--db",
        location,
        "--no-progress",
        "--json",
    ]
    read = [
        sys.executable,
        "-c",
        "import sys, polars as pl; pl.read_csv(sys.argv[1], infer_schema=False)",
        str(claims),
    ]
    runs, reads, peaks, cpus, cpu_seconds, summary = [], [], [], [], [], {}
    for _ in range(opts.repeat):
        seconds, peak, out, cpu = run_child(scrub)
        runs.append(seconds)
        peaks.append(peak)
        cpus.append(cpu / seconds)
        cpu_seconds.append(cpu)
        summary = json.loads(out)
        reads.append(run_child(read)[0])
    in_process_read = min(polars_read_seconds(claims) for _ in range(3))
    scrub_s = statistics.median(runs)
    read_s = statistics.median(reads)
    latency = single_claim_latency(engine, frame)
    result = {
        "lines": n_lines,
        "file_bytes": claims.stat().st_size,
        "findings": summary.get("findings"),
        "by_severity": summary.get("by_severity"),
        "rows_rejected": summary.get("rows_rejected"),
        "withheld": summary.get("withheld"),
        "clean": summary.get("clean"),
        "scrub_seconds_runs": [round(s, 3) for s in runs],
        "scrub_seconds_median": round(scrub_s, 3),
        "lines_per_minute": int(n_lines / scrub_s * 60),
        "polars_read_seconds_fresh_process": round(read_s, 3),
        "ratio_to_polars_read_fresh_process": round(scrub_s / read_s, 2),
        "polars_read_seconds_in_process": round(in_process_read, 3),
        "ratio_to_polars_read_in_process": round(scrub_s / in_process_read, 1),
        "scrub_internal_timings": summary.get("timings"),
        "peak_memory_bytes": max(peaks),
        "cpu_seconds_per_wall_second": round(statistics.median(cpus), 2),
        # CPU time barely moves with other work on the machine: compare runs by it
        "scrub_cpu_seconds_median": round(statistics.median(cpu_seconds), 2),
        "single_claim": latency,
        "edit_cache_build_seconds": round(cache_seconds, 2),
        "cpu_count": os.cpu_count(),
    }
    store.close()
    if opts.json:
        print(json.dumps(result, indent=2))
        return
    ok = {
        "speed": result["lines_per_minute"] >= TARGET_LINES_PER_MINUTE,
        "memory": result["peak_memory_bytes"] < TARGET_BYTES,
        "latency": latency["p50_ms"] < TARGET_P50_MS,
    }
    mark = {True: "ok", False: "MISSED"}
    print(f"claim file: {n_lines:,} lines, {claims.stat().st_size / 1e6:.1f} MB ({claims})")
    print(
        f"findings: {result['findings']:,} {result['by_severity']}; "
        f"rejected rows {result['rows_rejected']}"
    )
    print(
        f"scrub end to end (fresh process, median of {opts.repeat}): {scrub_s:.2f} s "
        f"= {result['lines_per_minute']:,} lines/min [{mark[ok['speed']]}]"
    )
    inside = {k: round(v, 2) for k, v in (result["scrub_internal_timings"] or {}).items()}
    print(f"  runs: {result['scrub_seconds_runs']}; inside the process: {inside}")
    print(
        f"  CPU seconds per wall second: {result['cpu_seconds_per_wall_second']} (2 = both cores); "
        f"CPU seconds of the scrub: {result['scrub_cpu_seconds_median']} (median; steadier than "
        "wall time when the machine is shared)"
    )
    print(
        f"polars read_csv alone: {read_s:.2f} s fresh process (ratio {scrub_s / read_s:.1f}x), "
        f"{in_process_read:.2f} s in process (ratio {scrub_s / in_process_read:.1f}x)"
    )
    print(f"peak memory of the scrub process: {max(peaks) / 2**20:,.0f} MiB [{mark[ok['memory']]}]")
    print(
        f"single claim check (in process, {latency['claims']} claims, "
        f"{latency['mean_lines']} lines on average): p50 {latency['p50_ms']} ms, "
        f"p95 {latency['p95_ms']} ms [{mark[ok['latency']]}]"
    )
    print(
        f"edit tables to Parquet (once per store state): {cache_seconds:.1f} s; "
        f"{os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
