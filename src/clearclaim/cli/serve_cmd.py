"""``clearclaim serve``: the web pages and the REST API (FastAPI under uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from clearclaim.cli._shell import handle_errors

#: uvicorn's access log line: method, path and query, status. Never a body (notes
#: are sent in POST bodies, so they cannot reach it).
ACCESS_FORMAT = '%(client_addr)s - "%(request_line)s" %(status_code)s'


@handle_errors
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    access_log: Annotated[
        bool, typer.Option(help="Log each request line (never its body).")
    ] = True,
) -> None:
    """Serve the web pages and the REST API (OpenAPI at /openapi.json)."""
    import uvicorn

    from clearclaim import Checker

    # build the store before the server starts, so the first request does not wait
    Checker.open().close()
    log_config = dict(uvicorn.config.LOGGING_CONFIG)
    formatters = {k: dict(v) for k, v in log_config["formatters"].items()}
    formatters["access"]["fmt"] = "%(levelprefix)s " + ACCESS_FORMAT
    log_config["formatters"] = formatters
    typer.echo(f"clearclaim: serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(
        "clearclaim.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_config=log_config,
        server_header=False,
    )
