"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has the same shape: ``type``, ``title``,
``status``, ``detail`` and, when one field is at fault, ``field`` (and
``errors``, one entry per field). Request values are never echoed back: a
field may hold a note, and notes are patient data. An unexpected exception
becomes a 500 naming nothing but its type, and is logged without its message.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearclaim.errors import (
    ClearclaimError,
    DataError,
    FieldError,
    InputError,
    ReleaseError,
    StoreError,
    UnknownCodeError,
    UnknownLocalityError,
    UnsupportedLanguageError,
)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://clearclaim.invalid/problems/"
log = logging.getLogger("clearclaim.web")


class Problem(Exception):
    """An error the web shell raises itself (a missing job, a too-large upload)."""

    def __init__(
        self, status: int, title: str, detail: str, *, field: str | None = None, kind: str = ""
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.kind = kind or title.lower().replace(" ", "-")


def problem_body(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return body


def problem_response(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE)


def from_clearclaim(exc: ClearclaimError) -> dict[str, Any]:
    """The problem for an error of the core: bad input is 4xx, missing data 404/422."""
    if isinstance(exc, UnknownCodeError):
        return problem_body(404, "Unknown code", str(exc), kind="unknown-code", field="code")
    if isinstance(exc, UnknownLocalityError):
        return problem_body(422, "Unknown locality", str(exc), kind="unknown-locality")
    if isinstance(exc, UnsupportedLanguageError):
        return problem_body(422, "Unsupported language", str(exc), kind="language", field="lang")
    if isinstance(exc, FieldError):
        field = (exc.field or "").lstrip("-") or None
        return problem_body(422, "Invalid field", str(exc), kind="invalid-field", field=field)
    if isinstance(exc, InputError):
        return problem_body(422, "Invalid input", str(exc), kind="invalid-input")
    if isinstance(exc, DataError):
        return problem_body(422, "Unreadable file", str(exc), kind="unreadable-file")
    if isinstance(exc, ReleaseError):
        return problem_body(404, "No data for that", str(exc), kind="no-release")
    if isinstance(exc, StoreError):
        return problem_body(503, "Store unavailable", str(exc), kind="store")
    return problem_body(500, "Error", str(exc), kind="error")


def validation_errors(exc: RequestValidationError) -> dict[str, Any]:
    """Pydantic's errors, each naming its field; the offending value is left out."""
    errors = []
    for error in exc.errors():
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "form")
        ]
        errors.append(
            {"field": ".".join(location) or "body", "message": str(error.get("msg", "invalid"))}
        )
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    return problem_body(
        422,
        "Invalid request",
        f"{first['field']}: {first['message']}",
        kind="invalid-request",
        field=first["field"],
        errors=errors,
    )


def http_problem(exc: StarletteHTTPException) -> dict[str, Any]:
    titles = {
        404: "Not found",
        405: "Method not allowed",
        413: "Too large",
        415: "Unsupported media type",
    }
    title = titles.get(exc.status_code, "HTTP error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem_body(exc.status_code, title, detail, kind=title.lower().replace(" ", "-"))


def wants_html(request: Request) -> bool:
    """A page route (anything outside /api) answers errors as a page."""
    return not request.url.path.startswith("/api") and request.url.path != "/openapi.json"


def log_unexpected(exc: BaseException, request: Request) -> None:
    # the exception's message may quote input; its type and the route do not
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
