"""Policy rules as data: fluoroscopy coding (FLU), modifiers (MOD), documentation (DOC).

``default_rules()`` loads and validates ``rules/data/*.yaml`` once;
``documentation_gaps(analysis, codes, date)`` turns a note analysis into the
report's documentation part; ``engine.RuleEngine`` applies the rules' ``when``
conditions and outcomes to a claim. Each rule has a case file in
``tests/rules/cases``, run through the engine by one generic test.
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
