"""``clearclaim code`` (one page per code) and ``clearclaim search``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from clearclaim.cli._shell import handle_errors, open_store, parse_date_option


@handle_errors
def code_command(
    code: Annotated[str, typer.Argument(help="A CPT or HCPCS code, e.g. 76000.")],
    date_of_service: Annotated[
        str | None, typer.Option("--date", help="Date of service, YYYY-MM-DD (default today).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language: en es zh ru ar vi fr de ko tl.")] = "en",
    zip_code: Annotated[str | None, typer.Option("--zip", help="ZIP code for payment.")] = None,
    locality: Annotated[str | None, typer.Option(help="Locality as MAC-LL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the page as JSON.")] = False,
    as_md: Annotated[bool, typer.Option("--md", help="Print the page as Markdown.")] = False,
    as_html: Annotated[bool, typer.Option("--html", help="Print the page as HTML.")] = False,
) -> None:
    """One page about a code: descriptor, RVUs, payment by site, rank, rules, history."""
    from clearclaim.i18n import normalize_language
    from clearclaim.reference.page import code_page

    language = normalize_language(lang)
    store = open_store()
    page = code_page(
        store,
        code,
        day=parse_date_option(date_of_service),
        lang=language,
        zip_code=zip_code,
        locality=locality,
    )
    if as_json:
        typer.echo(json.dumps(page, indent=2, ensure_ascii=False, default=str))
        return
    from clearclaim.reference.render import render_html, render_markdown

    if as_html:
        typer.echo(render_html(page, language))
        return
    text = render_markdown(page, language)
    if as_md or not sys.stdout.isatty():
        typer.echo(text)  # piped output stays plain Markdown
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(text))


@handle_errors
def search_command(
    query: Annotated[str, typer.Argument(help="Words, a code, or a code range such as 7700*.")],
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Find codes by words (typos forgiven), code or code range."""
    from clearclaim.reference.search import as_json as hits_json
    from clearclaim.reference.search import search

    store = open_store()
    hits = search(store, query, limit=limit)
    if as_json:
        typer.echo(json.dumps(hits_json(hits), indent=2))
        return
    if not hits:
        typer.echo("no matching codes")
        return
    for hit in hits:
        typer.echo(f"{hit.code}  {hit.descriptor or '':<32}  {hit.score:8.2f}")
