"""SBOM bytes -> SbomDocument: find the format, refuse hostile input, hand over to the format reader.

Formats: CycloneDX 1.2–1.6 JSON/XML (cyclonedx-python-lib), SPDX 2.1–2.3 JSON/YAML/tag-value/RDF
(spdx-tools), and plain lists (pip-licenses / license-checker CSV, TSV and JSON).
Every failure is an `SbomError` with one sentence naming the problem; nothing else escapes for bad input.
Guards run *before* any parser sees the data: binary files, non-UTF-8 text, nesting bombs (depth is
measured on the raw text, so `json.loads` never recurses deeply), YAML aliases (billion laughs) and XML
DTDs/entities (defusedxml, before cyclonedx-python-lib or rdflib).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from bot.licenses.sbom_cyclonedx import NAMESPACE_PREFIX, read_cyclonedx_json, read_cyclonedx_xml
from bot.licenses.sbom_model import (
    MAX_COMPONENTS,
    MAX_NESTING,
    DeclaredLicense,
    LicenseRefText,
    SbomComponent,
    SbomDocument,
    SbomError,
    not_sbom,
)
from bot.licenses.sbom_spdx import read_spdx_dict, read_spdx_rdf, read_spdx_tagvalue
from bot.licenses.sbom_table import looks_like_json_list, looks_like_table, read_json_list, read_table

__all__ = [
    "MAX_COMPONENTS",
    "DeclaredLicense",
    "LicenseRefText",
    "SbomComponent",
    "SbomDocument",
    "SbomError",
    "parse_sbom",
]

log = logging.getLogger("yuanbot.audit")

MAX_XML_DEPTH = 2 * MAX_NESTING  # XML spends two levels per JSON level (<components><component>)
_MAGIC = [
    (b"PK\x03\x04", "ZIP 压缩包", "a ZIP archive"),
    (b"\x1f\x8b", "gzip 压缩文件", "a gzip file"),
    (b"%PDF", "PDF 文件", "a PDF file"),
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"\x7fELF", "ELF 可执行文件", "an ELF executable"),
    (b"MZ", "Windows 可执行文件", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "Office 文档", "an Office document"),
    (b"BZh", "bzip2 压缩文件", "a bzip2 file"),
    (b"\xfd7zXZ", "xz 压缩文件", "an xz file"),
]
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
_TAG_VALUE = re.compile(r"^\s*SPDXVersion\s*:", re.MULTILINE)
_YAML_SBOM = re.compile(r"^['\"]?(spdxVersion|bomFormat|SPDXID)['\"]?\s*:", re.MULTILINE)
_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)encoding=["'][^"']*["']""")
_SPDX_RDF_NS = "http://spdx.org/rdf/terms#"
_RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"


def parse_sbom(data: bytes, filename: str | None = None, content_type: str | None = None) -> SbomDocument:
    """Parse an uploaded SBOM. `filename` and `content_type` are hints only (YAML needs one)."""
    if not data.strip():
        raise SbomError("empty", "文件是空的", "The file is empty")
    _reject_binary(data)
    text = _decode(data)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        document = _from_json(text)
    elif head == "<":
        document = _from_xml(text)
    elif _TAG_VALUE.search(text[:20_000]):
        document = read_spdx_tagvalue(text)
    elif _YAML_SBOM.search(text[:20_000]) or (filename or "").lower().endswith((".yaml", ".yml")):
        document = _from_yaml(text)
    elif (delimiter := looks_like_table(text)) is not None:
        document = read_table(text, delimiter)
    else:
        raise not_sbom("文件不是 JSON、XML 或 CSV", "The file is not JSON, XML or CSV")
    log.info(
        "SBOM read",
        extra={"sbom_format": document.description, "components": document.component_count,
               "sbom_file": (filename or "")[:200], "content_type": (content_type or "")[:100]},
    )
    return document


# ------------------------------------------------------------------------------------------ guards


def _reject_binary(data: bytes) -> None:
    for magic, zh, en in _MAGIC:
        if data.startswith(magic):
            raise SbomError("binary", f"文件是{zh}，不是 SBOM", f"The file is {en}, not an SBOM")
    head = data[:65_536]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SbomError("binary", "文件是二进制文件，不是 SBOM", "The file is binary, not an SBOM")


def _decode(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SbomError(
            "not_text", "文件不是 UTF-8 文本，不是 SBOM", "The file is not UTF-8 text, so not an SBOM"
        ) from None


def _too_deep() -> SbomError:
    return SbomError(
        "too_deep",
        f"文件嵌套超过 {MAX_NESTING} 层，拒绝处理",
        f"The document is nested more than {MAX_NESTING} levels deep and is refused",
    )


def _json_depth(text: str) -> int:
    """Deepest bracket nesting, counted on the raw text with strings removed (no recursion)."""
    brackets = _JSON_BRACKET.findall(_JSON_STRING.sub("", text))
    steps = (1 if b in "[{" else -1 for b in brackets)
    return max(itertools.accumulate(steps, initial=0))


# ------------------------------------------------------------------------------------------ JSON


def _from_json(text: str) -> SbomDocument:
    if _json_depth(text) > MAX_NESTING:
        raise _too_deep()
    try:
        doc = json.loads(text)
    except ValueError as exc:
        line = f"（第 {exc.lineno} 行）" if isinstance(exc, json.JSONDecodeError) else ""
        line_en = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise SbomError("invalid_json", f"文件不是有效的 JSON{line}", f"The file is not valid JSON{line_en}") from None
    return _from_tree(doc, "JSON")


def _from_tree(doc: Any, encoding: str) -> SbomDocument:
    """A JSON or YAML document: CycloneDX, SPDX or a plain list?"""
    if isinstance(doc, dict):
        bom_format = str(doc.get("bomFormat", "")).strip().lower()
        if bom_format == "cyclonedx" or (not bom_format and "specVersion" in doc and "components" in doc):
            if encoding != "JSON":
                raise not_sbom("CycloneDX SBOM 只支持 JSON 和 XML 格式", "CycloneDX SBOMs are only read as JSON or XML")
            return read_cyclonedx_json(doc)
        if "spdxVersion" in doc:
            return read_spdx_dict(doc, encoding)
        if "@context" in doc and "spdx" in json.dumps(doc.get("@context"))[:2000].lower():
            raise SbomError(
                "unsupported_version",
                "不支持 SPDX 3 (JSON-LD)，请导出 SPDX 2.3",
                "SPDX 3 (JSON-LD) is not supported; export SPDX 2.3 instead",
            )
    if looks_like_json_list(doc):
        return read_json_list(doc)
    what = "JSON" if encoding == "JSON" else "YAML"
    raise not_sbom(f"这是 {what} 文件，但不是 SBOM", f"The file is valid {what} but not an SBOM")


# ------------------------------------------------------------------------------------------ YAML


def _from_yaml(text: str) -> SbomDocument:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise SbomError(
                    "yaml_alias",
                    "YAML 含锚点引用（可被用作“十亿笑声”攻击），拒绝处理",
                    "The YAML uses anchors/aliases (a 'billion laughs' risk) and is refused",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise _too_deep()
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        doc = yaml.load(text, Loader=loader)  # a safe loader (C or Python), checked above
    except yaml.YAMLError:
        raise not_sbom("文件不是有效的 YAML", "The file is not valid YAML") from None
    return _from_tree(doc, "YAML")


# ------------------------------------------------------------------------------------------- XML


def _from_xml(text: str) -> SbomDocument:
    text = _XML_ENCODING.sub(r'\1encoding="utf-8"', text, count=1)  # already decoded: say so to the parsers
    root = _parse_xml(text)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if namespace.startswith(NAMESPACE_PREFIX) or (not namespace and root.tag == "bom"):
        return read_cyclonedx_xml(root)
    if root.tag == _RDF_ROOT and _SPDX_RDF_NS in text[:5000]:
        return read_spdx_rdf(text)
    raise not_sbom("这是 XML 文件，但不是 CycloneDX 或 SPDX", "The file is XML but neither CycloneDX nor SPDX")


def _parse_xml(text: str) -> Element:
    """The element tree, via defusedxml: no DTD, no entities, no external references, bounded depth."""
    depth = 0
    root: Element | None = None
    try:
        for event, element in iterparse(
            _StringSource(text), events=("start", "end"), forbid_dtd=True, forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                root = element if root is None else root
                depth += 1
                if depth > MAX_XML_DEPTH:
                    raise _too_deep()
            else:
                depth -= 1
    except DefusedXmlException:
        raise SbomError(
            "xml_entities",
            "XML 含 DTD 或实体声明（可被用作实体炸弹），出于安全原因拒绝处理",
            "The XML declares a DTD or entities (an entity-bomb risk) and is refused for safety",
        ) from None
    except ParseError as exc:
        raise SbomError(
            "invalid_xml", f"文件不是有效的 XML（{exc}）", f"The file is not well-formed XML ({exc})"
        ) from None
    if root is None:
        raise SbomError("invalid_xml", "文件不是有效的 XML", "The file is not well-formed XML")
    return root


class _StringSource:
    """A file-like view of `text` for iterparse, encoded chunk by chunk (no second full copy)."""

    def __init__(self, text: str, chunk: int = 1 << 16) -> None:
        self.text = text
        self.pos = 0
        self.chunk = chunk

    def read(self, size: int = -1) -> bytes:
        if self.pos >= len(self.text):
            return b""
        size = self.chunk if size is None or size < 0 else min(size, self.chunk)
        piece = self.text[self.pos:self.pos + size]
        self.pos += size
        return piece.encode("utf-8")
