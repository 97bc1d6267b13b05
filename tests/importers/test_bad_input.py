"""Bad files and bad rows: a clear message naming file, line and field; the rest goes on."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from clearclaim.importers import ensure_built, import_paths
from clearclaim.store import Store


def test_non_numeric_rvu_names_file_line_and_field(
    empty_store, data_dir: Path, tmp_path: Path
) -> None:
    lines = (
        gzip.decompress((data_dir / "pfs" / "PPRRVU2025_Oct.csv.gz").read_bytes())
        .decode()
        .splitlines()
    )
    broken = lines[:]
    cells = broken[10].split(",")
    header = lines[0].split(",")
    work_index = header.index("WORK RVU")
    cells[work_index] = "one point two"
    broken[10] = ",".join(cells)
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text("\n".join(broken) + "\n")
    (result,) = import_paths(empty_store, [path]).files
    assert result.status == "imported"
    assert result.rows_rejected == 1
    assert result.rows_imported == len(lines) - 2
    (error,) = result.errors
    assert error.line == 11 and error.field == "work_rvu" and "one point two" in error.message
    stored = empty_store.scalar("SELECT COUNT(*) FROM row_errors WHERE line = 11")
    assert stored == 1


def test_truncated_gzip_fails_alone(empty_store, data_dir: Path, tmp_path: Path) -> None:
    whole = (data_dir / "ncci" / "ncci_mue_practitioner_2024-07-01.csv").read_bytes()
    truncated = tmp_path / "ncci_mue_practitioner_2024-07-01.csv.gz"
    truncated.write_bytes(gzip.compress(whole)[:5000])
    good = tmp_path / "GPCI2025.csv"
    good.write_bytes((data_dir / "pfs" / "GPCI2025.csv").read_bytes())
    report = import_paths(empty_store, [truncated, good])
    by_name = {Path(f.display).name: f for f in report.files}
    bad = by_name[truncated.name]
    assert (
        bad.status == "failed" and "truncated gzip" in bad.message and truncated.name in bad.message
    )
    assert by_name["GPCI2025.csv"].status == "imported"
    assert not report.ok


def test_unknown_layout_and_missing_file(empty_store, tmp_path: Path) -> None:
    odd = tmp_path / "claims_2024-07-01.csv"
    odd.write_text("patient,amount\nA,12\n")
    report = import_paths(empty_store, [odd, tmp_path / "nowhere.csv"])
    messages = {Path(f.display).name: f.message for f in report.files}
    assert "no known CMS column layout" in messages["claims_2024-07-01.csv"]
    assert messages["nowhere.csv"] == "no such file or folder"
    assert empty_store.is_empty()


def test_reimport_is_a_no_op(empty_store, data_dir: Path) -> None:
    path = data_dir / "pfs" / "GPCI2025.csv"
    first = import_paths(empty_store, [path]).files[0]
    second = import_paths(empty_store, [path]).files[0]
    assert first.status == "imported" and second.status == "unchanged"
    assert empty_store.scalar("SELECT COUNT(*) FROM gpci") == first.rows_imported


def test_failed_release_keeps_what_was_stored(
    empty_store: Store, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction per release: a failure half way leaves the old release whole."""
    original = data_dir / "pfs" / "GPCI2025.csv"
    import_paths(empty_store, [original])
    before = empty_store.scalar("SELECT COUNT(*) FROM gpci")
    changed = tmp_path / "GPCI2025.csv"
    changed.write_text(original.read_text().replace("ALABAMA", "ALABAMA (revised)"))

    from clearclaim.store import sql

    real = sql.insert_many

    def failing(conn, table, columns, rows):  # type: ignore[no-untyped-def]
        def some_then_fail():  # type: ignore[no-untyped-def]
            for i, row in enumerate(rows):
                if i == 50:
                    raise OSError("disk full")
                yield row

        return real(conn, table, columns, some_then_fail())

    monkeypatch.setattr(sql, "insert_many", failing)
    (result,) = import_paths(empty_store, [changed]).files
    assert result.status == "failed"
    monkeypatch.setattr(sql, "insert_many", real)
    assert empty_store.scalar("SELECT COUNT(*) FROM gpci") == before
    assert empty_store.scalar("SELECT COUNT(*) FROM gpci WHERE locality_name LIKE '%revised%'") == 0
    assert [r.label for r in empty_store.releases("gpci")] == ["2025"]


def test_store_is_built_on_first_use(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    small = tmp_path / "cms"
    small.mkdir()
    for name in ("GPCI2025.csv", "25LOCCO.csv"):
        (small / name).write_bytes((data_dir / "pfs" / name).read_bytes())
    monkeypatch.setenv("CLEARCLAIM_DATA_DIR", str(small))
    monkeypatch.setenv("CLEARCLAIM_DB", str(tmp_path / "new" / "store.sqlite"))
    store = Store.open()
    try:
        assert store.releases() == []  # opening never imports
        ensure_built(store, announce=False)
        assert {r.family for r in store.releases()} == {"gpci", "locality_county"}
        assert store.unfinished_build() is None
    finally:
        store.close()
