"""``clearclaim code`` (one page per code) and ``clearclaim search``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from clearclaim.cli._shell import handle_errors, parse_date_option


@handle_errors
def code_command(
    code: Annotated[
        str, typer.Argument(metavar="CODE", help="A CPT or HCPCS code, e.g. 76000 or G0260.")
    ],
    date_of_service: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="Date of service, YYYY-MM-DD (default today)."
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option(metavar="LANG", help="Language: en es zh ru ar vi fr de ko tl.")
    ] = "en",
    zip_code: Annotated[
        str | None, typer.Option("--zip", metavar="ZIP", help="ZIP code for payment, e.g. 10001.")
    ] = None,
    locality: Annotated[
        str | None,
        typer.Option(metavar="MAC-LL", help="Payment locality as MAC-LL, e.g. 01112-05."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", metavar="", help="Print the page as JSON.")
    ] = False,
    as_md: Annotated[
        bool, typer.Option("--md", metavar="", help="Print the page as Markdown.")
    ] = False,
    as_html: Annotated[
        bool, typer.Option("--html", metavar="", help="Print the page as HTML.")
    ] = False,
) -> None:
    """One page about a code: descriptor, RVUs, payment by site, rank, rules, history.

    Example: clearclaim code 77003 --date 2026-07-15 --zip 10001
    """
    from clearclaim import Checker, render_markdown

    day = parse_date_option(date_of_service)
    with Checker.open() as checker:
        page = checker.code_page(code, day=day, lang=lang, zip_code=zip_code, locality=locality)
    if as_json:
        typer.echo(json.dumps(page, indent=2, ensure_ascii=False, default=str))
        return
    if as_html:
        # the web app's code page, as one standalone document (head, charset, title,
        # the stylesheet inline)
        from clearclaim import render_code_page_html

        typer.echo(render_code_page_html(page, page.get("language")))
        return
    text = render_markdown(page)
    if as_md or not sys.stdout.isatty():
        typer.echo(text)  # piped output stays plain Markdown
        return
    from rich.console import Console
    from rich.markdown import Markdown

    # Markdown is rendered, not read as Rich markup: "[/cyan]" in a page is text
    Console().print(Markdown(text))


@handle_errors
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help='Words, a code, or a code range, e.g. "c-arm guidance" or 7700*.'
        ),
    ],
    limit: Annotated[
        int, typer.Option(min=1, max=500, metavar="N", help="How many results (1-500).")
    ] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", metavar="", help="Print results as JSON.")
    ] = False,
) -> None:
    """Find codes by words (typos forgiven), code or code range.

    Example: clearclaim search "arthrogram knee" --limit 5
    """
    from clearclaim import Checker

    with Checker.open() as checker:
        hits = checker.search(query, limit=limit)
    if as_json:
        typer.echo(json.dumps([hit.model_dump(mode="json") for hit in hits], indent=2))
        return
    if not hits:
        typer.echo("no matching codes")
        return
    typer.echo(f"{'code':<6} {'descriptor':<34} {'words':>5} {'score':>8}")
    for hit in hits:
        descriptor = hit.descriptor or ""
        if hit.deleted:
            ended = f", valid through {hit.last_valid}" if hit.last_valid else ""
            successor = f", replaced by {hit.successor}" if hit.successor else ""
            descriptor = f"{descriptor} (deleted{ended}{successor})".strip()
        matched = f"{hit.matched}/{hit.words}"
        typer.echo(f"{hit.code:<6} {descriptor:<34} {matched:>5} {hit.score:8.2f}")
    typer.echo(f"score: {hits[0].score_meaning}")
