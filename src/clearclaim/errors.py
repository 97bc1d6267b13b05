"""The one exception tree of clearclaim.

Every error names what went wrong and where (file, line, field), so that a
shell can print it as one line and a user can act on it. Findings about a
claim are never raised: they are values on a report. Exceptions are for input
the program cannot work with and for data it does not have.

::

    ClearclaimError
    ├── InputError                  bad user input; CLI exit code 2
    │   ├── FieldError              one field of one record (file, line, field, value)
    │   ├── UnknownCodeError        a code no loaded release knows (with close matches)
    │   ├── InvalidModifierError    a modifier the code's indicators do not allow
    │   ├── UnknownLocalityError    a ZIP or MAC-locality not in the loaded files
    │   └── UnsupportedLanguageError
    ├── DataError                   a release file that cannot be read or understood
    │   ├── UnreadableFileError     missing, truncated, not CSV/xlsx/zip
    │   └── UnknownLayoutError      columns that match no known CMS layout
    ├── ReleaseError                nothing loaded for what was asked
    └── StoreError                  the store cannot be opened or written

Note text never appears in any message: notes are patient data.
"""

from __future__ import annotations


class ClearclaimError(Exception):
    """Root of every error clearclaim raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputError(ClearclaimError):
    """Input from the user that clearclaim cannot use."""

    exit_code = 2


class FieldError(InputError):
    """One field of one record is wrong: says which file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                source,
                f"line {line}" if line is not None else None,
                f"field {field}" if field else None,
            )
            if part
        )
        full = f"{where}: {message}" if where else message
        super().__init__(full, hint=hint)
        self.source = source
        self.line = line
        self.field = field
        self.value = value


class UnknownCodeError(InputError):
    def __init__(self, code: str, *, closest: list[str] | None = None, where: str = "") -> None:
        self.code = code
        self.closest = closest or []
        hint = f"closest codes: {', '.join(self.closest)}" if self.closest else None
        place = f" {where}" if where else ""
        super().__init__(f"unknown code {code!r}{place}", hint=hint)


class InvalidModifierError(InputError):
    pass


class UnknownLocalityError(InputError):
    pass


class UnsupportedLanguageError(InputError):
    def __init__(self, language: str, supported: list[str]) -> None:
        self.language = language
        self.supported = supported
        super().__init__(
            f"unsupported language {language!r}", hint=f"supported: {', '.join(supported)}"
        )


class DataError(ClearclaimError):
    """A release file that cannot be read or understood."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message, hint=hint)
        self.path = path


class UnreadableFileError(DataError):
    pass


class UnknownLayoutError(DataError):
    pass


class ReleaseError(ClearclaimError):
    """The store has nothing for what was asked (a family, a date)."""


class StoreError(ClearclaimError):
    """The store cannot be opened, migrated or written."""
