"""The wRVU tracker: a procedure log valued by the RVU release in force on each date.

- :class:`ProcedureLog` (``log.py``): add, import (CSV / xlsx), edit, void, export;
  append-only in the store with an edit history.
- :func:`value_log` (``value.py``): the vectorised valuation (Polars) under a
  :class:`Contract` (``contract.py``, ``default_contract.yaml``).
- :func:`build_report` (``report.py``), :func:`plan` (``plan.py``),
  :func:`load_benchmarks` (``benchmarks.py``), :func:`write_charts` (``charts.py``).

See docs/wrvu.md.
"""

from clearclaim.wrvu.benchmarks import load_benchmarks
from clearclaim.wrvu.contract import Contract, load_contract
from clearclaim.wrvu.log import ProcedureLog
from clearclaim.wrvu.models import (
    BenchmarkPlacement,
    ImportResult,
    LogEntry,
    PlanLine,
    ReportRow,
    RowProblem,
    WrvuPlan,
    WrvuReport,
)
from clearclaim.wrvu.plan import plan
from clearclaim.wrvu.report import build_report
from clearclaim.wrvu.value import ReleaseMap, value_log

__all__ = [
    "BenchmarkPlacement",
    "Contract",
    "ImportResult",
    "LogEntry",
    "PlanLine",
    "ProcedureLog",
    "ReleaseMap",
    "ReportRow",
    "RowProblem",
    "WrvuPlan",
    "WrvuReport",
    "build_report",
    "load_benchmarks",
    "load_contract",
    "plan",
    "value_log",
]
