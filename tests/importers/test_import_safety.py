"""Imports that must not hurt: compression bombs, malformed rows, two imports at
once, a first build killed half way. Each reproducer gives a clean one-line
error or the right answer, and nothing already stored is lost."""

from __future__ import annotations

import gzip
import threading
import time
import zipfile
from pathlib import Path

import pytest

from clearclaim.errors import StoreError
from clearclaim.importers import ensure_built, import_paths
from clearclaim.importers.limits import MIB, Limits
from clearclaim.store import Store
from clearclaim.store.lock import write_lock

MUE_NAME = "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"


def _mue_lines(data_dir: Path) -> list[str]:
    raw = (data_dir / "ncci" / MUE_NAME).read_bytes().decode("cp1252")
    return raw.splitlines()


def _gpci(data_dir: Path) -> Path:
    return data_dir / "pfs" / "GPCI2025.csv"


# -- compression bombs ------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    empty_store: Store, data_dir: Path, tmp_path: Path
) -> None:
    import_paths(empty_store, [_gpci(data_dir)])
    before = empty_store.scalar("SELECT COUNT(*) FROM gpci")
    bomb = tmp_path / "RVU26A.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("PPRRVU26_JAN.csv", b"0" * (64 * MIB))
    assert bomb.stat().st_size < MIB
    report = import_paths(empty_store, [bomb])
    (failed,) = report.failed
    assert "refused" in failed.message and "to 1" in failed.message
    assert "\n" not in failed.message
    assert empty_store.scalar("SELECT COUNT(*) FROM gpci") == before  # nothing lost


def test_member_and_archive_limits_are_configurable(
    empty_store: Store, data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    archive_path = tmp_path / "RVU25D.zip"
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(_gpci(data_dir), "GPCI2025.csv")
    small = Limits(max_member_bytes=1024)
    (failed,) = import_paths(empty_store, [archive_path], limits=small).failed
    assert "limit" in failed.message and "per file" in failed.message
    monkeypatch.setenv("CLEARCLAIM_MAX_ARCHIVE_MB", "0.001")
    (failed,) = import_paths(empty_store, [archive_path]).failed
    assert "per archive" in failed.message
    monkeypatch.delenv("CLEARCLAIM_MAX_ARCHIVE_MB")
    assert import_paths(empty_store, [archive_path]).ok


def test_a_gzip_file_is_unpacked_within_the_limit(
    empty_store: Store, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "GPCI2025.csv.gz"
    path.write_bytes(gzip.compress(_gpci(data_dir).read_bytes()))
    (failed,) = import_paths(empty_store, [path], limits=Limits(max_member_bytes=2048)).failed
    assert "gzip file unpacks to more" in failed.message
    assert empty_store.releases("gpci") == []
    report = import_paths(empty_store, [path])
    assert report.ok and empty_store.releases("gpci")


# -- malformed rows -----------------------------------------------------------------


def test_malformed_mue_rows_are_named_by_line_and_field(
    empty_store: Store, data_dir: Path, tmp_path: Path
) -> None:
    lines = _mue_lines(data_dir)
    first = next(i for i, line in enumerate(lines) if line.startswith("0001U,"))
    broken = lines[:]
    code_only = broken[first].split(",")[0]
    broken[first] = code_only  # a row with only a code: units missing
    broken[first + 1] = broken[first + 1].replace(",1,", ",-2,", 1)  # negative units
    broken[first + 2] = broken[first + 2] + ",an extra field"  # one field too many
    path = tmp_path / MUE_NAME
    path.write_text("\r\n".join(broken) + "\r\n", encoding="cp1252")
    (result,) = import_paths(empty_store, [path]).files
    assert result.status == "imported"
    by_line = {e.line: e for e in result.errors}
    # CMS line numbers: the file's own physical lines, counted from 1
    assert by_line[first + 1].field == "mue_units" and "empty" in by_line[first + 1].message
    assert by_line[first + 2].field == "mue_units" and "'-2'" in by_line[first + 2].message
    assert by_line[first + 3].field == "field 5" and "extra" in by_line[first + 3].message
    assert result.rows_rejected == 3
    assert result.rows_imported == result.rows_read - 3
    stored = dict(empty_store.fetchall("SELECT hcpcs, mue_units FROM mue"))
    assert code_only not in stored  # never stored with NULL units
    assert all(units is not None and units >= 0 for units in stored.values())
    stored_errors = empty_store.fetchall("SELECT line, field FROM row_errors ORDER BY line")
    assert [(e[0], e[1]) for e in stored_errors] == [
        (first + 1, "mue_units"),
        (first + 2, "mue_units"),
        (first + 3, "field 5"),
    ]


# -- two imports at once --------------------------------------------------------------


def test_a_second_import_waits_for_the_first(empty_store: Store, data_dir: Path, capsys) -> None:
    held = threading.Event()
    release = threading.Event()

    def first_import() -> None:
        with write_lock(empty_store.location):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=first_import)
    thread.start()
    held.wait(5)
    # this thread holds nothing: it must wait, say so, then give up with one line
    with pytest.raises(StoreError, match="another import is writing to the store"):
        _in_other_thread(lambda: import_paths(empty_store, [_gpci(data_dir)], lock_timeout=0.5))
    assert "waiting for it to finish" in capsys.readouterr().err
    threading.Timer(0.5, release.set).start()
    report = _in_other_thread(lambda: import_paths(empty_store, [_gpci(data_dir)]))
    thread.join()
    assert report.ok and empty_store.releases("gpci")


def _in_other_thread(call):  # type: ignore[no-untyped-def]
    """Run ``call`` where this process holds no lock (a lock is re-entrant per process)."""
    import multiprocessing.pool

    with multiprocessing.pool.ThreadPool(1) as pool:
        return pool.apply(call)


def test_two_processes_importing_at_once_both_finish(tmp_path: Path, data_dir: Path) -> None:
    import subprocess
    import sys

    store = tmp_path / "store.sqlite"
    files = [str(data_dir / "pfs" / "history" / f"gpci_202{y}.csv") for y in range(5)]
    code = (
        "import sys; from clearclaim.store import Store; from clearclaim.importers import "
        "import_paths; s = Store.open(sys.argv[1]); r = import_paths(s, sys.argv[2:]); "
        "print('ok' if r.ok else 'failed')"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(store), *files],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [o[0].strip() for o in outputs] == ["ok", "ok"], outputs
    assert not any("database is locked" in o[1] for o in outputs)


def test_opening_a_new_store_while_another_connection_creates_its_tables(tmp_path: Path) -> None:
    """The second opener waits for the first one's tables instead of running its own
    DDL beside them (which fails with "database schema has changed")."""
    import sqlite3

    from clearclaim.store.schema import SCHEMA_VERSION, TABLES

    location = tmp_path / "store.sqlite"
    first = sqlite3.connect(location, timeout=5, check_same_thread=False)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("BEGIN IMMEDIATE")
    for table in TABLES.values():
        for statement in table.create_sql():
            first.execute(statement)
    first.execute(
        "INSERT INTO store_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )
    threading.Timer(0.5, first.commit).start()
    opened = _in_other_thread(lambda: Store.open(str(location)))
    try:
        assert opened.is_empty()
        assert opened.scalar("SELECT COUNT(*) FROM store_meta WHERE key = 'schema_version'") == 1
    finally:
        opened.close()
        first.close()


# -- a first build killed half way ------------------------------------------------------


def test_a_build_killed_half_way_is_finished(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    shipped = tmp_path / "cms"
    shipped.mkdir()
    for name in ("GPCI2025.csv", "25LOCCO.csv", "ANES2025.csv"):
        (shipped / name).write_bytes((data_dir / "pfs" / name).read_bytes())
    monkeypatch.setenv("CLEARCLAIM_DATA_DIR", str(shipped))
    store = Store.open(str(tmp_path / "store.sqlite"))
    try:
        # what a killed build leaves: the mark, and only the first file imported
        store.mark_build_started(str(shipped))
        import_paths(store, [shipped / "25LOCCO.csv"])
        assert store.unfinished_build() is not None
        assert not store.releases("gpci")
        ensure_built(store, announce=False)
        assert {r.family for r in store.releases()} == {
            "gpci",
            "locality_county",
            "anesthesia_cf",
        }
        assert store.unfinished_build() is None
        # a finished store is left alone
        stamp = [r.imported_at for r in store.releases()]
        time.sleep(1.1)
        ensure_built(store, announce=False)
        assert [r.imported_at for r in store.releases()] == stamp
    finally:
        store.close()


def test_opening_a_store_does_not_wait_for_an_import(empty_store: Store) -> None:
    """While an import holds the store's write transaction, another command opens the
    store and reads it at once (reads never take the write lock)."""
    empty_store.conn.execute("BEGIN IMMEDIATE")
    try:
        other = Store.open(empty_store.location)
        assert other.releases() == []
        other.close()
    finally:
        empty_store.conn.execute("ROLLBACK")
