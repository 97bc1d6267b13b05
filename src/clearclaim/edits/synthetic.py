"""Synthetic claim files built from real code pairs in the store (seeded).

Every code comes from the loaded CMS tables: PTP pairs (in force and deleted,
every modifier indicator), add-on codes with and without an eligible primary,
codes with MUE limits billed over and under them, PC/TC diagnostic tests with
and without 26/TC, and codes the fee schedule marks invalid or no longer
lists. Dates of service fall mostly in the newest PTP release's quarter, some
outside it. No CMS value is typed in here: only the mix of claim shapes.
A small share of rows is malformed on purpose, to exercise the error path.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from clearclaim.edits.cache import EditTables
from clearclaim.edits.releases import ROLE_FAMILIES
from clearclaim.edits.rules import edit_data
from clearclaim.store import Store

#: claim shapes and their share of claims
SCENARIOS = {
    "plain": 66,  # codes that rarely meet an edit
    "ptp": 15,  # a real PTP pair plus other codes
    "add_on": 6,  # an add-on code, with its primary four times in five
    "mue": 5,  # a code with an MUE, billed at or over it
    "pctc": 6,  # a diagnostic test, global or split, office or hospital
    "status": 2,  # a code invalid or no longer listed
}
#: lines per claim and how often (most claims are short)
CLAIM_SIZES = {1: 18, 2: 22, 3: 20, 4: 14, 5: 9, 6: 6, 7: 4, 8: 3, 10: 2, 14: 1, 20: 1}
MODIFIERS = {"": 86, "59": 3, "XS": 2, "XU": 1, "25": 2, "LT": 2, "RT": 2, "76": 1, "59 RT": 1}
#: modifiers on the diagnostic test of a PC/TC claim (one in ten wrong: 26 on TC-only codes ...)
PCTC_MODIFIERS = {"": 45, "26": 40, "TC": 15}
UNITS = {1: 96, 2: 3, 3: 1}
POS = {"11": 60, "22": 15, "21": 6, "19": 5, "23": 4, "24": 6, "81": 4}
MALFORMED_SHARE = 0.0005


def _weighted(values: dict, name: str) -> pl.DataFrame:
    """A table with each value repeated by its weight: sampling it picks by weight."""
    rows = [value for value, weight in values.items() for _ in range(weight)]
    return pl.DataFrame({name: rows})


def _pick(pool: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    return pool.sample(n, with_replacement=True, seed=seed) if n else pool.clear()


def _pools(store: Store, tables: EditTables, setting: str) -> dict[str, pl.DataFrame]:
    families = ROLE_FAMILIES[setting]  # type: ignore[index]
    latest = {}
    for role in ("ptp", "mue", "aoc", "pfs"):
        infos = store.releases(families[role])
        best = max(infos, key=lambda r: (r.effective_start, r.imported_at))
        latest[role] = [r.release_id for r in infos if r.label == best.label]
    ptp = (
        tables.ptp(families["ptp"])
        .filter(pl.col("release_id").is_in(latest["ptp"]))
        .select(pl.col("c1").alias("a"), pl.col("c2").alias("b"))
        .collect()
    )
    # fee schedule codes as of the PTP quarter, so fillers are valid on its dates
    ptp_release = max(store.releases(families["ptp"]), key=lambda r: r.effective_start)
    pfs_choice = store.release_for(families["pfs"], ptp_release.effective_start)
    pfs = tables.pfs.filter(pl.col("release_id").is_in(list(pfs_choice.ids)))
    mue = tables.mue.filter(pl.col("release_id").is_in(latest["mue"]) & (pl.col("limit") > 0))
    aoc = tables.aoc.filter(pl.col("release_id").is_in(latest["aoc"]))
    contractor = edit_data().aoc_contractor_code
    invalid = list(edit_data().status)
    add_ons = aoc.get_column("addon").unique().implode()
    facts = tables.facts.filter(pl.col("deleted_on").is_not_null())
    return {
        "ptp": ptp,
        "plain": pfs.filter((pl.col("status") == "A") & ~pl.col("code").is_in(add_ons)).select(
            pl.col("code").alias("a")
        ),
        "add_on": aoc.select(pl.col("addon").alias("a"), pl.col("primary").alias("b")).with_columns(
            b=pl.when(pl.col("b") == contractor).then(None).otherwise(pl.col("b"))
        ),
        "mue": mue.select(pl.col("code").alias("a"), "limit", "mai"),
        "pctc": pfs.filter(pl.col("pctc").is_in(["1", "1", "1", "2", "3", "4"])).select(
            pl.col("code").alias("a")
        ),
        "status": pl.concat(
            [
                pfs.filter(pl.col("status").is_in(invalid)).select(pl.col("code").alias("a")),
                facts.select(pl.col("code").alias("a")),
            ]
        ),
    }


def claims_frame(
    store: Store, n_lines: int, *, seed: int = 7, setting: str = "professional"
) -> pl.DataFrame:
    """About ``n_lines`` claim lines (whole claims), columns as ``clearclaim scrub`` reads."""
    tables = EditTables(store, edit_data().aoc_contractor_code)
    pools = _pools(store, tables, setting)
    sizes = _weighted(CLAIM_SIZES, "size")
    mean = float(sizes.get_column("size").cast(pl.Float64).mean() or 1.0)  # type: ignore[arg-type]
    n_claims = max(1, int(n_lines / mean * 1.05) + 10)
    claims = pl.concat(
        [
            _pick(sizes, n_claims, seed),
            _pick(_weighted(SCENARIOS, "scenario"), n_claims, seed + 1),
        ],
        how="horizontal",
    )
    # whole claims, as few as reach n_lines (a few extra drawn above, cut here)
    claims = claims.filter((pl.col("size").cum_sum() - pl.col("size")) < n_lines)
    n_claims = claims.height
    claims = claims.with_row_index("claim")
    # dates of service: the newest PTP quarter mostly, a tenth in the year before
    ptp_family = ROLE_FAMILIES[setting]["ptp"]  # type: ignore[index]
    release = max(store.releases(ptp_family), key=lambda r: r.effective_start)
    start, end = release.effective_start, release.effective_end
    span = (end - start).days + 1
    days = pl.DataFrame(
        {
            "dos": [start + timedelta(days=i) for i in range(span)] * 9
            + [start - timedelta(days=1 + 4 * i) for i in range(span)]
        }
    )
    claims = pl.concat([claims, _pick(days, n_claims, seed + 2)], how="horizontal")
    # seed lines 1 and 2 of each claim by scenario, from real rows
    seeded = []
    for i, (scenario, pool) in enumerate(sorted(pools.items())):
        chosen = claims.filter(pl.col("scenario") == scenario)
        if chosen.is_empty() or pool.is_empty():
            continue
        picked = _pick(pool, chosen.height, seed + 10 + i)
        seeded.append(pl.concat([chosen.select("claim"), picked], how="horizontal"))
    seeds = pl.concat(seeded, how="diagonal_relaxed")
    lines = (
        claims.with_columns(line=pl.int_ranges(1, pl.col("size") + 1))
        .explode("line")
        .join(seeds, on="claim", how="left")
    )
    n = lines.height
    filler = _pick(pools["plain"], n, seed + 3).get_column("a")
    mods = _pick(_weighted(MODIFIERS, "m"), n, seed + 4).get_column("m")
    pos = _pick(_weighted(POS, "p"), n, seed + 5).get_column("p")
    units = _pick(_weighted(UNITS, "u"), n, seed + 6).get_column("u")
    pctc_mods = _pick(_weighted(PCTC_MODIFIERS, "t"), n, seed + 7).get_column("t")
    noise = _pick(_weighted({0: 1, 1: 1, 2: 1}, "k"), n, seed + 8).get_column("k")
    lines = lines.with_columns(filler=filler, m=mods, t=pctc_mods, p=pos, u=units, k=noise)
    # an add-on claim keeps its primary four times in five; an MUE claim splits
    # the units over two lines, the total at the limit or one over it
    keep_b = pl.col("b").is_not_null() & ~((pl.col("scenario") == "add_on") & (pl.col("k") == 0))
    code = (
        pl.when(pl.col("line") == 1)
        .then(pl.col("a"))
        .when((pl.col("line") == 2) & keep_b)
        .then(pl.col("b"))
        .when((pl.col("line") == 2) & (pl.col("scenario") == "mue"))
        .then(pl.col("a"))
        .otherwise(pl.col("filler"))
    )
    mue_units = pl.max_horizontal(
        pl.lit(1), pl.col("limit") // 2 + (pl.col("k") > 0).cast(pl.Int64)
    )
    frame = lines.select(
        pl.format("C{}", pl.col("claim").cast(pl.String).str.zfill(8)).alias("claim_id"),
        pl.col("line").cast(pl.String),
        pl.col("dos").cast(pl.String).alias("date_of_service"),
        pl.col("p").alias("pos"),
        code.alias("code"),
        pl.when((pl.col("scenario") == "pctc") & (pl.col("line") == 1))
        .then(pl.col("t"))
        .otherwise(pl.col("m"))
        .alias("modifiers"),
        pl.when((pl.col("scenario") == "mue") & (pl.col("line") <= 2))
        .then(mue_units)
        .otherwise(pl.col("u"))
        .cast(pl.String)
        .alias("units"),
    )
    return _spoil(frame, seed)


def _spoil(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Break a few rows the way real files break: a bad date, code or units."""
    n = frame.height
    bad = max(1, int(n * MALFORMED_SHARE)) if n > 100 else 0
    if not bad:
        return frame
    rows = pl.Series("i", range(n)).sample(bad, seed=seed + 20).to_list()
    frame = frame.with_row_index("i")
    kinds = {r: k % 3 for k, r in enumerate(rows)}
    kind = pl.col("i").replace_strict(kinds, default=None, return_dtype=pl.Int8)
    return frame.with_columns(
        date_of_service=pl.when(kind == 0)
        .then(pl.lit("2024-02-30"))
        .otherwise(pl.col("date_of_service")),
        code=pl.when(kind == 1).then(pl.col("code").str.slice(0, 3)).otherwise(pl.col("code")),
        units=pl.when(kind == 2).then(pl.lit("two")).otherwise(pl.col("units")),
    ).drop("i")


def write_claims(
    store: Store,
    path: str | Path,
    n_lines: int,
    *,
    seed: int = 7,
    setting: str = "professional",
) -> Path:
    """Write a synthetic claim file (CSV, or Parquet for a .parquet name)."""
    target = Path(path)
    frame = claims_frame(store, n_lines, seed=seed, setting=setting)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() in {".parquet", ".pq"}:
        frame.write_parquet(target)
    else:
        frame.write_csv(target)
    return target


def date_span(frame: pl.DataFrame) -> tuple[date, date]:
    days = frame.get_column("date_of_service").str.to_date(strict=False).drop_nulls()
    return days.min(), days.max()  # type: ignore[return-value]
