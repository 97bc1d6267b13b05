"""``clearclaim rules``: every rule a finding can carry, from the one registry."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from clearclaim.cli._shell import console, handle_errors, print_json


@handle_errors
def rules_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the rules as JSON.")] = False,
    kind: Annotated[
        str | None,
        typer.Option(help="Only rules of this kind: policy, documentation, ptp, mue, ..."),
    ] = None,
) -> None:
    """List every rule: ID, kind, severity, effect on the claim, dates and sources.

    Example: clearclaim rules --kind policy
    """
    from clearclaim import Checker

    rules = Checker.rule_list()
    if kind:
        rules = [r for r in rules if r["kind"] == kind]
    if as_json:
        print_json(rules)
        return
    table = Table("ID", "kind", "severity", "effect", "effective", "title", "sources")
    for rule in rules:
        dates = f"{rule['effective_start']} to {rule['effective_end'] or 'open'}"
        table.add_row(
            rule["id"],
            rule["kind"],
            rule["severity"],
            rule["effect"],
            dates,
            escape(rule["title"]),
            str(len(rule["sources"])),
        )
    console.print(table)
