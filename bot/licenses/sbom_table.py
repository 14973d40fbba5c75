"""Plain dependency lists -> SbomComponent: CSV/TSV as `pip-licenses --format=csv` or npm
`license-checker --csv` write them, and their JSON forms (`pip-licenses --format=json`, a list of
objects; `license-checker --json`, an object keyed by `name@version`).

Columns are found by their header, whatever the order or case. License-checker's `name@version` in one
column is split; `MIT*` (a licence it guessed from a file) keeps the star out and says so; pip-licenses'
`A; B` (several trove classifiers) becomes several declared licences.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

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

# header (lower-cased, spaces/underscores/dashes removed) -> our field
_COLUMNS = {
    "name": "name", "package": "name", "packagename": "name", "module": "name", "modulename": "name",
    "component": "name", "componentname": "name", "library": "name", "dependency": "name",
    "artifact": "name", "artifactid": "name", "project": "name",
    "version": "version", "installedversion": "version", "packageversion": "version", "ver": "version",
    "license": "license", "licenses": "license", "licence": "license", "licences": "license",
    "licensetype": "license", "licenseexpression": "license", "spdx": "license", "spdxid": "license",
    "licenseid": "license", "licensename": "license", "declaredlicense": "license", "licensedeclared": "license",
    "licenseurl": "url", "url": "url", "repository": "url", "homepage": "url",
    "purl": "purl", "packageurl": "purl",
    "group": "group", "groupid": "group", "namespace": "group",
    "copyright": "copyright", "author": "copyright", "publisher": "copyright",
    "licensetext": "text",
}
_SPLIT_MULTI = re.compile(r"\s*;\s*")
_EXPRESSION_WORDS = re.compile(r"\b(AND|OR|WITH)\b|[()]")


def looks_like_table(text: str) -> str | None:
    """The delimiter when the first line is a header with a name and a licence column, else None."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in ("\t", ",", ";", "|"):
        if delimiter not in first:
            continue
        fields = {_COLUMNS.get(_key(h)) for h in next(csv.reader([first], delimiter=delimiter))}
        if "name" in fields and "license" in fields:
            return delimiter
    return None


def read_table(text: str, delimiter: str) -> SbomDocument:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        field = _COLUMNS.get(_key(title))
        if field and field not in columns:
            columns[field] = index
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    notes: list[str] = []
    _check_count(len(rows))

    def cell(row: list[str], field: str) -> str | None:
        index = columns.get(field)
        return row[index] if index is not None and index < len(row) else None

    def produce() -> Iterator[SbomComponent]:
        guessed = 0
        for row in rows:
            component, was_guessed = _component(
                cell(row, "name"), cell(row, "version"), cell(row, "license"),
                url=cell(row, "url"), purl=cell(row, "purl"), group=cell(row, "group"),
                copyright=cell(row, "copyright"), text=cell(row, "text"),
            )
            guessed += was_guessed
            if component is not None:
                yield component
        _guess_note(notes, guessed)

    encoding = {"\t": "TSV"}.get(delimiter, "CSV")
    return SbomDocument("list", encoding, None, len(rows), produce, None, notes)


def looks_like_json_list(doc: Any) -> bool:
    """pip-licenses JSON (a list of objects with Name/License) or license-checker JSON (name@version keys)."""
    if isinstance(doc, list):
        return bool(doc) and all(isinstance(item, dict) for item in doc[:50]) and _has_columns(doc[0])
    if isinstance(doc, dict) and doc:
        sample = list(doc.items())[:50]
        return all(isinstance(v, dict) and ("licenses" in v or "license" in v) for _, v in sample)
    return False


def read_json_list(doc: list[Any] | dict[str, Any]) -> SbomDocument:
    if isinstance(doc, dict):  # license-checker: {"name@version": {"licenses": ..., "repository": ...}}
        items = [{"name": key, **value} for key, value in doc.items() if isinstance(value, dict)]
    else:
        items = [item for item in doc if isinstance(item, dict)]
    _check_count(len(items))
    notes: list[str] = []

    def produce() -> Iterator[SbomComponent]:
        guessed = 0
        for item in items:
            fields = {_COLUMNS.get(_key(k)): v for k, v in item.items() if _COLUMNS.get(_key(k))}
            licence = fields.get("license")
            if isinstance(licence, list):  # license-checker: ["MIT", "Apache-2.0"]
                licence = "; ".join(str(x) for x in licence)
            component, was_guessed = _component(
                _as_str(fields.get("name")), _as_str(fields.get("version")), _as_str(licence),
                url=_as_str(fields.get("url")), purl=_as_str(fields.get("purl")),
                group=_as_str(fields.get("group")), copyright=_as_str(fields.get("copyright")),
                text=_as_str(fields.get("text")),
            )
            guessed += was_guessed
            if component is not None:
                yield component
        _guess_note(notes, guessed)

    return SbomDocument("list", "JSON", None, len(items), produce, None, notes)


def _component(
    name: str | None, version: str | None, licence: str | None, *, url: str | None, purl: str | None,
    group: str | None, copyright: str | None, text: str | None = None,
) -> tuple[SbomComponent | None, bool]:
    name = clip(name)
    if name is None:
        return None, False
    if not version and "@" in name[1:]:  # license-checker: "@scope/pkg@1.2.3"
        name, _, version = name.rpartition("@")
    licence = (licence or "").strip()
    guessed = licence.endswith("*") and not licence.endswith("**")
    if guessed:
        licence = licence.rstrip("*").strip()
    licence_url = None
    if licence.lower().startswith("custom:"):  # license-checker: "Custom: https://…/LICENSE"
        licence_url, licence = licence.split(":", 1)[1].strip(), ""
    declared: list[DeclaredLicense] = []
    parts = [licence] if _EXPRESSION_WORDS.search(licence) else _SPLIT_MULTI.split(licence)
    text = text[:MAX_LICENSE_TEXT_CHARS] if text and text.strip() and text.strip().upper() != "UNKNOWN" else None
    parts = [p for p in parts if p]
    for part in parts:
        declared.append(DeclaredLicense(name=part, text=text if len(parts) == 1 else None))
    if text and not parts:
        declared.append(DeclaredLicense(text=text))
    if licence_url:
        declared.append(DeclaredLicense(url=licence_url))
    notes = (both("list-guessed-one"),) if guessed else ()
    component = SbomComponent(
        name=name,
        version=clip(version),
        purl=clip(purl),
        group=clip(group),
        licenses=tuple(declared),
        copyright=clip(copyright),
        notes=notes,
    )
    return component, guessed


def _check_count(count: int) -> None:
    if count > MAX_COMPONENTS:
        raise SbomError("too_many_components", *pair("list-too-many", count=count, limit=MAX_COMPONENTS))
    if count == 0:
        raise SbomError("no_components", *pair("list-no-components"))


def _guess_note(notes: list[str], guessed: int) -> None:
    if guessed:
        notes.append(both("list-guessed", count=guessed))


def _has_columns(item: dict[str, Any]) -> bool:
    fields = {_COLUMNS.get(_key(k)) for k in item}
    return "name" in fields and "license" in fields


def _key(title: str) -> str:
    return re.sub(r"[\s_\-()]+", "", str(title).strip().lower().lstrip("\ufeff"))


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)
