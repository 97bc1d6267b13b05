"""The procedure log: adding, importing, editing, voiding, exporting, and what it refuses."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from rvu_files import work

from clearclaim import Checker, InputError
from clearclaim.store import sql
from clearclaim.store.queries import wrvu as queries

DAY = date(2023, 5, 10)


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_add_values_with_the_release_in_force(checker: Checker, provider: str) -> None:
    checker.log_add(day=DAY, code="99214", units=2, provider=provider)
    checker.log_add(day=DAY, code="77003", modifiers=["26"], provider=provider)
    checker.log_add(day=DAY, code="77003", modifiers=["TC"], provider=provider)
    report = checker.log_report(provider=provider, by="code", payments=False)
    by_code = {r.group: r for r in report.rows}
    assert by_code["99214"].wrvu == pytest.approx(float(work(DAY, "99214") * 2))
    # 26 takes the professional work RVU; TC has none
    assert by_code["77003"].wrvu == pytest.approx(float(work(DAY, "77003", "26")))
    assert report.releases == ["RVU23B"]


def test_an_identical_entry_is_refused_unless_again(checker: Checker, provider: str) -> None:
    checker.log_add(day=DAY, code="99213", provider=provider)
    with pytest.raises(InputError, match="already logged"):
        checker.log_add(day=DAY, code="99213", provider=provider)
    checker.log_add(day=DAY, code="99213", provider=provider, again=True)
    assert checker.log_report(provider=provider, payments=False).procedures == 2


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"code": "9921X"}, "code"),
        ({"day": "2019-05-01"}, "date"),
        ({"units": 0}, "units"),
        ({"units": -3}, "units"),
        ({"units": 10_000}, "units"),
        ({"modifiers": ["26"], "code": "99213"}, "modifier"),
        ({"modifiers": ["26", "TC"], "code": "77003"}, "modifier"),
        ({"pos": "A1"}, "pos"),
    ],
)
def test_bad_input_names_the_field(
    checker: Checker, provider: str, options: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {"day": DAY, "code": "99213", "provider": provider, **options}
    with pytest.raises(InputError) as caught:
        checker.log_add(**arguments)  # type: ignore[arg-type]
    assert f"field {field}" in str(caught.value)
    assert checker.log_report(provider=provider, payments=False).procedures == 0


def test_edit_and_void_add_history_and_never_update(checker: Checker, provider: str) -> None:
    entry = checker.log_add(day=DAY, code="99214", provider=provider)
    other = checker.log_add(day=DAY, code="99213", provider=provider)
    before = checker.log_report(provider=provider, payments=False).total_wrvu
    checker.log_edit(entry, units=3, reason="three visits", user="coder1")
    edited = checker.log_report(provider=provider, payments=False).total_wrvu
    assert edited - before == pytest.approx(float(work(DAY, "99214") * 2))
    checker.log_void(other, reason="logged twice", user="coder2")
    after = checker.log_report(provider=provider, payments=False)
    assert after.procedures == 1
    assert after.total_wrvu == pytest.approx(float(work(DAY, "99214") * 3))
    history = checker.log_history(entry) + checker.log_history(other)
    assert [(h["action"], h["field"], h["old_value"], h["new_value"], h["changed_by"])
            for h in history] == [("edit", "units", "1", "3", "coder1"),
                                  ("void", "voided", "no", "yes", "coder2")]  # fmt: skip
    assert history[1]["reason"] == "logged twice"
    # the entries themselves are as first logged
    raw = queries.log_rows(checker.store, entry_ids=[entry, other])
    assert [r[4] for r in raw] == [1, 1]
    with pytest.raises(InputError, match="void"):
        checker.log_edit(other, units=2)
    with pytest.raises(InputError, match="field units"):
        checker.log_edit(entry, units=-1)


def test_import_maps_columns_by_name_and_by_map(
    checker: Checker, provider: str, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "export.csv",
        ["Svc Dt", "Procedure Code", "Mod 1", "Mod 2", "Qty", "Rendering Provider", "POS"],
        [
            ["05/10/2023", "77003", "26", "59", "1", provider, "22"],
            ["20230511", "99214", "", "", "2", provider, "11"],
        ],
    )
    with pytest.raises(InputError, match="no date column"):
        checker.log_import(path)
    result = checker.log_import(path, mapping=["date=Svc Dt"])
    assert result.added == 2 and result.rejected == 0
    entries = checker.log_entries(provider=provider)
    assert [(e["code"], e["modifiers"], e["units"], e["pos"]) for e in entries] == [
        ("77003", "26,59", 1, "22"),
        ("99214", "", 2, "11"),
    ]


def test_import_xlsx(checker: Checker, provider: str, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CPT", "DOS", "Provider", "Units", "Modifier 1"])
    sheet.append(["99213", date(2023, 2, 1), provider, 1, None])
    sheet.append(["99214", "02/02/2023", provider, 2, None])
    sheet.append(["99214", "2023-02-03", provider, 999, None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = checker.log_import(path)
    assert (result.added, result.rejected) == (2, 1)
    assert result.problems[0].line == 4 and result.problems[0].field == "units"


def test_an_import_killed_half_way_leaves_the_log_as_it_was(
    checker: Checker, provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker.log_add(day=DAY, code="99213", provider=provider)
    path = _write_csv(
        tmp_path / "big.csv",
        ["DOS", "CPT", "Provider", "Units"],
        [[f"2023-06-{d:02d}", "99214", provider, u] for d in range(1, 29) for u in (1, 2, 3)],
    )
    count = queries.entry_count(checker.store)
    real = sql.insert_many

    def dies_half_way(conn, table, columns, rows):  # type: ignore[no-untyped-def]
        def half():  # type: ignore[no-untyped-def]
            for i, row in enumerate(rows):
                if i == 40:
                    raise KeyboardInterrupt  # as a kill would, in the middle of the writes
                yield row

        real(conn, table, columns, half())

    monkeypatch.setattr(sql, "insert_many", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        checker.log_import(path)
    monkeypatch.undo()
    assert queries.entry_count(checker.store) == count
    assert checker.log_report(provider=provider, payments=False).procedures == 1
    assert checker.log_import(path).added == 84


def test_export_csv_parquet_xlsx(checker: Checker, provider: str, tmp_path: Path) -> None:
    first = checker.log_add(day=DAY, code="99214", provider=provider)
    checker.log_add(day=DAY, code="99213", provider=provider)
    checker.log_void(first, reason="test")
    total = len(checker.log_entries(include_voided=True))
    for name in ("log.csv", "log.parquet", "log.xlsx"):
        assert checker.log_export(tmp_path / name) == total
    csv_frame = pl.read_csv(tmp_path / "log.csv", infer_schema=False)
    parquet = pl.read_parquet(tmp_path / "log.parquet")
    assert csv_frame.height == parquet.height == total
    mine = parquet.filter(pl.col("provider") == provider)
    assert mine.sort("entry_id")["voided"].to_list() == [True, False]
    sheet = openpyxl.load_workbook(tmp_path / "log.xlsx", read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == total + 1
    with pytest.raises(InputError, match=r"csv, \.parquet or \.xlsx"):
        checker.log_export(tmp_path / "log.json")


def test_a_note_column_is_never_stored(checker: Checker, provider: str, tmp_path: Path) -> None:
    secret = "Patient Jane Roe, DOB 1950-01-01, fell at home"
    path = _write_csv(
        tmp_path / "with_notes.csv",
        ["DOS", "CPT", "Provider", "Note"],
        [["2023-05-10", "99213", provider, secret], ["2023-05-10", "BADCODE", provider, secret]],
    )
    result = checker.log_import(path)
    assert result.added == 1
    assert secret not in result.model_dump_json()
    checker.log_export(tmp_path / "out.csv")
    assert "Jane Roe" not in (tmp_path / "out.csv").read_text()


_CHILD = """
import sys, time
from clearclaim import Checker
from clearclaim.store import sql

real = sql.insert_many

def slow(conn, table, columns, rows):
    def announce():
        for i, row in enumerate(rows):
            if i == 500:
                print("midway", flush=True)
                time.sleep(60)  # killed here, inside the import's transaction
            yield row
    real(conn, table, columns, announce())

sql.insert_many = slow
with Checker.open(sys.argv[1], build=False) as checker:
    checker.log_import(sys.argv[2])
"""


def test_an_import_killed_by_a_signal_loses_nothing(
    checker: Checker, provider: str, tmp_path: Path, log_store_path: str
) -> None:
    import signal
    import subprocess
    import sys

    checker.log_add(day=DAY, code="99213", provider=provider)
    path = _write_csv(
        tmp_path / "killed.csv",
        ["DOS", "CPT", "Provider", "Units"],
        [[f"2023-07-{d:02d}", "99214", provider, u] for d in range(1, 31) for u in range(1, 30)],
    )
    before = queries.entry_count(checker.store)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, log_store_path, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "midway"
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Checker.open(log_store_path, build=False) as reopened:
        assert queries.entry_count(reopened.store) == before
        assert reopened.log_report(provider=provider, payments=False).procedures == 1
        assert reopened.log_import(path).added == 30 * 29


def test_the_parquet_snapshot_reads_the_same_log(
    checker: Checker, provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearclaim.wrvu import snapshot

    def both() -> tuple[pl.DataFrame, pl.DataFrame]:
        log = checker.procedure_log()
        monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 10**12)
        direct = log.frame(include_voided=True)
        monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
        return direct, log.frame(include_voided=True)

    monkeypatch.setenv("CLEARCLAIM_CACHE_DIR", str(tmp_path / "cache"))
    first = checker.log_add(day=DAY, code="99214", provider=provider)
    direct, cached = both()
    assert cached.equals(direct)
    assert (tmp_path / "cache" / "wrvu" / "log.parquet").exists()
    # entries logged, edited and voided after the snapshot was written
    second = checker.log_add(day=DAY, code="99213", provider=provider)
    checker.log_edit(first, units=4, provider=f"{provider} B")
    checker.log_void(second, reason="test")
    direct, cached = both()
    assert cached.equals(direct)
    mine = cached.filter(pl.col("entry_id").is_in([first, second])).sort("entry_id")
    assert mine["units"].to_list() == [4, 1] and mine["voided"].to_list() == [False, True]
    # a snapshot that does not match the store is not used
    meta = tmp_path / "cache" / "wrvu" / "log.json"
    meta.write_text(meta.read_text().replace('"count": ', '"count": 1'))
    direct, cached = both()
    assert cached.equals(direct)


def test_payment_is_the_pricing_engines_in_the_providers_locality(
    checker: Checker, provider: str
) -> None:
    checker.log_add(day=DAY, code="99214", units=2, provider=provider, pos="11")
    checker.log_add(day=DAY, code="77003", modifiers=["26"], provider=provider, pos="22")
    national = checker.log_report(provider=provider).total_medicare_payment
    checker.log_provider(provider, locality="13202-01")
    local = checker.log_report(provider=provider).total_medicare_payment
    expected = [
        checker.price("99214", date_of_service=DAY, locality="13202-01", pos="11").amount,
        checker.price("77003", modifier="26", date_of_service=DAY, locality="13202-01",
                      pos="22").amount,
    ]  # fmt: skip
    assert all(a is not None for a in expected)
    assert local == pytest.approx(float(expected[0]) * 2 + float(expected[1]), abs=0.01)
    assert local != national
    with pytest.raises(InputError):
        checker.log_provider(provider, locality="99999-99")
