"""Structure-aware chunking: every chunk knows its section path, and no split cuts a sentence.

Headings recognised: Markdown `#` (not inside code fences; `{#anchor}` dropped), Chinese policy numbering
(第X章, 第X节, 一、, （一）, 1. / 1、, 第X条), standards' numbered sections (3.6.2, up to three levels;
deeper numbers are verification items) and appendices. Licence texts are chunked clause by clause
(`ingest/licence_chunks.py`); tables of contents never become chunks (`ingest/layout.py`). A section that
is too long is split on paragraph and sentence ends (。！？； . ! ?) with langchain's recursive splitter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_text_splitters import RecursiveCharacterTextSplitter

from bot.text import CJK_CLASS
from ingest.layout import clean_layout
from ingest.licence_chunks import clause_section, parse_clauses, unwrap
from ingest.loaders import LoadedDocument

CHUNKER_VERSION = "8"
MAX_CHARS = {"zh": 600, "en": 1400}
OVERLAP = {"zh": 60, "en": 150}
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ". ", "! ", "? ", "; ", "，", ", ", " ", ""]

_CN_NUM = "一二三四五六七八九十百零〇"


@dataclass
class Chunk:
    text: str
    section: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class _Heading:
    rank: int
    title: str
    standalone: bool  # the line is only a heading (not the start of a paragraph)


def _short_title(line: str, limit: int = 40) -> str:
    """An item heading is its first clause: '3.支持开源商业化企业发展。鼓励…' -> '3.支持开源商业化企业发展'."""
    number = re.match(r"^(?:\d+(?:\.\d+)*[.、．]?|Section\s+\d+\.?|SECTION\s+\d+\.?)\s*", line)
    prefix, rest = (number.group(0), line[number.end():]) if number else ("", line)
    head = prefix + re.split(r"[。；！？：:]|\.\s|\.$", rest, maxsplit=1)[0]
    head = re.sub(r"\s+", " ", head.strip())
    return head if len(head) <= limit else head[:limit].rstrip() + "…"


MARKDOWN_FORMATS = {"md", "markdown", "docx", "html", "htm"}


def detect_heading(line: str, markdown: bool = True) -> _Heading | None:
    stripped = line.strip()
    if not stripped:
        return None
    if markdown and (m := re.match(r"^(#{1,6})\s+(.+?)\s*#*$", stripped)):
        return _Heading(len(m.group(1)), _without_anchor(m.group(2)), True)
    if re.match(r"^(?:附[录錄]\s*[A-Z]|(?:Annex|Appendix)\s+[A-Z]\b)", stripped):
        return _Heading(1, _short_title(stripped, 60), len(stripped) <= 60)  # an appendix ends the body
    if m := re.match(rf"^第[{_CN_NUM}\d]+章\s*(.*)$", stripped):
        return _Heading(7, _short_title(stripped), len(stripped) <= 30)
    if re.match(rf"^第[{_CN_NUM}\d]+节", stripped):
        return _Heading(8, _short_title(stripped), len(stripped) <= 30)
    if re.match(rf"^[{_CN_NUM}]+、", stripped):
        return _Heading(9, _short_title(stripped), len(stripped) <= 30)
    if re.match(rf"^[（(][{_CN_NUM}]+[）)]", stripped):
        return _Heading(10, _short_title(stripped), len(stripped) <= 30)
    if re.search(r"\.{5,}|…{3,}", stripped):
        return None  # a table-of-contents line
    if not markdown and re.fullmatch(rf"\d{{1,2}}\s+[{CJK_CLASS}]{{2,12}}", stripped):
        return _Heading(11, stripped, True)  # a standard's top section in a PDF: "2 术语和定义"
    if m := re.match(r"^(\d{1,2}(?:\.\d{1,2}){1,2})\s+(\S.*)$", stripped):
        return _Heading(11 + m.group(1).count("."), _short_title(stripped, 60), len(stripped) <= 60)
    if re.match(r"^\d{1,2}[.、．](?!\d)\s*\S", stripped):
        return _Heading(11, _short_title(stripped), len(stripped) <= 60 and not re.search(r"[。.;；]\s*\S", stripped))
    if re.match(rf"^第[{_CN_NUM}\d]+条", stripped):
        return _Heading(12, _short_title(stripped, 20), False)
    if re.match(r"^(?:Section|SECTION|Article|ARTICLE)\s+\d+(?:\.\d+)*\.?\s*\S*", stripped):
        return _Heading(11, _short_title(stripped, 60), len(stripped) <= 80)
    if not markdown and re.fullmatch(r"[A-Z][A-Z0-9 ,;:'&/()-]{6,80}", stripped) and len(stripped.split()) <= 10:
        return _Heading(6, stripped.title(), True)  # licence texts: "TERMS AND CONDITIONS"
    return None


def _sections(text: str, markdown: bool) -> list[tuple[list[str], str]]:
    """(section path, body) pairs in document order."""
    stack: list[_Heading] = []
    out: list[tuple[list[str], str]] = []
    body: list[str] = []

    def flush() -> None:
        joined = "\n".join(body).strip()
        if joined:
            out.append(([h.title for h in stack], joined))
        body.clear()

    fenced = False
    for line in text.split("\n"):
        if markdown and line.lstrip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else detect_heading(line, markdown)
        if heading is None:
            body.append(line)
            continue
        flush()
        while stack and stack[-1].rank >= heading.rank:
            stack.pop()
        _leave_other_numbered_sections(stack, heading)
        stack.append(heading)
        if not heading.standalone:
            body.append(line.strip())
    flush()
    return out


_MULTI_LEVEL = re.compile(r"^(\d+(?:\.\d+)+)\s")
_SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)(?:\s|$)")


def _leave_other_numbered_sections(stack: list[_Heading], heading: _Heading) -> None:
    """"3.6.2 有效期" is not inside "2.1 合规文件": numbered sections that are not its ancestors end."""
    number = _MULTI_LEVEL.match(heading.title)
    if not number:
        return
    while stack:
        outer = _SECTION_NUMBER.match(stack[-1].title)
        if outer is None or number.group(1).startswith(outer.group(1) + "."):
            return
        stack.pop()


def _splitter(lang: str) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=MAX_CHARS.get(lang, 1000), chunk_overlap=OVERLAP.get(lang, 100),
        separators=SEPARATORS, keep_separator="end", strip_whitespace=True,
    )


def chunk_document(document: LoadedDocument, title: str) -> list[Chunk]:
    if document.faq:
        return [_faq_chunk(entry) for entry in document.faq]
    lang = str(document.metadata.get("lang", "zh"))
    source_format = str(document.metadata.get("format", "md"))
    text = clean_layout(document.text, markdown_source=source_format in ("md", "markdown"))
    if document.metadata.get("kind") == "license":
        clauses = _clause_chunks(text)
        if clauses:
            return clauses
        text = "\n".join(unwrap(text.split("\n")))  # hard-wrapped lines joined, so sentences stay whole
    limit = MAX_CHARS.get(lang, 1000)
    splitter = _splitter(lang)
    chunks: list[Chunk] = []
    markdown = source_format in MARKDOWN_FORMATS
    for path, body in _sections(text, markdown):
        if path and _same_title(path[0], title):
            path = path[1:]  # the document title is cited anyway
        section = " > ".join(path)
        pieces = [body] if len(body) <= limit else splitter.split_text(body)
        chunks.extend(Chunk(text=piece, section=section) for piece in pieces if re.search(r"\w", piece))
    return chunks


def _clause_chunks(text: str) -> list[Chunk]:
    """One chunk per clause of a licence ("§4(d) Redistribution"); long clauses split at sentence ends."""
    clauses = parse_clauses(text, MAX_CHARS)
    if not clauses:
        return []
    chunks = []
    for clause in clauses:
        limit = MAX_CHARS.get(clause.lang, 1000)
        pieces = [clause.text] if len(clause.text) <= limit else _splitter(clause.lang).split_text(clause.text)
        section = clause_section(clause.label, clause.heading)
        chunks.extend(Chunk(text=piece, section=section, extra={"clause": clause.label, "lang": clause.lang})
                      for piece in pieces if re.search(r"\w", piece))
    return chunks


def _without_anchor(heading: str) -> str:
    """"REUSE.toml {#reuse-toml}" / "D.1 Overview <a name="D.1"></a>" -> the heading text alone."""
    heading = re.sub(r"\s*\{#[^}]*\}\s*$", "", heading)
    return re.sub(r"\s*<a\s+name=[^>]*>\s*</a>\s*", " ", heading).strip()


def _same_title(a: str, b: str) -> bool:
    return re.sub(r"\s", "", a) == re.sub(r"\s", "", b)


def _faq_chunk(entry: dict) -> Chunk:
    question, answer, source = (str(entry[k]).strip() for k in ("question", "answer", "source"))
    extra = {"faq_question": question, "faq_answer": answer, "faq_source": source}
    if entry.get("id"):
        extra["faq_id"] = str(entry["id"])
    if entry.get("lang") in ("zh", "en"):
        extra["lang"] = str(entry["lang"])
    if entry.get("tags"):
        extra["tags"] = ",".join(map(str, entry["tags"]))
    return Chunk(text=f"{question}\n{answer}", section=question, extra=extra)
