"""Benchmark: ingest about 1,000 pages, then time `ask` (BM25 path, no model).

    .venv/bin/python benchmarks/ask.py [--pages 1000] [--asks 300] [--seed 7]

Pages are synthetic, made (seeded) from the sentences and headings of the
fixture documents in tests/fixtures/library, with codes varied so the
vocabulary is not just 40 passages repeated: 40% PDF, 20% Markdown, 20% HTML,
10% text with form feeds, 10% DOCX with page breaks. Everything is written to
a temporary folder and removed afterwards. Needs fpdf2 (dev dependency).

Prints ingest time (generation not included, wall and CPU), passages indexed,
and ask latency p50/p99 (wall, and CPU of the open library) two ways: on an
open Library (a server or a batch) and with the library opened for each
question (what one `clearclaim ask` does, less Python start-up). Target: p50
under 50 ms.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from clearclaim.library import Library, ask

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "library"
WORDS_PER_PAGE = 380
CODES = [
    "76000", "77001", "77002", "77003", "77012", "20610", "20611", "20605", "62321", "62323",
    "64483", "64490", "64493", "64633", "27096", "63650", "36561", "76942", "72275", "10160",
]  # fmt: skip


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("library_fixture_build", FIXTURES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pools() -> tuple[list[str], list[str]]:
    """Sentences and headings of every fixture document."""
    data = yaml.safe_load((FIXTURES / "documents.yaml").read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    headings: list[str] = []
    for spec in data["pdf"].values():
        for page in spec["pages"]:
            for section in page:
                headings.append(section["heading"])
                paragraphs.extend(section["paragraphs"])
    for section in data["docx"]["facet-joint-billing-article"]["sections"]:
        headings.append(section["heading"])
        paragraphs.extend(section.get("paragraphs", []))
    for name in ("acme-health-fluoroscopy-policy.md", "riverside-internal-coding-guidelines.txt"):
        for chunk in (FIXTURES / name).read_text(encoding="utf-8").split("\n\n"):
            chunk = " ".join(chunk.split())
            if chunk.startswith("#") or chunk.isupper():
                headings.append(chunk.lstrip("# "))
            elif len(chunk.split()) > 8 and "|" not in chunk and not chunk.startswith("---"):
                paragraphs.append(chunk)
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if len(s) > 20]
    return sentences, headings


def _page(rng: random.Random, sentences: list[str], headings: list[str]) -> list[tuple[str, str]]:
    """One page: a few (heading, paragraph) sections, codes swapped for variety."""
    sections = []
    words = 0
    while words < WORDS_PER_PAGE:
        heading = f"{rng.choice(headings)} ({rng.choice(CODES)})"
        body = " ".join(rng.sample(sentences, rng.randint(3, 6)))
        body = re.sub(r"\b\d{5}\b", lambda _: rng.choice(CODES), body)
        sections.append((heading, body))
        words += len(body.split())
    return sections


def _write_corpus(folder: Path, pages: int, seed: int) -> list[Path]:
    from fpdf import FPDF

    build = _builder()
    rng = random.Random(seed)
    sentences, headings = _pools()
    made: list[Path] = []

    def chunked(total: int, per_file: int):  # type: ignore[no-untyped-def]
        for start in range(0, total, per_file):
            yield [_page(rng, sentences, headings) for _ in range(min(per_file, total - start))]

    for n, doc in enumerate(chunked(pages * 40 // 100, 100)):
        pdf = FPDF(format="letter")
        pdf.set_auto_page_break(auto=True, margin=15)
        for page in doc:
            pdf.add_page()
            for heading, body in page:
                pdf.set_font("Helvetica", style="B", size=12)
                pdf.multi_cell(0, 7, build._latin1(heading), new_x="LMARGIN", new_y="NEXT")
                pdf.set_font("Helvetica", size=9)
                pdf.multi_cell(0, 4.5, build._latin1(body), new_x="LMARGIN", new_y="NEXT")
        made.append(folder / f"synthetic-manual-{n}.pdf")
        pdf.output(str(made[-1]))
    for n, doc in enumerate(chunked(pages * 20 // 100, 20)):
        text = "\n\n".join(f"## {h}\n\n{b}" for page in doc for h, b in page)
        made.append(folder / f"synthetic-policy-{n}.md")
        made[-1].write_text(f"# Synthetic policy {n}\n\n{text}\n", encoding="utf-8")
    for n, doc in enumerate(chunked(pages * 20 // 100, 20)):
        body = "".join(
            f'<h2 id="s{i}">{h}</h2><p>{b}</p>\n'
            for i, (h, b) in enumerate(s for p in doc for s in p)
        )
        made.append(folder / f"synthetic-article-{n}.html")
        made[-1].write_text(
            f"<html><head><title>Article {n}</title></head><body>{body}</body></html>"
        )
    for n, doc in enumerate(chunked(pages * 10 // 100, 20)):
        text = "\f".join("\n\n".join(f"{h.upper()}\n\n{b}" for h, b in page) for page in doc)
        made.append(folder / f"synthetic-guidelines-{n}.txt")
        made[-1].write_text(text, encoding="utf-8")
    for n, doc in enumerate(chunked(pages * 10 // 100, 20)):
        spec = {
            "title": f"Synthetic billing article {n}",
            "sections": [
                {"heading": h, "level": 1, "paragraphs": [b], "page_break_after": i == len(p) - 1}
                for p in doc
                for i, (h, b) in enumerate(p)
            ],
        }
        made.append(build.build_docx(spec, folder / f"synthetic-billing-{n}.docx"))
    return made


def _questions(count: int, seed: int) -> list[tuple[str, str | None]]:
    data = yaml.safe_load((FIXTURES / "questions.yaml").read_text(encoding="utf-8"))
    pool = [(q["q"], q.get("code")) for q in data["answerable"] + data["unanswerable"]]
    rng = random.Random(seed)
    return [rng.choice(pool) for _ in range(count)]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--asks", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearclaim-ask-bench-") as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        started = time.perf_counter()
        files = _write_corpus(folder, args.pages, args.seed)
        generated = time.perf_counter() - started
        db = Path(tmp) / "library" / "library.sqlite"
        with Library(db, embedder=None) as library:
            started, started_cpu = time.perf_counter(), time.process_time()
            results = library.add(files)
            ingest = time.perf_counter() - started
            ingest_cpu = time.process_time() - started_cpu
            failed = [r.message for r in results if r.status != "added"]
            if failed:
                sys.exit(f"ingest failed: {failed}")
            documents = library.documents()
            passages = sum(d.passages for d in documents)
            pdf_pages = sum(d.pages or 0 for d in documents if d.media_type == "pdf")
            questions = _questions(args.asks, args.seed)
            for question, code in questions[:10]:  # warm caches
                library.ask(question, code=code)
            warm: list[float] = []
            warm_cpu: list[float] = []
            grounded = 0
            for question, code in questions:
                t0, c0 = time.perf_counter(), time.process_time()
                answer = library.ask(question, code=code)
                warm.append((time.perf_counter() - t0) * 1000)
                warm_cpu.append((time.process_time() - c0) * 1000)
                grounded += answer.grounded
        cold: list[float] = []
        for question, code in questions[:100]:
            t0 = time.perf_counter()
            ask(question, code=code, library=db)
            cold.append((time.perf_counter() - t0) * 1000)
        size_mb = db.stat().st_size / 1e6
    print(f"corpus: {len(files)} files, ~{args.pages} pages ({pdf_pages} PDF pages), "
          f"generated in {generated:.1f} s")  # fmt: skip
    print(f"ingest: {ingest:.1f} s ({ingest / args.pages * 1000:.1f} ms/page), "
          f"{passages} passages, library file {size_mb:.1f} MB")  # fmt: skip
    # CPU time: what this process used, less sensitive than wall time to a busy machine
    print(f"ingest CPU: {ingest_cpu:.1f} s; ask CPU p50 {statistics.median(warm_cpu):.1f} ms, "
          f"p99 {_percentile(warm_cpu, 0.99):.1f} ms")  # fmt: skip
    print(f"ask (open library, {len(warm)} questions): p50 {statistics.median(warm):.1f} ms, "
          f"p99 {_percentile(warm, 0.99):.1f} ms, grounded {grounded}/{len(warm)}")  # fmt: skip
    print(f"ask (library opened per question, {len(cold)}): p50 {statistics.median(cold):.1f} ms, "
          f"p99 {_percentile(cold, 0.99):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
