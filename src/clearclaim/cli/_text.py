"""Text that reaches the terminal through Rich: escaped, so it is printed as it is.

Rich reads ``[bold]``, ``[/cyan]`` and the like as markup. A document, a
quote, a file name or a descriptor is data: printed unescaped, a policy that
says ``[/cyan]`` raises ``MarkupError`` and a title with ``[b]`` turns bold.
Every piece of user or document text a command prints through Rich goes
through :func:`escape` first; markup the command itself writes stays as it is.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape as _rich_escape


def escape(value: Any) -> str:
    """``value`` as text that Rich prints verbatim (``None`` prints as nothing)."""
    if value is None:
        return ""
    return _rich_escape(str(value))


__all__ = ["escape"]
