"""The library's Python API: a ``Library`` object and one-call ``ask`` / ``passages_for``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from clearclaim.errors import InputError
from clearclaim.library.answer import (
    EMPTY_LIBRARY,
    AnswerBackend,
    Evidence,
    ExtractiveBackend,
    gather_evidence,
)
from clearclaim.library.embeddings import Embedder, load_embedder
from clearclaim.library.ingest import (
    add_files,
    clean_stale_temporaries,
    recover_stored_copies,
    reindex,
    remove_document,
)
from clearclaim.library.limits import ArchiveLimits
from clearclaim.library.models import AddResult, Answer, Citation, Document
from clearclaim.library.paths import (
    claim_files_dir,
    default_library_location,
    files_dir,
    legacy_files_dir,
)
from clearclaim.library.retrieve import build_query, rank
from clearclaim.library.synonyms import Synonyms, load
from clearclaim.library.text import check_code
from clearclaim.store.queries.library import LibraryIndex

MAX_QUESTION_CHARS = 2000


class _Auto:
    """Marks "use the configured model, if any" apart from an explicit None."""


_AUTO = _Auto()


class Library:
    """The user's coding library in one SQLite file, with copies of its files beside it.

    ``embedder`` defaults to the model named by ``$CLEARCLAIM_EMBEDDING_MODEL``
    (none: BM25 only); pass ``None`` to force BM25, or any ``Embedder``.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        synonyms: Synonyms | None = None,
        embedder: Embedder | _Auto | None = _AUTO,
        backend: AnswerBackend | None = None,
        limits: ArchiveLimits | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_library_location()
        self.folder = files_dir(self.path)
        self.limits = limits or ArchiveLimits.from_environment()
        self.synonyms = synonyms or load()
        self.embedder: Embedder | None = (
            load_embedder() if isinstance(embedder, _Auto) else embedder
        )
        self.backend: AnswerBackend = backend or ExtractiveBackend()
        self._index: LibraryIndex | None = None

    # The file is created on the first add; reading a library that does not
    # exist yet answers "empty" instead of leaving an empty file behind.
    def _open(self, create: bool) -> LibraryIndex | None:
        if self._index is None:
            if not create and not self.path.exists():
                return None
            self._index = LibraryIndex(self.path)
            self.folder = claim_files_dir(self.path)
            clean_stale_temporaries(self.folder)
            recover_stored_copies(self._index, self.folder, legacy_files_dir(self.path))
            if self._index.passage_count() == 0:
                self._index.set_meta("analyzer", self.synonyms.fingerprint)
            else:
                reindex(self._index, self.synonyms)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------ documents

    def add(self, paths: Sequence[Path | str], *, tags: Sequence[str] = ()) -> list[AddResult]:
        """Add files (or folders of files); a file that fails is reported, the rest go on."""
        index = self._open(create=True)
        assert index is not None
        clean_tags = [tag.strip() for tag in tags if tag.strip()]
        return add_files(
            index,
            self.folder,
            [Path(p) for p in paths],
            synonyms=self.synonyms,
            tags=clean_tags,
            embedder=self.embedder,
            limits=self.limits,
        )

    def documents(self) -> list[Document]:
        index = self._open(create=False)
        return index.documents() if index else []

    def remove(self, document_id: str) -> Document:
        index = self._open(create=False)
        if index is None:
            raise InputError(f"no document {document_id!r}: the library is empty")
        return remove_document(index, self.folder, document_id)

    # ------------------------------------------------------------ questions

    def evidence(self, question: str, *, code: str | None = None, limit: int = 3) -> list[Evidence]:
        """Relevant passages with their best quotes; empty when nothing clears the gate."""
        question = _check_question(question)
        code = check_code(code, option="--code")
        index = self._open(create=False)
        if index is None or index.passage_count() == 0:
            return []
        query = build_query(index, self.synonyms, question, code)
        ranked = rank(
            index,
            query,
            limit=max(limit * 4, 12),
            embedder=self.embedder,
            synonyms=self.synonyms,
        )
        return gather_evidence(ranked, query, self.synonyms, self.folder, limit=limit)

    def ask(self, question: str, *, code: str | None = None, limit: int = 3) -> Answer:
        """Answer from the library only, quoting it; ``grounded`` is false when it cannot."""
        question = _check_question(question)
        code = check_code(code, option="--code")
        index = self._open(create=False)
        if index is None or index.passage_count() == 0:
            return Answer(question=question, grounded=False, answer=EMPTY_LIBRARY)
        query = build_query(index, self.synonyms, question, code)
        ranked = rank(
            index,
            query,
            limit=max(limit * 4, 12),
            embedder=self.embedder,
            synonyms=self.synonyms,
        )
        evidence = gather_evidence(ranked, query, self.synonyms, self.folder, limit=limit)
        return self.backend.compose(question, evidence, query.codes)

    def passages_for(self, topic: str, code: str | None = None, limit: int = 3) -> list[Citation]:
        """Library passages about a finding ("your payer policy says ..."); [] when none."""
        if not topic.strip() and not code:
            return []
        return [
            item.citation for item in self.evidence(topic or code or "", code=code, limit=limit)
        ]


def _check_question(question: str) -> str:
    cleaned = " ".join(question.split())
    if not cleaned:
        raise InputError("the question is empty", hint='ask "QUESTION"')
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return cleaned


def ask(
    question: str, *, code: str | None = None, limit: int = 3, library: Path | str | None = None
) -> Answer:
    """Answer a question from the user's library (``$CLEARCLAIM_LIBRARY`` or the default)."""
    with Library(library) as lib:
        return lib.ask(question, code=code, limit=limit)


def passages_for(
    topic: str, code: str | None = None, limit: int = 3, *, library: Path | str | None = None
) -> list[Citation]:
    """Passages of the user's library relevant to a finding; [] without a library."""
    with Library(library) as lib:
        return lib.passages_for(topic, code, limit)
