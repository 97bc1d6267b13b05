"""The Checker: one session over one store, the object every shell calls.

A shell (the CLI, the REST API, the web pages, FHIR) opens one ``Checker`` and
asks it everything: ``check``, ``price``, ``code_page``, ``search``,
``edits``, ``scrub``, ``ask``, ``rules``, ``audit_log``, and the procedure
log (``log_add``, ``log_import``, ``log_report`` ...). The Checker owns what
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
    from clearclaim.checker.models import ClaimContext
    from clearclaim.diagnosis import DiagnosisCheck
    from clearclaim.edits.batch import ScrubReport
    from clearclaim.edits.models import PairLookup
    from clearclaim.importers import ImportReport
    from clearclaim.library import Library
    from clearclaim.library.models import AddResult, Answer, Document
    from clearclaim.models import DataCoverage, Report
    from clearclaim.pricing.export import ExportInfo
    from clearclaim.pricing.models import ClaimPrice, PriceResult
    from clearclaim.reference.search import SearchHit
    from clearclaim.store import Store
    from clearclaim.store.queries.catalog import CodeStatus
    from clearclaim.wrvu import ImportResult, ProcedureLog, WrvuPlan, WrvuReport


# a made-up note (no patient's): what warm_up checks
WARM_UP_NOTE = (
    "PROCEDURE: Lumbar interlaminar epidural steroid injection, L4-5, under fluoroscopy.\n"
    "Fluoroscopy time 0.4 minutes. The physician performed and interpreted the imaging."
)


def as_context(value: object) -> ClaimContext:
    """A ClaimContext from one or from a mapping; bad input is an InputError that
    names the field and never quotes a value (the note is patient data)."""
    from pydantic import ValidationError

    from clearclaim.checker.models import ClaimContext
    from clearclaim.errors import FieldError, InputError

    if isinstance(value, ClaimContext):
        return value
    if not isinstance(value, dict):
        raise InputError(
            f"a check takes a ClaimContext or a mapping of its fields, not {type(value).__name__}"
        )
    try:
        return ClaimContext.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "context"
        raise FieldError(str(first.get("msg", "invalid")), field=field) from None


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

    def check(self, context: ClaimContext | dict[str, Any], *, audit: bool = False) -> Report:
        """Check one note and its intended codes; passages of the user's library
        are attached, and with ``audit`` the decisions (never the note) are
        appended to the audit trail and the entry's id set on the report."""
        from clearclaim.checker import check

        report = check(self.store, as_context(context), library=self.library(create=False))
        if audit:
            from clearclaim.audit import record

            report.audit_id = record(report.to_dict(), self.audit_path)["id"]
        return report

    def warm_up(self) -> None:
        """Do now what the first check would do (build the note pipeline, compile
        the patterns, load today's rules, edits and prices): a server calls it at
        start-up so that no user's first check waits about a second."""
        from clearclaim.checker.models import ClaimContext, parse_codes
        from clearclaim.notes import warm_up

        warm_up()
        sample = ClaimContext(note=WARM_UP_NOTE, codes=parse_codes(["62323", "77003-26"]), pos="22")
        self.check(sample, audit=False)

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
        """Codes matching words, a code or a range (``7700*``), best first."""
        from clearclaim.reference.search import search

        return search(self.store, query, limit=limit)

    def code_status(self, code: str, day: date | None = None) -> CodeStatus:
        """The code catalog's answer: known, deleted (last valid day, successor), closest."""
        from clearclaim.store.queries.catalog import code_status

        return code_status(self.store, code, day)

    def edits(
        self, code_1: str, code_2: str, *, day: date, setting: str = "professional"
    ) -> PairLookup:
        """Every NCCI PTP edit between two codes, judged on ``day``."""
        from clearclaim.edits import engine_for

        return engine_for(self.store).edits_between(code_1, code_2, day=day, setting=setting)

    def scrub(
        self,
        path: str | Path,
        *,
        out: str | Path | None = None,
        errors: str | Path | None = None,
        setting: str = "professional",
        progress: bool = False,
        column_map: dict[str, str] | str | None = None,
    ) -> ScrubReport:
        """Check a claim file (CSV, .xlsx or Parquet) against the CMS edits of each
        line's date of service; findings to ``out``, rejected rows to ``errors``.
        ``column_map`` names columns the file calls otherwise
        (``{"claim_id": "Encounter"}`` or ``"claim_id=Encounter,code=Proc"``)."""
        from clearclaim.edits import engine_for

        if isinstance(column_map, str):
            from clearclaim.edits.batch_input import parse_map

            column_map = parse_map(column_map)
        return engine_for(self.store).scrub(
            path,
            out=out,
            errors=errors,
            setting=setting,
            progress=progress,
            column_map=column_map,
        )

    def rules(self) -> list[dict[str, Any]]:
        """Every rule a finding can carry, from the one registry."""
        return self.rule_list()

    @staticmethod
    def rule_list() -> list[dict[str, Any]]:
        """The registry's rules (no store needed): ID, name, kind, severity, effect,
        effective dates, sources, uncertainty and the file that defines each."""
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

    # -- the procedure log (wRVU tracker) ------------------------------------------

    def procedure_log(self, contract: Path | str | None = None) -> ProcedureLog:
        """The procedure log in this store, valued under ``contract`` (a YAML file;
        the shipped default when None). See docs/wrvu.md."""
        from clearclaim.wrvu import ProcedureLog, load_contract

        return ProcedureLog(self.store, load_contract(contract))

    def log_add(
        self,
        *,
        day: date | str,
        code: str,
        modifiers: Sequence[str] = (),
        units: int = 1,
        provider: str | None = None,
        pos: str | None = None,
        user: str | None = None,
        again: bool = False,
    ) -> int:
        """Log one procedure; returns its entry id. Bad input raises a FieldError."""
        from clearclaim.errors import FieldError
        from clearclaim.wrvu.log import Problem

        log = self.procedure_log()
        try:
            line = log.validate(
                day=day, code=code, modifiers=modifiers, units=units, provider=provider, pos=pos
            )
        except Problem as problem:
            raise FieldError(problem.reason, field=problem.field) from None
        return log.add(line, user=user, again=again)

    def log_import(
        self,
        path: Path | str,
        *,
        mapping: Sequence[str] | dict[str, str] | None = None,
        user: str | None = None,
    ) -> ImportResult:
        """Import a CSV or xlsx procedure export (``mapping``: field -> column, or
        ``field=Column`` strings); bad rows are reported and the rest imported."""
        from clearclaim.wrvu.reading import parse_map

        columns = mapping if isinstance(mapping, dict) else parse_map(list(mapping or []))
        return self.procedure_log().import_file(path, mapping=columns, user=user)

    def log_report(
        self,
        *,
        provider: str | None = None,
        start: date | None = None,
        end: date | None = None,
        by: str = "month",
        rate: float | None = None,
        compare_year: int | None = None,
        contract: Path | str | None = None,
        payments: bool = True,
        benchmark: str | None = None,
    ) -> WrvuReport:
        """wRVUs of the log (or a selection), valued by the release in force on each date."""
        from clearclaim.wrvu import build_report

        report, _ = build_report(
            self.procedure_log(contract), provider=provider, start=start, end=end,
            by=by,  # type: ignore[arg-type]
            rate=rate, compare_year=compare_year, payments=payments, benchmark=benchmark,
        )  # fmt: skip
        return report

    def log_chart(
        self,
        out: Path | str,
        *,
        provider: str | None = None,
        start: date | None = None,
        end: date | None = None,
        by: str = "month",
        contract: Path | str | None = None,
        benchmark: str | None = None,
    ) -> list[Path]:
        """PNG charts and one interactive HTML file of the log into the folder ``out``."""
        from clearclaim.wrvu import build_report
        from clearclaim.wrvu.charts import write_charts

        report, valued = build_report(
            self.procedure_log(contract), provider=provider, start=start, end=end,
            by=by,  # type: ignore[arg-type]
            payments=False, benchmark=benchmark,
        )  # fmt: skip
        return write_charts(valued, report.benchmarks, out, by=by)

    def log_plan(
        self,
        *,
        goal: float,
        by: date,
        provider: str | None = None,
        start: date | None = None,
        today: date | None = None,
        contract: Path | str | None = None,
    ) -> WrvuPlan:
        """How many of which procedures reach ``goal`` wRVUs by the date ``by``."""
        from clearclaim.wrvu import plan

        return plan(
            self.procedure_log(contract), goal=goal, by=by, provider=provider, start=start,
            today=today,
        )  # fmt: skip

    def log_edit(
        self, entry_id: int, *, user: str | None = None, reason: str | None = None, **changes: Any
    ) -> list[dict[str, Any]]:
        """Change an entry; each change is a new history row (nothing is updated in place)."""
        rows = self.procedure_log().edit(entry_id, user=user, reason=reason, **changes)
        return [r._asdict() for r in rows]

    def log_void(self, entry_id: int, *, reason: str, user: str | None = None) -> None:
        self.procedure_log().void(entry_id, reason=reason, user=user)

    def log_history(self, entry_id: int | None = None) -> list[dict[str, Any]]:
        return self.procedure_log().history(entry_id)

    def log_entries(
        self,
        *,
        provider: str | None = None,
        start: date | None = None,
        end: date | None = None,
        include_voided: bool = False,
    ) -> list[dict[str, Any]]:
        frame = self.procedure_log().frame(
            provider=provider, start=start, end=end, include_voided=include_voided, full=True
        )
        return frame.to_dicts()

    def log_export(self, path: Path | str) -> int:
        """The log as it stands (void entries marked) to .csv, .parquet or .xlsx."""
        return self.procedure_log().export(path)

    def log_provider(
        self,
        provider: str,
        *,
        specialty: str | None = None,
        locality: str | None = None,
        zip_code: str | None = None,
    ) -> dict[str, Any]:
        """Set a provider's specialty (benchmarks) and payment locality (MAC-LL or ZIP)."""
        from clearclaim.wrvu.settings import set_provider

        return set_provider(
            self.store, provider, specialty=specialty, locality=locality, zip_code=zip_code
        )

    def log_benchmarks_load(self, path: Path | str, *, name: str | None = None) -> dict[str, Any]:
        """Load the user's benchmark table (specialty, percentiles of annual wRVU)."""
        from clearclaim.wrvu import load_benchmarks

        table, rows, problems = load_benchmarks(self.store, path, name=name)
        return {
            "name": table,
            "rows": rows,
            "problems": [p.model_dump() for p in problems],
        }

    # -- for the web shell (clearclaim serve) ------------------------------------
    # Small delegations the REST API and the pages need; the work stays in the
    # library, the rules and the audit modules.

    def remove_document(self, document_id: str) -> Document:
        """Remove one document (and its stored copy) from the user's library."""
        library = self.library()
        assert library is not None
        return library.remove(document_id)

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
