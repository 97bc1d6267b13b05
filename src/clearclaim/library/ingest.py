"""Adding and removing documents: copy, hash, read, split, index — one file at a time.

Each file is its own transaction. A file that cannot be read (encrypted,
image-only, unsupported) is reported by name and the others go on; a file
that fails half way leaves the library exactly as it was, including any
earlier version of the same file.

Identity: a document is the file at one source path. Re-adding that path
with the same bytes changes nothing (except new tags); with new bytes its
passages and stored copy are replaced. The same bytes under another path are
a duplicate and are not stored twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from clearclaim._process import process_running
from clearclaim.errors import ClearclaimError, InputError
from clearclaim.library.embeddings import Embedder, embed_missing
from clearclaim.library.limits import ArchiveLimits
from clearclaim.library.models import AddResult, Document, Passage
from clearclaim.library.passages import build_passages, content_hash
from clearclaim.library.paths import check_document_id, inside, slug
from clearclaim.library.readers import Block, Reader, open_reader
from clearclaim.library.synonyms import Synonyms
from clearclaim.library.text import codes_in
from clearclaim.store.queries.library import LibraryIndex, PassageRow

BATCH = 200
COPY_CHUNK = 1024 * 1024
TEMP_PREFIX = ".adding-"
# A temporary copy whose process is gone is left over from a killed `library add`.
# One without a process id (older versions) counts as stale after this long.
STALE_TEMP_SECONDS = 3600


def add_files(
    index: LibraryIndex,
    folder: Path,
    paths: Sequence[Path],
    *,
    synonyms: Synonyms,
    tags: Sequence[str] = (),
    embedder: Embedder | None = None,
    limits: ArchiveLimits | None = None,
) -> list[AddResult]:
    """Add each path (folders are walked); one result per file, failures included.

    A file that cannot be read, for whatever reason, is reported on its own line
    (its path and why, never its text) and the batch goes on.
    """
    results: list[AddResult] = []
    clean_stale_temporaries(folder)
    for path, skipped in _expand(paths):
        if skipped:
            results.append(AddResult(path=str(path), status="skipped", message=skipped))
            continue
        try:
            results.append(
                add_file(index, folder, path, synonyms=synonyms, tags=tags, limits=limits)
            )
        except ClearclaimError as exc:
            results.append(
                AddResult(
                    path=str(path), status="failed", message=str(exc), exit_code=exc.exit_code
                )
            )
        except (MemoryError, RecursionError, OSError, ValueError, LookupError, TypeError) as exc:
            # A reader library choking on a malformed file (truncated XML, a
            # broken stream) fails that file alone; the message names the file
            # and the kind of error, never the file's text.
            results.append(
                AddResult(
                    path=str(path),
                    status="failed",
                    message=f"{path}: could not be read ({type(exc).__name__})",
                    exit_code=2,
                )
            )
    if embedder is not None and any(r.status in {"added", "updated"} for r in results):
        with index.transaction():
            embed_missing(index, embedder)
    return results


def _expand(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """Each file to add, with "" or why it is skipped.

    A path the user names is taken as given. Inside a folder, links are not
    followed out of it: a link to a file or folder outside the folder given is
    skipped and named, so adding ``~/policies`` never reads ``/etc``.
    """
    for path in paths:
        if not path.is_dir():
            yield path, ""
            continue
        root = path.resolve()
        for current, dirs, files in os.walk(path, followlinks=False):
            here = Path(current)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in list(dirs):
                link = here / name
                if link.is_symlink():
                    dirs.remove(name)
                    yield link, _link_reason(link, root, folder=True)
            for name in sorted(files):
                if name.startswith("."):
                    continue
                file = here / name
                if file.is_symlink():
                    reason = _link_reason(file, root, folder=False)
                    if reason:
                        yield file, reason
                        continue
                yield file, ""


def _link_reason(link: Path, root: Path, *, folder: bool) -> str:
    target = link.resolve()
    if not target.is_relative_to(root):
        return f"{link}: a link out of the folder given ({target}), not followed"
    if folder:
        # a link to a folder inside the folder: its files are reached directly
        return f"{link}: a link to a folder inside the folder given, not followed twice"
    return ""


def add_file(
    index: LibraryIndex,
    folder: Path,
    path: Path,
    *,
    synonyms: Synonyms,
    tags: Sequence[str] = (),
    limits: ArchiveLimits | None = None,
) -> AddResult:
    source = path.expanduser().resolve()
    reader = open_reader(source)  # refuses unsupported types before anything is copied
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Copy first and read the copy, so the stored file is exactly what was indexed.
    temp, sha256, size = _copy_with_hash(source, folder)
    try:
        existing = index.document_by_source(str(source))
        wanted_tags = sorted({*(existing.tags if existing else []), *tags})
        if existing and existing.sha256 == sha256:
            if wanted_tags != existing.tags:
                with index.transaction():
                    index.save_document(existing.model_copy(update={"tags": wanted_tags}))
            return AddResult(
                path=str(path),
                status="unchanged",
                document_id=existing.id,
                passages=existing.passages,
                message="already in the library, unchanged",
            )
        twin = index.document_by_hash(sha256)
        if twin and (existing is None or twin.id != existing.id):
            return AddResult(
                path=str(path),
                status="duplicate",
                document_id=twin.id,
                passages=twin.passages,
                message=f"same content as {twin.id} ({twin.source_path}); not added twice",
            )
        document_id = existing.id if existing else _new_id(index, source.name)
        stored_name = document_id + source.suffix.lower()
        target = inside(folder, stored_name)
        reader = Reader(
            path=temp,
            media_type=reader.media_type,
            name=str(path),
            limits=limits or ArchiveLimits(),
        )
        with index.transaction():
            document = Document(
                id=document_id,
                title=source.name,
                media_type=reader.media_type,
                source_path=str(source),
                stored_name=stored_name,
                sha256=sha256,
                size=size,
                passages=0,
                tags=wanted_tags,
                added_at=datetime.now(UTC),
            )
            index.save_document(document)  # passages reference it
            if existing:
                index.delete_passages(document_id)
            count, first_heading = _index_passages(index, reader, document_id, source, synonyms)
            if count == 0:
                raise InputError(f"{path}: no text found in the file")
            title = reader.title or first_heading or source.name
            index.save_document(
                document.model_copy(
                    update={"title": title, "passages": count, "pages": reader.pages}
                )
            )
            os.replace(temp, target)
        if existing and existing.stored_name != stored_name:
            inside(folder, existing.stored_name).unlink(missing_ok=True)
        message = ""
        if reader.empty_pages:
            message = f"{len(reader.empty_pages)} page(s) without a text layer were skipped"
        return AddResult(
            path=str(path),
            status="updated" if existing else "added",
            document_id=document_id,
            passages=count,
            message=message,
        )
    finally:
        temp.unlink(missing_ok=True)


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary copies that a killed `library add` left behind.

    Copies are written as ``.adding-<pid>-*`` in the library folder and renamed
    into place; one whose process no longer runs is garbage.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for temp in folder.glob(TEMP_PREFIX + "*"):
        pid_text = temp.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        try:
            if pid_text.isdigit():
                if process_running(int(pid_text)):
                    continue
            elif now - temp.stat().st_mtime < STALE_TEMP_SECONDS:
                continue
            temp.unlink()
            removed.append(temp)
        except OSError:
            continue
    return removed


def _copy_with_hash(source: Path, folder: Path) -> tuple[Path, str, int]:
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(
        dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=source.suffix.lower()
    )
    with os.fdopen(handle, "wb") as out, source.open("rb") as src:
        while chunk := src.read(COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return Path(name), digest.hexdigest(), size


def _new_id(index: LibraryIndex, filename: str) -> str:
    base = slug(filename)
    candidate, n = base, 1
    while index.document(candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return check_document_id(candidate)


def _index_passages(
    index: LibraryIndex, reader: Reader, document_id: str, source: Path, synonyms: Synonyms
) -> tuple[int, str | None]:
    """Stream the reader into the index in batches; returns (passages, first heading)."""
    first_heading: list[str] = []
    seen_blocks: set[str] = set()

    def watched() -> Iterator[Block]:
        for block in reader.blocks():
            if block.level:
                if not first_heading:
                    first_heading.append(block.text)
            elif len(block.text.split()) >= 5:
                # A paragraph repeated word for word in one document is boilerplate
                # (disclaimers, running footers): it is indexed once.
                key = content_hash(block.text)
                if key in seen_blocks:
                    continue
                seen_blocks.add(key)
            yield block

    seen: set[str] = set()
    batch: list[PassageRow] = []
    count = 0
    for passage in build_passages(watched(), document_id):
        key = content_hash(passage.text)
        if key in seen:  # running headers, repeated boilerplate
            continue
        seen.add(key)
        title = reader.title or source.stem.replace("_", " ").replace("-", " ")
        batch.append(_row(passage, count, key, title, synonyms))
        count += 1
        if len(batch) >= BATCH:
            index.insert_passages(document_id, batch)
            batch = []
    index.insert_passages(document_id, batch)
    return count, first_heading[0] if first_heading else None


def _row(passage: Passage, ordinal: int, key: str, title: str, synonyms: Synonyms) -> PassageRow:
    return PassageRow(
        ordinal=ordinal,
        page=passage.page,
        heading=passage.heading,
        line=passage.line,
        anchor=passage.anchor,
        text=passage.text,
        hash=key,
        codes=" ".join(codes_in(passage.text)),
        terms=" ".join(synonyms.terms(passage.text)),
        context=context_terms(passage.text, passage.heading, title, synonyms),
    )


def context_terms(text: str, heading: str | None, title: str, synonyms: Synonyms) -> str:
    """Heading and title terms, plus every code the passage names, ranges spelled out.

    With the codes here, "62320 through 62327" is found by a question about 62323.
    """
    codes = " ".join(code.lower() for code in codes_in(text))
    return " ".join([*synonyms.terms(f"{heading or ''} {title}"), codes]).strip()


def reindex(index: LibraryIndex, synonyms: Synonyms) -> None:
    """Rebuild every passage's terms when the synonyms' term folding has changed."""
    if index.get_meta("analyzer") == synonyms.fingerprint:
        return
    with index.transaction():
        rows = [
            (pid, " ".join(synonyms.terms(text)), context_terms(text, heading, title, synonyms))
            for pid, text, heading, title in index.passages_for_reindex()
        ]
        index.replace_terms(rows)
        index.set_meta("analyzer", synonyms.fingerprint)


def recover_stored_copies(index: LibraryIndex, folder: Path, legacy: Path) -> int:
    """Copy a document's stored file from the folder libraries once shared, when its
    own folder lacks it and the shared copy is still the same bytes (same SHA-256).

    The shared folder is left as it is: another library may still use it.
    """
    if legacy == folder or not legacy.is_dir():
        return 0
    recovered = 0
    for document in index.documents():
        if (folder / document.stored_name).exists():  # the usual case: nothing to do
            continue
        try:
            target = inside(folder, document.stored_name)
            old = inside(legacy, document.stored_name)
        except InputError:
            continue
        if not old.is_file() or _sha256(old) != document.sha256:
            continue
        handle, name = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-")
        os.close(handle)
        try:
            shutil.copyfile(old, name)
            os.chmod(name, 0o600)
            os.replace(name, target)
            recovered += 1
        finally:
            Path(name).unlink(missing_ok=True)
    return recovered


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove_document(index: LibraryIndex, folder: Path, document_id: str) -> Document:
    check_document_id(document_id)
    document = index.document(document_id)
    if document is None:
        raise InputError(
            f"no document {document_id!r} in the library", hint="see `clearclaim library list`"
        )
    stored = inside(folder, document.stored_name)
    with index.transaction():
        index.delete_document(document_id)
    stored.unlink(missing_ok=True)
    return document
