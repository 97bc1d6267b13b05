"""Scrub a claim file: every line checked by the same rules, vectorised.

The file (CSV, .xlsx or Parquet, one row per claim line: batch_input.py) is
read once, checked row by row for malformed values without a Python loop, and
the well-formed lines go through joins against the edit tables (Parquet copies
made once per store state, cache.py). Findings and rejected rows are written
as CSV (batch_output.py: never over the input, never half a file, formulas
neutralised). Polars runs each join and aggregation on every core.

This is the batch engine, and it reads Parquet copies of the store's tables,
not the store: the only queries here are Polars expressions over those copies
(the SQL that makes them is in ``clearclaim.store.queries.edits``). Polars
loads only on this path; the single-claim path (engine.py) never imports it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from clearclaim.edits import batch_add_on, batch_mue, batch_pc_tc, batch_ptp, batch_status
from clearclaim.edits.batch_frames import OUTPUT_SCHEMA, BatchContext, empty_output
from clearclaim.edits.batch_input import (
    FIELDS,
    VALUE_CHARS,
    column_spec,
    parse_dates,
    read_claims,
)
from clearclaim.edits.batch_output import default_paths, neutralise, output_paths, replacing
from clearclaim.edits.cache import PTP_FAMILIES, EditTables, code_id
from clearclaim.edits.models import Setting
from clearclaim.edits.releases import ROLE_FAMILIES, Choice, Resolver
from clearclaim.edits.rules import EditData
from clearclaim.errors import ReleaseError
from clearclaim.models import DataCoverage, DataWarning
from clearclaim.store import FAMILY_TITLES, Store

#: the fields a claim line has (a file may name them otherwise: batch_input.py)
REQUIRED_COLUMNS = FIELDS
#: lines per chunk (claims never straddle chunks): memory stays bounded on long files
CHUNK_LINES = 1_000_000
BATCH_CHECKS = (
    batch_ptp.batch,
    batch_mue.batch,
    batch_add_on.batch,
    batch_pc_tc.batch,
    batch_status.batch,
)


#: what each data family's absence leaves unchecked, in the words a summary uses
CHECKS_BY_ROLE = {
    "ptp": "PTP edits (PTP01-03)",
    "mue": "medically unlikely edits (MUE01-03)",
    "aoc": "add-on code edits (AOC01-04)",
    "pfs": "PC/TC and code status (PCTC01-03, STAT01-04)",
    "hcpcs": "HCPCS deletion and added dates behind the status rules",
}


class EditSources(Protocol):
    """What the batch needs of the engine (``EditEngine`` has it): the rule data,
    the release resolver and the Parquet-backed edit tables."""

    @property
    def data(self) -> EditData: ...

    @property
    def resolver(self) -> Resolver: ...

    @property
    def tables(self) -> EditTables: ...

    @property
    def store(self) -> Store: ...


@dataclass
class ScrubReport:
    """What a scrub did: counts, where it wrote, and the data behind it."""

    input: str
    out: str
    errors_out: str | None
    setting: str
    lines_read: int = 0
    lines_checked: int = 0
    rows_rejected: int = 0
    #: empty rows (a blank line, or every field empty): skipped, not errors
    blank_lines: int = 0
    claims: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    #: rule -> how many claims it was found on
    claims_by_rule: dict[str, int] = field(default_factory=dict)
    #: claims by their most serious finding ("none": no finding)
    claims_by_severity: dict[str, int] = field(default_factory=dict)
    #: claims with a rejected row: judged without it, see ``withheld``
    incomplete_claims: int = 0
    #: rule -> findings not written because the claim was incomplete (rules that
    #: depend on the claim's other lines, such as an add-on code's primary)
    withheld: dict[str, int] = field(default_factory=dict)
    #: field -> the file's column(s) it was read from
    columns: dict[str, list[str]] = field(default_factory=dict)
    #: per data family, the releases that answered the file's dates of service
    data_coverage: list[dict[str, Any]] = field(default_factory=list)
    #: the checks that could not be made (a data family not loaded)
    checks_not_made: list[str] = field(default_factory=list)
    #: no finding, no rejected row, nothing withheld, every check made
    clean: bool = False
    warnings: list[DataWarning] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "warnings"},
            "warnings": [w.model_dump() for w in self.warnings],
        }


# -- validating -------------------------------------------------------------------------


_MODS_OK = r"^([0-9A-Z]{2}( [0-9A-Z]{2})*)?$"
_DATE_FORMS = "YYYY-MM-DD, MM/DD/YYYY, M/D/YY or YYYYMMDD"


def _dates(frame: pl.DataFrame) -> pl.DataFrame:
    """``dos`` from date_of_service: ISO first (the common case, one pass), the other
    accepted forms only for the values ISO did not read."""
    value = pl.col("date_of_service").str.strip_chars()
    frame = frame.with_columns(
        dos=pl.when(value.str.len_bytes() == 10)
        .then(value.str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )
    unread = frame.select(
        pl.arg_where(pl.col("dos").is_null() & pl.col("date_of_service").is_not_null())
    ).to_series()
    if unread.len():
        found = parse_dates(frame.get_column("date_of_service").gather(unread))
        frame = frame.with_columns(frame.get_column("dos").scatter(unread, found))
    return frame


def _value(name: str) -> pl.Expr:
    """A field's value as an error row shows it: cut short, never a whole row."""
    cut = VALUE_CHARS - 1
    return (
        pl.when(pl.col(name).str.len_chars() > VALUE_CHARS)
        .then(pl.concat_str([pl.col(name).str.slice(0, cut), pl.lit("…")]))
        .otherwise(pl.col(name))
    )


def validate(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split rows (batch_input.canonical: the fields as text, ``row`` and
    ``line_number``) into well-formed lines and one error row per bad field."""
    good, errors, _ = _validate(raw)
    return good, errors


def _validate(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """:func:`validate`, and the IDs of the claims that lost a row."""
    trimmed = raw.with_columns(pl.col(c).str.strip_chars() for c in REQUIRED_COLUMNS)
    parsed = _dates(trimmed).with_columns(
        line_no=pl.col("line").str.to_integer(strict=False),
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
        ("claim_id", pl.col("claim_id").is_null() | (pl.col("claim_id") == ""), "missing claim ID"),
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
        (
            "date_of_service",
            pl.col("dos").is_null(),
            f"date of service must be a real date ({_DATE_FORMS})",
        ),
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
            pl.col("pos").is_not_null()
            & (pl.col("pos") != "")
            & ~pl.col("pos").str.contains(r"^[0-9]{1,2}$"),
            "place of service must be a code of one or two digits",
        ),
    ]
    flagged = parsed.with_columns(
        *(expr.fill_null(True).alias(f"bad_{i}") for i, (_, expr, _) in enumerate(checks))
    )
    bad_any = pl.any_horizontal(*(pl.col(f"bad_{i}") for i in range(len(checks))))
    errors = [
        flagged.filter(pl.col(f"bad_{i}")).select(
            pl.col("line_number").cast(pl.Int64),
            _value("claim_id").alias("claim_id"),
            _value("line").alias("line"),
            pl.lit(name).alias("field"),
            _value(name).alias("value"),
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
    incomplete = (
        flagged.filter(bad_any & pl.col("claim_id").is_not_null()).get_column("claim_id").unique()
    )
    return good, error_frame, incomplete


# -- preparing the edit tables --------------------------------------------------------


def _role_maps(
    engine: EditSources, setting: Setting, days: list[date]
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
        rel: list[int | None] = []
        in_force: list[bool] = []
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
    engine: EditSources, setting: Setting, lines: pl.DataFrame
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
            .with_columns(rkey=batch_ptp.pair_key("rel", "k1", "k2"))
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


def run_checks(
    ctx: BatchContext,
    lines: pl.DataFrame,
    *,
    incomplete: pl.Series | None = None,
    held: list[pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Every rule over the lines: one findings frame (OUTPUT_SCHEMA), in input order
    (claims in the order of their first line, then line number, then rule).

    With ``incomplete`` (claim IDs that lost a row), the findings of the rules that
    need the whole claim are withheld on those claims and counted into ``held``
    (each rule's own frame is filtered: small, before the big concatenation)."""
    frames = [frame for check in BATCH_CHECKS for frame in check(ctx, lines)]
    frames = [f for f in frames if not f.is_empty()]
    if incomplete is not None and incomplete.len():
        whole_claim = set(column_spec().needs_whole_claim)
        lost = pl.col("claim_id").is_in(incomplete.implode())
        for i, frame in enumerate(frames):
            if frame.item(0, "rule") in whole_claim:
                if held is not None:
                    held.append(frame.filter(lost).group_by("rule").len())
                frames[i] = frame.filter(~lost)
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


def coverage(store: Store, families: list[str], days: list[date]) -> list[dict[str, Any]]:
    """Per family, the spans of the file's dates answered alike (the same release,
    in force or nearest, or missing), from :meth:`Store.coverage`."""
    spans: list[dict[str, Any]] = []
    for family in families:
        current: dict[str, Any] | None = None
        for day in days:
            found: DataCoverage = store.coverage(family, day)
            key = (found.state, found.release)
            if current is None or current["_key"] != key:
                current = {
                    "_key": key,
                    **found.model_dump(mode="json"),
                    "first_dos": day.isoformat(),
                    "last_dos": day.isoformat(),
                    "dates": 0,
                }
                spans.append(current)
            current["last_dos"] = day.isoformat()
            current["dates"] += 1
            current["days_away"] = max(current["days_away"] or 0, found.days_away or 0)
    for span in spans:
        del span["_key"]
    return spans


def _tally(found: pl.DataFrame) -> pl.DataFrame:
    return found.group_by("rule", "severity").agg(
        pl.len().alias("n"), pl.col("claim_id").n_unique().alias("claims")
    )


def _worst(found: pl.DataFrame) -> pl.DataFrame:
    order = {"deny": 0, "warn": 1, "info": 2}
    return (
        found.group_by("claim_id")
        .agg(pl.col("severity").replace_strict(order, default=3).min().alias("worst"))
        .group_by("worst")
        .len()
    )


def scrub_file(
    engine: EditSources,
    path: str | Path,
    *,
    out: str | Path | None = None,
    errors: str | Path | None = None,
    setting: Setting = "professional",
    progress: bool = False,
    column_map: dict[str, str] | None = None,
) -> ScrubReport:
    """Check every line of a claim file; write findings (and rejected rows) as CSV."""
    started = time.perf_counter()
    source = Path(path)
    out_path, errors_path, errors_named = output_paths(source, out, errors)
    report = ScrubReport(
        input=str(source),
        out=str(out_path),
        errors_out=str(errors_path) if errors_named else None,
        setting=setting,
    )
    bar = _Progress(progress)
    with bar:
        bar.stage("reading claims")
        claim_file = read_claims(source, column_map)
        raw = claim_file.frame
        report.columns = claim_file.columns
        report.blank_lines = claim_file.blank_lines
        report.lines_read = raw.height + claim_file.rejected.height
        report.timings["read"] = time.perf_counter() - started
        bar.stage("validating")
        mark = time.perf_counter()
        lines, rejected, incomplete = _validate(raw)
        if claim_file.rejected.height:
            rejected = pl.concat([claim_file.rejected, rejected]).sort(
                "line_number", maintain_order=True
            )
        report.timings["validate"] = time.perf_counter() - mark
        del raw
        report.lines_checked = lines.height
        report.rows_rejected = rejected.get_column("line_number").n_unique()
        report.claims = lines.get_column("claim_id").n_unique()
        report.incomplete_claims = incomplete.len()
        mark = time.perf_counter()
        bar.stage("loading edit tables")
        days = lines.get_column("dos").unique().sort().to_list()
        ctx, lines, warnings = prepare(engine, setting, lines)
        report.warnings = [*claim_file.warnings, *warnings]
        families = [*ROLE_FAMILIES[setting].values(), "hcpcs_record"]
        report.data_coverage = coverage(engine.store, families, days)
        report.checks_not_made = [
            f"{CHECKS_BY_ROLE[role]}: {c['why']}"
            for role, family in (*ROLE_FAMILIES[setting].items(), ("hcpcs", "hcpcs_record"))
            for c in report.data_coverage
            if c["family"] == family and c["state"] == "missing"
        ]
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
        counts: list[pl.DataFrame] = []
        worst: list[pl.DataFrame] = []
        held: list[pl.DataFrame] = []
        with replacing(out_path) as tmp, tmp.open("wb") as handle:
            for i, part in enumerate(parts):
                found = run_checks(ctx, part, incomplete=incomplete, held=held).with_columns(
                    claim_complete=~pl.col("claim_id").is_in(incomplete.implode())
                )
                neutralise(found.drop("row")).write_csv(handle, include_header=i == 0)
                counts.append(_tally(found))
                worst.append(_worst(found))
                bar.advance(part.height)
                parts[i] = part.clear()  # let the chunk go as soon as it is written
        report.timings["checks_and_write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        if errors_named or rejected.height:
            with replacing(errors_path) as tmp:
                neutralise(rejected).write_csv(tmp)
            report.errors_out = str(errors_path)
        report.timings["write_errors"] = time.perf_counter() - mark
    tally = pl.concat(counts)
    report.findings = int(tally.get_column("n").sum())
    report.by_severity = dict(tally.group_by("severity").agg(pl.col("n").sum()).iter_rows())
    report.by_rule = dict(sorted(tally.group_by("rule").agg(pl.col("n").sum()).iter_rows()))
    report.claims_by_rule = dict(
        sorted(tally.group_by("rule").agg(pl.col("claims").sum()).iter_rows())
    )
    names = {0: "deny", 1: "warn", 2: "info"}
    by_worst = pl.concat(worst).group_by("worst").agg(pl.col("len").sum())
    report.claims_by_severity = {
        names.get(int(k), "other"): int(n) for k, n in sorted(by_worst.iter_rows())
    }
    report.claims_by_severity["none"] = report.claims - sum(report.claims_by_severity.values())
    if held:
        withheld = pl.concat(held).group_by("rule").agg(pl.col("len").sum())
        report.withheld = dict(sorted((r, int(n)) for r, n in withheld.iter_rows()))
    report.clean = (
        report.findings == 0
        and report.rows_rejected == 0
        and not report.withheld
        and not report.checks_not_made
    )
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
    "default_paths",
    "read_claims",
    "scrub_file",
    "validate",
]
