"""Catalog maintenance (a developer tool, not used at run time).

``python -m clearclaim.knowledge.catalogs sync`` re-extracts every msgid: the
strings marked with ``_``, ``N_`` and ``t`` in the package, and the English
texts of the knowledge files (indicator labels and meanings), then updates
the ten catalogs in ``locales/``. It imports both :mod:`clearclaim.i18n` and
:mod:`clearclaim.knowledge`; neither imports it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages import pofile
from babel.messages.catalog import Catalog

from clearclaim.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, catalog_path, read_catalog
from clearclaim.i18n import translations as _translations
from clearclaim.knowledge import indicator_messages

_EXTRACT_KEYWORDS = {"_": None, "N_": None, "t": None, "gettext": None}
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def extract_messages(package_dir: Path | None = None) -> list[str]:
    """Every msgid the package needs: marked strings in the code plus indicator labels."""
    from babel.messages.extract import extract_from_dir

    root = package_dir or PACKAGE_DIR
    found: dict[str, None] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), keywords=_EXTRACT_KEYWORDS
    ):
        if isinstance(message, str) and message:
            found[message] = None
    for message in indicator_messages():
        found[message] = None
    return list(found)


def sync_catalogs(package_dir: Path | None = None) -> dict[str, list[str]]:
    """Bring every catalog in line with :func:`extract_messages`.

    English gets msgstr = msgid. Other languages keep their translations, gain
    the new msgids with an empty msgstr, and drop msgids no longer used.
    Returns, per language, the msgids that still need a translation.
    """
    wanted = extract_messages(package_dir)
    missing: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        path = catalog_path(lang.tag)
        old = read_catalog(lang.tag) if path.is_file() else None
        catalog = Catalog(
            locale=lang.babel_locale,
            domain=DOMAIN,
            project="clearclaim",
            charset="utf-8",
            fuzzy=False,
        )
        for message in wanted:
            if lang.tag == DEFAULT_LANGUAGE:
                catalog.add(message, message)
                continue
            previous = old.get(message) if old is not None else None
            catalog.add(
                message,
                previous.string if previous else "",
                flags=previous.flags if previous else (),
            )
            if not (previous and previous.string):
                missing.setdefault(lang.tag, []).append(message)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pofile.write_po(handle, catalog, width=0, omit_header=False, no_location=True)
    read_catalog.cache_clear()
    _translations.cache_clear()
    return missing


def _main(argv: list[str]) -> int:
    if argv[:1] != ["sync"]:
        print("usage: python -m clearclaim.knowledge.catalogs sync", file=sys.stderr)
        return 2
    missing = sync_catalogs()
    for tag, messages in missing.items():
        print(f"{tag}: {len(messages)} message(s) to translate")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
