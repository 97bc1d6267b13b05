"""The FastAPI application: one Checker, the API, the pages, one error shape."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartParser

from clearclaim import Checker, ClearclaimError, __version__
from clearclaim.web import problems
from clearclaim.web.settings import STATIC_DIR, WebSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuse a request body over the upload limit (413) before it is all read.

    Declared lengths are refused at once; a body without one is counted as it
    streams in.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise problems.Problem(
                    413, "Too large", f"the request is larger than {self.limit:,} bytes"
                )
            return message

        await self.app(scope, counting, send)

    async def _refuse(self, send: Send) -> None:
        body = problems.problem_body(
            413, "Too large", f"the request is larger than {self.limit:,} bytes", kind="too-large"
        )
        response = problems.problem_response(body)
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


def create_app(checker: Checker | None = None, settings: WebSettings | None = None) -> FastAPI:
    """The application. Without ``checker`` it opens the user's store at start-up
    (building it from the shipped CMS files the first time)."""
    settings = settings or WebSettings.from_env()
    # uploads stay in memory until written inside the data folder: never spooled to /tmp
    MultiPartParser.spool_max_size = settings.max_upload_bytes + 1024 * 1024

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from clearclaim.web.api.jobs import JobRunner

        own = checker is None
        app.state.checker = checker if checker is not None else Checker.open()
        app.state.jobs = JobRunner(app.state.checker, settings.data_dir / "scrub")
        if own:
            # each worker process warms itself before it takes a request
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(app.state.session, app.state.checker.warm_up)
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            if own:
                # the library's connection closes on the thread that opened it
                app.state.session.submit(app.state.checker.close).result()

    app = FastAPI(
        title="clearclaim",
        version=__version__,
        description=(
            "Coding and claim checking for US procedure billing, from CMS release files. "
            "Errors are RFC 9457 problem details naming the field."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    from clearclaim.web.cache import TTLCache

    app.state.pages = TTLCache[Any](maxsize=1024, ttl=300.0)
    # checks and the user's library run on one thread (see api.routes.on_session)
    app.state.session = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session")
    if checker is not None:  # usable before start-up too (TestClient without a with-block)
        app.state.checker = checker
    _install_handlers(app)

    from clearclaim.web.api import router as api_router
    from clearclaim.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 64 * 1024)
    return app


def _install_handlers(app: FastAPI) -> None:
    from clearclaim.web.pages.render import error_page

    def respond(request: Request, body: dict[str, Any]) -> Response:
        if problems.wants_html(request):
            return error_page(request, body)
        return problems.problem_response(body)

    @app.exception_handler(ClearclaimError)
    async def _core(request: Request, exc: ClearclaimError) -> Response:
        return respond(request, problems.from_clearclaim(exc))

    @app.exception_handler(problems.Problem)
    async def _problem(request: Request, exc: problems.Problem) -> Response:
        body = problems.problem_body(
            exc.status, exc.title, exc.detail, kind=exc.kind, field=exc.field
        )
        return respond(request, body)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return respond(request, problems.validation_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(request, problems.http_problem(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        problems.log_unexpected(exc, request)
        body = problems.problem_body(
            500, "Internal error", f"the server failed ({type(exc).__name__})", kind="internal"
        )
        return respond(request, body)
