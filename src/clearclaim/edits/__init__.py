"""Claim edits driven by the CMS files in the store and each line's date of service.

NCCI procedure-to-procedure (PTP) edits, medically unlikely edits (MUE),
add-on code edits, PC/TC modifier rules and code status, each finding a value
with its rule, source and what to do. One claim at a time in-process
(``EditEngine.check``, ``check_claim``) or a whole file vectorised
(``EditEngine.scrub``); the rules, modifiers and indicator meanings are YAML
data in ``data/``.
"""

from clearclaim.edits.engine import EditEngine, check_claim, engine_for
from clearclaim.edits.models import ClaimCheck, ClaimLine, Finding, PairLookup, PtpEdit

__all__ = [
    "ClaimCheck",
    "ClaimLine",
    "EditEngine",
    "Finding",
    "PairLookup",
    "PtpEdit",
    "check_claim",
    "engine_for",
]
