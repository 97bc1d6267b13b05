"""Cross-check against the raw CMS rows: random PTP pairs and MUE codes read
straight from data/cms/ncci (not through the store), their verdict worked out
here from those rows, and both the single-claim and the batch path must give it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from clearclaim.edits import ClaimLine, EditEngine
from clearclaim.edits.rules import edit_data

BYPASS = sorted(edit_data().bypass_docs)
NOT_BYPASS = ["26", "TC", "76", "GY"]
PTP_START = date(1996, 1, 1)  # NCCI PTP edits apply to services from 1996 on


def expected_ptp(rows: list[tuple[str, str]], day: date, bypass: bool) -> str | None:
    """The verdict for (column 1, column 2) from its raw rows (deletion, modifier):
    the row in force is the one with the first deletion date on or after the day."""
    live = sorted((d, m) for d, m in rows if d >= day.isoformat())
    if not live:
        return None
    indicator = live[0][1]
    if indicator == "0":
        return "PTP02"
    if indicator == "1":
        return "PTP03" if bypass else "PTP01"
    return None


def _sample_cases(raw: pl.DataFrame, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    picked = raw.sample(n, seed=seed)
    keys = picked.select("column_1", "column_2").unique()
    history = (
        raw.join(keys, on=["column_1", "column_2"])
        .group_by("column_1", "column_2")
        .agg(pl.col("deletion"), pl.col("modifier"))
    )
    rows = {
        (r["column_1"], r["column_2"]): list(zip(r["deletion"], r["modifier"], strict=True))
        for r in history.iter_rows(named=True)
    }
    cases = []
    for i, r in enumerate(picked.iter_rows(named=True)):
        col1, col2, deletion = r["column_1"], r["column_2"], r["deletion"]
        days = [date(2024, 7, 1) + timedelta(rng.randrange(92))]
        if deletion != "9999-12-31" and deletion > "1996-01-02":
            last = date.fromisoformat(deletion)
            days += [last, last + timedelta(1)]  # in force ON its deletion date, not after
        day = rng.choice(days)
        where = rng.choice(["none", "none", "other", "col1", "col2"])
        mods_1 = rng.choice(BYPASS) if where == "col1" else ""
        mods_2 = rng.choice(BYPASS) if where == "col2" else ""
        if where == "other":
            mods_2 = rng.choice(NOT_BYPASS)
        cases.append(
            {
                "claim_id": f"X{i:05d}",
                "col1": col1,
                "col2": col2,
                "day": day,
                "mods_1": mods_1,
                "mods_2": mods_2,
                "expect": expected_ptp(rows[(col1, col2)], day, where in ("col1", "col2")),
            }
        )
    return cases


def _lines(case: dict) -> list[ClaimLine]:
    return [
        ClaimLine(
            claim_id=case["claim_id"],
            line=1,
            date_of_service=case["day"],
            code=case["col1"],
            modifiers=case["mods_1"],
        ),
        ClaimLine(
            claim_id=case["claim_id"],
            line=2,
            date_of_service=case["day"],
            code=case["col2"],
            modifiers=case["mods_2"],
        ),
    ]


def _write_claims(path: Path, cases: list[dict]) -> Path:
    rows = [
        {
            "claim_id": ln.claim_id,
            "line": ln.line,
            "date_of_service": ln.date_of_service.isoformat(),
            "pos": "11",
            "code": ln.code,
            "modifiers": " ".join(ln.modifiers),
            "units": ln.units,
        }
        for case in cases
        for ln in _lines(case)
    ]
    pl.DataFrame(rows).write_csv(path)
    return path


def _batch_verdicts(
    engine: EditEngine, tmp_path: Path, cases: list[dict], setting: str
) -> dict[str, set[str]]:
    source = _write_claims(tmp_path / f"claims-{setting}.csv", cases)
    out = tmp_path / f"findings-{setting}.csv"
    report = engine.scrub(source, out=out, setting=setting)
    assert report.rows_rejected == 0
    found = pl.read_csv(out, infer_schema=False)
    verdicts: dict[str, set[str]] = {c["claim_id"]: set() for c in cases}
    wanted = {(c["claim_id"], c["col2"], c["col1"]) for c in cases}
    for row in found.filter(pl.col("kind") == "ptp").iter_rows(named=True):
        if (row["claim_id"], row["code"], row["related_code"]) in wanted:
            verdicts[row["claim_id"]].add(row["rule"])
    return verdicts


@pytest.mark.parametrize(
    ("setting", "raw_fixture", "n"),
    [("professional", "raw_ptp_practitioner", 300), ("facility", "raw_ptp_outpatient", 150)],
)
def test_random_raw_ptp_pairs_give_the_expected_verdict_on_both_paths(
    engine: EditEngine, tmp_path: Path, request, setting: str, raw_fixture: str, n: int
):
    raw = request.getfixturevalue(raw_fixture)
    cases = _sample_cases(raw, n, seed=20240701 + n)
    assert {c["expect"] for c in cases} >= {"PTP01", "PTP02", None}
    single = {}
    for case in cases:
        findings = engine.check(_lines(case), setting=setting).findings
        single[case["claim_id"]] = {
            f.rule_id
            for f in findings
            if f.kind == "ptp" and f.code == case["col2"] and f.related_code == case["col1"]
        }
    batch = _batch_verdicts(engine, tmp_path, cases, setting)
    for case in cases:
        want = set() if case["expect"] is None else {case["expect"]}
        assert single[case["claim_id"]] == want, case
        assert batch[case["claim_id"]] == want, case


def test_random_raw_mue_rows_give_the_expected_verdict_on_both_paths(
    engine: EditEngine, raw_mue_practitioner: pl.DataFrame, tmp_path: Path
):
    picked = raw_mue_practitioner.sample(150, seed=7)
    day = date(2024, 8, 15)
    cases = []
    rows = []
    for i, r in enumerate(picked.iter_rows(named=True)):
        limit = int(r["mue_units"])
        claim_id = f"M{i:04d}"
        cases.append((claim_id, r["hcpcs_code"], f"MUE0{r['mue_mai']}"))
        rows.append(
            {
                "claim_id": claim_id,
                "line": 1,
                "date_of_service": day.isoformat(),
                "pos": "11",
                "code": r["hcpcs_code"],
                "modifiers": "",
                "units": limit + 1,
            }
        )
    source = tmp_path / "mue.csv"
    pl.DataFrame(rows).write_csv(source)
    out = tmp_path / "mue-findings.csv"
    engine.scrub(source, out=out)
    found = pl.read_csv(out, infer_schema=False).filter(pl.col("kind") == "mue")
    batch = {(r["claim_id"], r["code"]): r["rule"] for r in found.iter_rows(named=True)}
    for (claim_id, code, rule), row in zip(cases, rows, strict=True):
        line = ClaimLine(
            claim_id=claim_id, line=1, date_of_service=day, code=code, units=row["units"]
        )
        single = [f.rule_id for f in engine.check([line]).findings if f.kind == "mue"]
        assert single == [rule], (code, row["units"])
        assert batch.get((claim_id, code)) == rule, (code, row["units"])
