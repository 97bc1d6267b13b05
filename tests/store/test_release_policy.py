"""Which release answers a date: the one policy of Store.release_for, its coverage,
and the MUE values of 2026 Q2 applied through the edit engine by date of service."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path

from clearclaim.edits import engine_for
from clearclaim.importers import import_paths
from clearclaim.store import Store

MUE_2024 = "ncci/ncci_mue_practitioner_2024-07-01.csv"
MUE_2026 = "ncci/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"


def _raw_mue(path: Path) -> dict[str, int]:
    """Code -> MUE units, read with the standard library (not the importer)."""
    raw = path.read_bytes()
    text = gzip.decompress(raw).decode() if path.suffix == ".gz" else raw.decode("cp1252")
    records = list(csv.reader(io.StringIO(text)))
    header = next(i for i, r in enumerate(records) if sum(1 for v in r if v.strip()) > 2)
    return {r[0].strip(): int(r[1]) for r in records[header + 1 :] if r and r[1].strip()}


def _mue_findings(store: Store, code: str, units: int, day: date) -> list:  # type: ignore[type-arg]
    check = engine_for(store).check(
        [{"line": 1, "date_of_service": day, "code": code, "units": units, "pos": "11"}]
    )
    return [f for f in check.findings if f.rule_id.startswith("MUE")]


def test_mue_of_2026_q2_applies_by_date_of_service(full_store: Store, data_dir: Path) -> None:
    old, new = _raw_mue(data_dir / MUE_2024), _raw_mue(data_dir / MUE_2026)
    fell = sorted(c for c in old.keys() & new.keys() if 0 < new[c] < old[c])
    assert fell, "the 2026 Q2 table lowers some MUE values"
    code = fell[0]
    # 2026-05-01: the new, lower limit; billing the old limit is flagged at the new one
    flagged = _mue_findings(full_store, code, old[code], date(2026, 5, 1))
    assert flagged, (code, old[code], new[code])
    assert any(str(new[code]) in f.message for f in flagged)
    # 2024-08-01: the old limit still applies, so the same units pass
    assert _mue_findings(full_store, code, old[code], date(2024, 8, 1)) == []
    assert _mue_findings(full_store, code, old[code] + 1, date(2024, 8, 1))


def test_coverage_for_a_2026_q2_date(full_store: Store) -> None:
    day = date(2026, 5, 1)
    mue = full_store.coverage("mue_practitioner", day)
    ptp = full_store.coverage("ptp_practitioner", day)
    assert (mue.state, mue.release) == ("in_force", "2026-04-01")
    assert ptp.state == "nearest" and ptp.release == "2024-07-01"
    assert ptp.days_away == (day - date(2024, 9, 30)).days
    assert "nearest" in ptp.why


def test_fee_schedule_year_families_prefer_the_same_year(
    empty_store: Store, data_dir: Path
) -> None:
    files = [
        data_dir / "pfs" / "history" / "pprrvu_rvu24c_jul.csv.gz",
        data_dir / "pfs" / "PPRRVU2025_Oct.csv.gz",
        data_dir / "ncci" / "ncci_mue_practitioner_2024-07-01.csv",
    ]
    assert import_paths(empty_store, files).ok
    # 2025-02-01: RVU25D (same year, later) before RVU24C (earlier, previous year)
    choice = empty_store.release_for("pfs_rvu", date(2025, 2, 1))
    assert choice.release.label == "RVU25D" and not choice.in_force
    assert choice.warning and "same fee schedule year (2025)" in choice.warning.message
    # 2024-12-01: RVU24C is the newest earlier release of 2024
    assert empty_store.release_for("pfs_rvu", date(2024, 12, 1)).release.label == "RVU24C"
    # other families keep "the newest earlier, else the earliest later"
    mue = empty_store.release_for("mue_practitioner", date(2025, 2, 1))
    assert mue.release.label == "2024-07-01" and "newest" in (mue.warning.message or "")
    early = empty_store.release_for("mue_practitioner", date(2023, 1, 1))
    assert early.release.label == "2024-07-01" and "earliest after" in early.warning.message
