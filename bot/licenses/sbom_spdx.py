"""SPDX 2.1–2.3 (JSON, YAML, tag-value, RDF/XML) -> SbomComponent, with spdx-tools.

The components are the document's packages. The package(s) the document DESCRIBES are the product itself
and are left out when the document lists other packages (its dependencies); a document that describes a
single package and nothing else is an SBOM *of* that package, which is then audited.
A package's licence is its concluded licence, else its declared one.
When spdx-tools rejects a JSON/YAML/tag-value file (real files often miss required fields), the packages
are read by hand and the report says so.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom_model import (
    MAX_COMPONENTS,
    MAX_LICENSE_TEXT_CHARS,
    DeclaredLicense,
    LicenseRefText,
    SbomComponent,
    SbomDocument,
    SbomError,
    clip,
)

log = logging.getLogger("yuanbot.audit")

SUPPORTED_VERSIONS = ("SPDX-2.1", "SPDX-2.2", "SPDX-2.3")
NO_VALUE = {"NOASSERTION", "NONE", "UNSPECIFIED", ""}
_LICENSE_REF = re.compile(r"(?:DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+")


@dataclass(frozen=True, slots=True)
class _Package:
    """A package as both readers (spdx-tools and by hand) see it."""

    spdx_id: str
    name: str
    version: str | None
    purl: str | None
    concluded: str | None
    declared: str | None
    copyright: str | None


def check_version(version: Any) -> str:
    text = clip(version, 40)
    if text is None:
        raise SbomError("unsupported_version", *pair("spdx-no-version"))
    if text.upper() not in SUPPORTED_VERSIONS:
        raise SbomError("unsupported_version", *pair("spdx-version", version=text))
    return text.upper().removeprefix("SPDX-")


# ----------------------------------------------------------------------------------- JSON and YAML


def read_spdx_dict(doc: dict[str, Any], encoding: str) -> SbomDocument:
    version = check_version(doc.get("spdxVersion"))
    notes: list[str] = []
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    raw_packages = _check_packages(doc.get("packages"))
    raw_by_id = {str(p.get("SPDXID")): p for p in raw_packages}
    misshapen = _misshapen_fields(doc)
    try:
        if misshapen:  # spdx-tools would fail with AttributeError/TypeError on these: do not ask it
            raise SPDXParsingError(misshapen)
        parsed = JsonLikeDictParser().parse(doc)
    except Exception as exc:  # noqa: BLE001 - spdx-tools raises AttributeError/TypeError too on odd shapes
        messages = exc.get_messages() if isinstance(exc, SPDXParsingError) else [f"{type(exc).__name__}: {exc}"]
        _lenient_note(notes, messages)
        packages = [_package_from_dict(p) for p in raw_by_id.values()]
        described = _described_from_dict(doc)
        refs = _refs_from_dicts(doc.get("hasExtractedLicensingInfos"))
    else:
        packages = [_package_from_model(p, raw_by_id.get(p.spdx_id)) for p in parsed.packages]
        described = _described_from_model(parsed)
        refs = _refs_from_model(parsed.extracted_licensing_info)
    return _document(version, encoding, [p for p in packages if p is not None], described, refs, notes)


# The fields whose shape spdx-tools assumes (it dereferences them without checking): name -> JSON type.
_SHAPES: dict[str, type] = {
    "creationInfo": dict,
    "relationships": list,
    "documentDescribes": list,
    "files": list,
    "snippets": list,
    "externalDocumentRefs": list,
    "hasExtractedLicensingInfos": list,
    "annotations": list,
}
_PACKAGE_SHAPES: dict[str, type] = {"externalRefs": list, "checksums": list, "annotations": list,
                                    "packageVerificationCode": dict, "attributionTexts": list}
_TYPE_NAMES = {dict: "an object", list: "a list"}


def _check_packages(value: Any) -> list[dict[str, Any]]:
    """The `packages` list; anything else there is one clear error (there is nothing to audit without it)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise SbomError("invalid_sbom", *pair("spdx-packages-shape"))
    return value


def _misshapen_fields(doc: dict[str, Any]) -> list[str]:
    """'creationInfo is not an object', … for the fields spdx-tools would crash on (empty when all fit)."""
    wrong = [f"{key} is not {_TYPE_NAMES[kind]}" for key, kind in _SHAPES.items()
             if doc.get(key) is not None and not isinstance(doc[key], kind)]
    for key in ("relationships", "files", "snippets", "externalDocumentRefs", "annotations",
                "hasExtractedLicensingInfos"):
        items = doc.get(key)
        if isinstance(items, list) and not all(isinstance(x, dict) for x in items):
            wrong.append(f"{key} holds an item that is not an object")
    for package in doc.get("packages") or []:
        for key, kind in _PACKAGE_SHAPES.items():
            if package.get(key) is not None and not isinstance(package[key], kind):
                wrong.append(f"package {clip(package.get('SPDXID'), 80)}: {key} is not {_TYPE_NAMES[kind]}")
        for key in ("externalRefs", "checksums", "annotations"):
            items = package.get(key)
            if isinstance(items, list) and not all(isinstance(x, dict) for x in items):
                wrong.append(f"package {clip(package.get('SPDXID'), 80)}: {key} holds an item that is not an object")
    return wrong


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _package_from_dict(raw: dict[str, Any]) -> _Package | None:
    name = clip(raw.get("name"))
    if name is None:
        return None
    purl = None
    for ref in _list(raw.get("externalRefs")):
        if isinstance(ref, dict) and str(ref.get("referenceType", "")).lower() == "purl":
            purl = clip(ref.get("referenceLocator"))
    return _Package(
        spdx_id=str(raw.get("SPDXID") or name),
        name=name,
        version=clip(raw.get("versionInfo")),
        purl=purl,
        concluded=_licence_str(raw.get("licenseConcluded")),
        declared=_licence_str(raw.get("licenseDeclared")),
        copyright=_copyright(raw.get("copyrightText")),
    )


def _described_from_dict(doc: dict[str, Any]) -> set[str]:
    described = {x for x in _list(doc.get("documentDescribes")) if isinstance(x, str)}
    doc_id = str(doc.get("SPDXID") or "SPDXRef-DOCUMENT")
    for rel in _list(doc.get("relationships")):
        if not isinstance(rel, dict):
            continue
        kind = str(rel.get("relationshipType", "")).upper()
        if kind == "DESCRIBES" and rel.get("spdxElementId") == doc_id:
            described.add(str(rel.get("relatedSpdxElement")))
        elif kind == "DESCRIBED_BY" and rel.get("relatedSpdxElement") == doc_id:
            described.add(str(rel.get("spdxElementId")))
    return described


def _refs_from_dicts(items: Any) -> dict[str, LicenseRefText]:
    refs: dict[str, LicenseRefText] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("licenseId"), str):
            ref = item["licenseId"]
            refs[ref] = LicenseRefText(ref, clip(item.get("name"), 300), _text(item.get("extractedText")))
    return refs


# ------------------------------------------------------------------------------ spdx-tools model


def _package_from_model(package: Any, raw: dict[str, Any] | None) -> _Package | None:
    name = clip(package.name)
    if name is None:
        return None
    purl = next(
        (clip(ref.locator) for ref in package.external_references if str(ref.reference_type).lower() == "purl"),
        None,
    )
    # the raw strings when we have them: spdx-tools rewrites some ids (GPL-2.0 -> GPL-2.0-only)
    concluded = _licence_str(raw.get("licenseConcluded")) if raw else _licence_str(package.license_concluded)
    declared = _licence_str(raw.get("licenseDeclared")) if raw else _licence_str(package.license_declared)
    return _Package(
        spdx_id=package.spdx_id,
        name=name,
        version=clip(package.version),
        purl=purl,
        concluded=concluded,
        declared=declared,
        copyright=_copyright(package.copyright_text),
    )


def _described_from_model(document: Any) -> set[str]:
    from spdx_tools.spdx.model import RelationshipType

    doc_id = document.creation_info.spdx_id
    described: set[str] = set()
    for rel in document.relationships:
        if rel.relationship_type == RelationshipType.DESCRIBES and rel.spdx_element_id == doc_id:
            described.add(str(rel.related_spdx_element_id))
        elif rel.relationship_type == RelationshipType.DESCRIBED_BY and str(rel.related_spdx_element_id) == doc_id:
            described.add(rel.spdx_element_id)
    return described


def _refs_from_model(items: Iterable[Any]) -> dict[str, LicenseRefText]:
    refs: dict[str, LicenseRefText] = {}
    for item in items:
        if item.license_id:
            name = item.license_name if isinstance(item.license_name, str) else None
            refs[item.license_id] = LicenseRefText(item.license_id, clip(name, 300), _text(item.extracted_text))
    return refs


# --------------------------------------------------------------------------------------- tag-value


def read_spdx_tagvalue(text: str) -> SbomDocument:
    version_match = re.search(r"^\s*SPDXVersion\s*:\s*(\S+)", text, re.MULTILINE)
    version = check_version(version_match.group(1) if version_match else None)
    notes: list[str] = []
    from ply import yacc
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # ply announces its table generation on stderr
            parser = Parser(write_tables=False, debug=False, errorlog=yacc.NullLogger())
        parsed = parser.parse(text)
    except Exception as exc:  # noqa: BLE001 - as for JSON: the parser raises more than SPDXParsingError
        messages = exc.get_messages() if isinstance(exc, SPDXParsingError) else [f"{type(exc).__name__}: {exc}"]
        _lenient_note(notes, messages)
        packages, described, refs = _tagvalue_by_hand(text)
    else:
        packages = [_package_from_model(p, None) for p in parsed.packages]
        described = _described_from_model(parsed)
        refs = _refs_from_model(parsed.extracted_licensing_info)
    return _document(version, "tag-value", [p for p in packages if p is not None], described, refs, notes)


_TAG = re.compile(r"^([A-Za-z]+)\s*:\s?(.*)$")


def _tagvalue_by_hand(text: str) -> tuple[list[_Package | None], set[str], dict[str, LicenseRefText]]:
    """Packages, DESCRIBES targets and LicenseRef texts from a tag-value file spdx-tools rejected."""
    packages: list[_Package | None] = []
    described: set[str] = set()
    refs: dict[str, LicenseRefText] = {}
    current: dict[str, str] | None = None
    ref: dict[str, str] | None = None
    lines = iter(text.splitlines())
    for line in lines:
        m = _TAG.match(line.strip())
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if value.startswith("<text>"):  # multi-line value
            parts = [value[len("<text>"):]]
            while "</text>" not in parts[-1]:
                nxt = next(lines, None)
                if nxt is None:
                    break
                parts.append(nxt)
            value = "\n".join(parts).split("</text>", 1)[0]
        if tag == "PackageName":
            if current is not None:
                packages.append(_package_from_tags(current))
            current = {"name": value}
        elif tag == "FileName" and current is not None:  # files follow their package: stop reading it
            packages.append(_package_from_tags(current))
            current = None
        elif current is not None and tag in ("SPDXID", "PackageVersion", "PackageLicenseConcluded",
                                             "PackageLicenseDeclared", "PackageCopyrightText"):
            current[tag] = value
        elif current is not None and tag == "ExternalRef" and " purl " in f" {value} ":
            current["purl"] = value.split()[-1]
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) == 3 and parts[1].upper() == "DESCRIBES" and parts[0] == "SPDXRef-DOCUMENT":
                described.add(parts[2])
        elif tag == "LicenseID":
            ref = {"id": value}
            refs[value] = LicenseRefText(value)
        elif ref is not None and tag in ("ExtractedText", "LicenseName"):
            ref[tag] = value
            refs[ref["id"]] = LicenseRefText(ref["id"], clip(ref.get("LicenseName"), 300), _text(ref.get("ExtractedText")))
    if current is not None:
        packages.append(_package_from_tags(current))
    return packages, described, refs


def _package_from_tags(tags: dict[str, str]) -> _Package | None:
    name = clip(tags.get("name"))
    if name is None:
        return None
    return _Package(
        spdx_id=tags.get("SPDXID") or name,
        name=name,
        version=clip(tags.get("PackageVersion")),
        purl=clip(tags.get("purl")),
        concluded=_licence_str(tags.get("PackageLicenseConcluded")),
        declared=_licence_str(tags.get("PackageLicenseDeclared")),
        copyright=_copyright(tags.get("PackageCopyrightText")),
    )


# ------------------------------------------------------------------------------------------ RDF/XML


def read_spdx_rdf(xml_text: str) -> SbomDocument:
    """RDF/XML, already checked by defusedxml (no DTD, no entities) before rdflib sees it."""
    from rdflib import Graph
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.rdf.rdf_parser import translate_graph_to_document

    graph = Graph()
    try:
        graph.parse(data=xml_text, format="xml")
        parsed = translate_graph_to_document(graph)
    except SPDXParsingError as exc:
        first = clip(exc.get_messages()[0] if exc.get_messages() else "", 200)
        raise SbomError("invalid_sbom", *pair("spdx-rdf-unreadable", first=first)) from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises parser-specific errors
        raise SbomError("invalid_sbom", *pair("spdx-rdf-malformed", kind=type(exc).__name__)) from None
    version = check_version(parsed.creation_info.spdx_version)
    packages = [_package_from_model(p, None) for p in parsed.packages]
    return _document(
        version,
        "RDF/XML",
        [p for p in packages if p is not None],
        _described_from_model(parsed),
        _refs_from_model(parsed.extracted_licensing_info),
        [],
    )


# ------------------------------------------------------------------------------------------- shared


def _document(
    version: str,
    encoding: str,
    packages: list[_Package],
    described: set[str],
    refs: dict[str, LicenseRefText],
    notes: list[str],
) -> SbomDocument:
    dependencies = [p for p in packages if p.spdx_id not in described]
    products = [p for p in packages if p.spdx_id in described]
    if dependencies and products:
        components = dependencies
        product = ", ".join(f"{p.name} {p.version}" if p.version else p.name for p in products[:3])
    else:
        components, product = packages, None
    if len(components) > MAX_COMPONENTS:
        raise SbomError("too_many_components", *pair("too-many", count=len(components), limit=MAX_COMPONENTS))
    if not components:
        raise SbomError("no_components", *pair("spdx-no-packages"))

    def produce() -> Iterator[SbomComponent]:
        for package in components:
            yield _component(package, refs)

    return SbomDocument("SPDX", encoding, version, len(components), produce, product, notes)


def _component(package: _Package, refs: dict[str, LicenseRefText]) -> SbomComponent:
    concluded, declared = _asserted(package.concluded), _asserted(package.declared)
    chosen = concluded or declared
    notes: tuple[str, ...] = ()
    if concluded and declared and concluded != declared:
        notes = (both("spdx-concluded", concluded=clip(concluded, 120), declared=clip(declared, 120)),)
    if chosen is None and (package.concluded or package.declared):
        chosen = "NOASSERTION"  # the SBOM says it does not know
    licenses: tuple[DeclaredLicense, ...] = ()
    if chosen:
        used = tuple(refs[r] for r in dict.fromkeys(_LICENSE_REF.findall(chosen)) if r in refs)
        licenses = (DeclaredLicense(expression=chosen, refs=used),)
    return SbomComponent(
        name=package.name,
        version=package.version,
        purl=package.purl,
        licenses=licenses,
        copyright=package.copyright,
        notes=notes,
    )


def _asserted(value: str | None) -> str | None:
    return None if value is None or value.upper() == "NOASSERTION" else value


def _licence_str(value: Any) -> str | None:
    """The licence expression as written (NOASSERTION and NONE kept); None when the field is missing."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _copyright(value: Any) -> str | None:
    text = clip(value)
    if text is None or text.upper() in NO_VALUE:
        return None
    return text


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value[:MAX_LICENSE_TEXT_CHARS]


def _lenient_note(notes: list[str], messages: list[str]) -> None:
    first = clip(messages[0], 200) if messages else ""
    log.info("SPDX document read leniently: %s", first)
    notes.append(both("spdx-lenient", count=len(messages), first=first))
