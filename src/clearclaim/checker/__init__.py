"""The main job: a procedure note and intended codes in, a report out.

``check(store, context)`` is pure (nothing written, nothing logged); the CLI,
REST and FHIR shells call it and render its :class:`Report`.
"""

from clearclaim.checker.models import ClaimContext, IntendedLine, parse_codes
from clearclaim.checker.run import check
from clearclaim.models import Report

__all__ = ["ClaimContext", "IntendedLine", "Report", "check", "parse_codes"]
