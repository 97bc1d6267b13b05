"""The user's wRVU benchmark table, and where a provider stands on it.

clearclaim ships no survey figures: the user loads the table of their own
MGMA, AMGA or SullivanCotter subscription (one row per specialty with its
percentiles of annual wRVU, or one row per specialty and percentile) with
``clearclaim log benchmarks load FILE.csv``. A provider's wRVUs over the
period are annualised (x 365 / days in the period) and placed between the
table's percentiles by linear interpolation.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from clearclaim.errors import FieldError
from clearclaim.store import Store
from clearclaim.store.queries import wrvu as queries
from clearclaim.store.queries.wrvu import BenchmarkRow
from clearclaim.wrvu.models import RowProblem
from clearclaim.wrvu.reading import read_rows

_PERCENTILE = re.compile(r"^(?:p|pct|percentile)?\s*(\d{1,2}(?:\.\d+)?)\s*(?:st|nd|rd|th)?"
                         r"(?:\s*(?:percentile|pctl|%ile))?$", re.IGNORECASE)  # fmt: skip


def _percentile_of(header: str) -> float | None:
    text = header.strip().lower().replace("_", " ")
    if text in ("median", "med"):
        return 50.0
    match = _PERCENTILE.match(text)
    if match:
        value = float(match.group(1))
        return value if 0 < value < 100 else None
    return None


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("$", "").strip())


def load_benchmarks(
    store: Store, path: str | Path, *, name: str | None = None
) -> tuple[str, int, list[RowProblem]]:
    """Replace the benchmark table ``name`` (default: the file's stem) with the file's rows."""
    path = Path(path)
    table = name or path.stem
    rows_iter = read_rows(path)
    _, header = next(rows_iter, (1, []))
    lowered = [h.strip().lower() for h in header]
    if "specialty" not in lowered:
        raise FieldError("no specialty column", source=path.name, line=1)
    specialty_at = lowered.index("specialty")
    long_value = next(
        (i for i, h in enumerate(lowered) if h in ("wrvu", "annual_wrvu", "annual wrvu", "value")),
        None,
    )
    long_pct = lowered.index("percentile") if "percentile" in lowered else None
    wide = {i: p for i, h in enumerate(header) if (p := _percentile_of(h)) is not None}
    if long_pct is None and not wide:
        raise FieldError(
            "no percentile columns (p25, 25th, median ...) nor percentile and wrvu columns",
            source=path.name,
            line=1,
        )
    found: list[tuple[str, float, float]] = []
    problems: list[RowProblem] = []
    for number, cells in rows_iter:
        if not any(cells):
            continue
        specialty = cells[specialty_at].strip() if specialty_at < len(cells) else ""
        if not specialty:
            problems.append(RowProblem(line=number, status="rejected", field="specialty",
                                       reason="no specialty"))  # fmt: skip
            continue
        pairs: list[tuple[float, str]]
        if long_pct is not None and long_value is not None:
            pct = _percentile_of(cells[long_pct]) if long_pct < len(cells) else None
            if pct is None:
                problems.append(
                    RowProblem(
                        line=number,
                        status="rejected",
                        field="percentile",
                        reason="not a percentile between 0 and 100",
                    )
                )
                continue
            pairs = [(pct, cells[long_value] if long_value < len(cells) else "")]
        else:
            pairs = [(p, cells[i] if i < len(cells) else "") for i, p in wide.items()]
        for pct, text in pairs:
            if not text.strip():
                continue
            try:
                value = _number(text)
            except ValueError:
                problems.append(RowProblem(line=number, status="rejected", field=f"p{pct:g}",
                                           reason=f"{text!r} is not a number"))  # fmt: skip
                continue
            if value < 0:
                problems.append(RowProblem(line=number, status="rejected", field=f"p{pct:g}",
                                           reason="a negative wRVU benchmark"))  # fmt: skip
                continue
            found.append((specialty, pct, value))
    if not found:
        raise FieldError("no benchmark rows could be read", source=path.name)
    queries.replace_benchmarks(store, table, found, path.name)
    return table, len(found), problems


def benchmark_table(store: Store, name: str | None = None) -> tuple[str | None, list[BenchmarkRow]]:
    """The named table, or the one loaded last."""
    rows = queries.benchmarks(store, name)
    if name is None and rows:
        latest = max(rows, key=lambda r: r.loaded_at).name
        rows = [r for r in rows if r.name == latest]
        return latest, rows
    return name, rows


def place(annual: float, points: list[tuple[float, float]]) -> tuple[float | None, str]:
    """The percentile of ``annual`` among (percentile, wRVU) points, and in words."""
    points = sorted(points, key=lambda p: p[1])
    if not points:
        return None, "no benchmark"
    if annual < points[0][1]:
        return None, f"below the {points[0][0]:g}th percentile"
    if annual > points[-1][1]:
        return None, f"above the {points[-1][0]:g}th percentile"
    for (p1, w1), (p2, w2) in itertools.pairwise(points):
        if w1 <= annual <= w2:
            pct = p1 if w2 == w1 else p1 + (p2 - p1) * (annual - w1) / (w2 - w1)
            return round(pct, 1), f"about the {pct:.0f}th percentile"
    return points[-1][0], f"at the {points[-1][0]:g}th percentile"
