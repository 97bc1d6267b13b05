"""Optional dense retrieval: used only when a local sentence-embedding model is configured.

Nothing here is needed for the default BM25 path. To turn it on, install
``sentence-transformers`` and point ``$CLEARCLAIM_EMBEDDING_MODEL`` at a model
folder (or the name of a model already in the local cache): it is loaded with
``local_files_only``, so nothing is downloaded. Vectors are stored in the
library file beside the passages and made for new passages on ``add`` (and
for any still missing on the first ``ask``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from clearclaim.store.queries.library import LibraryIndex

log = logging.getLogger(__name__)

MODEL_ENV = "CLEARCLAIM_EMBEDDING_MODEL"
BATCH = 64


class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``threshold`` is the cosine that counts as relevant."""

    name: str
    threshold: float

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from local files only."""

    threshold = 0.55

    def __init__(self, model_name: str) -> None:
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        self.name = model_name
        self._model = SentenceTransformer(model_name, local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        vectors = self._model.encode(list(texts), normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def load_embedder() -> Embedder | None:
    """The configured local model, or None (BM25 only) when none is configured or loadable."""
    model_name = os.environ.get(MODEL_ENV)
    if not model_name:
        return None
    try:
        return SentenceTransformerEmbedder(model_name)
    except ImportError:
        log.warning("%s is set but sentence-transformers is not installed", MODEL_ENV)
    except Exception as exc:  # a missing or broken model must not stop BM25 answers
        log.warning("embedding model %r could not be loaded (%s)", model_name, type(exc).__name__)
    return None


def embed_missing(index: LibraryIndex, embedder: Embedder) -> int:
    """Make vectors for every passage that has none for this model; returns how many."""
    import numpy as np

    pending = index.passages_without_vectors(embedder.name)
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        vectors = np.asarray(embedder.embed([text for _, text in batch]), dtype=np.float32)
        index.save_vectors(
            embedder.name,
            ((pid, vector.tobytes()) for (pid, _), vector in zip(batch, vectors, strict=True)),
        )
    return len(pending)


def dense_scores(
    index: LibraryIndex, embedder: Embedder, question: str, *, limit: int
) -> dict[int, float]:
    """Cosine similarity of the question to its ``limit`` nearest passages, by passage id."""
    import numpy as np

    embed_missing(index, embedder)
    stored = index.vectors(embedder.name)
    if not stored:
        return {}
    ids = np.fromiter((pid for pid, _ in stored), dtype=np.int64, count=len(stored))
    matrix = np.vstack([np.frombuffer(blob, dtype=np.float32) for _, blob in stored])
    query = np.asarray(embedder.embed([question]), dtype=np.float32)[0]
    similarity = matrix @ query
    top = np.argsort(-similarity)[:limit]
    return {int(ids[i]): float(similarity[i]) for i in top}
