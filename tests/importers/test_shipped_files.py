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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # CMS's own files carry Windows-1252 marks in their notices
        text = raw.decode("cp1252")
    records = list(csv.reader(io.StringIO(text)))
    # title and copyright lines (one filled cell) sit above the header in CMS's layouts
    header = next(i for i, r in enumerate(records) if sum(1 for v in r if v.strip()) > 2)
    return len(records) - header - 1


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


def test_files_added_2026_12_05_are_imported_unchanged(full_store) -> None:
    """CMS's own layouts (titles above a stacked header, Windows-1252 marks): every row."""
    by_family = {(r.family, r.label): r for r in full_store.releases()}
    for family in ("mue_practitioner", "mue_outpatient_hospital", "mue_dme_supplier"):
        release = by_family[(family, "2026-04-01")]
        assert (release.effective_start.isoformat(), release.effective_end.isoformat()) == (
            "2026-04-01",
            "2026-06-30",
        )
    assert {"2025-01-01", "2025-07-01", "2025-10-01"} <= {
        r.label for r in full_store.releases("opps_rate")
    }
    zip5 = {r.label: r for r in full_store.releases("zip_locality")}
    assert {"2025Q4", "2026Q1"} <= set(zip5)  # both named by their YEAR/QTR column
    # the workbook's own column names ("PLUS 4 FLAG") are read, not dropped
    flags = full_store.scalar(
        "SELECT COUNT(*) FROM zip_locality WHERE release_id = ? AND plus_four_flag = '1'",
        (zip5["2026Q1"].release_id,),
    )
    assert flags > 0
    # the published MUE values of the fluoroscopy codes (PROVENANCE.md, checked by hand)
    mue = by_family[("mue_practitioner", "2026-04-01")]
    values = dict(
        full_store.fetchall(
            "SELECT hcpcs, mue_units FROM mue WHERE release_id = ? AND hcpcs IN"
            " ('76000', '77001', '77002', '77003')",
            (mue.release_id,),
        )
    )
    assert values == {"76000": 3, "77001": 2, "77002": 1, "77003": 1}


def test_a_footnote_mark_after_a_code_keeps_the_row(full_store) -> None:
    """OPPS Addendum B July 2025 marks A4341 with a Windows-1252 character: the row is
    data, stored under A4341 (not rejected, not stored with the mark)."""
    for label in ("2025-07-01", "2025-10-01"):
        (release,) = [r for r in full_store.releases("opps_rate") if r.label == label]
        codes = [
            row[0]
            for row in full_store.fetchall(
                "SELECT hcpcs FROM opps_rate WHERE release_id = ? AND hcpcs LIKE 'A434%'",
                (release.release_id,),
            )
        ]
        assert "A4341" in codes
        assert all(len(code) == 5 for code in codes)


def test_big_tables_are_complete(full_store) -> None:
    """PTP and MUE tables hold every row of their files, deleted edits included."""
    counts = {
        r.family: r.row_count for r in full_store.releases() if r.family.startswith(("ptp", "mue"))
    }
    assert counts["ptp_practitioner"] == _file_rows_by_family(full_store, "ptp_practitioner")
    assert counts["ptp_outpatient_hospital"] > 1_000_000
    assert counts["mue_practitioner"] > 10_000


def _file_rows_by_family(store, family: str) -> int:
    release = max(store.releases(family), key=lambda r: r.effective_start)
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
