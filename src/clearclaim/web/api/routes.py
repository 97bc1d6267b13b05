"""``/api``: every route asks the Checker and returns the CLI's JSON shape."""

from __future__ import annotations

import asyncio
import csv
import functools
import io
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response

from clearclaim import Checker, ClaimContext, Report, normalize_language, parse_codes
from clearclaim.errors import FieldError, InputError
from clearclaim.web.api.jobs import Job, JobRunner
from clearclaim.web.api.models import (
    CODE_PATTERN,
    LANG_DESCRIPTION,
    AskRequest,
    CheckRequest,
    RemovedDocument,
    ScrubJob,
    SearchResponse,
    SearchResult,
)
from clearclaim.web.concepts import search_concepts
from clearclaim.web.problems import MEDIA_TYPE, Problem
from clearclaim.web.uploads import read_limited, safe_stem, store_upload

router = APIRouter(prefix="/api", tags=["api"])

PROBLEM = {"content": {MEDIA_TYPE: {}}, "description": "Problem details (RFC 9457)"}
ERRORS: dict[int | str, dict[str, Any]] = {
    404: PROBLEM,
    413: PROBLEM,
    415: PROBLEM,
    422: PROBLEM,
}
LIBRARY_SUFFIXES = {".pdf", ".html", ".htm", ".docx", ".md", ".markdown", ".txt"}
SCRUB_SUFFIXES = {".csv", ".parquet"}

Code = Annotated[str, Path(pattern=CODE_PATTERN, description="A CPT or HCPCS code.")]
Lang = Annotated[str, Query(max_length=35, description=LANG_DESCRIPTION)]


T = TypeVar("T")


def checker_of(request: Request) -> Checker:
    checker: Checker = request.app.state.checker
    return checker


async def on_session(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` on the one session thread: the user's library is an SQLite
    connection that must stay on the thread that opened it, and a check reads it."""
    loop = asyncio.get_running_loop()
    call = functools.partial(func, *args, **kwargs)
    return await loop.run_in_executor(request.app.state.session, call)


async def check_report(request: Request, body: CheckRequest) -> Report:
    """The check both the API and the check page call."""
    context = build_context(body)
    return await on_session(request, checker_of(request).check, context, audit=body.audit)


async def run_check(request: Request, body: CheckRequest) -> dict[str, Any]:
    """The check's report as the CLI's JSON, for the check page."""
    return (await check_report(request, body)).to_dict()


def build_context(body: CheckRequest) -> ClaimContext:
    try:
        return ClaimContext(
            note=body.note,
            codes=parse_codes(body.codes, field="codes"),
            pos=body.pos,
            equipment=body.equipment,
            date_of_service=body.date,
            setting=body.setting,
            language=normalize_language(body.lang),
            zip_code=body.zip or None,
            locality=body.locality or None,
        )
    except ValueError as exc:  # pydantic: names the field, never echoes the note
        errors: list[dict[str, Any]] = list(getattr(exc, "errors", list)())
        first = errors[0] if errors else {"loc": ("input",), "msg": "invalid"}
        raise FieldError(str(first["msg"]), field=str(first["loc"][0])) from None


@router.post("/check", responses=ERRORS, summary="Check a note and its intended codes")
async def api_check(request: Request, body: CheckRequest) -> Response:
    """The report of ``clearclaim check --json``: lines, suppressed, documentation (with
    gaps and their prompts), findings, payment, denial_risks, warnings, note, library."""
    # serialised by pydantic in one step (a third of the time of a dict through json)
    report = await check_report(request, body)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get("/codes/{code}", responses=ERRORS, summary="One code's reference page")
def api_code(
    request: Request,
    code: Code,
    date_: Annotated[date | None, Query(alias="date")] = None,
    lang: Lang = "en",
    zip_code: Annotated[str | None, Query(alias="zip", max_length=10)] = None,
    locality: Annotated[str | None, Query(max_length=12)] = None,
) -> JSONResponse:
    """The page of ``clearclaim code CODE --json``."""
    page = code_page_of(request, code, date_, normalize_language(lang), zip_code, locality)
    return JSONResponse(page)


def code_page_of(
    request: Request,
    code: str,
    day: date | None,
    lang: str,
    zip_code: str | None = None,
    locality: str | None = None,
) -> dict[str, Any]:
    """The Checker's code page, kept a few minutes (see web.cache)."""
    day = day or date.today()
    key = ("page", code.upper(), day, lang, zip_code or None, locality or None)
    page: dict[str, Any] = request.app.state.pages.get_or_make(
        key,
        lambda: checker_of(request).code_page(
            code, day=day, lang=lang, zip_code=zip_code or None, locality=locality or None
        ),
    )
    return page


@router.get("/price", responses=ERRORS, summary="What Medicare pays for a code")
def api_price(
    request: Request,
    code: Annotated[str, Query(pattern=CODE_PATTERN)],
    modifier: Annotated[str | None, Query(max_length=2)] = None,
    date_: Annotated[date | None, Query(alias="date")] = None,
    zip_code: Annotated[str | None, Query(alias="zip", max_length=10)] = None,
    locality: Annotated[str | None, Query(max_length=12)] = None,
    pos: Annotated[str, Query(pattern=r"^[0-9]{1,2}$")] = "11",
) -> JSONResponse:
    """The price of ``clearclaim price CODE --json``, with the arithmetic."""
    result = checker_of(request).price(
        code,
        modifier=modifier or None,
        date_of_service=date_ or date.today(),
        zip_code=zip_code or None,
        locality=locality or None,
        pos=pos.zfill(2),
    )
    return JSONResponse(result.model_dump(mode="json"))


@router.get("/edits", responses=ERRORS, summary="NCCI PTP edits between two codes")
def api_edits(
    request: Request,
    code1: Annotated[str, Query(pattern=CODE_PATTERN)],
    code2: Annotated[str, Query(pattern=CODE_PATTERN)],
    date_: Annotated[date | None, Query(alias="date")] = None,
    setting: Literal["professional", "facility"] = "professional",
) -> JSONResponse:
    lookup = checker_of(request).edits(
        code1.upper(), code2.upper(), day=date_ or date.today(), setting=setting
    )
    return JSONResponse(lookup.model_dump(mode="json"))


@router.get("/search", summary="Codes and concepts by words, code or range", responses=ERRORS)
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    lang: Lang = "en",
) -> SearchResponse:
    return SearchResponse(query=q, results=search_all(request, q, limit, normalize_language(lang)))


def search_all(request: Request, query: str, limit: int, lang: str) -> list[SearchResult]:
    """Concepts first when they match well (a glossary term is what a word asks for),
    then the codes the Checker finds."""
    suffix = "" if lang == "en" else f"?lang={lang}"
    results = [
        SearchResult(
            kind="concept", slug=slug, title=title, url=f"/concepts/{slug}{suffix}", score=score
        )
        for slug, title, score in search_concepts(query, lang)[:5]
    ]
    if query.strip():
        for hit in checker_of(request).search(query, limit=limit):
            results.append(
                SearchResult(
                    kind="code",
                    code=hit.code,
                    title=hit.descriptor or hit.code,
                    url=f"/codes/{hit.code}{suffix}",
                    score=hit.score,
                )
            )
    return results[:limit]


@router.get("/rules", summary="Every rule a finding can carry")
def api_rules(request: Request) -> JSONResponse:
    return JSONResponse(checker_of(request).rules())


@router.get("/library", summary="The documents of the coding library")
async def api_library(request: Request) -> JSONResponse:
    documents = await on_session(request, checker_of(request).documents)
    return JSONResponse([d.model_dump(mode="json") for d in documents])


@router.post("/library", responses=ERRORS, status_code=201, summary="Add documents")
async def api_library_add(
    request: Request,
    files: Annotated[list[UploadFile], File(description="PDF, HTML, DOCX, Markdown or text")],
    tags: Annotated[str, Form(max_length=200, description="Comma-separated tags")] = "",
) -> JSONResponse:
    """Each file is kept in the library (a failure is reported, the others go on)."""
    results = await add_uploads(request, files, tags)
    status = 201 if any(r["status"] != "failed" for r in results) else 422
    return JSONResponse(results, status_code=status)


async def add_uploads(request: Request, files: list[UploadFile], tags: str) -> list[dict[str, Any]]:
    """Upload into ``<data>/uploads`` and add to the library; the staged copy is removed."""
    settings = request.app.state.settings
    staged = []
    for upload in files:
        suffix = _suffix(upload.filename, LIBRARY_SUFFIXES, "files")
        data = await read_limited(upload, settings.max_upload_bytes, "files")
        staged.append(store_upload(settings.data_dir / "uploads", data, upload.filename, suffix))
    tag_list = [t.strip() for t in tags.split(",") if t.strip()]
    try:
        results = await on_session(
            request, checker_of(request).add_documents, staged, tags=tag_list
        )
    finally:
        for path in staged:
            path.unlink(missing_ok=True)
    out = []
    for result in results:
        item = result.model_dump(mode="json")
        item["path"] = safe_stem(result.path).rsplit("-", 1)[0]
        item["message"] = result.message.replace(str(settings.data_dir), "")
        out.append(item)
    return out


def _suffix(filename: str | None, allowed: set[str], field: str) -> str:
    name = (filename or "").casefold()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in allowed:
        kinds = ", ".join(sorted(allowed))
        detail = f"{field}: {safe_stem(filename)}{suffix} is not one of {kinds}"
        raise Problem(415, "Unsupported media type", detail, field=field)
    return ".html" if suffix == ".htm" else suffix


@router.delete(
    "/library/{document_id}",
    responses=ERRORS,
    summary="Remove a document",
    response_model=RemovedDocument,
)
async def api_library_remove(
    request: Request, document_id: Annotated[str, Path(max_length=200)]
) -> RemovedDocument:
    try:
        removed = await on_session(request, checker_of(request).remove_document, document_id)
    except InputError as exc:  # an id the library does not hold
        raise Problem(404, "Not found", str(exc), field="document_id") from None
    return RemovedDocument(id=removed.id, title=removed.title)


@router.post("/ask", responses=ERRORS, summary="Answer from the library, quoting it")
async def api_ask(request: Request, body: AskRequest) -> JSONResponse:
    answer = await on_session(
        request, checker_of(request).ask, body.question, code=body.code, limit=body.limit
    )
    return JSONResponse(answer.model_dump(mode="json"))


@router.post("/scrub", responses=ERRORS, status_code=202, summary="Scrub a claim file")
async def api_scrub(
    request: Request,
    file: Annotated[UploadFile, File(description="claim lines, CSV or Parquet")],
    setting: Annotated[Literal["professional", "facility"], Form()] = "professional",
) -> JSONResponse:
    """Starts a background job; poll the ``Location`` (``url``) until it is done."""
    suffix = _suffix(file.filename, SCRUB_SUFFIXES, "file")
    data = await read_limited(file, request.app.state.settings.max_upload_bytes, "file")
    job = jobs_of(request).submit(data, suffix, setting)
    body = job_view(job).model_dump(mode="json")
    return JSONResponse(body, status_code=202, headers={"Location": body["url"]})


def jobs_of(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def job_view(job: Job) -> ScrubJob:
    done = job.state in ("done", "failed")
    return ScrubJob(
        id=job.id,
        state=job.state,
        progress=1.0 if done else 0.0,
        url=f"/api/scrub/{job.id}",
        findings_url=f"/api/scrub/{job.id}/findings" if job.state == "done" else None,
        errors_url=(
            f"/api/scrub/{job.id}/errors" if job.state == "done" and job.errors.exists() else None
        ),
        summary=job.summary,
        error=job.error,
        seconds=round(job.finished - job.started, 3) if job.finished else None,
    )


JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


def _job(request: Request, job_id: str) -> Job:
    job = jobs_of(request).get(job_id)
    if job is None:
        raise Problem(404, "Not found", f"no scrub job {job_id}", field="job_id")
    return job


@router.get("/scrub/{job_id}", responses=ERRORS, summary="A scrub job's state")
def api_scrub_job(request: Request, job_id: JobId) -> ScrubJob:
    return job_view(_job(request, job_id))


@router.get("/scrub/{job_id}/findings", responses=ERRORS, summary="The findings CSV")
def api_scrub_findings(request: Request, job_id: JobId) -> FileResponse:
    job = _job(request, job_id)
    if job.state != "done":
        raise Problem(409, "Not ready", f"scrub job {job_id} is {job.state}")
    return FileResponse(job.findings, media_type="text/csv", filename="findings.csv")


@router.get("/scrub/{job_id}/errors", responses=ERRORS, summary="The rejected rows CSV")
def api_scrub_errors(request: Request, job_id: JobId) -> FileResponse:
    job = _job(request, job_id)
    if job.state != "done" or not job.errors.exists():
        raise Problem(404, "Not found", f"scrub job {job_id} rejected no rows")
    return FileResponse(job.errors, media_type="text/csv", filename="errors.csv")


@router.get("/audit", summary="The audit trail: each check's decisions, never the note")
def api_audit(
    request: Request,
    since: Annotated[date | None, Query()] = None,
    rule: Annotated[str | None, Query(max_length=40)] = None,
    format_: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Response:
    entries = audit_entries(request, since, rule)
    if format_ == "csv":
        return Response(
            audit_csv(entries),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return JSONResponse(entries)


def audit_entries(request: Request, since: date | None, rule: str | None) -> list[dict[str, Any]]:
    entries = checker_of(request).audit_log(since)
    if rule:
        wanted = rule.strip().upper()
        entries = [e for e in entries if wanted in entry_rules(e)]
    return entries


def entry_rules(entry: dict[str, Any]) -> list[str]:
    """Every rule an audit entry names: suppressions and findings."""
    found = [s.get("rule", "") for s in entry.get("suppressed", [])]
    found += list(entry.get("findings", []))
    return sorted({r for r in found if r})


AUDIT_COLUMNS = (
    "id",
    "at",
    "date_of_service",
    "pos",
    "setting",
    "intended_codes",
    "billed",
    "suppressed",
    "documentation_missing",
    "rules",
)


def _billed(line: dict[str, Any]) -> str:
    text = "-".join([line["code"], *line.get("modifiers", [])])
    return text + (f"x{line['units']}" if line.get("units", 1) > 1 else "")


def audit_csv(entries: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    for e in entries:
        request = e.get("request", {})
        writer.writerow(
            [
                e.get("id", ""),
                e.get("at", ""),
                request.get("date_of_service", ""),
                request.get("pos", ""),
                request.get("setting", ""),
                " ".join(request.get("intended_codes", [])),
                " ".join(_billed(ln) for ln in e.get("lines", [])),
                " ".join(f"{s['code']}:{s['rule']}" for s in e.get("suppressed", [])),
                " ".join(e.get("documentation_missing", [])),
                " ".join(entry_rules(e)),
            ]
        )
    return out.getvalue()
