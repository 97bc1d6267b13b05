"""The synthetic claim generator: seeded, real codes, the columns scrub reads."""

from __future__ import annotations

from clearclaim.edits import EditEngine
from clearclaim.edits.batch import REQUIRED_COLUMNS, read_claims, validate
from clearclaim.edits.synthetic import claims_frame


def test_same_seed_same_file_other_seed_other_file(engine: EditEngine):
    first = claims_frame(engine.store, 3000, seed=1)
    assert first.equals(claims_frame(engine.store, 3000, seed=1))
    assert not first.equals(claims_frame(engine.store, 3000, seed=2))
    assert first.columns == list(REQUIRED_COLUMNS)
    assert 2000 < first.height < 4500


def test_codes_come_from_the_store(engine: EditEngine, tmp_path):
    frame = claims_frame(engine.store, 3000, seed=3)
    codes = frame.get_column("code").drop_nulls().unique().to_list()
    known = set(engine.tables.pfs.get_column("code")) | set(engine.tables.facts.get_column("code"))
    known |= set(engine.tables.aoc.get_column("addon")) | set(engine.tables.mue.get_column("code"))
    real = [c for c in codes if len(c) == 5]
    assert len(real) > 500
    assert set(real) <= known
    # a few rows are broken on purpose (the error path)
    frame.write_csv(tmp_path / "claims.csv")
    _, errors = validate(read_claims(tmp_path / "claims.csv").frame)
    assert 1 <= errors.height <= frame.height // 100
