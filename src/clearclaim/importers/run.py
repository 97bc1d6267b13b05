"""Importing folders, files and release zips into the store."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearclaim.errors import ClearclaimError, DataError, UnreadableFileError
from clearclaim.importers.families import ImportContext, clean_values, plan_releases
from clearclaim.importers.limits import Limits
from clearclaim.importers.reading import Payload, parse_payload
from clearclaim.importers.validate import RowError, check_rows
from clearclaim.store import Store
from clearclaim.store.lock import write_lock

if TYPE_CHECKING:
    from rich.progress import TaskID

#: files read first because others depend on them (release dates come from the index)
FIRST = ("rvu_zip_links", "release_table")

ProgressHook = Callable[[str, int, int | None], None]  # (file, rows done, rows total)


@dataclass
class ReleaseResult:
    family: str
    label: str
    effective_start: date
    effective_end: date
    rows: int


@dataclass
class FileResult:
    display: str
    sha256: str = ""
    family: str = ""
    status: str = "imported"  # imported, unchanged, document, failed
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    notes_skipped: int = 0
    releases: list[ReleaseResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: rows kept after a clean-up worth saying (a footnote mark removed from a code)
    notices: list[RowError] = field(default_factory=list)
    message: str = ""


@dataclass
class ImportReport:
    files: list[FileResult]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Source:
    display: str
    name: str
    hints: list[str]
    read: Callable[[], bytes]


def _sources(path: Path, limits: Limits) -> Iterator[_Source]:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from _sources(child, limits)
        return
    if path.suffix.lower() == ".zip":
        yield from _zip_sources(path, limits)
        return
    hints = [path.name, *[p.name for p in path.parents if p.name][:3]]
    yield _Source(str(path), path.name, hints, path.read_bytes)


def _zip_sources(path: Path, limits: Limits) -> Iterator[_Source]:
    """The members of a release zip, each read in bounded steps when its turn comes.

    The sizes the archive declares are checked first (every member, and their
    total); a member that then unpacks to more than it declared is cut off at the
    limit and refused, so a forged header cannot get past them either.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFileError(f"not a readable zip file ({exc})", path=str(path)) from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        total = 0
        for info in members:
            limits.check_member(f"{path}!{info.filename}", info.file_size, info.compress_size)
            total += info.file_size
        if total > limits.max_total_bytes:
            raise limits.total_too_big(str(path), total)
        for info in sorted(members, key=lambda i: i.filename):
            member = info.filename
            inner = Path(member)
            hints = [inner.name, *[p.name for p in inner.parents if p.name], path.stem]

            def read(member: str = member) -> bytes:
                return _read_member(path, member, limits)

            yield _Source(f"{path}!{member}", inner.name, hints, read)


def _read_member(path: Path, member: str, limits: Limits) -> bytes:
    display = f"{path}!{member}"
    chunks: list[bytes] = []
    size = 0
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
            if size > limits.max_member_bytes:
                raise limits.too_big(display, "the member unpacks to more than it declares")
            chunks.append(chunk)
    return b"".join(chunks)


def _order(sources: list[_Source]) -> list[_Source]:
    def rank(source: _Source) -> int:
        lowered = source.name.lower()
        return 0 if any(key in lowered for key in FIRST) else 1

    return sorted(sources, key=rank)


def import_paths(
    store: Store,
    paths: list[Path | str],
    *,
    progress: bool = False,
    release: str | None = None,
    effective: date | None = None,
    force: bool = False,
    on_progress: ProgressHook | None = None,
    limits: Limits | None = None,
    lock_timeout: float | None = None,
) -> ImportReport:
    """Import every CMS file found under ``paths``; one transaction per release.

    A file that cannot be read is reported and skipped; malformed rows are
    reported (file, line, field) and skipped; nothing already stored is lost.
    A zip or gzip file that unpacks past ``limits`` is refused. Another import
    writing to the same store is waited for (up to ``lock_timeout`` seconds).
    """
    with write_lock(store.location, timeout=lock_timeout):
        return _import_locked(
            store,
            paths,
            progress=progress,
            release=release,
            effective=effective,
            force=force,
            on_progress=on_progress,
            limits=limits or Limits.from_env(),
        )


def _import_locked(
    store: Store,
    paths: list[Path | str],
    *,
    progress: bool,
    release: str | None,
    effective: date | None,
    force: bool,
    on_progress: ProgressHook | None,
    limits: Limits,
) -> ImportReport:
    store.invalidate()  # another process may have written while this one waited
    results: list[FileResult] = []
    sources: list[_Source] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            results.append(FileResult(str(path), status="failed", message="no such file or folder"))
            continue
        try:
            sources.extend(_sources(path, limits))
        except ClearclaimError as exc:
            results.append(FileResult(str(path), status="failed", message=exc.message))
    bar = _ProgressBar(len(sources)) if progress else None
    try:
        for source in _order(sources):
            if bar:
                bar.start_file(source.display)
            hook = bar.rows if bar else on_progress
            results.append(
                import_one(
                    store,
                    source,
                    release=release,
                    effective=effective,
                    force=force,
                    hook=hook,
                    limits=limits,
                )
            )
            if bar:
                bar.end_file()
    finally:
        if bar:
            bar.close()
        store.finish_import()
    return ImportReport(results)


def import_one(
    store: Store,
    source: _Source,
    *,
    release: str | None = None,
    effective: date | None = None,
    force: bool = False,
    hook: ProgressHook | None = None,
    limits: Limits | None = None,
) -> FileResult:
    result = FileResult(source.display)
    try:
        data = source.read()
    except ClearclaimError as exc:
        result.status, result.message = "failed", exc.message
        return result
    except OSError as exc:
        result.status, result.message = "failed", f"cannot read: {exc.strerror or exc}"
        return result
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        result.status, result.message = "failed", f"{source.display}: cannot unpack ({exc})"
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    if not force and store.has_file(result.sha256):
        result.status = "unchanged"
        return result
    try:
        parsed = parse_payload(Payload(source.name, source.display, data), limits)
        if parsed is None:
            result.status, result.family = "document", "document"
            store.record_file(
                sha256=result.sha256,
                path=source.display,
                name=source.name,
                size_bytes=len(data),
                family="document",
                rows_read=0,
                rows_imported=0,
                rows_rejected=0,
                notes_skipped=0,
            )
            return result
        checked = check_rows(parsed)
        frame = clean_values(parsed.layout, checked.frame)
        context = ImportContext(source.hints, release=release, effective=effective)
        plans = plan_releases(store, parsed.layout, frame, context, source.display)
    except ClearclaimError as exc:
        result.status, result.message = "failed", exc.message
        return result
    except Exception as exc:  # a parser's own error: still name the file, keep going
        result.status, result.message = "failed", f"{source.display}: cannot import ({exc})"
        return result

    result.rows_read = checked.rows_read
    result.rows_rejected = checked.error_count
    result.notes_skipped = checked.notes_skipped
    result.errors = checked.errors
    result.notices = checked.notices
    total = sum(p.frame.height for p in plans)
    done = 0
    for plan in plans:
        result.family = plan.family
        columns = [c for c in plan.columns]
        selected = plan.frame.select(
            [(c if c in plan.frame.columns else None) or _null(c) for c in columns]
        )
        rows = _with_progress(selected.iter_rows(), hook, source.display, done, total)
        try:
            count = store.write_release(
                family=plan.family,
                label=plan.label,
                effective_start=plan.start,
                effective_end=plan.end,
                table=plan.table,
                columns=columns,
                rows=rows,
                source_sha256=result.sha256,
                source_name=source.name,
                part=plan.part,
            )
        except ClearclaimError as exc:
            result.status, result.message = "failed", exc.message
            return result
        done += count
        result.rows_imported += count
        result.releases.append(ReleaseResult(plan.family, plan.label, plan.start, plan.end, count))
    store.record_file(
        sha256=result.sha256,
        path=source.display,
        name=source.name,
        size_bytes=len(data),
        family=result.family,
        rows_read=result.rows_read,
        rows_imported=result.rows_imported,
        rows_rejected=result.rows_rejected,
        notes_skipped=result.notes_skipped,
        errors=[e.as_tuple() for e in result.errors],
    )
    return result


def _null(column: str) -> Any:
    import polars as pl

    return pl.lit(None).alias(column)


def _with_progress(
    rows: Iterable[Any], hook: ProgressHook | None, name: str, done: int, total: int | None
) -> Iterator[Any]:
    if hook is None:
        yield from rows
        return
    step = 50_000
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % step == 0:
            hook(name, done + count, total)
    hook(name, done + count, total)


class _ProgressBar:
    """A rich progress display: files done, and rows of the current file."""

    def __init__(self, file_count: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
        )
        self.progress.start()
        self.files = self.progress.add_task("files", total=file_count)
        self.current: TaskID | None = None

    def start_file(self, name: str) -> None:
        self.current = self.progress.add_task(Path(name.split("!")[-1]).name[:40], total=None)

    def rows(self, name: str, done: int, total: int | None) -> None:
        if self.current is not None:
            self.progress.update(self.current, completed=done, total=total)

    def end_file(self) -> None:
        if self.current is not None:
            self.progress.remove_task(self.current)
        self.progress.advance(self.files)

    def close(self) -> None:
        self.progress.stop()


def require_readable(report: ImportReport) -> None:
    if report.failed:
        names = ", ".join(f.display for f in report.failed[:5])
        raise DataError(f"{len(report.failed)} file(s) could not be imported: {names}")
