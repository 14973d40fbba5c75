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

from bot.licenses.audit_wording import pair
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
        raise SbomError("empty", *pair("empty"))
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
        raise not_sbom(*pair("not-json-xml-csv"))
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
            raise SbomError("binary", *pair("binary-kind", kind_zh=zh, kind_en=en))
    head = data[:65_536]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SbomError("binary", *pair("binary"))


def _decode(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SbomError("not_text", *pair("not-utf8")) from None


def _too_deep() -> SbomError:
    return SbomError("too_deep", *pair("too-deep", limit=MAX_NESTING))


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
        where = pair("invalid-json-line", line=exc.lineno) if isinstance(exc, json.JSONDecodeError) else pair(
            "invalid-json")
        raise SbomError("invalid_json", *where) from None
    return _from_tree(doc, "JSON")


def _from_tree(doc: Any, encoding: str) -> SbomDocument:
    """A JSON or YAML document: CycloneDX, SPDX or a plain list?"""
    if isinstance(doc, dict):
        bom_format = str(doc.get("bomFormat", "")).strip().lower()
        if bom_format == "cyclonedx" or (not bom_format and "specVersion" in doc and "components" in doc):
            if encoding != "JSON":
                raise not_sbom(*pair("cyclonedx-yaml"))
            return read_cyclonedx_json(doc)
        if "spdxVersion" in doc:
            return read_spdx_dict(doc, encoding)
        if "@context" in doc and "spdx" in json.dumps(doc.get("@context"))[:2000].lower():
            raise SbomError("unsupported_version", *pair("spdx-3"))
    if looks_like_json_list(doc):
        return read_json_list(doc)
    what = "JSON" if encoding == "JSON" else "YAML"
    raise not_sbom(*pair("valid-not-sbom", what=what))


# ------------------------------------------------------------------------------------------ YAML


def _from_yaml(text: str) -> SbomDocument:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise SbomError("yaml_alias", *pair("yaml-alias"))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise _too_deep()
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        doc = yaml.load(text, Loader=loader)  # a safe loader (C or Python), checked above
    except yaml.YAMLError:
        raise not_sbom(*pair("invalid-yaml")) from None
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
    raise not_sbom(*pair("other-xml"))


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
        raise SbomError("xml_entities", *pair("xml-entities")) from None
    except ParseError as exc:
        raise SbomError("invalid_xml", *pair("invalid-xml-why", why=exc)) from None
    if root is None:
        raise SbomError("invalid_xml", *pair("invalid-xml"))
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
