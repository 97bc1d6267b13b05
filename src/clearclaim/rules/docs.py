"""Generate docs/rules.md from the rule files: ``python -m clearclaim.rules.docs [OUT]``.

The page is generated, never edited by hand; a test checks it is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clearclaim.rules.loader import Citation, Rule, RuleSet, default_rules

HEADER = """# Policy rules

Generated from `src/clearclaim/rules/data/*.yaml` by
`python -m clearclaim.rules.docs docs/rules.md`; do not edit by hand.

Severity: **deny** (the line must not go out as it is), **warn** (a risk or a
documentation gap to fix), **info** (a note for the coder). Codes written as
`@name` are lists in `code_lists.yaml`.
"""


def _cite(c: Citation) -> str:
    text = c.source
    if c.section:
        text += f" — {c.section}"
    if c.url:
        text += f" (<{c.url}>)"
    return text


def _rule_md(rule: Rule, fname: str) -> list[str]:
    eff = f"{rule.effective.from_}" + (f" to {rule.effective.to}" if rule.effective.to else " on")
    lines = [
        f"## {rule.id} `{rule.name}`",
        "",
        f"**{rule.title}** — severity **{rule.severity}**, effective {eff}, "
        f"file `{fname}`, codes {', '.join(f'`{c}`' for c in rule.applies_to)}.",
        "",
        " ".join(rule.message.split()),
        "",
        f"*What to do:* {' '.join(rule.action.split())}",
        "",
    ]
    if rule.requirements:
        lines.append("| codes | gap kind | why |")
        lines.append("| --- | --- | --- |")
        for req in rule.requirements:
            why = req.why or (req.sense or "").replace("_", " ")
            lines.append(f"| {', '.join(req.codes)} | {req.gap_kind} | {why} |")
        lines.append("")
    if rule.uncertainty:
        lines += [f"*Unsure or disputed:* {' '.join(rule.uncertainty.split())}", ""]
    lines.append("Sources:")
    lines += [f"- {_cite(c)}" for c in rule.citations]
    lines.append("")
    return lines


def render(ruleset: RuleSet | None = None) -> str:
    rs = ruleset or default_rules()
    out = [HEADER, "| ID | name | severity | title |", "| --- | --- | --- | --- |"]
    out += [
        f"| [{r.id}](#{r.id.lower()}-{r.name.replace('.', '')}) | `{r.name}` | "
        f"{r.severity} | {r.title} |"
        for r in rs.rules
    ]
    out.append("")
    for rule in rs.rules:
        out += _rule_md(rule, rs.files.get(rule.id, ""))
    out += ["## Code lists", ""]
    for name, lst in rs.code_lists.items():
        codes = ", ".join(
            c.code + (f" ({c.from_ or ''}–{c.to or ''})" if c.from_ or c.to else "")
            for c in lst.codes
        )
        runs = ", ".join(f"{r.from_}-{r.to}" for r in lst.ranges)
        listed = "; ".join(part for part in (codes, runs and f"ranges {runs}") if part)
        out += [f"### `@{name}`", "", lst.title + ".", "", listed, "", "Sources:"]
        out += [f"- {_cite(c)}" for c in lst.citations]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
