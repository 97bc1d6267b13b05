"""Every label a template translates is a msgid the catalog tools extract, and
every language has it translated (the catalogs' own tests check the rest)."""

from __future__ import annotations

import re
from pathlib import Path

from clearclaim.i18n import SUPPORTED_LANGUAGES, has_translation
from clearclaim.web.messages import MESSAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "clearclaim" / "web" / "templates"
LITERAL = re.compile(r"""_\(\s*(?:"([^"]+)"|'([^']+)')\s*\)""")


def template_msgids() -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        for double, single in LITERAL.findall(path.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def test_template_labels_are_listed_for_extraction() -> None:
    listed = set(MESSAGES)
    assert template_msgids() - listed == set()
    assert len(template_msgids()) > 100


def test_template_labels_are_translated_in_every_language() -> None:
    missing = [
        (lang, message)
        for message in MESSAGES
        for lang in SUPPORTED_LANGUAGES
        if not has_translation(message, lang)
    ]
    assert missing == []
