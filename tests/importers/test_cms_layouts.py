"""CMS's own download layouts: title lines, stacked headers, .xlsx, fixed width, zips."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from clearclaim.importers import import_paths


def _rows(path: Path) -> list[list[str]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _cms_style_pprrvu(data_dir: Path, folder: Path) -> tuple[Path, int]:
    rows = _rows(data_dir / "pfs" / "PPRRVU2025_Oct.csv.gz")
    header, body = rows[0], rows[1:]
    lines = [
        ["2025 National Physician Fee Schedule Relative Value File October Release"],
        ["CPT codes and descriptions only are copyright American Medical Association."],
        [""],
        header,
        *body,
    ]
    path = folder / "PPRRVU25_OCT.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
    return path, len(body)


def test_title_lines_above_the_header(empty_store, data_dir: Path, tmp_path: Path) -> None:
    path, count = _cms_style_pprrvu(data_dir, tmp_path)
    report = import_paths(empty_store, [path])
    (result,) = report.files
    assert result.status == "imported", result.message
    assert result.rows_imported == count
    assert result.releases[0].label == "RVU25D"


def test_multi_row_header(empty_store, data_dir: Path, tmp_path: Path) -> None:
    rows = _rows(data_dir / "pfs" / "GPCI2025.csv")
    header, body = rows[0], rows[1:]
    stacked = [
        [" ".join(name.split(" ")[: len(name.split(" ")) // 2]) for name in header],
        [" ".join(name.split(" ")[len(name.split(" ")) // 2 :]) for name in header],
    ]
    path = tmp_path / "GPCI2025.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ADDENDUM E. FINAL CY 2025 GEOGRAPHIC PRACTICE COST INDICES"])
        writer.writerows(stacked)
        writer.writerows(body)
        writer.writerow(["*Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA."])
    (result,) = import_paths(empty_store, [path]).files
    assert result.status == "imported", result.message
    assert result.rows_imported == len(body)
    assert result.notes_skipped == 1 and result.rows_rejected == 0


def test_xlsx_workbook(empty_store, data_dir: Path, tmp_path: Path) -> None:
    rows = _rows(data_dir / "ncci" / "ncci_aoc_2026-04-01.csv")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Current Procedural Terminology (CPT) codes ... copyright AMA"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "AOC_V2026Q2-MCR.xlsx"
    workbook.save(path)
    (result,) = import_paths(empty_store, [path]).files
    assert result.status == "imported", result.message
    assert result.rows_imported == len(rows) - 1
    assert result.releases[0].label == "2026-04-01"


def test_zip5_fixed_width_text(empty_store, data_dir: Path, tmp_path: Path) -> None:
    rows = _rows(data_dir / "pfs" / "ZIP5_OCT2025.csv.gz")[1:2001]
    lines = []
    for state, zip5, carrier, locality, rural, lab, rural2, plus4, partb, yq in rows:
        line = [" "] * 80
        fields = ((state, 1), (zip5, 3), (carrier, 8), (locality, 13), (rural, 15), (lab, 16))
        fields += ((rural2, 18), (plus4, 21), (partb, 23), (yq, 76))
        for value, start in fields:
            for k, ch in enumerate(value):
                line[start - 1 + k] = ch
        lines.append("".join(line))
    path = tmp_path / "ZIP5_OCT2025.txt"
    path.write_text("\n".join(lines) + "\n")
    (result,) = import_paths(empty_store, [path]).files
    assert result.status == "imported", result.message
    assert result.rows_imported == 2000
    assert result.releases[0].label == "2025Q4"
    stored = empty_store.fetchone(
        "SELECT zip5, carrier, locality FROM zip_locality WHERE zip5 = ?", (rows[0][1],)
    )
    assert stored == (rows[0][1], rows[0][2], rows[0][3])


def test_release_zip_takes_its_name_from_the_zip(
    empty_store, data_dir: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "RVU25D.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("GPCI2025.csv", (data_dir / "pfs" / "GPCI2025.csv").read_bytes())
        archive.writestr("ANES2025.csv", (data_dir / "pfs" / "ANES2025.csv").read_bytes())
        archive.writestr("RVU25D.pdf", b"%PDF-1.4 readme")
    report = import_paths(empty_store, [bundle])
    statuses = {Path(f.display.split("!")[-1]).name: f for f in report.files}
    assert statuses["GPCI2025.csv"].releases[0].label == "RVU25D"
    assert statuses["ANES2025.csv"].releases[0].label == "RVU25D"
    assert statuses["RVU25D.pdf"].status == "document"
