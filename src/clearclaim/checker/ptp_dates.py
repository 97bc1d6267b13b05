"""Whether a PTP edit applies to an old date of service.

The shipped PTP files have no effective dates (their source dropped the
column), so for a date long before the release an edit may not have existed.
"""

from __future__ import annotations

from datetime import date

from clearclaim.models import Finding

#: an edit is taken as in force up to a year before the release started, or up
#: to a year before its own deletion date; further back it is a risk, not applied
PTP_LOOKBACK_DAYS = 366


def ptp_deletion(finding: Finding) -> date | None:
    """The edit row's deletion date (its source row reads col1,col2,deletion,modifier)."""
    row = finding.sources[0].row if finding.sources else None
    parts = (row or "").split(",")
    try:
        deleted = date.fromisoformat(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return None
    return None if deleted is None or deleted.year == 9999 else deleted


def unconfirmed_ptp(finding: Finding, day: date) -> bool:
    """A PTP edit that the file cannot show was in force on the date of service.

    The file has no effective dates: an edit counts as in force within a year
    before the release started, or within a year before its own deletion date
    (it existed then); further back it is reported as a risk, not applied.
    """
    if not finding.rule_id.startswith("PTP") or not finding.sources:
        return False
    start = finding.sources[0].effective_start
    if start is None or (start - day).days <= PTP_LOOKBACK_DAYS:
        return False
    deleted = ptp_deletion(finding)
    return not (deleted is not None and 0 <= (deleted - day).days <= PTP_LOOKBACK_DAYS)
