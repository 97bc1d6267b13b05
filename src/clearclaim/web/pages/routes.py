"""The pages. Each reads its input, asks the Checker (through the API functions
the REST routes use) and renders a template; htmx asks for the partials."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from clearclaim import ClearclaimError
from clearclaim.web.api.models import CheckRequest
from clearclaim.web.api.routes import (
    add_uploads,
    audit_entries,
    checker_of,
    code_page_of,
    entry_rules,
    on_session,
    run_check,
    search_all,
)
from clearclaim.web.concepts import concept_page, concept_slugs
from clearclaim.web.pages.code import code_view, concept_prices
from clearclaim.web.pages.render import LANG_COOKIE, language_of, render
from clearclaim.web.pages.report import ELEMENT_LABELS, report_view
from clearclaim.web.problems import Problem, from_clearclaim
from clearclaim.web.uploads import read_limited

router = APIRouter(include_in_schema=False)

CHECK_FIELDS = ("codes", "pos", "equipment", "date", "setting", "zip", "locality")


def _partial(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/", response_class=HTMLResponse)
def check_page(request: Request) -> HTMLResponse:
    lang = language_of(request)
    form = {name: request.query_params.get(name, "") for name in CHECK_FIELDS}
    return render(request, "check.html", lang, form=form, report=None, problem=None)


@router.post("/check", response_class=HTMLResponse)
async def check_submit(
    request: Request,
    note: Annotated[str, Form(max_length=2_000_000)] = "",
    note_file: Annotated[UploadFile | None, File()] = None,
    codes: Annotated[str, Form(max_length=500)] = "",
    pos: Annotated[str, Form(max_length=2)] = "",
    equipment: Annotated[str, Form(max_length=20)] = "",
    date_: Annotated[str, Form(alias="date", max_length=10)] = "",
    setting: Annotated[str, Form(max_length=20)] = "professional",
    zip_code: Annotated[str, Form(alias="zip", max_length=10)] = "",
    locality: Annotated[str, Form(max_length=12)] = "",
) -> HTMLResponse:
    """The check form: the report as a partial (htmx) or the whole page."""
    lang = language_of(request)
    form = {
        "codes": codes,
        "pos": pos,
        "equipment": equipment,
        "date": date_,
        "setting": setting,
        "zip": zip_code,
        "locality": locality,
    }
    report: dict[str, Any] | None = None
    problem: dict[str, Any] | None = None
    try:
        text = note
        if note_file is not None and note_file.filename:
            data = await read_limited(
                note_file, request.app.state.settings.max_upload_bytes, "note_file"
            )
            text = _note_text(data)
        body = CheckRequest.model_validate(
            {
                "note": text,
                "codes": codes or None,
                "pos": pos or None,
                "equipment": equipment or None,
                "date": date_ or None,
                "setting": setting or "professional",
                "lang": lang,
                "zip": zip_code or None,
                "locality": locality or None,
            }
        )
        report = await run_check(request, body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "note"
        problem = {
            "status": 422,
            "title": "Invalid field",
            "field": field,
            "detail": f"{field}: {first.get('msg', 'invalid')}",
        }
    except ClearclaimError as exc:
        problem = from_clearclaim(exc)
    except Problem as exc:
        problem = {
            "status": exc.status,
            "title": exc.title,
            "detail": exc.detail,
            "field": exc.field,
        }
    view = report_view(report, lang) if report is not None else None
    status = problem["status"] if problem else 200
    if _partial(request):
        return render(
            request, "_report.html", lang, status=status, report=view, problem=problem, form=form
        )
    return render(
        request, "check.html", lang, status=status, form=form, report=view, problem=problem
    )


def _note_text(data: bytes) -> str:
    if b"\x00" in data:
        raise Problem(
            415,
            "Unsupported media type",
            "note_file: the note is binary, not text",
            field="note_file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(
            415,
            "Unsupported media type",
            "note_file: the note is not UTF-8 text",
            field="note_file",
        ) from None


@router.get("/codes/{code}", response_class=HTMLResponse)
async def code_html(
    request: Request,
    code: str,
    date_: Annotated[date | None, Query(alias="date")] = None,
    zip_code: Annotated[str | None, Query(alias="zip", max_length=10)] = None,
    locality: Annotated[str | None, Query(max_length=12)] = None,
) -> HTMLResponse:
    lang = language_of(request)
    if len(code) > 10 or not code.isalnum():
        raise Problem(404, "Unknown code", f"unknown code {code[:10]!r}", field="code")
    day = date_ or date.today()
    key = ("html", code.upper(), day, lang, zip_code or None, locality or None)

    def build() -> HTMLResponse:
        page = code_page_of(request, code, day, lang, zip_code, locality)
        return render(request, "code.html", lang, page=page, view=code_view(page))

    # a page already built is answered on the event loop; building one goes to a thread
    found: HTMLResponse | None = request.app.state.pages.get(key)
    cached: HTMLResponse = (
        found
        if found is not None
        else await run_in_threadpool(request.app.state.pages.get_or_make, key, build)
    )
    response = HTMLResponse(cached.body, status_code=cached.status_code)
    if request.query_params.get("lang"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/concepts", response_class=HTMLResponse)
def concept_index(request: Request) -> HTMLResponse:
    lang = language_of(request)
    pages = [concept_page(slug, lang) for slug in concept_slugs()]
    return render(request, "concepts.html", lang, concepts=[p for p in pages if p])


@router.get("/concepts/{slug}", response_class=HTMLResponse)
def concept_html(request: Request, slug: str) -> HTMLResponse:
    lang = language_of(request)
    page = concept_page(slug, lang)
    if page is None:
        raise Problem(404, "Not found", f"no concept page {slug[:60]!r}", field="slug")
    prices = concept_prices(checker_of(request), page["related_codes"])
    return render(request, "concept.html", lang, page=page, prices=prices, today=date.today())


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    lang = language_of(request)
    results = search_all(request, q, 20, lang) if q.strip() else []
    template = "_search_results.html" if _partial(request) else "search.html"
    return render(request, template, lang, q=q, results=results)


@router.get("/library", response_class=HTMLResponse)
async def library_page(request: Request) -> HTMLResponse:
    lang = language_of(request)
    documents = await on_session(request, checker_of(request).documents)
    return render(
        request,
        "library.html",
        lang,
        documents=documents,
        added=None,
        answer=None,
        question="",
    )


@router.post("/library", response_class=HTMLResponse)
async def library_upload(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    tags: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    lang = language_of(request)
    added = await add_uploads(request, [f for f in files if f.filename], tags)
    documents = await on_session(request, checker_of(request).documents)
    return render(
        request,
        "library.html",
        lang,
        documents=documents,
        added=added,
        answer=None,
        question="",
    )


@router.post("/library/{document_id}/remove")
async def library_remove(request: Request, document_id: str) -> Response:
    await on_session(request, checker_of(request).remove_document, document_id)
    return RedirectResponse("/library", status_code=303)


@router.post("/library/ask", response_class=HTMLResponse)
async def library_ask(
    request: Request,
    question: Annotated[str, Form(min_length=1, max_length=2000)],
    code: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    lang = language_of(request)
    checker = checker_of(request)
    answer = await on_session(request, checker.ask, question, code=code.strip().upper() or None)
    if _partial(request):
        return render(request, "_answer.html", lang, answer=answer, question=question)
    documents = await on_session(request, checker.documents)
    return render(
        request,
        "library.html",
        lang,
        documents=documents,
        added=None,
        answer=answer,
        question=question,
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    since: Annotated[date | None, Query()] = None,
    rule: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    lang = language_of(request)
    entries = audit_entries(request, since, rule or None)
    all_rules = sorted({r for e in audit_entries(request, since, None) for r in entry_rules(e)})
    by_day: dict[str, list[dict[str, Any]]] = {}
    for entry in reversed(entries):  # newest first
        by_day.setdefault(str(entry.get("at", ""))[:10], []).append(entry)
    return render(
        request,
        "audit.html",
        lang,
        by_day=by_day,
        count=len(entries),
        since=since.isoformat() if since else "",
        rule=rule,
        rules=all_rules,
        entry_rules=entry_rules,
        element_labels=ELEMENT_LABELS,
    )
