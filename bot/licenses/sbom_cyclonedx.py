"""CycloneDX 1.2–1.6 (JSON and XML) -> SbomComponent, with cyclonedx-python-lib.

Components are deserialised one at a time (`Component.from_json` / `from_xml`), not as a whole `Bom`:
that keeps memory flat, takes a fifth of the time on big files, and lets one malformed component be read
leniently by hand (with a note) instead of failing the whole file.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from cyclonedx.model.component import Component
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression

from bot.licenses.audit_wording import both, pair
from bot.licenses.sbom_model import (
    MAX_COMPONENTS,
    MAX_LICENSE_TEXT_CHARS,
    DeclaredLicense,
    SbomComponent,
    SbomDocument,
    SbomError,
    clip,
)

log = logging.getLogger("yuanbot.audit")

SUPPORTED_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
NAMESPACE_PREFIX = "http://cyclonedx.org/schema/bom/"


def _check_version(version: str | None, notes: list[str]) -> str | None:
    if version is None:
        notes.append(both("cdx-no-version"))
        return None
    if version not in SUPPORTED_VERSIONS:
        raise SbomError("unsupported_version", *pair("cdx-version", version=clip(version, 20)))
    return version


def _too_many(count: int) -> None:
    if count > MAX_COMPONENTS:
        raise SbomError("too_many_components", *pair("too-many", count=count, limit=MAX_COMPONENTS))


def _no_components() -> SbomError:
    return SbomError("no_components", *pair("cdx-no-components"))


class _Leniency:
    """Counts components that had to be read by hand and leaves one note for all of them."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.count = 0
        self.first = ""

    def record(self, label: str, exc: Exception) -> None:
        self.count += 1
        if self.count == 1:
            self.first = f"{clip(label, 80)}: {clip(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 160)}"
            log.info("CycloneDX component read leniently: %s", self.first)

    def finish(self) -> None:
        if self.count:
            self.notes.append(both("cdx-lenient", count=self.count, first=self.first))


# --------------------------------------------------------------------------------------------- JSON


def read_cyclonedx_json(doc: dict[str, Any]) -> SbomDocument:
    notes: list[str] = []
    version = _check_version(clip(doc.get("specVersion"), 40), notes)
    top = doc.get("components")
    if top is not None and not isinstance(top, list):
        raise SbomError("invalid_sbom", *pair("cdx-components-shape"))
    raw = list(_flatten_json(top or []))
    _too_many(len(raw))
    if not raw:
        raise _no_components()
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    product = metadata.get("component") if isinstance(metadata.get("component"), dict) else None

    def produce() -> Iterator[SbomComponent]:
        leniency = _Leniency(notes)
        for item in raw:
            shallow = {k: v for k, v in item.items() if k != "components"}
            try:
                component = _from_model(Component.from_json(shallow))  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 - the library raises many types on schema deviations
                leniency.record(str(item.get("name")), exc)
                component = _from_json_by_hand(item)
            if component is not None:
                yield component
        leniency.finish()

    return SbomDocument(
        format="CycloneDX",
        encoding="JSON",
        spec_version=version,
        component_count=len(raw),
        produce=produce,
        product=_product_label(product.get("name"), product.get("version")) if product else None,
        notes=notes,
    )


def _flatten_json(items: list[Any]) -> Iterator[dict[str, Any]]:
    """Every component dict, nested ones included, in document order (iterative: no recursion)."""
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if not isinstance(item, dict):
            continue
        yield item
        nested = item.get("components")
        if isinstance(nested, list) and nested:
            stack.append(iter(nested))


def _from_json_by_hand(item: dict[str, Any]) -> SbomComponent | None:
    name = clip(item.get("name"))
    if name is None:
        return None
    licenses: list[DeclaredLicense] = []
    entries = item.get("licenses") if isinstance(item.get("licenses"), list) else []
    for entry in _concluded_first(entries, _json_acknowledgement):
        if isinstance(entry, str):
            licenses.append(DeclaredLicense(expression=entry))
        elif not isinstance(entry, dict):
            continue
        elif isinstance(entry.get("expression"), str):
            licenses.append(DeclaredLicense(expression=entry["expression"]))
        elif isinstance(entry.get("license"), dict):
            lic = entry["license"]
            text = lic.get("text")
            if isinstance(text, dict):
                text = _decode_text(text.get("content"), text.get("encoding"))
            licenses.append(
                DeclaredLicense(
                    expression=_str(lic.get("id")),
                    name=_str(lic.get("name")),
                    url=_str(lic.get("url")),
                    text=_str(text),
                )
            )
    return SbomComponent(
        name=name,
        version=clip(item.get("version")),
        purl=clip(item.get("purl")),
        group=clip(item.get("group")),
        licenses=tuple(lic for lic in licenses if _has_content(lic)),
        copyright=clip(item.get("copyright")),
    )


# ---------------------------------------------------------------------------------------------- XML


def read_cyclonedx_xml(root: Element) -> SbomDocument:
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    notes: list[str] = []
    version = _check_version(namespace[len(NAMESPACE_PREFIX):] if namespace else None, notes)
    q = (lambda tag: f"{{{namespace}}}{tag}") if namespace else (lambda tag: tag)
    container = root.find(q("components"))
    elements = list(_flatten_xml(container, q)) if container is not None else []
    _too_many(len(elements))
    if not elements:
        raise _no_components()
    metadata = root.find(q("metadata"))
    product_el = metadata.find(q("component")) if metadata is not None else None

    def produce() -> Iterator[SbomComponent]:
        leniency = _Leniency(notes)
        for element in elements:
            try:
                component = _from_model(
                    Component.from_xml(element, default_namespace=namespace or None)  # type: ignore[attr-defined]
                )
            except Exception as exc:  # noqa: BLE001 - as for JSON
                leniency.record(element.findtext(q("name")) or "?", exc)
                component = _from_xml_by_hand(element, q)
            if component is not None:
                yield component
        leniency.finish()

    return SbomDocument(
        format="CycloneDX",
        encoding="XML",
        spec_version=version,
        component_count=len(elements),
        produce=produce,
        product=_product_label(product_el.findtext(q("name")), product_el.findtext(q("version")))
        if product_el is not None
        else None,
        notes=notes,
    )


def _flatten_xml(container: Element, q) -> Iterator[Element]:
    stack = [iter(container.findall(q("component")))]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        yield element
        nested = element.find(q("components"))
        if nested is not None:
            stack.append(iter(nested.findall(q("component"))))


def _from_xml_by_hand(element: Element, q) -> SbomComponent | None:
    name = clip(element.findtext(q("name")))
    if name is None:
        return None
    licenses: list[DeclaredLicense] = []
    container = element.find(q("licenses"))
    entries = list(container) if container is not None else []
    for entry in _concluded_first(entries, lambda e: e.get("acknowledgement")):
        if entry.tag == q("expression"):
            licenses.append(DeclaredLicense(expression=_str(entry.text)))
        elif entry.tag == q("license"):
            text_el = entry.find(q("text"))
            text = _decode_text(text_el.text, text_el.get("encoding")) if text_el is not None else None
            licenses.append(
                DeclaredLicense(
                    expression=_str(entry.findtext(q("id"))),
                    name=_str(entry.findtext(q("name"))),
                    url=_str(entry.findtext(q("url"))),
                    text=_str(text),
                )
            )
    return SbomComponent(
        name=name,
        version=clip(element.findtext(q("version"))),
        purl=clip(element.findtext(q("purl"))),
        group=clip(element.findtext(q("group"))),
        licenses=tuple(lic for lic in licenses if _has_content(lic)),
        copyright=clip(element.findtext(q("copyright"))),
    )


# ------------------------------------------------------------------------------------------- shared


def _from_model(component: Component) -> SbomComponent | None:
    name = clip(component.name)
    if name is None:
        return None
    licenses: list[DeclaredLicense] = []
    for lic in _concluded_first(list(component.licenses), lambda x: getattr(x.acknowledgement, "value", None)):
        if isinstance(lic, LicenseExpression):
            licenses.append(DeclaredLicense(expression=_str(lic.value)))
        elif isinstance(lic, DisjunctiveLicense):
            text = None
            if lic.text is not None:
                encoding = getattr(lic.text.encoding, "value", lic.text.encoding)
                text = _decode_text(lic.text.content, encoding)
            licenses.append(
                DeclaredLicense(
                    expression=_str(lic.id),
                    name=_str(lic.name),
                    url=_str(lic.url),
                    text=_str(text),
                )
            )
    return SbomComponent(
        name=name,
        version=clip(component.version),
        purl=clip(component.purl.to_string() if component.purl is not None else None),
        group=clip(component.group),
        licenses=tuple(lic for lic in licenses if _has_content(lic)),
        copyright=clip(component.copyright),
    )


def _concluded_first(entries: list, acknowledgement) -> list:
    """CycloneDX 1.6 marks licences `declared` or `concluded`: when some are concluded, only those count."""
    concluded = [e for e in entries if acknowledgement(e) == "concluded"]
    return concluded or entries


def _json_acknowledgement(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    inner = entry.get("license") if isinstance(entry.get("license"), dict) else entry
    return inner.get("acknowledgement")


def _decode_text(content: Any, encoding: Any) -> str | None:
    if not isinstance(content, str):
        return None
    content = content[: MAX_LICENSE_TEXT_CHARS * 2]
    if str(encoding or "").lower() == "base64":
        try:
            return base64.b64decode(content, validate=False).decode("utf-8", "replace")[:MAX_LICENSE_TEXT_CHARS]
        except (binascii.Error, ValueError):
            return None
    return content[:MAX_LICENSE_TEXT_CHARS]


def _str(value: Any) -> str | None:
    """Licence fields stay unclipped here: the audit reports an over-long one instead of cutting it."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _has_content(lic: DeclaredLicense) -> bool:
    return bool(lic.expression or lic.name or lic.url or lic.text)


def _product_label(name: Any, version: Any) -> str | None:
    name = clip(name, 200)
    if name is None:
        return None
    version = clip(version, 80)
    return f"{name} {version}" if version else name
