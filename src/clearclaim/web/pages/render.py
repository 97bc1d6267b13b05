"""The Jinja2 environment of the pages: the language, its labels, its numbers.

Each page is rendered in one language: labels through the gettext catalogs
(``_("...")`` in a template; the msgids are listed in ``web/messages.py`` so the
catalog tools find them), amounts and dates written as the locale writes
them (Babel), and ``dir="rtl"`` for Arabic. The choice comes from ``?lang=``,
else the ``lang`` cookie the selector set, else English.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from clearclaim import LANGUAGES, ClearclaimError, get_language, gettext_for, normalize_language

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
LANG_COOKIE = "lang"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["LANGUAGES"] = LANGUAGES
    return env


def language_of(request: Request) -> str:
    """``?lang=`` (kept in a cookie by the response), else the cookie, else English."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value:
            try:
                return normalize_language(value)
            except ClearclaimError:
                continue
    return "en"


def formatters(lang: str) -> dict[str, Any]:
    locale = get_language(lang).babel_locale

    def money(value: Any) -> str:
        if value is None or value == "":
            return "–"
        return format_currency(float(value), "USD", locale=locale)

    def number(value: Any, digits: int = 2) -> str:
        if value is None or value == "":
            return "–"
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(float(value), format=pattern, locale=locale)

    def day(value: Any) -> str:
        if not value:
            return "–"
        try:
            parsed = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
        return format_date(parsed, format="medium", locale=locale)

    return {"money": money, "number": number, "day": day}


def context_for(request: Request, lang: str, **values: Any) -> dict[str, Any]:
    language = get_language(lang)
    translate = gettext_for(lang)

    def english(text: Any) -> Markup:
        """Text that is English whatever the page language (rule messages, CMS text)."""
        if lang == "en":
            return Markup.escape(text)
        return Markup('<span lang="en" dir="ltr">{}</span>').format(text)

    return {
        "request": request,
        "lang": lang,
        "language": language,
        "dir": language.direction,
        "_": translate,
        "en": english,
        "path": request.url.path,
        **formatters(lang),
        **values,
    }


def render(
    request: Request, template: str, lang: str, *, status: int = 200, **values: Any
) -> HTMLResponse:
    html = environment().get_template(template).render(context_for(request, lang, **values))
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def error_page(request: Request, problem: dict[str, Any]) -> HTMLResponse:
    lang = language_of(request)
    partial = request.headers.get("hx-request") == "true"
    return render(
        request,
        "_error.html" if partial else "error.html",
        lang,
        status=problem["status"],
        problem=problem,
    )
