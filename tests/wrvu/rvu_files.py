"""The shipped PFS relative value files read directly (gzip + csv), for independent sums.

Nothing here uses clearclaim: the file for a date of service is the quarter's
release (RVUyyA January to March, B April to June, C July to September, D October
to December), as CMS names them, and the work RVU is the file's own text.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "data" / "cms" / "pfs" / "history"
QUARTER_NAMES = {1: "a_jan", 2: "b_apr", 3: "c_jul", 4: "d_oct"}


def file_for(day: date) -> Path:
    quarter = (day.month - 1) // 3 + 1
    return HISTORY / f"pprrvu_rvu{day.year % 100:02d}{QUARTER_NAMES[quarter]}.csv.gz"


@cache
def rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(HCPCS, modifier) -> the row's columns as text."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    out: dict[tuple[str, str], dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        key = (row["hcpcs"].strip(), (row["mod"] or "").strip())
        out.setdefault(key, row)
    return out


def work(day: date, code: str, modifier: str = "") -> Decimal:
    row = rows(file_for(day))[(code, modifier)]
    return Decimal(row["work_rvu"] or "0")


def mult_proc(day: date, code: str, modifier: str = "") -> str:
    table = rows(file_for(day))
    row = table.get((code, modifier)) or table[(code, "")]
    return (row["mult_proc"] or "").strip()
