"""Scrub a claim file: every line checked by the same rules, vectorised.

The file (CSV or Parquet, one row per claim line) is read once with Polars,
checked row by row for malformed values without a Python loop, and the
well-formed lines go through joins against the edit tables (Parquet copies
made once per store state, cache.py). Findings and rejected rows are written
as CSV. Polars runs each join and aggregation on every core.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clearclaim.edits import add_on, mue, pc_tc, ptp, status
from clearclaim.edits.batch_frames import OUTPUT_SCHEMA, BatchContext, empty_output
from clearclaim.edits.cache import PTP_FAMILIES, code_id
from clearclaim.edits.models import Setting
from clearclaim.edits.releases import ROLE_FAMILIES, Choice
from clearclaim.errors import InputError, ReleaseError
from clearclaim.models import DataWarning
from clearclaim.store import FAMILY_TITLES

if TYPE_CHECKING:
    from clearclaim.edits.engine import EditEngine

REQUIRED_COLUMNS = ("claim_id", "line", "date_of_service", "pos", "code", "modifiers", "units")
ERROR_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "claim_id": pl.String(),
    "line": pl.String(),
    "field": pl.String(),
    "value": pl.String(),
    "reason": pl.String(),
}
#: lines per chunk (claims never straddle chunks): memory stays bounded on long files
CHUNK_LINES = 1_000_000
BATCH_CHECKS = (ptp.batch, mue.batch, add_on.batch, pc_tc.batch, status.batch)


@dataclass
class ScrubReport:
    """What a scrub did: counts, where it wrote, and the data gaps behind it."""

    input: str
    out: str
    errors_out: str | None
    setting: str
    lines_read: int = 0
    lines_checked: int = 0
    rows_rejected: int = 0
    claims: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "warnings"},
            "warnings": [w.model_dump() for w in self.warnings],
        }


# -- reading and validating ---------------------------------------------------------


def read_claims(path: Path) -> tuple[pl.DataFrame, int]:
    """The file's required columns as text, and the number to add to a 0-based row
    index to get the line number a user sees (2 for CSV: 1-based, after the header)."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    is_parquet = path.suffix.lower() in {".parquet", ".pq"}
    try:
        if is_parquet:
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path} lacks the column(s) {', '.join(missing)}",
            hint=f"a claim file needs: {', '.join(REQUIRED_COLUMNS)}",
        )
    columns = []
    for name in REQUIRED_COLUMNS:
        dtype = frame.schema[name]
        if isinstance(dtype, pl.List):
            columns.append(pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(" "))
        else:
            columns.append(pl.col(name).cast(pl.String))
    return frame.select(columns), (1 if is_parquet else 2)


_MODS_OK = r"^([0-9A-Z]{2}( [0-9A-Z]{2})*)?$"


def validate(raw: pl.DataFrame, offset: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows into well-formed lines and one error row per bad field."""
    trimmed = raw.with_row_index("row").with_columns(
        pl.col(c).str.strip_chars() for c in REQUIRED_COLUMNS
    )
    parsed = trimmed.with_columns(
        line_no=pl.col("line").str.to_integer(strict=False),
        dos=pl.when(pl.col("date_of_service").str.len_bytes() == 10)
        .then(pl.col("date_of_service").str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None),
        code_n=pl.col("code").str.to_uppercase(),
        mods=pl.col("modifiers")
        .fill_null("")
        .str.to_uppercase()
        .str.replace_all(r"[\s,;]+", " ")
        .str.strip_chars(),
        units_n=pl.col("units").str.to_integer(strict=False),
        pos_n=pl.col("pos").str.zfill(2),
    )
    checks: list[tuple[str, pl.Expr, str]] = [
        ("claim_id", pl.col("claim_id").is_null(), "missing claim ID"),
        (
            "line",
            pl.col("line_no").is_null() | (pl.col("line_no") < 1),
            "line must be a whole number of at least 1",
        ),
        # (a dense rank of the pair, then first-of-each on integers: faster than
        # is_first_distinct on the struct itself)
        (
            "line",
            pl.col("line_no").is_not_null()
            & ~pl.struct("claim_id", "line_no").rank("dense").is_first_distinct(),
            "duplicate line number in this claim",
        ),
        ("date_of_service", pl.col("dos").is_null(), "date of service must be a date YYYY-MM-DD"),
        (
            "code",
            ~pl.col("code_n").fill_null("").str.contains(r"^[0-9A-Z]{5}$"),
            "code must be five letters or digits (HCPCS/CPT)",
        ),
        (
            "modifiers",
            ~pl.col("mods").str.contains(_MODS_OK),
            "modifiers must be two letters or digits each, separated by spaces or commas",
        ),
        (
            "units",
            pl.col("units_n").is_null() | (pl.col("units_n") < 1),
            "units must be a whole number of at least 1",
        ),
        (
            "pos",
            pl.col("pos").is_not_null() & ~pl.col("pos").str.contains(r"^[0-9]{1,2}$"),
            "place of service must be a code of one or two digits",
        ),
    ]
    flagged = parsed.with_columns(
        *(expr.fill_null(True).alias(f"bad_{i}") for i, (_, expr, _) in enumerate(checks))
    )
    bad_any = pl.any_horizontal(*(pl.col(f"bad_{i}") for i in range(len(checks))))
    errors = [
        flagged.filter(pl.col(f"bad_{i}")).select(
            (pl.col("row").cast(pl.Int64) + offset).alias("line_number"),
            "claim_id",
            "line",
            pl.lit(name).alias("field"),
            pl.col(name).alias("value"),
            pl.lit(reason).alias("reason"),
        )
        for i, (name, _, reason) in enumerate(checks)
    ]
    error_frame = pl.concat(errors).sort("line_number", maintain_order=True)
    good = flagged.filter(~bad_any).select(
        pl.col("row").cast(pl.Int64),
        "claim_id",
        pl.col("line_no").alias("line"),
        "dos",
        pl.col("code_n").alias("code"),
        "mods",
        pl.col("units_n").alias("units"),
        pl.col("pos_n").alias("pos"),
    )
    return good, error_frame


# -- preparing the edit tables --------------------------------------------------------


def _role_maps(
    engine: EditEngine, setting: Setting, days: list[date]
) -> tuple[pl.DataFrame, dict[str, dict[int, int]], dict[str, list[Choice]], list[DataWarning]]:
    """Per date: the release index of each role; per role: release key -> index."""
    columns: dict[str, list[Any]] = {"dos": days}
    key_index: dict[str, dict[int, int]] = {}
    chosen: dict[str, list[Choice]] = {}
    warnings: dict[str, DataWarning] = {}
    gaps: dict[tuple[str, str, str], list[tuple[date, DataWarning]]] = {}
    for role, family in ROLE_FAMILIES[setting].items():
        labels: dict[str, int] = {}
        key_index[role] = {}
        chosen[role] = []
        rel, in_force = [], []
        for day in days:
            try:
                choice = engine.resolver.choose(family, day)
            except ReleaseError:
                title = FAMILY_TITLES.get(family, family)
                warnings[family] = DataWarning(
                    code="no_release",
                    family=family,
                    message=f"no {title} is loaded: its checks were skipped",
                )
                rel.append(None)
                in_force.append(False)
                continue
            if choice.label not in labels:
                labels[choice.label] = len(labels)
                chosen[role].append(choice)
                for key in choice.keys:
                    key_index[role][key] = labels[choice.label]
            rel.append(labels[choice.label])
            in_force.append(choice.in_force)
            if choice.warning:
                side = "before" if day < choice.release.effective_start else "after"
                gaps.setdefault((family, choice.label, side), []).append((day, choice.warning))
        columns[f"{role}_rel"] = rel
        columns[f"{role}_in_force"] = in_force
    for (family, _label, _side), found in gaps.items():
        # one warning per release and side: the first date's text, with the span
        first, last = found[0][0], found[-1][0]
        span = f"{len(found)} date(s) of service from {first.isoformat()} to {last.isoformat()}"
        warning = found[0][1]
        warnings[f"{family}:{_label}:{_side}"] = warning.model_copy(
            update={"message": f"{span}: {warning.message}"}
        )
    schema: dict[str, Any] = {"dos": pl.Date}
    schema.update({name: pl.Int32 for name in columns if name.endswith("_rel")})
    schema.update({name: pl.Boolean for name in columns if name.endswith("_in_force")})
    return pl.DataFrame(columns, schema=schema), key_index, chosen, list(warnings.values())


def _rel(keys: dict[int, int]) -> pl.Expr:
    return (
        pl.col("release_id").replace_strict(keys, default=None, return_dtype=pl.Int32).alias("rel")
    )


def prepare(
    engine: EditEngine, setting: Setting, lines: pl.DataFrame
) -> tuple[BatchContext, pl.DataFrame, list[DataWarning]]:
    """The context (edit tables cut down to this file's codes and releases) and the
    lines with their code IDs, modifier flags and release indexes."""
    data = engine.data
    days = lines.get_column("dos").unique().sort().to_list()
    dos_map, key_index, chosen, warnings = _role_maps(engine, setting, days)
    bypass = "|".join(sorted(data.bypass_modifiers, key=lambda m: (-len(m), m)))
    lines = lines.with_columns(
        cid=code_id("code"),
        byp=pl.col("mods").str.extract(rf"(?:^| )({bypass})(?: |$)", 1),
        has26=pl.col("mods").str.contains(r"(?:^| )26(?: |$)"),
        hasTC=pl.col("mods").str.contains(r"(?:^| )TC(?: |$)"),
        # one integer per claim and date of service: the key of every same-day join
        grp=pl.struct("claim_id", "dos").rank("dense").cast(pl.UInt32),
        # where the claim starts in the file: findings keep the input order
        claim_row=pl.col("row").min().over("claim_id"),
    ).join(dos_map.select("dos", *(c for c in dos_map.columns if c.endswith("_rel"))), on="dos")
    codes = lines.get_column("cid").unique().implode()
    tables = engine.tables
    ctx = BatchContext(data=data, setting=setting)
    for role, choices in chosen.items():
        ctx.release_info[role] = pl.DataFrame(
            {
                "rel": list(range(len(choices))),
                "release": [c.label for c in choices],
                "src_file": [c.release.source_name for c in choices],
                "src_title": [c.title for c in choices],
                "src_release": [c.label for c in choices],
                "src_start": [c.release.effective_start for c in choices],
                "src_end": [c.release.effective_end for c in choices],
            },
            schema_overrides={"rel": pl.Int32},
        )
        ctx.in_force[role] = dos_map.select("dos", pl.col(f"{role}_in_force").alias("src_in_force"))
    keys = {role: list(index) for role, index in key_index.items()}
    family = ROLE_FAMILIES[setting]["ptp"]
    if keys["ptp"] and family in PTP_FAMILIES:
        ctx.tables["ptp"] = (
            tables.ptp(family)
            .filter(
                pl.col("release_id").is_in(keys["ptp"])
                & pl.col("k1").is_in(codes)
                & pl.col("k2").is_in(codes)
            )
            .select(_rel(key_index["ptp"]), "k1", "k2", "deletion", "effective", "mi", "rationale")
            .with_columns(rkey=ptp.pair_key("rel", "k1", "k2"))
            .drop("rel")
            .collect()
        )
    if keys["mue"]:
        ctx.tables["mue"] = tables.mue.filter(
            pl.col("release_id").is_in(keys["mue"]) & pl.col("cid").is_in(codes)
        ).select(_rel(key_index["mue"]), "cid", "limit", "mai", "mue_rationale")
    if keys["aoc"]:
        ctx.tables["aoc"] = tables.aoc.filter(
            pl.col("release_id").is_in(keys["aoc"]) & pl.col("addon_cid").is_in(codes)
        ).with_columns(_rel(key_index["aoc"]))
    if keys["pfs"]:
        ctx.tables["pfs"] = tables.pfs.filter(
            pl.col("release_id").is_in(keys["pfs"]) & pl.col("cid").is_in(codes)
        ).select(_rel(key_index["pfs"]), "cid", "status", "pctc")
        ctx.tables["facts"] = tables.facts.filter(pl.col("cid").is_in(codes)).select(
            "cid", "deleted_on", "deletion_basis", "first_effective", "first_basis", "first_release"
        )
    return ctx, lines, warnings


def run_checks(ctx: BatchContext, lines: pl.DataFrame) -> pl.DataFrame:
    """Every rule over the lines: one findings frame (OUTPUT_SCHEMA), in input order
    (claims in the order of their first line, then line number, then rule)."""
    frames = [frame for check in BATCH_CHECKS for frame in check(ctx, lines)]
    frames = [f for f in frames if not f.is_empty()]
    if not frames:
        return empty_output()
    order = {rule_id: i for i, rule_id in enumerate(ctx.data.rules)}
    return (
        pl.concat(frames)
        .join(lines.select("row", "claim_row"), on="row", how="left")
        .with_columns(
            rule_order=pl.col("rule").replace_strict(order, default=99, return_dtype=pl.Int32)
        )
        .sort("claim_row", "line", "rule_order", "related_line", nulls_last=True)
        .drop("rule_order", "claim_row")
    )


# -- the whole run ---------------------------------------------------------------------


def default_paths(path: Path) -> tuple[Path, Path]:
    stem = path.name
    for suffix in (".gz", ".csv", ".parquet", ".pq", ".txt"):
        stem = stem.removesuffix(suffix)
    return path.with_name(f"{stem}.findings.csv"), path.with_name(f"{stem}.errors.csv")


def scrub_file(
    engine: EditEngine,
    path: str | Path,
    *,
    out: str | Path | None = None,
    errors: str | Path | None = None,
    setting: Setting = "professional",
    progress: bool = False,
) -> ScrubReport:
    """Check every line of a claim file; write findings (and rejected rows) as CSV."""
    started = time.perf_counter()
    source = Path(path)
    default_out, default_errors = default_paths(source)
    out_path = Path(out) if out else default_out
    report = ScrubReport(
        input=str(source),
        out=str(out_path),
        errors_out=str(errors) if errors else None,
        setting=setting,
    )
    bar = _Progress(progress)
    with bar:
        bar.stage("reading claims")
        raw, offset = read_claims(source)
        report.lines_read = raw.height
        report.timings["read"] = time.perf_counter() - started
        bar.stage("validating")
        mark = time.perf_counter()
        lines, rejected = validate(raw, offset)
        report.timings["validate"] = time.perf_counter() - mark
        del raw
        report.lines_checked = lines.height
        report.rows_rejected = rejected.get_column("line_number").n_unique()
        report.claims = lines.get_column("claim_id").n_unique()
        mark = time.perf_counter()
        bar.stage("loading edit tables")
        ctx, lines, report.warnings = prepare(engine, setting, lines)
        report.timings["prepare"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # long files go in chunks of whole claims, in input order: bounded memory,
        # a progress bar that moves, and findings appended to the file as they come
        chunks = max(1, -(-lines.height // CHUNK_LINES))
        parts = (
            lines.with_columns(chunk=pl.col("claim_row") // CHUNK_LINES).partition_by(
                "chunk", include_key=False, maintain_order=True
            )
            if chunks > 1
            else [lines]
        )
        del lines
        bar.start(sum(p.height for p in parts))
        out_path.parent.mkdir(parents=True, exist_ok=True)
        counts: list[pl.DataFrame] = []
        with out_path.open("wb") as handle:
            for i, part in enumerate(parts):
                found = run_checks(ctx, part)
                found.drop("row").write_csv(handle, include_header=i == 0)
                counts.append(found.group_by("rule", "severity").len())
                bar.advance(part.height)
                parts[i] = part.clear()  # let the chunk go as soon as it is written
        report.timings["checks_and_write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        if errors or rejected.height:
            errors_path = Path(errors) if errors else default_errors
            rejected.write_csv(errors_path)
            report.errors_out = str(errors_path)
        report.timings["write_errors"] = time.perf_counter() - mark
    tally = pl.concat(counts).group_by("rule", "severity").agg(pl.col("len").sum())
    report.findings = int(tally.get_column("len").sum())
    report.by_severity = dict(tally.group_by("severity").agg(pl.col("len").sum()).iter_rows())
    report.by_rule = dict(sorted(tally.group_by("rule").agg(pl.col("len").sum()).iter_rows()))
    report.seconds = time.perf_counter() - started
    return report


class _Progress:
    """A rich progress bar on stderr (or nothing when switched off)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("scrub", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def stage(self, text: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=text)

    def start(self, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description="checking lines", total=total, completed=0)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)


__all__ = [
    "OUTPUT_SCHEMA",
    "REQUIRED_COLUMNS",
    "ScrubReport",
    "read_claims",
    "scrub_file",
    "validate",
]
