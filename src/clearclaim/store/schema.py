"""The store's tables, as data.

Every CMS row carries the release it came from (``release_id``, a small
integer that keeps the big edit tables compact); the ``releases`` table gives
each id its readable key (``ptp_practitioner:2024-07-01``), its source file
and its effective date range. Types are the portable subset that SQLite
and PostgreSQL both accept (TEXT, INTEGER, REAL); dates are ISO text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    primary_key: tuple[str, ...] = ()
    #: what this table holds, shown by ``data status``
    about: str = ""
    #: columns that rows from a CMS file fill (all but release_id)
    data_columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "data_columns", tuple(c for c, _ in self.columns if c != "release_id")
        )

    def create_sql(self) -> list[str]:
        cols = ", ".join(f"{name} {kind}" for name, kind in self.columns)
        if self.primary_key:
            cols += f", PRIMARY KEY ({', '.join(self.primary_key)})"
        statements = [f"CREATE TABLE IF NOT EXISTS {self.name} ({cols})"]
        for i, index in enumerate(self.indexes):
            statements.append(
                f"CREATE INDEX IF NOT EXISTS ix_{self.name}_{i} ON {self.name} ({', '.join(index)})"
            )
        return statements


T, R, I = "TEXT", "REAL", "INTEGER"  # noqa: E741 - short aliases keep the table list readable

META_TABLES: tuple[Table, ...] = (
    Table(
        "store_meta",
        (("key", T), ("value", T)),
        primary_key=("key",),
    ),
    Table(
        "source_files",
        (
            ("sha256", T),
            ("path", T),
            ("name", T),
            ("size_bytes", I),
            ("family", T),
            ("imported_at", T),
            ("rows_read", I),
            ("rows_imported", I),
            ("rows_rejected", I),
            ("notes_skipped", I),
        ),
        primary_key=("sha256",),
        about="every file imported, by content hash (re-importing an unchanged file is a no-op)",
    ),
    Table(
        "releases",
        (
            ("release_key", T),
            ("release_id", I),
            ("family", T),
            ("label", T),
            ("effective_start", T),
            ("effective_end", T),
            ("source_sha256", T),
            ("source_name", T),
            ("imported_at", T),
            ("row_count", I),
            ("data_table", T),
            ("detail", T),
        ),
        indexes=(("family", "effective_start"),),
        primary_key=("release_key",),
    ),
    Table(
        "row_errors",
        (
            ("source_sha256", T),
            ("source_name", T),
            ("line", I),
            ("field", T),
            ("value", T),
            ("message", T),
        ),
        indexes=(("source_sha256",),),
    ),
)

DATA_TABLES: tuple[Table, ...] = (
    Table(
        "pfs_rvu",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("modifier", T),
            ("description", T),
            ("status_code", T),
            ("not_used_for_medicare", T),
            ("work_rvu", R),
            ("pe_rvu_non_facility", R),
            ("na_non_facility", T),
            ("pe_rvu_facility", R),
            ("na_facility", T),
            ("mp_rvu", R),
            ("total_non_facility", R),
            ("total_facility", R),
            ("pctc_indicator", T),
            ("global_days", T),
            ("pre_op", R),
            ("intra_op", R),
            ("post_op", R),
            ("mult_proc", T),
            ("bilat_surg", T),
            ("asst_surg", T),
            ("co_surg", T),
            ("team_surg", T),
            ("pricing_indicator", T),
            ("endo_base", T),
            ("conversion_factor", R),
            ("supervision", T),
            ("calculation_flag", T),
            ("imaging_family", T),
            ("opps_pe_non_facility", R),
            ("opps_pe_facility", R),
            ("opps_mp", R),
        ),
        indexes=(("release_id", "hcpcs", "modifier"), ("hcpcs",)),
        about="PFS national relative value file (PPRRVU)",
    ),
    Table(
        "gpci",
        (
            ("release_id", I),
            ("mac", T),
            ("state", T),
            ("locality", T),
            ("locality_name", T),
            ("work_gpci", R),
            ("work_gpci_unfloored", R),
            ("pe_gpci", R),
            ("mp_gpci", R),
        ),
        indexes=(("release_id", "mac", "locality"),),
        about="geographic practice cost indices by MAC and locality (Addendum E)",
    ),
    Table(
        "locality_county",
        (
            ("release_id", I),
            ("mac", T),
            ("locality", T),
            ("state", T),
            ("fee_schedule_area", T),
            ("counties", T),
        ),
        indexes=(("release_id", "mac", "locality"),),
        about="counties included in each payment locality (LOCCO)",
    ),
    Table(
        "zip_locality",
        (
            ("release_id", I),
            ("state", T),
            ("zip5", T),
            ("carrier", T),
            ("locality", T),
            ("rural_indicator", T),
            ("lab_cb_locality", T),
            ("rural_indicator_2", T),
            ("plus_four_flag", T),
            ("part_b_payment_indicator", T),
            ("year_quarter", T),
        ),
        indexes=(("release_id", "zip5"),),
        about="ZIP code to carrier and pricing locality (ZIP5)",
    ),
    Table(
        "conversion_factor",
        (
            ("release_id", I),
            ("date_start", T),
            ("date_end", T),
            ("conversion_factor", R),
        ),
        about="PFS conversion factor history",
    ),
    Table(
        "anesthesia_cf",
        (
            ("release_id", I),
            ("mac", T),
            ("locality", T),
            ("locality_name", T),
            ("anesthesia_cf", R),
            ("anesthesia_cf_qualifying_apm", R),
        ),
        indexes=(("release_id", "mac", "locality"),),
        about="anesthesia conversion factors by locality (ANES)",
    ),
    Table(
        "oppscap",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("modifier", T),
            ("procstat", T),
            ("carrier", T),
            ("locality", T),
            ("facility_price", R),
            ("non_facility_price", R),
        ),
        indexes=(("release_id", "hcpcs", "modifier", "carrier", "locality"),),
        about="OPPS-capped PFS payment amounts (OPPSCAP)",
    ),
    Table(
        "ptp",
        (
            ("release_id", I),
            ("column_1", T),
            ("column_2", T),
            ("prior_1996", T),
            ("effective_date", T),
            ("deletion_date", T),
            ("modifier_indicator", T),
            ("rationale", T),
        ),
        indexes=(("release_id", "column_1", "column_2"), ("release_id", "column_2")),
        about="NCCI procedure-to-procedure edits",
    ),
    Table(
        "mue",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("mue_units", I),
            ("mai", T),
            ("rationale", T),
        ),
        indexes=(("release_id", "hcpcs"),),
        about="NCCI medically unlikely edits",
    ),
    Table(
        "aoc",
        (
            ("release_id", I),
            ("edit_type", T),
            ("add_on_code", T),
            ("add_on_deletion_date", T),
            ("primary_code", T),
            ("primary_deletion_date", T),
            ("effective_date", T),
            ("deletion_date", T),
            ("notes", T),
        ),
        indexes=(("release_id", "add_on_code"), ("release_id", "primary_code")),
        about="NCCI add-on code edits",
    ),
    Table(
        "hcpcs_record",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("pricing", T),
            ("multiple_pricing", T),
            ("coverage", T),
            ("betos", T),
            ("type_of_service", T),
            ("action", T),
            ("cim", T),
            ("mcm", T),
            ("statute", T),
            ("lab_certification", T),
            ("xref", T),
            ("asc_group", T),
            ("processing_note", T),
            ("anesthesia_base", T),
            ("termination_date", T),
            ("added_date", T),
            ("asc_date", T),
            ("action_date", T),
        ),
        indexes=(("release_id", "hcpcs"),),
        about="HCPCS Level II record (pricing, coverage, dates)",
    ),
    Table(
        "hcpcs_description",
        (("release_id", I), ("hcpcs", T), ("kind", T), ("description", T)),
        indexes=(("release_id", "hcpcs"),),
        about="HCPCS Level II long and short descriptions",
    ),
    Table(
        "hcpcs_noc",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("long_description", T),
            ("added_date", T),
            ("termination_date", T),
        ),
        about="HCPCS Level II not-otherwise-classified codes",
    ),
    Table(
        "rbcs",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("procedure_class", T),
            ("category", T),
            ("subcategory", T),
            ("family", T),
            ("hcpcs_added", T),
            ("hcpcs_ended", T),
            ("rbcs_effective", T),
        ),
        indexes=(("release_id", "hcpcs"),),
        about="Restructured BETOS classification",
    ),
    Table(
        "place_of_service",
        (
            ("release_id", I),
            ("pos_code", T),
            ("pos_type", T),
            ("name", T),
            ("description", T),
        ),
        about="CMS place of service code set",
    ),
    Table(
        "opps_rate",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("short_descriptor", T),
            ("status_indicator", T),
            ("apc", T),
            ("relative_weight", R),
            ("payment_rate", R),
            ("national_copayment", T),
            ("minimum_copayment", T),
            ("note", T),
        ),
        indexes=(("release_id", "hcpcs"),),
        about="OPPS Addendum B: HCPCS to status indicator, APC and payment rate",
    ),
    Table(
        "asc_rate",
        (
            ("release_id", I),
            ("hcpcs", T),
            ("short_descriptor", T),
            ("payment_indicator", T),
            ("multiple_procedure_discount", T),
            ("payment_weight", R),
            ("payment_rate", R),
        ),
        indexes=(("release_id", "hcpcs"),),
        about="ASC Addendum AA: HCPCS to payment indicator and rate",
    ),
    Table(
        "rvu_release_index",
        (
            ("release_id", I),
            ("year", T),
            ("file", T),
            ("date_start", T),
            ("date_end", T),
            ("description", T),
            ("url", T),
        ),
        about="index of CMS PFS RVU release zips (name, dates, download address)",
    ),
    Table(
        "rvu_release_contents",
        (
            ("release_id", I),
            ("file", T),
            ("date_effective", T),
            ("last_updated", T),
            ("zip_link", T),
            ("sub_files", T),
        ),
        about="which inner files each PFS release zip held",
    ),
)

#: the user's procedure log (clearclaim log): append-only entries, their edit history,
#: the imports that brought them, provider settings and the user's benchmark tables.
#: No release_id: these rows are the user's, not CMS's; the log holds no note text.
LOG_TABLES: tuple[Table, ...] = (
    Table(
        "wrvu_log",
        (
            ("entry_id", I),
            ("date_of_service", T),
            ("code", T),
            ("modifiers", T),
            ("units", I),
            ("provider", T),
            ("pos", T),
            ("row_key", T),
            ("source", T),
            ("source_line", I),
            ("import_id", I),
            ("created_at", T),
            ("created_by", T),
        ),
        indexes=(("row_key",), ("provider", "date_of_service"), ("date_of_service",)),
        primary_key=("entry_id",),
        about="procedure log entries as first logged (never updated: see wrvu_log_history)",
    ),
    Table(
        "wrvu_log_history",
        (
            ("change_id", I),
            ("entry_id", I),
            ("changed_at", T),
            ("changed_by", T),
            ("action", T),
            ("field", T),
            ("old_value", T),
            ("new_value", T),
            ("reason", T),
        ),
        indexes=(("entry_id",),),
        primary_key=("change_id",),
        about="every edit and void of a log entry: who changed what, when",
    ),
    Table(
        "wrvu_imports",
        (
            ("import_id", I),
            ("file_name", T),
            ("sha256", T),
            ("imported_at", T),
            ("imported_by", T),
            ("rows_read", I),
            ("rows_added", I),
            ("rows_rejected", I),
            ("rows_duplicate", I),
        ),
        primary_key=("import_id",),
        about="procedure log imports (file, counts)",
    ),
    Table(
        "wrvu_providers",
        (
            ("provider", T),
            ("specialty", T),
            ("locality", T),
            ("zip_code", T),
            ("updated_at", T),
        ),
        primary_key=("provider",),
        about="per provider: specialty (for benchmarks) and payment locality",
    ),
    Table(
        "wrvu_benchmarks",
        (
            ("name", T),
            ("specialty", T),
            ("percentile", R),
            ("annual_wrvu", R),
            ("source_file", T),
            ("loaded_at", T),
        ),
        indexes=(("specialty",),),
        about="the user's wRVU benchmark table (specialty, percentile, annual wRVU)",
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (*META_TABLES, *DATA_TABLES, *LOG_TABLES)}
