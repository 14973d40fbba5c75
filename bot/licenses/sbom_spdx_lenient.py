"""The lenient SPDX path: shape checks before spdx-tools, and reading packages by hand when it refuses.

Real SPDX files often miss required fields or give a field the wrong JSON type; spdx-tools then raises (or
crashes with AttributeError/TypeError). Rather than refuse the file, `sbom_spdx` falls back to the readers
here, which take only what the audit needs (packages, DESCRIBES targets, LicenseRef texts), and the report
notes that the document was read leniently. Kept apart from the spdx-tools path so each reads in one go.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom_model import LicenseRefText, SbomError, clip
from bot.licenses.sbom_spdx_fields import SpdxPackage, copyright_text, licence_str, licence_text

log = logging.getLogger("yuanbot.audit")


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


def check_packages(value: Any) -> list[dict[str, Any]]:
    """The `packages` list; anything else there is one clear error (there is nothing to audit without it)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise SbomError("invalid_sbom", *pair("spdx-packages-shape"))
    return value


def misshapen_fields(doc: dict[str, Any]) -> list[str]:
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


def package_from_dict(raw: dict[str, Any]) -> SpdxPackage | None:
    name = clip(raw.get("name"))
    if name is None:
        return None
    purl = None
    for ref in _list(raw.get("externalRefs")):
        if isinstance(ref, dict) and str(ref.get("referenceType", "")).lower() == "purl":
            purl = clip(ref.get("referenceLocator"))
    return SpdxPackage(
        spdx_id=str(raw.get("SPDXID") or name),
        name=name,
        version=clip(raw.get("versionInfo")),
        purl=purl,
        concluded=licence_str(raw.get("licenseConcluded")),
        declared=licence_str(raw.get("licenseDeclared")),
        copyright=copyright_text(raw.get("copyrightText")),
    )


def described_from_dict(doc: dict[str, Any]) -> set[str]:
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


def refs_from_dicts(items: Any) -> dict[str, LicenseRefText]:
    refs: dict[str, LicenseRefText] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("licenseId"), str):
            ref = item["licenseId"]
            refs[ref] = LicenseRefText(ref, clip(item.get("name"), 300), licence_text(item.get("extractedText")))
    return refs


_TAG = re.compile(r"^([A-Za-z]+)\s*:\s?(.*)$")


def tagvalue_by_hand(text: str) -> tuple[list[SpdxPackage | None], set[str], dict[str, LicenseRefText]]:
    """Packages, DESCRIBES targets and LicenseRef texts from a tag-value file spdx-tools rejected."""
    packages: list[SpdxPackage | None] = []
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
            refs[ref["id"]] = LicenseRefText(ref["id"], clip(ref.get("LicenseName"), 300), licence_text(ref.get("ExtractedText")))
    if current is not None:
        packages.append(_package_from_tags(current))
    return packages, described, refs


def _package_from_tags(tags: dict[str, str]) -> SpdxPackage | None:
    name = clip(tags.get("name"))
    if name is None:
        return None
    return SpdxPackage(
        spdx_id=tags.get("SPDXID") or name,
        name=name,
        version=clip(tags.get("PackageVersion")),
        purl=clip(tags.get("purl")),
        concluded=licence_str(tags.get("PackageLicenseConcluded")),
        declared=licence_str(tags.get("PackageLicenseDeclared")),
        copyright=copyright_text(tags.get("PackageCopyrightText")),
    )


def lenient_note(notes: list[str], messages: list[str]) -> None:
    first = clip(messages[0], 200) if messages else ""
    log.info("SPDX document read leniently: %s", first)
    notes.append(both("spdx-lenient", count=len(messages), first=first))
