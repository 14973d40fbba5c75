"""Paths and small helpers for the audit tests."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
LICENSES = ROOT / "knowledge" / "licenses"
TEXTS = LICENSES / "texts"

FIXTURES = {
    "dropwizard": "dropwizard-1.3.15.cdx.json",
    "laravel": "laravel-7.12.0.cdx-1.4.json",
    "examplemaven": "examplemaven-0.0.1-enriched.spdx.json",
    "acme": "ACME-v2.3.spdx.json",
    "example2": "example2-bin.spdx",
}


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cyclonedx(components: list[dict], version: str = "1.5") -> bytes:
    """A minimal CycloneDX JSON document around `components`."""
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": version, "version": 1,
                       "components": components}).encode()


def component(name: str, *licenses: dict, version: str = "1.0.0") -> dict:
    return {"type": "library", "name": name, "version": version, "licenses": list(licenses)}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library">
<name>&lol9;</name></component></components></bom>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library">
<name>&xxe;</name></component></components></bom>"""
YAML_LAUGHS = b"""spdxVersion: SPDX-2.3
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
packages: [*c,*c,*c,*c,*c,*c,*c,*c,*c]
"""


def spdx_document(**fields: object) -> dict:
    """A valid SPDX 2.3 JSON document with two packages (one described), `fields` replacing top-level ones."""
    doc: dict = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "app",
        "documentNamespace": "https://example.com/app-1",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: test"]},
        "packages": [
            {"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1.0", "downloadLocation": "NOASSERTION",
             "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0", "copyrightText": "NOASSERTION"},
            {"SPDXID": "SPDXRef-lib", "name": "lib", "versionInfo": "2.0", "downloadLocation": "NOASSERTION",
             "licenseConcluded": "MIT", "licenseDeclared": "MIT", "copyrightText": "(c) lib authors",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:npm/lib@2.0"}]},
        ],
        "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                           "relatedSpdxElement": "SPDXRef-app"}],
    }
    doc.update(fields)
    return doc


def _spdx(package: dict | None = None, **fields: object) -> bytes:
    """`spdx_document` as bytes; `package` replaces fields of the dependency package."""
    doc = spdx_document(**fields)
    if package:
        doc["packages"][1].update(package)
    return json.dumps(doc).encode()


def _nested_components(depth: int) -> bytes:
    inner: dict = {"type": "library", "name": "leaf"}
    for level in range(depth):
        inner = {"type": "library", "name": f"level{level}", "components": [inner]}
    return cyclonedx([inner])


# name -> (upload, error code, words the one-sentence message must contain)
HOSTILE: dict[str, tuple[bytes, str, str]] = {
    "plain text": (b"This is a README, not a bill of materials.\nJust prose.\n", "not_sbom", "not JSON, XML or CSV"),
    "json not sbom": (json.dumps({"name": "my-app", "dependencies": {"left-pad": "^1.3.0"}}).encode(),
                      "not_sbom", "valid JSON but not an SBOM"),
    "invalid json": (b'{"bomFormat": "CycloneDX", "components": [', "invalid_json", "not valid JSON"),
    "unknown cyclonedx version": (cyclonedx([{"type": "library", "name": "x"}], version="9.9"),
                                  "unsupported_version", "CycloneDX version 9.9 is not supported"),
    "unknown spdx version": (json.dumps({"spdxVersion": "SPDX-9.9", "packages": []}).encode(),
                             "unsupported_version", "SPDX version SPDX-9.9 is not supported"),
    "spdx 3": (json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}).encode(),
               "unsupported_version", "SPDX 3"),
    "no components": (cyclonedx([]), "no_components", "lists no components"),
    "no packages": (json.dumps({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}).encode(),
                    "no_components", "lists no packages"),
    "json nesting bomb": (b"[" * 100_000 + b"]" * 100_000, "too_deep", "nested more than"),
    "nested components": (_nested_components(200), "too_deep", "nested more than"),
    "xml entity bomb": (BILLION_LAUGHS, "xml_entities", "DTD or entities"),
    "xml external entity": (XXE, "xml_entities", "DTD or entities"),
    "yaml billion laughs": (YAML_LAUGHS, "yaml_alias", "anchors/aliases"),
    "binary": (bytes(range(256)) * 64, "binary", "binary"),
    "zip": (b"PK\x03\x04" + b"\x00" * 200, "binary", "a ZIP archive"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary", "a PNG image"),
    "not utf-8": ("名称,版本,许可证\n".encode("gb18030") + b"\xff\xfe\xfa", "not_text", "not UTF-8"),
    "empty": (b"   \n", "empty", "empty"),
    "other xml": (b"<html><body>hi</body></html>", "not_sbom", "neither CycloneDX nor SPDX"),
    "spdx packages of strings": (_spdx(packages=["x"]), "invalid_sbom", "'packages' field must be a list of objects"),
    "spdx packages a number": (_spdx(packages=1), "invalid_sbom", "'packages' field must be a list of objects"),
    "spdx packages null": (_spdx(packages=None), "no_components", "lists no packages"),
    "spdx packages an object": (_spdx(packages={"name": "x"}), "invalid_sbom", "must be a list of objects"),
}

# SPDX fields of the wrong type that spdx-tools used to crash on (AttributeError/TypeError): the packages
# are still there, so the document is read leniently and says which field was wrong.
# name -> (upload, words the lenient-reading note must contain)
MISSHAPEN: dict[str, tuple[bytes, str]] = {
    "creationInfo a string": (_spdx(creationInfo="yesterday"), "creationInfo is not an object"),
    "creationInfo a list": (_spdx(creationInfo=[1]), "creationInfo is not an object"),
    "relationships a number": (_spdx(relationships=1, documentDescribes=["SPDXRef-app"]), "relationships is not a list"),
    "relationships of strings": (_spdx(relationships=["DESCRIBES"],
                                                 documentDescribes=["SPDXRef-app"]), "relationships holds an item"),
    "documentDescribes a number": (_spdx(documentDescribes=7), "documentDescribes is not a list"),
    "documentDescribes an object": (_spdx(documentDescribes={"a": 1}), "documentDescribes is not a list"),
    "files a string": (_spdx(files="all"), "files is not a list"),
    "externalDocumentRefs of numbers": (_spdx(externalDocumentRefs=[1]), "externalDocumentRefs holds an item"),
    "externalRefs a string": (_spdx(package={"externalRefs": "pkg:maven/x@1"}), "externalRefs is not a list"),
    "externalRefs of numbers": (_spdx(package={"externalRefs": [1, 2]}), "externalRefs holds an item"),
    "checksums an object": (_spdx(package={"checksums": {"SHA1": "x"}}), "checksums is not a list"),
}
