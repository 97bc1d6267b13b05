"""The CMS file layouts clearclaim recognises, as data.

Each layout maps the columns of one store table to the header names CMS has
used for them over the years, after normalisation (lower case, runs of other
characters turned into ``_``, a leading year dropped): the current CMS names
("NON-FAC PE RVU"), the lower-case history layout ("non_fac_pe_rvu") and the
package renames. A header name given as ``re:...`` is a regular expression.
A file is recognised by the first layout whose required columns are all present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HCPCS_PATTERN = r"^[0-9A-Z]{4}[0-9A-Z]$"
MAC_PATTERN = r"^\d{4,5}$"


@dataclass(frozen=True)
class Layout:
    name: str
    table: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    key: str
    key_pattern: str = HCPCS_PATTERN
    numeric: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    #: a column naming the release of each row (stacked history files)
    release_column: str | None = None
    #: header names that must NOT be present (to tell look-alike layouts apart)
    excluded: tuple[str, ...] = ()
    #: columns a data row must fill (a row with an empty one is reported and skipped)
    not_null: tuple[str, ...] = ()
    #: numeric columns that cannot be below zero (units, GPCIs)
    non_negative: tuple[str, ...] = ()
    _compiled: dict[str, list[re.Pattern[str] | str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def match_header(self, normalised: list[str]) -> dict[str, int] | None:
        """Column positions for each table column found, or None if not this layout."""
        if any(name in normalised for name in self.excluded):
            return None
        positions: dict[str, int] = {}
        for column, accepted in self.columns.items():
            for pattern in accepted:
                index = _find(normalised, pattern, positions.values())
                if index is not None:
                    positions[column] = index
                    break
        if all(col in positions for col in self.required):
            if self.release_column and self.release_column in normalised:
                positions[self.release_column] = normalised.index(self.release_column)
            return positions
        return None


def _find(names: list[str], pattern: str, taken: object) -> int | None:
    taken_set = set(taken)  # type: ignore[call-overload]
    for i, name in enumerate(names):
        if i in taken_set:
            continue
        if pattern.startswith("re:"):
            if re.search(pattern[3:], name):
                return i
        elif name == pattern:
            return i
    return None


def normalise_header(text: str | None) -> str:
    value = re.sub(r"[^0-9a-z]+", "_", (text or "").lower()).strip("_")
    return re.sub(r"^(19|20)\d{2}_", "", value)


PFS_RVU = Layout(
    name="PFS relative value file",
    table="pfs_rvu",
    columns={
        "hcpcs": ("hcpcs", "hcpcs_code"),
        "modifier": ("mod", "modifier"),
        "description": ("description",),
        "status_code": ("status_code", "status"),
        "not_used_for_medicare": ("not_used_for_medicare_payment",),
        "work_rvu": ("work_rvu", "rvu_work"),
        "pe_rvu_non_facility": ("non_fac_pe_rvu", "non_facility_pe_rvu"),
        "na_non_facility": ("non_fac_na_indicator", "non_fac_indicator"),
        "pe_rvu_facility": ("facility_pe_rvu",),
        "na_facility": ("facility_na_indicator", "facility_indicator"),
        "mp_rvu": ("mp_rvu",),
        "total_non_facility": ("non_facility_total",),
        "total_facility": ("facility_total",),
        "pctc_indicator": ("pctc_ind", "pctc_indicator"),
        "global_days": ("glob_days", "global_days"),
        "pre_op": ("pre_op",),
        "intra_op": ("intra_op",),
        "post_op": ("post_op",),
        "mult_proc": ("mult_proc",),
        "bilat_surg": ("bilat_surg",),
        "asst_surg": ("asst_surg",),
        "co_surg": ("co_surg",),
        "team_surg": ("team_surg",),
        "pricing_indicator": ("pric_ind", "pricing_indicator"),
        "endo_base": ("endo_base",),
        "conversion_factor": ("conv_factor", "conversion_factor"),
        "supervision": ("physician_supervision_of_diagnostic_procedures",),
        "calculation_flag": ("calculation_flag",),
        "imaging_family": ("diagnostic_imaging_family_indicator",),
        "opps_pe_non_facility": ("non_facility_pe_used_for_opps_payment_amount",),
        "opps_pe_facility": ("facility_pe_used_for_opps_payment_amount",),
        "opps_mp": ("mp_used_for_opps_payment_amount",),
    },
    required=("hcpcs", "modifier", "status_code", "work_rvu", "mp_rvu", "pctc_indicator"),
    key="hcpcs",
    numeric=(
        "work_rvu",
        "pe_rvu_non_facility",
        "pe_rvu_facility",
        "mp_rvu",
        "total_non_facility",
        "total_facility",
        "pre_op",
        "intra_op",
        "post_op",
        "conversion_factor",
        "opps_pe_non_facility",
        "opps_pe_facility",
        "opps_mp",
    ),
    release_column="release",
)

GPCI = Layout(
    name="GPCI (Addendum E)",
    table="gpci",
    columns={
        "mac": ("medicare_administrative_contractor_mac", "mac", "contractor", "carrier"),
        "state": ("state",),
        "locality": ("locality_number", "locality"),
        "locality_name": ("locality_name",),
        "work_gpci": ("pw_gpci_with_1_0_floor", "gpci_work", "pw_gpci", "work_gpci"),
        "work_gpci_unfloored": ("pw_gpci_without_1_0_floor",),
        "pe_gpci": ("pe_gpci", "gpci_pe"),
        "mp_gpci": ("mp_gpci", "gpci_mp"),
    },
    required=("mac", "locality", "work_gpci", "pe_gpci", "mp_gpci"),
    key="mac",
    key_pattern=MAC_PATTERN,
    numeric=("work_gpci", "work_gpci_unfloored", "pe_gpci", "mp_gpci"),
    non_negative=("work_gpci", "pe_gpci", "mp_gpci"),
    release_column="release",
)

LOCALITY_COUNTY = Layout(
    name="locality and county file (LOCCO)",
    table="locality_county",
    columns={
        "mac": ("medicare_adminstrative_contractor", "medicare_administrative_contractor", "mac"),
        "locality": ("locality_number", "locality"),
        "state": ("state",),
        "fee_schedule_area": ("fee_schedule_area",),
        "counties": ("counties",),
    },
    required=("mac", "locality", "fee_schedule_area", "counties"),
    key="mac",
    key_pattern=MAC_PATTERN,
    release_column="release",
)

ANESTHESIA_CF = Layout(
    name="anesthesia conversion factors (ANES)",
    table="anesthesia_cf",
    columns={
        "mac": ("contractor", "mac"),
        "locality": ("locality",),
        "locality_name": ("locality_name",),
        "anesthesia_cf": (
            "anesthesia_conv_factor",
            "re:^(non_qualifying_apm_)?national_anes_cf",
        ),
        "anesthesia_cf_qualifying_apm": ("re:^qualifying_apm_national_anes_cf",),
    },
    required=("mac", "locality", "anesthesia_cf"),
    key="mac",
    key_pattern=MAC_PATTERN,
    numeric=("anesthesia_cf", "anesthesia_cf_qualifying_apm"),
    release_column="release",
)

ZIP_LOCALITY = Layout(
    name="ZIP code to locality file (ZIP5)",
    table="zip_locality",
    columns={
        "state": ("state",),
        "zip5": ("zip_code", "zip5", "zip"),
        "carrier": ("carrier",),
        "locality": ("pricing_locality", "locality"),
        # the CSV names, then the ZIP5 workbook's (ZIP5_JAN2026.xlsx: "PLUS 4 FLAG", "YEAR/QTR")
        "rural_indicator": ("rural_indicator", "rural_ind"),
        "lab_cb_locality": ("bene_lab_cb_locality", "lab_cb_locality"),
        "rural_indicator_2": ("rural_indicator2", "rural_indicator_2", "rural_ind2"),
        "plus_four_flag": ("plus_four_flag", "plus_4_flag"),
        "part_b_payment_indicator": ("part_b_payment_indicator", "part_b_drug_indicator"),
        "year_quarter": ("year_quarter", "year_qtr"),
    },
    required=("zip5", "carrier", "locality"),
    not_null=("carrier", "locality"),
    key="zip5",
    key_pattern=r"^\d{5}$",
)

CONVERSION_FACTOR = Layout(
    name="conversion factor history",
    table="conversion_factor",
    columns={
        "date_start": ("date_start",),
        "date_end": ("date_end",),
        "conversion_factor": ("cf", "conversion_factor", "conv_factor"),
    },
    required=("date_start", "date_end", "conversion_factor"),
    key="date_start",
    key_pattern=r"^\d{4}-\d{2}-\d{2}$",
    numeric=("conversion_factor",),
    excluded=("hcpcs",),
)

OPPSCAP = Layout(
    name="OPPS cap file (OPPSCAP)",
    table="oppscap",
    columns={
        "hcpcs": ("hcpcs",),
        "modifier": ("mod", "modifier"),
        "procstat": ("procstat",),
        "carrier": ("carrier",),
        "locality": ("locality",),
        "facility_price": ("facility_price",),
        "non_facility_price": ("non_facilty_price", "non_facility_price"),
    },
    required=("hcpcs", "procstat", "carrier", "locality", "facility_price"),
    key="hcpcs",
    numeric=("facility_price", "non_facility_price"),
    release_column="release",
)

PTP = Layout(
    name="NCCI procedure-to-procedure edits",
    table="ptp",
    columns={
        "column_1": ("column_1", "column1", "col_1"),
        "column_2": ("column_2", "column2", "col_2"),
        "prior_1996": ("re:prior_to_1996",),
        "effective_date": ("re:^effective_date",),
        "deletion_date": ("deletion", "re:^deletion_date"),
        "modifier_indicator": ("modifier", "re:^modifier_0"),
        "rationale": ("rationale", "ptp_edit_rationale"),
    },
    required=("column_1", "column_2", "deletion_date", "modifier_indicator"),
    key="column_1",
    not_null=("column_2", "modifier_indicator"),
)

MUE = Layout(
    name="NCCI medically unlikely edits",
    table="mue",
    columns={
        "hcpcs": ("hcpcs_code", "hcpcs_cpt_code", "hcpcs"),
        "mue_units": ("mue_units", "re:mue_values$"),
        "mai": ("mue_mai", "re:^mue_adjudication_indicator"),
        "rationale": ("mue_rationale",),
        "service": ("mue_service",),
    },
    required=("hcpcs", "mue_units", "mai"),
    key="hcpcs",
    integer=("mue_units",),
    not_null=("mue_units", "mai"),
    non_negative=("mue_units",),
)

AOC = Layout(
    name="NCCI add-on code edits",
    table="aoc",
    columns={
        "edit_type": ("aoc_edit_type",),
        "add_on_code": ("add_on_code",),
        "add_on_deletion_date": ("aoc_deldt",),
        "primary_code": ("primary_code",),
        "primary_deletion_date": ("primary_code_deldt",),
        "effective_date": ("aoc_edit_effdt",),
        "deletion_date": ("aoc_edit_deldt",),
        "notes": ("special_instruction_notes",),
    },
    required=("edit_type", "add_on_code", "primary_code"),
    key="add_on_code",
    not_null=("primary_code",),
)

HCPCS_RECORD = Layout(
    name="HCPCS Level II record",
    table="hcpcs_record",
    columns={
        "hcpcs": ("hcpcs_code",),
        "pricing": ("price",),
        "multiple_pricing": ("multi",),
        "coverage": ("cov",),
        "betos": ("betos",),
        "type_of_service": ("tos",),
        "action": ("action",),
        "cim": ("cim",),
        "mcm": ("mcm",),
        "statute": ("statute",),
        "lab_certification": ("lab",),
        "xref": ("xref",),
        "asc_group": ("asc_grp",),
        "processing_note": ("proc",),
        "anesthesia_base": ("anes",),
        "termination_date": ("date_term",),
        "added_date": ("date_added",),
        "asc_date": ("date_asc",),
        "action_date": ("date_action",),
    },
    required=("hcpcs", "pricing", "coverage", "betos", "type_of_service"),
    key="hcpcs",
)

HCPCS_DESCRIPTION = Layout(
    name="HCPCS Level II descriptions",
    table="hcpcs_description",
    columns={
        "hcpcs": ("hcpcs_code",),
        "kind": ("hcpcs_desc_type",),
        "description": ("hcpcs_description",),
    },
    required=("hcpcs", "kind", "description"),
    key="hcpcs",
)

HCPCS_NOC = Layout(
    name="HCPCS Level II NOC codes",
    table="hcpcs_noc",
    columns={
        "hcpcs": ("hcpcs",),
        "long_description": ("long_description",),
        "added_date": ("add_date",),
        "termination_date": ("term_date",),
    },
    required=("hcpcs", "long_description", "added_date"),
    key="hcpcs",
)

RBCS = Layout(
    name="Restructured BETOS classification",
    table="rbcs",
    columns={
        "hcpcs": ("hcpcs_code", "hcpcs_cd"),
        "procedure_class": ("rbcs_procedure", "rbcs_major_ind"),
        "category": ("rbcs_category", "rbcs_cat_desc"),
        "subcategory": ("rbcs_subcategory", "rbcs_subcat_desc"),
        "family": ("rbcs_family", "rbcs_family_desc"),
        "hcpcs_added": ("hcpcs_date_added", "hcpcs_cd_add_dt"),
        "hcpcs_ended": ("hcpcs_date_ended", "hcpcs_cd_end_dt"),
        "rbcs_effective": ("rbcs_date_effective", "rbcs_assignment_eff_dt"),
    },
    required=("hcpcs", "category", "subcategory"),
    key="hcpcs",
)

PLACE_OF_SERVICE = Layout(
    name="place of service codes",
    table="place_of_service",
    columns={
        "pos_code": ("pos_code",),
        "pos_type": ("pos_type",),
        "name": ("pos_name",),
        "description": ("pos_description",),
    },
    required=("pos_code", "name"),
    key="pos_code",
    key_pattern=r"^\d{1,2}$",
)

OPPS_RATE = Layout(
    name="OPPS Addendum B",
    table="opps_rate",
    columns={
        "hcpcs": ("hcpcs_code", "hcpcs"),
        "short_descriptor": ("short_descriptor",),
        "status_indicator": ("si", "status_indicator"),
        "apc": ("apc",),
        "relative_weight": ("relative_weight",),
        "payment_rate": ("payment_rate",),
        "national_copayment": ("national_unadjusted_copayment",),
        "minimum_copayment": ("minimum_unadjusted_copayment",),
        "note": ("note",),
    },
    required=("hcpcs", "status_indicator", "apc", "payment_rate"),
    key="hcpcs",
    numeric=("relative_weight", "payment_rate"),
)

ASC_RATE = Layout(
    name="ASC Addendum AA",
    table="asc_rate",
    columns={
        "hcpcs": ("hcpcs_code", "hcpcs"),
        "short_descriptor": ("short_descriptor",),
        "payment_indicator": ("re:payment_indicator$",),
        "multiple_procedure_discount": ("re:multiple_procedure_discounting",),
        "payment_weight": ("re:payment_weight$",),
        "payment_rate": ("re:payment_rate$",),
    },
    required=("hcpcs", "payment_indicator", "payment_rate"),
    key="hcpcs",
    numeric=("payment_weight", "payment_rate"),
    excluded=("si", "apc"),
)

RVU_RELEASE_INDEX = Layout(
    name="RVU release index",
    table="rvu_release_index",
    columns={
        "year": ("year",),
        "file": ("file",),
        "date_start": ("date_start",),
        "date_end": ("date_end",),
        "description": ("description",),
        "url": ("url",),
    },
    required=("year", "file", "url"),
    key="file",
    key_pattern=r"^RVU\d{2}",
)

RVU_RELEASE_CONTENTS = Layout(
    name="RVU release contents",
    table="rvu_release_contents",
    columns={
        "file": ("file_html",),
        "date_effective": ("date_effective",),
        "last_updated": ("last_updated",),
        "zip_link": ("zip_link",),
        "sub_files": ("sub_files",),
    },
    required=("file", "zip_link", "sub_files"),
    key="file",
    key_pattern=r"^RVU\d{2}",
)

#: most specific first: the first layout whose required columns match wins
LAYOUTS: tuple[Layout, ...] = (
    PFS_RVU,
    OPPSCAP,
    GPCI,
    LOCALITY_COUNTY,
    ANESTHESIA_CF,
    ZIP_LOCALITY,
    PTP,
    MUE,
    AOC,
    HCPCS_RECORD,
    HCPCS_DESCRIPTION,
    HCPCS_NOC,
    RBCS,
    PLACE_OF_SERVICE,
    OPPS_RATE,
    ASC_RATE,
    RVU_RELEASE_INDEX,
    RVU_RELEASE_CONTENTS,
    CONVERSION_FACTOR,
)
