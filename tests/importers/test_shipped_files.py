"""Every shipped CMS file is in the store, with the row counts of the file itself."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

from openpyxl import load_workbook

DATA_SUFFIXES = (".csv", ".csv.gz", ".xlsx")


def _data_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*") if p.is_file() and p.name.endswith(DATA_SUFFIXES))


def _file_rows(path: Path) -> int:
    """Rows below the header, counted by the standard library, not by clearclaim."""
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        header = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) > 2)
        return len(rows) - header - 1
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    return sum(1 for _ in reader) - 1


def test_status_lists_every_shipped_file(full_store, data_dir: Path) -> None:
    status = full_store.status()
    by_name = {f["path"]: f for f in status["files"]}
    every_file = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {str(p) for p in every_file} <= set(by_name), "a shipped file is missing"
    for path in _data_files(data_dir):
        entry = by_name[str(path)]
        assert entry["family"] != "document", path
        assert entry["rows_read"] == _file_rows(path), path
        accounted = entry["rows_imported"] + entry["rows_rejected"] + entry["notes_skipped"]
        assert accounted == entry["rows_read"], path
        assert entry["rows_rejected"] == 0, (path, entry)
        assert (
            sum(r["rows"] for r in entry["releases"]) == entry["rows_imported"]
            or not entry["releases"]
        ), path


def test_big_tables_are_complete(full_store) -> None:
    """PTP and MUE tables hold every row of their files, deleted edits included."""
    counts = {
        r.family: r.row_count for r in full_store.releases() if r.family.startswith(("ptp", "mue"))
    }
    assert counts["ptp_practitioner"] == _file_rows_by_family(full_store, "ptp_practitioner")
    assert counts["ptp_outpatient_hospital"] > 1_000_000
    assert counts["mue_practitioner"] > 10_000


def _file_rows_by_family(store, family: str) -> int:
    (release,) = store.releases(family)
    return int(
        store.scalar(
            "SELECT rows_read FROM source_files WHERE sha256 = ?", (release.source_sha256,)
        )
    )


def test_history_files_split_into_quarterly_releases(full_store) -> None:
    labels = [r.label for r in full_store.releases("gpci")]
    assert {"RVU20A", "RVU20B", "RVU20C", "RVU20D", "RVU24AR", "2025", "RVU26A"} <= set(labels)
    oppscap = {r.label for r in full_store.releases("oppscap")}
    assert {"RVU20A", "RVU24C", "RVU25D", "RVU26A"} <= oppscap


def test_lost_leading_zeros_are_restored(full_store) -> None:
    """One history extract stored anesthesia codes as numbers (00100 as 100)."""
    (release,) = [r for r in full_store.releases("pfs_rvu") if r.label == "RVU20D"]
    codes = {
        row[0]
        for row in full_store.fetchall(
            "SELECT hcpcs FROM pfs_rvu WHERE release_id = ? AND hcpcs LIKE '001%'",
            (release.release_id,),
        )
    }
    assert "00100" in codes
    assert all(len(code) == 5 for code in codes)


def test_localities_and_indicators_are_normalised(full_store) -> None:
    (gpci_2026,) = [r for r in full_store.releases("gpci") if r.label == "RVU26A"]
    row = full_store.fetchone(
        "SELECT mac, locality, locality_name FROM gpci WHERE release_id = ? AND mac = '10112'",
        (gpci_2026.release_id,),
    )
    assert row == ("10112", "00", "ALABAMA")
    (rvu20d,) = [r for r in full_store.releases("pfs_rvu") if r.label == "RVU20D"]
    glob, supervision = full_store.fetchone(
        "SELECT global_days, supervision FROM pfs_rvu WHERE release_id = ? AND hcpcs = '27093'",
        (rvu20d.release_id,),
    )
    assert (glob, supervision) == ("000", "09")


def test_aoc_julian_dates_become_iso(full_store) -> None:
    (release,) = [r for r in full_store.releases("aoc") if r.label == "2026-04-01"]
    row = full_store.fetchone(
        "SELECT edit_type, effective_date, deletion_date FROM aoc WHERE release_id = ?"
        " AND add_on_code = '77002' AND primary_code = '27093'",
        (release.release_id,),
    )
    assert row == ("1", "2017-01-01", None)
