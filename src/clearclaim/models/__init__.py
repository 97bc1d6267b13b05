"""Values that cross boundaries: what every shell shows and every test reads.

Nothing here imports another clearclaim package: every layer may use these.
"""

from clearclaim.models.data import DataCoverage, DataWarning, ReleaseInfo, Source
from clearclaim.models.finding import SEVERITY_ORDER, Effect, Finding, RuleKind, Severity
from clearclaim.models.report import (
    DenialRisk,
    Documentation,
    DocumentationGap,
    NoteSummary,
    Payment,
    Quote,
    Report,
    ReportLine,
    RequestSummary,
    SuppressedCode,
)

__all__ = [
    "SEVERITY_ORDER",
    "DataCoverage",
    "DataWarning",
    "DenialRisk",
    "Documentation",
    "DocumentationGap",
    "Effect",
    "Finding",
    "NoteSummary",
    "Payment",
    "Quote",
    "ReleaseInfo",
    "Report",
    "ReportLine",
    "RequestSummary",
    "RuleKind",
    "Severity",
    "Source",
    "SuppressedCode",
]
