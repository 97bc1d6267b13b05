"""One reader per file format, each turning a file into a stream of text blocks.

Every reader is a generator: it yields blocks as it reads, page by page (PDF),
line by line (text, Markdown) or chunk by chunk (HTML), so a large file is
never held whole in memory. A block knows its page, heading level, line and
anchor; ``passages.py`` groups blocks into quotable passages.

Readers raise ``UnreadableFileError`` (encrypted, image-only, corrupt) or
``InputError`` (a format the library does not read), always naming the file.
Document text never goes into an error message or a log record.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from clearclaim.errors import InputError, UnreadableFileError
from clearclaim.library.limits import MB, ArchiveLimits
from clearclaim.library.models import MediaType

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
SUFFIXES: dict[str, MediaType] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
}
_HINTS = {
    ".doc": "save it as .docx first",
    ".rtf": "save it as .docx or .pdf first",
    ".xlsx": "the library reads documents; export the sheet to PDF or text",
    ".csv": "the library reads documents; CMS data files go through `clearclaim import`",
}


@dataclass(slots=True)
class Block:
    """A paragraph, list item, table row or heading (``level`` > 0)."""

    text: str
    page: int | None = None
    level: int = 0
    line: int | None = None
    anchor: str | None = None


@dataclass(slots=True)
class Reader:
    """A file being read: ``blocks()`` streams text; ``title`` and ``pages`` fill in as it goes."""

    path: Path
    media_type: MediaType
    name: str = ""  # how errors name the file: the user's path, not a temporary copy
    title: str | None = None
    pages: int | None = None
    empty_pages: list[int] = field(default_factory=list)
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)

    def blocks(self) -> Iterator[Block]:
        yield from _READERS[self.media_type](self)


def open_reader(path: Path) -> Reader:
    """The reader for ``path``, chosen by its suffix; refuses other formats by name."""
    suffix = path.suffix.lower()
    media_type = SUFFIXES.get(suffix)
    if media_type is None:
        known = ", ".join(sorted(SUFFIXES))
        hint = _HINTS.get(suffix, f"supported: {known}")
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'!r}", hint=hint)
    if not path.is_file():
        raise UnreadableFileError("no such file", path=str(path))
    return Reader(path=path, media_type=media_type, name=str(path))


# ---------------------------------------------------------------- PDF


def _read_pdf(reader: Reader) -> Iterator[Block]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    name = reader.name or str(reader.path)
    # A file object, not a path: given a path, pypdf reads the whole file into
    # memory; given a file it seeks, and pages are parsed one at a time.
    with reader.path.open("rb") as handle:
        try:
            pdf = PdfReader(handle)
        except (PdfReadError, ValueError, OSError) as exc:
            raise UnreadableFileError(
                f"not a readable PDF ({type(exc).__name__})", path=name
            ) from None
        if pdf.is_encrypted:
            try:
                # Owner-password-only PDFs (print/copy restrictions) open with "".
                opened = bool(pdf.decrypt(""))
            except (DependencyError, NotImplementedError, PdfReadError):
                opened = False
            if not opened:
                raise UnreadableFileError(
                    "encrypted PDF: it needs a password to open",
                    path=name,
                    hint="save an unprotected copy and add that",
                )
        try:
            metadata = pdf.metadata
            reader.title = str(metadata.title).strip() if metadata and metadata.title else None
            pages = pdf.pages
            reader.pages = len(pages)
        except (PdfReadError, FileNotDecryptedError, KeyError, ValueError) as exc:
            raise UnreadableFileError(
                f"not a readable PDF ({type(exc).__name__})", path=name
            ) from None
        running: set[str] = set()
        any_text = False
        for number in range(1, reader.pages + 1):
            try:
                text = pages[number - 1].extract_text() or ""
            except Exception as exc:  # one broken page must not lose the rest of the file
                log.warning("%s: page %d could not be read (%s)", name, number, type(exc).__name__)
                text = ""
            if not text.strip():
                reader.empty_pages.append(number)
                continue
            any_text = True
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            edges = {_shape(lines[0]), _shape(lines[-1])}
            # A first or last line shaped like the previous page's is a running
            # header or footer ("Page 3 of 9"): it is not a heading of this page.
            if lines and _shape(lines[0]) in running:
                lines = lines[1:]
            if lines and _shape(lines[-1]) in running:
                lines = lines[:-1]
            running = edges
            yield from _pdf_page_blocks(lines, number)
    if not any_text:
        raise UnreadableFileError(
            "no text layer (scanned or image-only PDF)",
            path=name,
            hint="run OCR on it (for example ocrmypdf) and add the result",
        )


def _shape(line: str) -> str:
    """A line with digits removed: 'Page 3 of 9' and 'Page 4 of 9' have the same shape."""
    return re.sub(r"\d+", "#", line.lower())


_NUMBERED = re.compile(r"^(?:[A-Z]|[IVXLC]+|\d+(?:\.\d+)*)[.)]?\s+\S")
_BULLET = re.compile(r"^[•\-\u2013*·▪o]\s")


def _heading_like(line: str) -> bool:
    """Short, not a sentence, and capitalised like a title: how PDF headings look as text."""
    words = line.split()
    if not words or len(words) > 12 or len(line) > 90 or _BULLET.match(line):
        return False
    if line[-1] in ".,;" or not (line[0].isupper() or line[0].isdigit()):
        return False
    capitals = sum(1 for word in words if word[0].isupper() or not word[0].isalpha())
    return (
        line.isupper() or capitals >= max(1, (len(words) + 1) // 2) or bool(_NUMBERED.match(line))
    )


def _pdf_page_blocks(lines: list[str], page: int) -> Iterator[Block]:
    paragraph: list[str] = []
    sentence_ended = True
    for line in lines:
        if sentence_ended and _heading_like(line) and not _continues(paragraph):
            if paragraph:
                yield Block(_join_lines(paragraph), page=page)
                paragraph = []
            yield Block(line, page=page, level=2)
            sentence_ended = True
            continue
        if _BULLET.match(line) and paragraph:
            yield Block(_join_lines(paragraph), page=page)
            paragraph = []
        paragraph.append(line)
        sentence_ended = line[-1] in ".:?!;"
    if paragraph:
        yield Block(_join_lines(paragraph), page=page)


def _continues(paragraph: list[str]) -> bool:
    return bool(paragraph) and paragraph[-1].endswith("-")


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        # "fluoro-\nscopic" is one word broken by the layout; "77001-\n77003" is a range.
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return out


# ---------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
# Navigation menus repeat on every page of a site and answer nothing.
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "nav"]
)
_CELL_TAGS = frozenset({"td", "th"})


class _HtmlBlocks(HTMLParser):
    """Stdlib HTML tokenizer (the one BeautifulSoup's html.parser uses), fed in chunks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ready: list[Block] = []
        self.buffer: list[str] = []
        self.buffer_line: int | None = None
        self.skip_depth = 0
        self.heading_level = 0
        self.heading_anchor: str | None = None
        self.last_anchor: str | None = None
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
            return
        attributes = dict(attrs)
        anchor = attributes.get("id") or (attributes.get("name") if tag == "a" else None)
        if re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading_level = int(tag[1])
            self.heading_anchor = anchor
        elif tag in _BLOCK_TAGS:
            self.flush()
        elif tag in _CELL_TAGS and self.buffer:
            self.buffer.append(" | ")
        if anchor and self.heading_level and not self.heading_anchor:
            self.heading_anchor = anchor

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if (re.fullmatch(r"h[1-6]", tag) and self.heading_level) or tag in _BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth or (not data.strip() and not self.buffer):
            return
        if self.buffer_line is None:
            self.buffer_line = self.getpos()[0]
        self.buffer.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split()).strip(" |")
        if text:
            if self.heading_level:
                self.last_anchor = self.heading_anchor
            self.ready.append(
                Block(
                    text,
                    level=self.heading_level,
                    line=self.buffer_line,
                    anchor=self.heading_anchor if self.heading_level else self.last_anchor,
                )
            )
        if self.heading_level:
            self.heading_level = 0
            self.heading_anchor = None
        self.buffer = []
        self.buffer_line = None


def _html_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", head, re.IGNORECASE)
    if match:
        try:
            return codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            pass
    return "utf-8"


def _read_html(reader: Reader) -> Iterator[Block]:
    parser = _HtmlBlocks()
    with reader.path.open("rb") as handle:
        head = handle.read(4096)
        decoder = codecs.getincrementaldecoder(_html_encoding(head))(errors="replace")
        chunk = head
        while chunk:
            parser.feed(decoder.decode(chunk))
            yield from parser.ready
            parser.ready.clear()
            chunk = handle.read(CHUNK)
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
        parser.flush()
        yield from parser.ready
    title = " ".join("".join(parser.title_parts).split())
    reader.title = title or None


# ---------------------------------------------------------------- DOCX


def _read_docx(reader: Reader) -> Iterator[Block]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from lxml.etree import LxmlError  # type: ignore[import-untyped]

    name = reader.name or str(reader.path)
    check_archive(reader.path, reader.limits, name)
    try:
        document = docx.Document(str(reader.path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as exc:
        # LxmlError covers truncated or malformed XML inside the package
        raise UnreadableFileError(
            f"not a readable DOCX ({type(exc).__name__})", path=name
        ) from None
    body = document.element.body
    reader.title = (document.core_properties.title or "").strip() or None
    # Word marks where it last laid out a page (lastRenderedPageBreak), hard
    # breaks included; only files without those marks fall back to hard breaks.
    rendered_tag, br_tag = qn("w:lastRenderedPageBreak"), qn("w:br")
    rendered = bool(body.findall(".//" + rendered_tag))
    has_pages = rendered or any(br.get(qn("w:type")) == "page" for br in body.iter(br_tag))
    page = 1
    styles = {style.style_id: style.name or "" for style in document.styles}
    text_tag, tab_tag, p_tag, tbl_tag = qn("w:t"), qn("w:tab"), qn("w:p"), qn("w:tbl")
    for child in body.iterchildren():
        if child.tag == p_tag:
            style_id = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style = styles.get(style_id.get(qn("w:val")), "") if style_id is not None else ""
            level = _docx_level(style)
            parts: list[str] = []
            for element in child.iter(text_tag, tab_tag, br_tag, rendered_tag):
                if element.tag == text_tag:
                    parts.append(element.text or "")
                    continue
                new_page = (element.tag == rendered_tag) or (
                    not rendered and element.tag == br_tag and element.get(qn("w:type")) == "page"
                )
                if not new_page:
                    parts.append(" ")  # a tab or a line break separates words
                    continue
                if "".join(parts).strip():
                    yield Block(_squash(parts), page=page if has_pages else None, level=level)
                    parts = []
                page += 1
            if "".join(parts).strip():
                yield Block(_squash(parts), page=page if has_pages else None, level=level)
        elif child.tag == tbl_tag:
            for row in child.iter(qn("w:tr")):
                cells = [
                    " ".join("".join(t.text or "" for t in cell.iter(text_tag)).split())
                    for cell in row.iter(qn("w:tc"))
                ]
                text = " | ".join(cell for cell in cells if cell)
                if text:
                    yield Block(text, page=page if has_pages else None)
    reader.pages = page if has_pages else None


_XML_SUFFIXES = (".xml", ".rels")
_PROLOG_CHUNK = 64 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def check_archive(path: Path, limits: ArchiveLimits, name: str) -> None:
    """Refuse a DOCX that would unpack past ``limits`` or whose XML declares entities.

    Only the zip's table of contents and the prolog of each XML part are read;
    zipfile never inflates a part past the size its header declares.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.max_parts:
                raise UnreadableFileError(
                    f"refused: {len(members)} parts in the DOCX (limit {limits.max_parts}, "
                    "CLEARCLAIM_LIBRARY_MAX_PARTS)",
                    path=name,
                )
            total = 0
            for member in members:
                total += member.file_size
                if member.file_size > limits.max_part_bytes:
                    raise UnreadableFileError(
                        f"refused: part {member.filename!r} unpacks to "
                        f"{member.file_size / MB:.0f} MB (limit {limits.max_part_bytes / MB:.0f}"
                        " MB, CLEARCLAIM_LIBRARY_MAX_PART_MB)",
                        path=name,
                    )
                if (
                    member.file_size > limits.ratio_applies_over
                    and member.file_size > limits.max_ratio * max(member.compress_size, 1)
                ):
                    raise UnreadableFileError(
                        f"refused: part {member.filename!r} expands "
                        f"{member.file_size / max(member.compress_size, 1):.0f} times "
                        f"(limit {limits.max_ratio}, CLEARCLAIM_LIBRARY_MAX_RATIO): "
                        "a compression bomb",
                        path=name,
                    )
                if total > limits.max_unpacked_bytes:
                    raise UnreadableFileError(
                        f"refused: the DOCX unpacks to more than "
                        f"{limits.max_unpacked_bytes / MB:.0f} MB "
                        "(CLEARCLAIM_LIBRARY_MAX_UNPACKED_MB)",
                        path=name,
                    )
            for member in members:
                if member.filename.lower().endswith(_XML_SUFFIXES) and _declares_doctype(
                    archive, member
                ):
                    raise UnreadableFileError(
                        f"refused: part {member.filename!r} declares a DOCTYPE (XML entities);"
                        " Word never writes one",
                        path=name,
                    )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFileError(
            f"not a readable DOCX ({type(exc).__name__})", path=name
        ) from None


def _declares_doctype(archive: Any, member: Any) -> bool:
    """True when the XML prolog (before the root element) holds a DOCTYPE."""
    prolog = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_PROLOG_CHUNK):
            prolog += chunk
            # a root element that is not <!...> or <?...> ends the prolog
            match = _ROOT_START.search(prolog)
            if match:
                prolog = prolog[: match.start()]
                break
    return b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper()


def _docx_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.fullmatch(r"[Hh]eading ?(\d)", style)
    return int(match.group(1)) if match else 0


def _squash(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


# ---------------------------------------------------------------- Markdown

_ATX = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_CHUNK = 256 * 1024


def _read_markdown(reader: Reader) -> Iterator[Block]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    chunk: list[str] = []
    chunk_start = 1
    size = 0
    fence: str | None = None
    with _open_text(reader) as handle:
        for number, line in enumerate(handle, 1):
            if number == 1 and line.strip() == "---":
                fence = "front-matter"  # YAML front matter is metadata, not text
                continue
            if fence == "front-matter":
                if line.strip() in {"---", "..."}:
                    fence = None
                    chunk_start = number + 1
                continue
            opener = _FENCE.match(line)
            if opener and (fence is None or opener.group(1)[0] == fence[0]):
                fence = opener.group(1) if fence is None else None
            # Markdown blocks do not cross an ATX heading or (outside lists) a
            # blank line, so the file is parsed in chunks cut there.
            cut = fence is None and (_ATX.match(line) or (size > _MD_CHUNK and not line.strip()))
            if cut and chunk:
                yield from _markdown_blocks(parser, "".join(chunk), chunk_start)
                chunk, size, chunk_start = [], 0, number
            chunk.append(line)
            size += len(line)
    if chunk:
        yield from _markdown_blocks(parser, "".join(chunk), chunk_start)


def _markdown_blocks(parser: MarkdownIt, source: str, first_line: int) -> Iterator[Block]:
    level = 0
    cells: list[str] = []
    in_cell = False
    row_line: int | None = None
    for token in parser.parse(source):
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "heading_close":
            level = 0
        elif token.type == "tr_open":
            cells, row_line = [], _line(token, first_line)
        elif token.type in {"th_open", "td_open"}:
            in_cell = True
        elif token.type in {"th_close", "td_close"}:
            in_cell = False
        elif token.type == "tr_close":
            if any(cells):
                yield Block(" | ".join(cell for cell in cells if cell), line=row_line)
        elif token.type == "inline":
            text = _inline_text(token)
            if in_cell:
                cells.append(text)
            elif text:
                yield Block(text, level=level, line=_line(token, first_line))
        elif token.type in {"fence", "code_block"} and token.content.strip():
            yield Block(" ".join(token.content.split()), line=_line(token, first_line))


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _line(token: Token, first_line: int) -> int | None:
    return token.map[0] + first_line if token.map else None


# ---------------------------------------------------------------- plain text

_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")


def _open_text(reader: Reader) -> TextIO:
    path = reader.path
    with path.open("rb") as probe:
        head = probe.read(8192)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFileError("binary content in a text file", path=reader.name or str(path))
    encoding = (
        "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    )
    return path.open(encoding=encoding, errors="replace", newline=None)


def _has_form_feed(path: Path) -> bool:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\f" in chunk:
                return True
    return False


def _read_text(reader: Reader) -> Iterator[Block]:
    page = 1
    # Pages are numbered only in files that have page breaks; a cheap first pass
    # says so before any block is given out.
    paged = _has_form_feed(reader.path)
    paragraph: list[str] = []
    start = 0

    def flush() -> Iterator[Block]:
        if not paragraph:
            return
        text = " ".join(" ".join(paragraph).split())
        level = 2 if len(paragraph) == 1 and _text_heading(paragraph[0]) else 0
        yield Block(text, page=page if paged else None, level=level, line=start)

    with _open_text(reader) as handle:
        for number, raw in enumerate(handle, 1):
            # pdftotext and many exports separate pages with a form feed.
            while "\f" in raw:
                before, raw = raw.split("\f", 1)
                if before.strip():
                    paragraph.append(before.strip())
                yield from flush()
                paragraph = []
                page += 1
            line = raw.strip()
            if _UNDERLINE.match(line) and len(paragraph) == 1:
                yield Block(paragraph[0], page=page if paged else None, level=2, line=start)
                paragraph = []
                continue
            if not line:
                yield from flush()
                paragraph = []
                continue
            if not paragraph:
                start = number
            paragraph.append(line)
        yield from flush()
    reader.pages = page if paged else None


def _text_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 10 or line[-1] in ".,;:?!":
        return False
    return (
        line.isupper()
        or bool(_NUMBERED.match(line))
        or all(word[0].isupper() or not word[0].isalpha() or len(word) <= 3 for word in words)
    )


_READERS = {
    "pdf": _read_pdf,
    "html": _read_html,
    "docx": _read_docx,
    "markdown": _read_markdown,
    "text": _read_text,
}
