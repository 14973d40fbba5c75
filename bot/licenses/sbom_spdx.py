"""SPDX 2.1–2.3 (JSON, YAML, tag-value, RDF/XML) -> SbomComponent, with spdx-tools.

The components are the document's packages. The package(s) the document DESCRIBES are the product itself
and are left out when the document lists other packages (its dependencies); a document that describes a
single package and nothing else is an SBOM *of* that package, which is then audited.
A package's licence is its concluded licence, else its declared one.
When spdx-tools rejects a JSON/YAML/tag-value file (real files often miss required fields), the packages
are read by hand (`sbom_spdx_lenient`) and the report says so; this module is the spdx-tools path and the
document building both paths share.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom_model import (
    MAX_COMPONENTS,
    DeclaredLicense,
    LicenseRefText,
    SbomComponent,
    SbomDocument,
    SbomError,
    clip,
)
from bot.licenses.sbom_spdx_fields import SpdxPackage, copyright_text, licence_str, licence_text
from bot.licenses.sbom_spdx_lenient import (
    check_packages,
    described_from_dict,
    lenient_note,
    misshapen_fields,
    package_from_dict,
    refs_from_dicts,
    tagvalue_by_hand,
)

SUPPORTED_VERSIONS = ("SPDX-2.1", "SPDX-2.2", "SPDX-2.3")
_LICENSE_REF = re.compile(r"(?:DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+")


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

    raw_packages = check_packages(doc.get("packages"))
    raw_by_id = {str(p.get("SPDXID")): p for p in raw_packages}
    misshapen = misshapen_fields(doc)
    try:
        if misshapen:  # spdx-tools would fail with AttributeError/TypeError on these: do not ask it
            raise SPDXParsingError(misshapen)
        parsed = JsonLikeDictParser().parse(doc)
    except Exception as exc:  # noqa: BLE001 - spdx-tools raises AttributeError/TypeError too on odd shapes
        messages = exc.get_messages() if isinstance(exc, SPDXParsingError) else [f"{type(exc).__name__}: {exc}"]
        lenient_note(notes, messages)
        packages = [package_from_dict(p) for p in raw_by_id.values()]
        described = described_from_dict(doc)
        refs = refs_from_dicts(doc.get("hasExtractedLicensingInfos"))
    else:
        packages = [_package_from_model(p, raw_by_id.get(p.spdx_id)) for p in parsed.packages]
        described = _described_from_model(parsed)
        refs = _refs_from_model(parsed.extracted_licensing_info)
    return _document(version, encoding, [p for p in packages if p is not None], described, refs, notes)


# ------------------------------------------------------------------------------ spdx-tools model


def _package_from_model(package: Any, raw: dict[str, Any] | None) -> SpdxPackage | None:
    name = clip(package.name)
    if name is None:
        return None
    purl = next(
        (clip(ref.locator) for ref in package.external_references if str(ref.reference_type).lower() == "purl"),
        None,
    )
    # the raw strings when we have them: spdx-tools rewrites some ids (GPL-2.0 -> GPL-2.0-only)
    concluded = licence_str(raw.get("licenseConcluded")) if raw else licence_str(package.license_concluded)
    declared = licence_str(raw.get("licenseDeclared")) if raw else licence_str(package.license_declared)
    return SpdxPackage(
        spdx_id=package.spdx_id,
        name=name,
        version=clip(package.version),
        purl=purl,
        concluded=concluded,
        declared=declared,
        copyright=copyright_text(package.copyright_text),
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
            refs[item.license_id] = LicenseRefText(item.license_id, clip(name, 300), licence_text(item.extracted_text))
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
        lenient_note(notes, messages)
        packages, described, refs = tagvalue_by_hand(text)
    else:
        packages = [_package_from_model(p, None) for p in parsed.packages]
        described = _described_from_model(parsed)
        refs = _refs_from_model(parsed.extracted_licensing_info)
    return _document(version, "tag-value", [p for p in packages if p is not None], described, refs, notes)


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
    packages: list[SpdxPackage],
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


def _component(package: SpdxPackage, refs: dict[str, LicenseRefText]) -> SbomComponent:
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
