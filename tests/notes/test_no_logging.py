"""Notes are patient data: reading one must print and log nothing."""

from __future__ import annotations

import logging

from clearclaim.notes import analyze_note, get_pipeline

NOTE = "Zebediah Quixote-Marlowe MRN 99887766: L5-S1 ILESI under fluoro, FT 42 s, DAP 3 Gy cm2."


def test_analysis_prints_and_logs_nothing(capfd, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    get_pipeline()  # building the pipeline must not print either
    capfd.readouterr()
    analyze_note(NOTE)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert not any("Zebediah" in r.getMessage() for r in caplog.records)


def test_loguru_receives_no_note_text() -> None:
    from loguru import logger

    seen: list[str] = []
    sink = logger.add(lambda msg: seen.append(str(msg)), level="TRACE")
    try:
        analyze_note(NOTE)
    finally:
        logger.remove(sink)
    assert not any("Zebediah" in m or "99887766" in m for m in seen)


def test_pyrush_logger_is_disabled(capfd) -> None:
    """medspaCy's default PyRuSH sentencizer logs every token at DEBUG through
    loguru to stderr (measured). We do not use it, but were anything build it,
    silence_loggers() keeps that log off."""
    import medspacy
    from loguru import logger

    from clearclaim.notes import silence_loggers

    silence_loggers()
    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush"])
    seen: list[str] = []
    sink = logger.add(lambda msg: seen.append(str(msg)), level="TRACE")
    try:
        capfd.readouterr()
        nlp(NOTE)
        out, err = capfd.readouterr()
    finally:
        logger.remove(sink)
    assert not any("Zebediah" in m for m in seen)
    assert "Zebediah" not in out + err
