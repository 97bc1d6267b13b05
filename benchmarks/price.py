"""Pricing speed: warm ``price`` latency and the full fee schedule export.

    .venv/bin/python benchmarks/price.py [--store PATH] [--date 2026-07-15] [--calls 1000]

Prints, for 1,000 seeded random (code, modifier, locality, place of service) draws:

- warm p50/p99 with the Pricer warmed up on other codes (each draw's code is read
  from the store once: what a long-running process sees for a code it has not
  priced yet);
- the same draws again (every cache hot);

and the time to compute (and write, as Parquet and CSV) every priced code x every
locality (plus national) for one date. The store is ``--store``, else
``$CLEARCLAIM_DB``, else the per-user default (built from the shipped files if empty).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from clearclaim import Checker
from clearclaim.pricing import Pricer, export_fee_schedule, fee_schedule
from clearclaim.store import Store
from clearclaim.store.queries import pricing as queries


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _draws(store: Store, day: date, count: int, seed: int) -> list[tuple[str, str, str, str]]:
    pfs = store.release_for("pfs_rvu", day)
    gpci = store.release_for("gpci", day)
    rows = sorted(
        (hcpcs, mod or "")
        for hcpcs, mod, status in queries.rvu_table(
            store, pfs, ["hcpcs", "modifier", "status_code"]
        )
        if status == "A"
    )
    localities = sorted(f"{r[0]}-{r[1]}" for r in queries.gpci_rows(store, gpci))
    rng = random.Random(seed)
    return [
        (*rng.choice(rows), rng.choice(localities), rng.choice(("11", "22", "24", "19")))
        for _ in range(count)
    ]


def _time_calls(pricer: Pricer, draws: list[tuple[str, str, str, str]], day: date) -> list[float]:
    timings = []
    for code, mod, locality, pos in draws:
        started = time.perf_counter()
        pricer.price(code, modifier=mod or None, date_of_service=day, locality=locality, pos=pos)
        timings.append(time.perf_counter() - started)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store path (default: $CLEARCLAIM_DB or the user store)")
    parser.add_argument("--date", default="2026-07-15", help="date of service")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)
    day = date.fromisoformat(args.date)

    store = Checker.open(args.store).store
    pricer = Pricer(store)
    # warm the process: release choices, GPCIs, POS, cap tables, indicator labels
    for code, mod, locality, pos in _draws(store, day, 200, seed=args.seed + 1):
        pricer.price(code, modifier=mod or None, date_of_service=day, locality=locality, pos=pos)
    draws = _draws(store, day, args.calls, seed=args.seed)

    first = _time_calls(pricer, draws, day)
    hot = _time_calls(pricer, draws, day)
    for name, timings in (("warm, first touch of each code", first), ("warm, all cached", hot)):
        print(
            f"price() {name}: p50 {_percentile(timings, 0.50) * 1e3:.3f} ms, "
            f"p99 {_percentile(timings, 0.99) * 1e3:.3f} ms, "
            f"mean {statistics.fmean(timings) * 1e3:.3f} ms over {len(timings)} calls"
        )

    started = time.perf_counter()
    frame, info = fee_schedule(store, date_of_service=day)
    computed = time.perf_counter() - started
    print(
        f"fee schedule {day} ({info.release}, GPCI {info.gpci_release}): "
        f"{info.rows:,} rows = {info.codes:,} code/modifier rows x {info.localities} localities "
        f"(incl. national), computed in {computed:.2f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".parquet", ".csv"):
            target = Path(folder) / f"fee_schedule{suffix}"
            written = export_fee_schedule(store, target, date_of_service=day)
            size = target.stat().st_size / 1e6
            print(
                f"export to {suffix}: {written.seconds:.2f} s end to end "
                f"({written.rows:,} rows, {size:.1f} MB)"
            )
    store.close()
    del frame
    return 0


if __name__ == "__main__":
    sys.exit(main())
