"""Properties of the edit engine over real rows of the store (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clearclaim.edits import ClaimLine, EditEngine
from clearclaim.edits.rules import edit_data

from .conftest import IN_QUARTER

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BYPASS = sorted(edit_data().bypass_docs)
#: modifiers that are not NCCI-associated (they never clear a PTP edit)
OTHER_MODIFIERS = ["26", "TC", "76", "77", "GA", "GY", "Q0", "52"]
QUARTER = st.integers(min_value=0, max_value=91).map(lambda n: date(2024, 7, 1) + timedelta(n))


def _pairs(engine: EditEngine, *, sample: int = 3000) -> pl.DataFrame:
    """PTP pairs of the practitioner table with all their rows, as the engine's
    Parquet copy holds them (one pair may have several rows: its history)."""
    family = "ptp_practitioner"
    choice = engine.store.release_for(family, IN_QUARTER)
    rows = (
        engine.tables.ptp(family)
        .filter(pl.col("release_id").is_in(list(choice.ids)))
        .select("c1", "c2", "deletion", pl.col("mi").cast(pl.String))
        .collect()
    )
    summary = rows.group_by("c1", "c2").agg(
        pl.len().alias("n"),
        pl.col("deletion").max().alias("last"),
        pl.col("mi").first(),
    )
    return summary.sample(min(sample * 10, summary.height), seed=11)


@pytest.fixture(scope="module")
def single_open_pairs(engine: EditEngine) -> dict[str, list[tuple[str, str]]]:
    """Pairs with one row, not deleted, by modifier indicator."""
    pairs = _pairs(engine).filter((pl.col("n") == 1) & (pl.col("last") == date(9999, 12, 31)))
    return {
        mi: [
            tuple(r) for r in pairs.filter(pl.col("mi") == mi).select("c1", "c2").head(2000).rows()
        ]
        for mi in ("0", "1")
    }


@pytest.fixture(scope="module")
def deleted_pairs(engine: EditEngine) -> list[tuple[str, str, date]]:
    """Pairs every row of which has ended, with the last deletion date."""
    pairs = _pairs(engine).filter(pl.col("last") < date(9999, 12, 31))
    return [tuple(r) for r in pairs.select("c1", "c2", "last").head(2000).rows()]


def _lines(
    col1: str, col2: str, day: date, mods_1: list[str], mods_2: list[str]
) -> list[ClaimLine]:
    return [
        ClaimLine(claim_id="P", line=1, date_of_service=day, code=col1, modifiers=mods_1),
        ClaimLine(claim_id="P", line=2, date_of_service=day, code=col2, modifiers=mods_2),
    ]


def _ptp_verdicts(engine: EditEngine, lines: list[ClaimLine], col1: str, col2: str) -> set[str]:
    findings = engine.check(lines).findings
    return {
        f.rule_id for f in findings if f.kind == "ptp" and f.code == col2 and f.related_code == col1
    }


@SETTINGS
@given(data=st.data(), day=QUARTER)
def test_indicator_0_is_always_denied(engine, single_open_pairs, data, day):
    col1, col2 = data.draw(st.sampled_from(single_open_pairs["0"]))
    mods = st.lists(st.sampled_from(BYPASS + OTHER_MODIFIERS), max_size=3, unique=True)
    lines = _lines(col1, col2, day, data.draw(mods), data.draw(mods))
    assert _ptp_verdicts(engine, lines, col1, col2) == {"PTP02"}


@SETTINGS
@given(data=st.data(), day=QUARTER)
def test_a_bypass_modifier_clears_an_indicator_1_pair(engine, single_open_pairs, data, day):
    col1, col2 = data.draw(st.sampled_from(single_open_pairs["1"]))
    others = st.lists(st.sampled_from(OTHER_MODIFIERS), max_size=2, unique=True)
    plain = _lines(col1, col2, day, data.draw(others), data.draw(others))
    assert _ptp_verdicts(engine, plain, col1, col2) == {"PTP01"}
    modifier = data.draw(st.sampled_from(BYPASS))
    on_first = data.draw(st.booleans())
    mods_1 = [*data.draw(others), modifier] if on_first else data.draw(others)
    mods_2 = data.draw(others) if on_first else [modifier, *data.draw(others)]
    cleared = _lines(col1, col2, day, mods_1, mods_2)
    assert _ptp_verdicts(engine, cleared, col1, col2) == {"PTP03"}


@SETTINGS
@given(data=st.data(), after=st.integers(min_value=1, max_value=6000))
def test_a_deleted_edit_never_fires_after_its_deletion_date(engine, deleted_pairs, data, after):
    col1, col2, last = data.draw(st.sampled_from(deleted_pairs))
    day = last + timedelta(days=after)
    mods = st.lists(st.sampled_from(BYPASS + OTHER_MODIFIERS), max_size=2, unique=True)
    lines = _lines(col1, col2, day, data.draw(mods), data.draw(mods))
    assert _ptp_verdicts(engine, lines, col1, col2) == set()


@pytest.fixture(scope="module")
def mue_rows(engine: EditEngine) -> dict[str, list[tuple[str, int]]]:
    choice = engine.store.release_for("mue_practitioner", IN_QUARTER)
    frame = engine.tables.mue.filter(
        pl.col("release_id").is_in(list(choice.ids)) & pl.col("limit").is_between(1, 20)
    ).sort("code")
    return {
        mai: [tuple(r) for r in frame.filter(pl.col("mai") == mai).select("code", "limit").rows()]
        for mai in ("1", "2", "3")
    }


def _split(total: int, parts: int, cap: int) -> list[int]:
    """``total`` units over ``parts`` lines, none above ``cap`` (and at least 1)."""
    base, extra = divmod(total, parts)
    units = [base + (1 if i < extra else 0) for i in range(parts)]
    assert all(1 <= u <= cap for u in units)
    return units


def _mue_findings(engine: EditEngine, code: str, units: list[int], day: date):
    lines = [
        ClaimLine(claim_id="M", line=i + 1, date_of_service=day, code=code, units=u)
        for i, u in enumerate(units)
    ]
    return [f for f in engine.check(lines).findings if f.kind == "mue"]


@SETTINGS
@given(data=st.data(), day=QUARTER, over=st.booleans())
def test_mue_sums_across_lines_for_mai_2_and_3(engine, mue_rows, data, day, over):
    mai = data.draw(st.sampled_from(["2", "3"]))
    code, limit = data.draw(st.sampled_from(mue_rows[mai]))
    parts = data.draw(st.integers(min_value=2, max_value=3))
    total = limit + 1 if over else limit
    assume(total >= parts)  # every line bills at least one unit
    units = _split(total, parts, limit)  # no single line is over the limit
    findings = _mue_findings(engine, code, units, day)
    if over:
        assert [(f.rule_id, f.lines) for f in findings] == [
            (f"MUE0{mai}", tuple(range(1, parts + 1)))
        ]
        assert findings[0].details["units"] == str(total)
        assert f"MAI {mai}" in findings[0].message
    else:
        assert findings == []


@SETTINGS
@given(data=st.data(), day=QUARTER)
def test_mue_mai_1_judges_each_line_alone(engine, mue_rows, data, day):
    code, limit = data.draw(st.sampled_from(mue_rows["1"]))
    parts = data.draw(st.integers(min_value=2, max_value=3))
    assert _mue_findings(engine, code, [limit] * parts, day) == []
    over = _mue_findings(engine, code, [limit + 1, limit], day)
    assert [(f.rule_id, f.lines) for f in over] == [("MUE01", (1,))]
