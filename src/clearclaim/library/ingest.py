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
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from clearclaim.errors import ClearclaimError, InputError
from clearclaim.library.embeddings import Embedder, embed_missing
from clearclaim.library.index import LibraryIndex, PassageRow
from clearclaim.library.models import AddResult, Document, Passage
from clearclaim.library.passages import build_passages, content_hash
from clearclaim.library.paths import check_document_id, inside, slug
from clearclaim.library.readers import Block, Reader, open_reader
from clearclaim.library.synonyms import Synonyms
from clearclaim.library.text import codes_in

BATCH = 200
COPY_CHUNK = 1024 * 1024


def add_files(
    index: LibraryIndex,
    folder: Path,
    paths: Sequence[Path],
    *,
    synonyms: Synonyms,
    tags: Sequence[str] = (),
    embedder: Embedder | None = None,
) -> list[AddResult]:
    """Add each path (folders are walked); one result per file, failures included."""
    results: list[AddResult] = []
    for path in _expand(paths):
        try:
            results.append(add_file(index, folder, path, synonyms=synonyms, tags=tags))
        except ClearclaimError as exc:
            results.append(
                AddResult(
                    path=str(path), status="failed", message=str(exc), exit_code=exc.exit_code
                )
            )
    if embedder is not None and any(r.status in {"added", "updated"} for r in results):
        with index.transaction():
            embed_missing(index, embedder)
    return results


def _expand(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def add_file(
    index: LibraryIndex,
    folder: Path,
    path: Path,
    *,
    synonyms: Synonyms,
    tags: Sequence[str] = (),
) -> AddResult:
    source = path.expanduser().resolve()
    reader = open_reader(source)  # refuses unsupported types before anything is copied
    folder.mkdir(parents=True, exist_ok=True)
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
        reader = Reader(path=temp, media_type=reader.media_type, name=str(path))
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


def _copy_with_hash(source: Path, folder: Path) -> tuple[Path, str, int]:
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(dir=folder, prefix=".adding-", suffix=source.suffix.lower())
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
