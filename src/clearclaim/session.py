"""The Checker: one session over one store, the object every shell calls.

A shell (the CLI, the REST API, the web pages, FHIR) opens one ``Checker`` and
asks it everything: ``check``, ``price``, ``code_page``, ``search``,
``edits``, ``scrub``, ``ask``, ``rules``, ``audit_log``. The Checker owns what
lives as long as the store: the edit engine and its caches, the pricer, the
user's coding library and the audit trail. The functions it calls are pure;
the Checker is where a check meets the library passages and the audit.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearclaim.checker.models import ClaimContext, Report
    from clearclaim.diagnosis import DiagnosisCheck
    from clearclaim.edits.models import PairLookup
    from clearclaim.importers import ImportReport
    from clearclaim.library import Library
    from clearclaim.library.models import AddResult, Answer, Document
    from clearclaim.models import DataCoverage
    from clearclaim.pricing.export import ExportInfo
    from clearclaim.pricing.models import ClaimPrice, PriceResult
    from clearclaim.reference.search import SearchHit
    from clearclaim.store import Store


class Checker:
    """Everything clearclaim answers, over one store.

    >>> with Checker.open() as checker:              # doctest: +SKIP
    ...     report = checker.check(ClaimContext(note=text, codes=parse_codes("62323")))
    """

    def __init__(
        self,
        store: Store,
        *,
        library: Library | Path | str | None = None,
        audit_path: Path | str | None = None,
    ) -> None:
        self.store = store
        self._library_arg = library
        self._library: Library | None = None
        self.audit_path = Path(audit_path) if audit_path is not None else None

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: str | None = None,
        *,
        build: bool = True,
        progress: bool | None = None,
        library: Library | Path | str | None = None,
        audit_path: Path | str | None = None,
    ) -> Checker:
        """Open the store (``$CLEARCLAIM_DB`` or the per-user default).

        ``build`` imports the shipped CMS files when the store is empty (once,
        announced on stderr); ``build=False`` opens it as it is.
        """
        from clearclaim.store import Store

        store = Store.open(location)
        if build:
            from clearclaim.importers import ensure_built

            ensure_built(store, progress=sys.stderr.isatty() if progress is None else progress)
        return cls(store, library=library, audit_path=audit_path)

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None
        self.store.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the check -------------------------------------------------------------

    def check(self, context: ClaimContext, *, audit: bool = False) -> Report:
        """Check one note and its intended codes; passages of the user's library
        are attached, and with ``audit`` the decisions (never the note) are
        appended to the audit trail and the entry's id set on the report."""
        from clearclaim.checker import check

        report = check(self.store, context, library=self.library(create=False))
        if audit:
            from clearclaim.audit import record

            report.audit_id = record(report.to_dict(), self.audit_path)["id"]
        return report

    def audit_log(self, since: date | None = None) -> list[dict[str, Any]]:
        """The audit trail's entries, oldest first (from ``since`` when given)."""
        from clearclaim.audit import read_entries

        return read_entries(self.audit_path, since=since)

    # -- reference ---------------------------------------------------------------

    def price(self, code: str, **options: Any) -> PriceResult:
        """What Medicare pays for ``code``: see :meth:`clearclaim.pricing.Pricer.price`."""
        from clearclaim.pricing import pricer_for

        return pricer_for(self.store).price(code, **options)

    def code_page(self, code: str, **options: Any) -> dict[str, Any]:
        """One code's reference page (JSON-ready): see :func:`reference.page.code_page`."""
        from clearclaim.reference.page import code_page

        return code_page(self.store, code, **options)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        from clearclaim.reference.search import search

        return search(self.store, query, limit=limit)

    def edits(
        self, code_1: str, code_2: str, *, day: date, setting: str = "professional"
    ) -> PairLookup:
        """Every NCCI PTP edit between two codes, judged on ``day``."""
        from clearclaim.edits import engine_for

        return engine_for(self.store).edits_between(code_1, code_2, day=day, setting=setting)

    def scrub(self, path: str | Path, **options: Any) -> Any:
        """Check a claim file against the CMS edits of each line's date of service."""
        from clearclaim.edits import engine_for

        return engine_for(self.store).scrub(path, **options)

    def rules(self) -> list[dict[str, Any]]:
        """Every rule a finding can carry, from the one registry."""
        from clearclaim.rules.registry import registry

        return [rule.to_dict() for rule in registry().rules()]

    # -- the user's library ----------------------------------------------------

    def library(self, *, create: bool = True) -> Library | None:
        """The user's coding library; ``None`` when it does not exist and
        ``create`` is false (a check then quotes nothing)."""
        if self._library is None:
            from clearclaim.library import Library, default_library_location

            if not isinstance(self._library_arg, (str, Path)) and self._library_arg is not None:
                self._library = self._library_arg
            else:
                location = (
                    Path(self._library_arg)
                    if self._library_arg is not None
                    else default_library_location()
                )
                if not create and not location.exists():
                    return None
                self._library = Library(location)
        return self._library

    def add_documents(
        self, paths: Sequence[Path | str], *, tags: Sequence[str] = ()
    ) -> list[AddResult]:
        library = self.library()
        assert library is not None
        return library.add(paths, tags=tags)

    def documents(self) -> list[Document]:
        library = self.library(create=False)
        return library.documents() if library is not None else []

    def ask(self, question: str, *, code: str | None = None, limit: int = 3) -> Answer:
        """Answer from the user's own documents, quoting them, never beyond them."""
        library = self.library()
        assert library is not None
        return library.ask(question, code=code, limit=limit)

    # -- diagnoses -------------------------------------------------------------

    def diagnoses(self, codes: Sequence[str], day: date) -> DiagnosisCheck:
        """ICD-10-CM codes checked against the code set of ``day``'s fiscal year
        (DX01 unknown, DX02 heading not billable, DX03 not valid on the date)."""
        from clearclaim.diagnosis import check_diagnoses

        return check_diagnoses(codes, day)

    # -- pricing and data --------------------------------------------------------

    def price_claim(self, lines: Sequence[Any], **options: Any) -> ClaimPrice:
        """Price codes as one claim (multiple procedure reductions)."""
        from clearclaim.pricing import price_claim

        return price_claim(self.store, lines, **options)

    def export_fee_schedule(self, out: Path | str, **options: Any) -> ExportInfo:
        """Every priced code on a date, in one or all localities, to CSV or Parquet."""
        from clearclaim.pricing import export_fee_schedule

        return export_fee_schedule(self.store, out, **options)

    def coverage(self, day: date, families: Sequence[str] | None = None) -> list[DataCoverage]:
        """Which release of each data family answers ``day`` (every family by default,
        the ICD-10-CM code set included)."""
        from clearclaim.store import COVERAGE_FAMILIES

        found = [self.store.coverage(f, day) for f in (families or COVERAGE_FAMILIES)]
        if families is None or "icd10cm" in families:
            from clearclaim.diagnosis.check import coverage

            found = [c for c in found if c.family != "icd10cm"] + [coverage(day)]
        return found

    def import_files(self, paths: Sequence[Path | str], **options: Any) -> ImportReport:
        """Import CMS release files into the store (see clearclaim.importers.import_paths).
        With no paths, the shipped files, as a build that a later command finishes if
        this one is interrupted."""
        from clearclaim.importers import build_from_shipped_data, import_paths

        if not paths:
            progress, force = options.get("progress", False), options.get("force", False)
            return build_from_shipped_data(self.store, progress=progress, force=force)
        return import_paths(self.store, list(paths), **options)

    def fetch_release(self, target: str, **options: Any) -> ImportReport:
        """Download a CMS release zip (by release name or URL) and import it."""
        from clearclaim.importers.fetch import fetch_release

        return fetch_release(self.store, target, **options)

    def data_status(self) -> dict[str, Any]:
        """Each release loaded and each file imported, with row counts."""
        return self.store.status()

    @staticmethod
    def data_layouts() -> list[tuple[str, str, tuple[str, ...]]]:
        """The CMS file layouts recognised: (name, store table, required columns)."""
        from clearclaim.importers.layouts import LAYOUTS

        return [(layout.name, layout.table, layout.required) for layout in LAYOUTS]

    @staticmethod
    def store_location() -> str:
        """Where the store is ($CLEARCLAIM_DB, else the per-user data folder)."""
        from clearclaim.config import default_store_location

        return default_store_location()

    @staticmethod
    def shipped_data() -> Path | None:
        """The CMS release files shipped with clearclaim."""
        from clearclaim.config import shipped_data_dir

        return shipped_data_dir()
