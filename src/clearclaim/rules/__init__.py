"""Policy rules as data: fluoroscopy coding (FLU), modifiers (MOD), documentation (DOC).

``default_rules()`` loads and validates ``rules/data/*.yaml`` once;
``documentation_gaps(analysis, codes, date)`` turns a note analysis into the
report's documentation part. The generic rule engine that evaluates ``when``
conditions on a claim is not here yet; each rule has a case file in
``tests/rules/cases`` for it.
"""

from clearclaim.rules.documentation import (
    DocumentationGap,
    DocumentationReport,
    documentation_gaps,
)
from clearclaim.rules.loader import CodeList, Rule, RuleSet, default_rules, load_rules

__all__ = [
    "CodeList",
    "DocumentationGap",
    "DocumentationReport",
    "Rule",
    "RuleSet",
    "default_rules",
    "documentation_gaps",
    "load_rules",
]
