"""Issue #19 for the code reference: the code catalog, search words, deleted codes,
the NA facility indicator, input checked at the boundary, no import circles."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearclaim.cli.main import app
from clearclaim.errors import InputError
from clearclaim.reference.page import code_page
from clearclaim.reference.render import render_markdown
from clearclaim.reference.search import search
from clearclaim.store.queries import catalog

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src" / "clearclaim"


def test_catalog_knows_deleted_codes_with_date_and_successor(full_store) -> None:
    status = catalog.code_status(full_store, "76001", date(2026, 7, 1))
    assert status.known and status.deleted and status.last_valid == date(2018, 12, 31)
    assert status.source == "rbcs"
    # a HCPCS Level II code the HCPCS file ends and cross-references
    a4466 = catalog.code_status(full_store, "A4466", date(2026, 7, 1))
    assert a4466.deleted and a4466.successor == "A4467"
    assert "replaced by A4467" in a4466.describe()
    # before its end it is not deleted yet
    assert not catalog.code_status(full_store, "76001", date(2018, 6, 1)).deleted
    live = catalog.code_status(full_store, "76000", date(2026, 7, 1))
    assert live.known and not live.deleted and live.last_valid is None
    unknown = catalog.code_status(full_store, "7700X")
    assert not unknown.known and unknown.closest and unknown.closest[0].startswith("7700")
    assert catalog.closest_codes(full_store, "9" * 5000) == []


def test_c_arm_finds_fluoroscopy_not_arm_rests(full_store) -> None:
    codes = [hit.code for hit in search(full_store, "C-arm", limit=6)]
    assert "76000" in codes and "77003" in codes
    assert not any(code.startswith("E") for code in codes)  # wheelchair arm rests


def test_arthrogram_knee_finds_knee_arthrography(full_store) -> None:
    hits = search(full_store, "arthrogram knee", limit=5)
    assert hits[0].code == "73580" and hits[0].matched == hits[0].words == 2


def test_deleted_codes_are_marked_and_scores_labelled(full_store) -> None:
    hits = {hit.code: hit for hit in search(full_store, "7600*")}
    assert hits["76001"].deleted and hits["76001"].last_valid == date(2018, 12, 31)
    assert not hits["76000"].deleted
    text = runner.invoke(app, ["search", "7600*"], env={"CLEARCLAIM_DB": full_store.location})
    assert text.exit_code == 0, text.output
    assert "76001  (deleted, valid through 2018-12-31)" in text.stdout
    assert "score: 100 per query word matched" in text.stdout
    as_json = runner.invoke(
        app, ["search", "c-arm guidance", "--json"], env={"CLEARCLAIM_DB": full_store.location}
    )
    first = json.loads(as_json.stdout)[0]
    assert first["score_meaning"].startswith("100 per query word") and first["words"] == 2


@pytest.mark.parametrize("code", ['"', "1" * 300, "9" * 5000, "../../etc/passwd"])
def test_code_input_is_checked_first(full_store, code: str) -> None:
    with pytest.raises(InputError, match="not a HCPCS code"):
        code_page(full_store, code)
    result = runner.invoke(app, ["code", code], env={"CLEARCLAIM_DB": full_store.location})
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if line]) == 1


def test_search_input_rules(full_store) -> None:
    with pytest.raises(InputError, match="at most 200"):
        search(full_store, "word " * 100)
    result = runner.invoke(
        app, ["search", "knee", "--limit", "0"], env={"CLEARCLAIM_DB": full_store.location}
    )
    assert result.exit_code == 2


def test_facility_na_shows_no_facility_total(full_store) -> None:
    page = code_page(full_store, "77003", day=date(2026, 8, 3))
    assert page["rvu"]["facility_na"] is True  # the CMS file's NA indicator
    rvus = render_markdown(page).split("## RVUs", 1)[1].split("## Payment", 1)[0]
    total = next(line for line in rvus.splitlines() if line.startswith("| Total |"))
    assert "not payable in a facility setting (NA)" in total
    assert f"{page['rvu']['total_facility']:.2f}" not in total.split("|")[2]
    # a code with a facility amount keeps its number
    office = code_page(full_store, "62323", day=date(2026, 8, 3))
    assert office["rvu"]["facility_na"] is False
    assert "not payable in a facility" not in render_markdown(office).split("## RVUs")[1][:400]


def test_deleted_code_page_says_so_from_the_catalog(full_store) -> None:
    page = code_page(full_store, "76001", day=date(2026, 8, 3))
    assert page["code_status"]["deleted"] and page["code_status"]["last_valid"] == "2018-12-31"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_import_circles_in_i18n_knowledge_and_the_renderers() -> None:
    assert not any(n.startswith("clearclaim.knowledge") for n in _imports(SRC / "i18n.py"))
    cms = _imports(SRC / "reference" / "render_cms.py")
    assert "clearclaim.reference.render" not in cms
    blocks = _imports(SRC / "reference" / "render_blocks.py")
    assert not any(n.startswith("clearclaim.reference.render_cms") for n in blocks)


def test_no_sql_outside_the_store_in_library_and_reference() -> None:
    for folder in ("library", "reference"):
        for path in (SRC / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "sqlite3" not in text, path
            assert "SELECT " not in text and "INSERT " not in text, path


def test_owned_cli_modules_import_only_the_public_api() -> None:
    for name in ("code_cmd.py", "library_cmd.py"):
        tree = ast.parse((SRC / "cli" / name).read_text(encoding="utf-8"))
        modules = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        ours = {m for m in modules if m.split(".")[0] == "clearclaim"}
        assert all(m == "clearclaim" or m.startswith("clearclaim.cli.") for m in ours), ours
