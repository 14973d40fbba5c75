"""Turn one source file into text plus metadata. Every failure is a DocumentError with a reason.

Formats: Markdown and plain text (UTF-8, GBK/GB18030 or whatever charset-normalizer recognises, with an
optional YAML front matter), Word .docx (heading styles become headings), PDF (text layer; a scan
with no text is refused), HTML, and FAQ files in YAML (a list of question/answer entries).
Metadata comes from the folder's `_meta.yaml` ("*" defaults, then one entry per file name) and the
front matter, in that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from bot.errors import DocumentError
from bot.text import document_language

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".html", ".htm", ".yaml", ".yml"}
FOLDER_META = "_meta.yaml"
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # YUANBOT_MAX_DOCUMENT_BYTES: the sync refuses larger files unread
IGNORE_MARKER = ".yuanbot-ignore"
SKIPPED_NAMES = {"README.md", "SOURCES.md", "ATTRIBUTION.md", FOLDER_META}

# Chinese keys as they appear on government web pages -> our metadata keys
_KEY_ALIASES = {"name": "title", "标题": "title", "发布机构": "issuer", "生成日期": "published",
                "发布日期": "published", "索引号": "index_number", "文号": "doc_number", "信息分类": "category"}
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
FRONT_MATTER, KEY_ALIASES = _FRONT_MATTER, _KEY_ALIASES  # for ingest.metadata, which writes them back


@dataclass
class LoadedDocument:
    text: str
    metadata: dict[str, Any]
    faq: list[dict[str, Any]] = field(default_factory=list)


def size_text(size: int) -> str:
    """`200.0 MB`, or `12.0 KB` below a tenth of a megabyte."""
    return f"{size / 2**20:.1f} MB" if size >= 2**20 // 10 else f"{size / 1024:.1f} KB"


def too_large(size: int | None, limit: int) -> str:
    """Why a file over the document size limit is refused: the same words from `yuanbot ingest`, in a
    console job's result and in the console's 413 (size None: refused before its end was read)."""
    return f"file too large ({size_text(size) + ' ' if size is not None else ''}> {size_text(limit)})"


def is_candidate(path: Path) -> bool:
    name = path.name
    return (path.suffix.lower() in SUFFIXES and not name.startswith((".", "_", "~$"))
            and name not in SKIPPED_NAMES and not name.endswith(".meta.yaml"))


# --- text decoding ------------------------------------------------------------------------
def decode_bytes(data: bytes, path: str) -> str:
    """UTF-8 first, then GB18030 (a superset of GBK/GB2312), then charset-normalizer's best guess."""
    if not data.strip():
        raise DocumentError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "binary content (NUL bytes); not a text document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _looks_like_text(text):
            break
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise DocumentError(path, "cannot decode the text (not UTF-8, GBK/GB18030 or another known charset)")
    return str(best)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / len(text) < 0.01


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(path, f"invalid YAML front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise DocumentError(path, "front matter must be a mapping of key: value")
    return {_KEY_ALIASES.get(str(k), str(k)): v for k, v in meta.items()}, text[match.end():]


# --- per-format readers ---------------------------------------------------------------------
def _read_docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for non-docx input
        raise DocumentError(str(path), f"not a readable Word .docx file ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = re.search(r"(?:Heading|标题)\s*(\d)", style)
        if style == "Title":
            lines.append(f"# {text}")
        elif level:
            lines.append("#" * min(int(level.group(1)) + 1, 6) + " " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(" | ".join(dict.fromkeys(cells)))
    return "\n\n".join(lines)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(str(path), f"not a readable PDF ({exc})") from exc
    text = "\n\n".join(_reflow_pdf_page(p) for p in _strip_running_lines(pages))
    if len(re.sub(r"\s", "", text)) < 20:
        raise DocumentError(str(path), "the PDF has no text layer (a scan?); OCR it or supply the text")
    return text


def _strip_running_lines(pages: list[str]) -> list[str]:
    """Drop page headers and footers.

    A line (page numbers ignored, wherever they stand) is running page furniture when it is repeated on
    at least half of the pages, or when it opens or closes at least a quarter of them (at least three):
    books alternate the page number's side and change the footer's wording between front matter and body.
    """
    if len(pages) < 4:
        return pages

    def key(line: str) -> str:
        line = re.sub(r"^\s*(?:[ivxlc]+|\d+)\s+|\s+(?:[ivxlc]+|\d+)\s*$", "", line.strip())
        return re.sub(r"\d+", "#", line)

    counts: dict[str, int] = {}
    edges: dict[str, int] = {}
    for page in pages:
        lines = [line for line in page.splitlines() if line.strip()]
        for k in {key(line) for line in lines}:
            counts[k] = counts.get(k, 0) + 1
        for k in {key(line) for line in lines[:2] + lines[-2:] if len(line.strip()) >= 10}:
            edges[k] = edges.get(k, 0) + 1
    running = {k for k, n in counts.items() if n >= len(pages) / 2}
    running |= {k for k, n in edges.items() if n >= max(3, len(pages) / 4)}
    return ["\n".join(line for line in page.splitlines() if key(line) not in running) for page in pages]


def _reflow_pdf_page(page: str) -> str:
    """Join the hard line breaks inside Chinese paragraphs that PDF text extraction leaves behind."""
    page = re.sub(r"(?<=[\u4e00-\u9fff，、；：“”（）])\n(?=[\u4e00-\u9fff，、；：“”（）])", "", page)
    return page


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._heading: int | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.parts.append("\n\n" + "#" * self._heading + " ")
        elif tag in ("p", "div", "br", "li", "tr", "section", "article"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = None
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data.strip()
            return
        self.parts.append(data if self._heading is None else data.strip())


def _read_html(data: bytes, path: str) -> tuple[str, str]:
    parser = _HTMLText()
    parser.feed(decode_bytes(data, path))
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
    return text, parser.title


def _read_faq(data: bytes, path: str) -> list[dict[str, Any]]:
    try:
        entries = yaml.safe_load(decode_bytes(data, path))
    except yaml.YAMLError as exc:
        raise DocumentError(path, f"invalid YAML: {exc}") from exc
    if not isinstance(entries, list) or not entries:
        raise DocumentError(path, "a FAQ file must be a non-empty list of entries with question/answer/source")
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise DocumentError(path, f"entry {number} is not a mapping")
        missing = [k for k in ("question", "answer", "source") if not str(entry.get(k) or "").strip()]
        if missing:
            raise DocumentError(path, f"entry {number} lacks {', '.join(missing)}")
    return entries


# --- metadata ----------------------------------------------------------------------------
def folder_metadata(path: Path) -> dict[str, Any]:
    """The folder's `_meta.yaml` defaults merged with the file's own entry ({} when there is none)."""
    meta_file = path.parent / FOLDER_META
    try:
        stamp = meta_file.stat().st_mtime_ns
    except OSError:
        return {}
    table = _folder_table(str(meta_file), stamp)
    return dict(table.get("*") or {}) | dict(table.get(path.name) or {})


@lru_cache(maxsize=64)
def _folder_table(meta_file: str, stamp: int) -> dict[str, Any]:
    """Parsed once per folder and modification time: licence folders list hundreds of files."""
    try:
        table = yaml.load(Path(meta_file).read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DocumentError(meta_file, f"invalid folder metadata: {exc}") from exc
    if not isinstance(table, dict):
        raise DocumentError(meta_file, "folder metadata must be a mapping")
    return table


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,3}\s+(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def load_document(path: Path, kind_hint: str = "other") -> LoadedDocument:
    """Read one file. Raises DocumentError with the path and a reason a staff member can act on."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, f"cannot read the file ({exc.strerror or exc})") from exc
    suffix = path.suffix.lower()
    meta = folder_metadata(path)
    faq: list[dict[str, Any]] = []
    html_title = ""
    if not data.strip():
        raise DocumentError(name, "the file is empty")
    if suffix in TEXT_SUFFIXES:
        front, text = split_front_matter(decode_bytes(data, name), name)
        meta |= front
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise DocumentError(name, "not a PDF file (missing %PDF header)")
        text = _read_pdf(path)
    elif suffix in (".html", ".htm"):
        text, html_title = _read_html(data, name)
    elif suffix in (".yaml", ".yml"):
        faq = _read_faq(data, name)
        text = "\n\n".join(f"{e['question']}\n{e['answer']}" for e in faq)
        meta.setdefault("kind", "faq")
    else:
        raise DocumentError(name, f"unsupported file type {suffix!r}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not re.search(r"\w", text):
        raise DocumentError(name, "no text in the document")
    meta.setdefault("kind", kind_hint)
    meta.setdefault("title", html_title or (None if faq else _first_heading(text)) or path.stem)
    meta.setdefault("lang", document_language(text))
    meta.setdefault("status", "in_force")
    meta["format"] = suffix.lstrip(".")
    return LoadedDocument(text=text, metadata={k: v for k, v in meta.items() if v is not None}, faq=faq)
