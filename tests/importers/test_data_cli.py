"""``clearclaim data``: the coverage summary of ``status``, one date parser, notices on
import, and release addresses as CMS names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim.cli.main import build_app
from clearclaim.importers.fetch import cms_url
from clearclaim.store import Store


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    app = build_app("data")

    def invoke(store: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("CLEARCLAIM_DB", store)
        return runner.invoke(app, ["data", *args])

    return invoke


def test_status_opens_with_the_coverage_of_a_date(data, full_store: Store) -> None:  # type: ignore[no-untyped-def]
    result = data(full_store.location, "status", "--date", "2026-05-01", "--json")
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert list(status)[:2] == ["date", "data_coverage"]
    by_family = {c["family"]: c for c in status["data_coverage"]}
    assert by_family["mue_practitioner"]["state"] == "in_force"
    assert by_family["ptp_practitioner"]["state"] == "nearest"
    assert by_family["asc_rate"]["state"] == "missing"
    assert by_family["icd10cm"]["state"] == "in_force"  # FY2026
    text = data(full_store.location, "status", "--date", "2026-05-01")
    assert text.exit_code == 0
    assert text.stdout.index("data for 2026-05-01") < text.stdout.index("releases")
    assert "not checked on 2026-05-01 (nothing loaded): ASC Addendum AA" in text.stdout


@pytest.mark.parametrize(
    "args", [("status", "--date", "2026-02-30"), ("import", "--effective", "x")]
)
def test_one_date_parser_for_data_commands(data, tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    result = data(str(tmp_path / "s.sqlite"), *args)
    assert result.exit_code == 2
    assert "is not a real date (YYYY-MM-DD)" in result.stderr
    assert len([x for x in result.stderr.splitlines() if x.strip()]) == 1


def test_import_reports_a_footnote_mark_and_keeps_the_row(  # type: ignore[no-untyped-def]
    data, tmp_path: Path, data_dir: Path
) -> None:
    source = data_dir / "opps" / "2025_July_Addendum_B_07.25.25.csv"
    result = data(str(tmp_path / "s.sqlite"), "import", str(source), "--json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert entry["rows_rejected"] == 0 and entry["errors"] == []
    (notice,) = entry["notices"]
    assert notice["field"] == "hcpcs" and "A4341" in notice["message"]


def test_release_addresses_are_built_as_cms_names_them() -> None:
    # CMS's release index writes the posting date with slashes; CMS serves it with hyphens
    slashed = "https://www.cms.gov/files/zip/rvu25a-updated-01/10/2025.zip"
    assert cms_url(slashed) == "https://www.cms.gov/files/zip/rvu25a-updated-01-10-2025.zip"
    plain = "https://www.cms.gov/files/zip/rvu26a-updated-12-29-2025.zip"
    assert cms_url(plain) == plain
    old = "https://www.cms.gov/Medicare/physicianfeesched/downloads/RVU09A.zip"
    assert cms_url(old) == old


def test_every_indexed_address_has_no_slashed_date(data_dir: Path) -> None:
    import csv
    import re

    with (data_dir / "pfs" / "history" / "rvu_zip_links.csv").open(encoding="utf-8") as handle:
        urls = [row["url"] for row in csv.DictReader(handle)]
    fixed = [cms_url(u) for u in urls]
    assert not [u for u in fixed if re.search(r"\d/\d{1,2}/\d{4}\.zip$", u)]
    assert sum(a != b for a, b in zip(urls, fixed, strict=True)) >= 4


def test_release_url_from_the_loaded_index(empty_store: Store, tmp_path: Path) -> None:
    from clearclaim.importers import import_paths
    from clearclaim.importers.fetch import release_url

    index = tmp_path / "rvu_zip_links.csv"
    index.write_text(
        '"year","file","date_start","date_end","description","url"\n'
        '2025,"RVU25A","2025-01-01","2025-03-31","January 2025",'
        '"https://www.cms.gov/files/zip/rvu25a-updated-01/10/2025.zip"\n'
    )
    assert import_paths(empty_store, [index]).ok
    assert release_url(empty_store, "rvu25a").endswith("/rvu25a-updated-01-10-2025.zip")
