"""What every command shares: opening the store and turning errors into one line."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from clearclaim import ClearclaimError, FieldError

if TYPE_CHECKING:
    from clearclaim import Store

F = TypeVar("F", bound=Callable[..., Any])


def __getattr__(name: str) -> Any:
    # rich costs a cold start ~20 ms that JSON output does not need
    if name in ("console", "err_console"):
        from rich.console import Console

        globals()["console"] = Console()
        globals()["err_console"] = Console(stderr=True)
        return globals()[name]
    raise AttributeError(name)


def handle_errors(func: F) -> F:
    """Print a ClearclaimError as one line on stderr and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ClearclaimError as exc:
            typer.echo(f"clearclaim: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def open_store(location: str | None = None) -> Store:
    """The user's store; built from the shipped CMS files on first use."""
    from clearclaim import Checker

    return Checker.open(location).store


def parse_date_option(value: str | None, option: str = "--date") -> date | None:
    """A YYYY-MM-DD option value, or a FieldError naming the option (exit code 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a real date (YYYY-MM-DD)", field=option) from None


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))
