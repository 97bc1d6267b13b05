"""The optional dense path, with a small deterministic embedder standing in for a model."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from clearclaim.library import Library
from clearclaim.library.embeddings import load_embedder

np = pytest.importorskip("numpy")


class HashingEmbedder:
    """Bag of words hashed into 64 dimensions, with 'scan'/'imaging' sharing a slot."""

    name = "test-hashing"
    threshold = 0.5

    def embed(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace("?", " ").replace(".", " ").split():
                word = {"scan": "imaging", "scans": "imaging"}.get(word, word)
                slot = int(hashlib.md5(word.encode()).hexdigest(), 16) % 64
                out[row, slot] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


def test_vectors_are_stored_and_used(tmp_path: Path, fixture_files: dict[str, Path]) -> None:
    embedder = HashingEmbedder()
    with Library(tmp_path / "lib.sqlite", embedder=embedder) as library:
        library.add([fixture_files["lcd-epidural-steroid-injections"]])
        with sqlite3.connect(library.path) as db:
            vectors, passages = db.execute(
                "SELECT (SELECT count(*) FROM embeddings), (SELECT count(*) FROM passages)"
            ).fetchone()
        assert vectors == passages > 0
        answer = library.ask("Is ultrasound guidance acceptable for an epidural steroid injection?")
    assert answer.grounded
    assert answer.citations[0].section == "Imaging Guidance"


def test_bm25_only_library_gains_vectors_on_first_ask(
    tmp_path: Path, fixture_files: dict[str, Path]
) -> None:
    path = tmp_path / "lib.sqlite"
    with Library(path, embedder=None) as library:
        library.add([fixture_files["mue-overview"]])
    with Library(path, embedder=HashingEmbedder()) as library:
        answer = library.ask("How do we appeal a medically unlikely edit denial?")
    assert answer.grounded
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM embeddings").fetchone()[0] > 0


def test_no_model_configured_means_bm25_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARCLAIM_EMBEDDING_MODEL", raising=False)
    assert load_embedder() is None
    monkeypatch.setenv("CLEARCLAIM_EMBEDDING_MODEL", str(Path("/nonexistent/model")))
    assert load_embedder() is None  # missing package or model: a warning, then BM25
