"""`clearclaim search`: ranked, typo tolerant, code ranges."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clearclaim.cli.main import app
from clearclaim.reference.search import search

runner = CliRunner()


def test_spine_guidance_finds_77003_first(full_store) -> None:
    hits = search(full_store, "fluoroscopic guidance spine injection")
    assert hits[0].code == "77003"
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


def test_typos_and_synonyms(full_store) -> None:
    assert "76000" in [h.code for h in search(full_store, "flouroscopy", limit=5)]
    assert search(full_store, "epidurl steroid injecton lumbar", limit=3)[0].code in {
        "62323",
        "64483",
    }
    assert search(full_store, "central venous fluoro guidance", limit=1)[0].code == "77001"
    assert search(full_store, "c-arm guidance", limit=3)[0].code in {"77001", "77002", "77003"}


def test_code_and_range(full_store) -> None:
    assert [h.code for h in search(full_store, "7700*")] == ["77001", "77002", "77003"]
    assert search(full_store, "77002")[0].code == "77002"
    assert search(full_store, "   ") == []


def test_cli_json_shape(full_store, monkeypatch) -> None:
    monkeypatch.setenv("CLEARCLAIM_DB", full_store.location)
    result = runner.invoke(app, ["search", "spinal injection guidance", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    # the contract's keys, plus what the score means and whether a code is deleted
    assert hits and {"code", "descriptor", "score"} <= set(hits[0])
    assert {"score_meaning", "matched", "words", "deleted"} <= set(hits[0])
    assert hits[0]["code"] == "77003"
