"""Which data families a check used, and how each answered the date of service."""

from __future__ import annotations

from datetime import date

from clearclaim.models import DataCoverage
from clearclaim.store import Store

#: the families a check reads, by claim type; the facility rate table by POS
_EDIT_FAMILIES = {
    "professional": ("ptp_practitioner", "mue_practitioner", "aoc"),
    "facility": ("ptp_outpatient_hospital", "mue_outpatient_hospital", "aoc"),
}
# the conversion factor of a date comes with its RVU release (the file carries it)
_PRICING_FAMILIES = ("pfs_rvu", "gpci")
_FACILITY_RATES = {"19": "opps_rate", "22": "opps_rate", "24": "asc_rate"}


def data_coverage(store: Store, setting: str, pos: str, day: date) -> list[DataCoverage]:
    """One entry per family the check used: ``in_force``, ``nearest`` or ``missing``."""
    families = [*_EDIT_FAMILIES.get(setting, _EDIT_FAMILIES["professional"]), *_PRICING_FAMILIES]
    if pos in _FACILITY_RATES:
        families.append(_FACILITY_RATES[pos])
    return [store.coverage(family, day) for family in families]
