"""Read and write a document's metadata where it lives, so the knowledge folder stays the source of truth.

Where a value goes:
* a Markdown / text file with a YAML front matter block: that block (keys keep their spelling, e.g. `文号`);
* a file without one but with an entry in the folder's `_meta.yaml`: that entry;
* any other text file: a new front matter block; PDF / Word / HTML files: a new `_meta.yaml` entry.
Only the fields that changed are written. Clearing a field writes `null` when the folder's `"*"` defaults
would otherwise fill it in (the loader drops nulls), and removes the key otherwise.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.errors import EditRejected
from ingest import yaml_edit
from ingest.loaders import (
    FOLDER_META,
    FRONT_MATTER,
    KEY_ALIASES,
    TEXT_SUFFIXES,
    folder_metadata,
    split_front_matter,
)

Status = Literal["in_force", "expired", "superseded", "auto"]
EDITABLE = ("title", "issuer", "doc_number", "published", "effective_from", "effective_to", "status",
            "superseded_by", "url")
DATE_FIELDS = ("published", "effective_from", "effective_to")
MAX_FIELD_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class DocumentFields(BaseModel):
    """The metadata staff edit in the console; what citations, ranking and validity notes use."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    issuer: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    doc_number: str | None = Field(default=None, max_length=MAX_FIELD_CHARS, description="文号")
    published: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    status: Status = "in_force"
    superseded_by: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    url: str | None = Field(default=None, max_length=2000)

    @field_validator("title", "issuer", "doc_number", "superseded_by", "url", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip()
        if _CONTROL.search(text):
            raise ValueError("must be one line of text")
        return text or None

    @field_validator("title", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if value is None or not str(value).strip():
            raise ValueError("the title is required")
        return value

    @field_validator(*DATE_FIELDS, mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise ValueError("use a date like 2025-12-31") from None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _period(self) -> DocumentFields:
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise ValueError("effective_from is after effective_to")
        return self

    def stored(self) -> dict[str, Any]:
        """Field -> value as it is written to YAML (None = cleared)."""
        return {name: getattr(self, name) for name in EDITABLE}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def current_metadata(path: Path) -> dict[str, Any]:
    """What the loader would read for the file: folder defaults and entry, then the front matter."""
    meta = dict(folder_metadata(path))
    if path.suffix.lower() in TEXT_SUFFIXES and _has_front_matter(path):
        text, _, _ = yaml_edit.read_text(path)
        meta |= split_front_matter(text, str(path))[0]
    return {k: _plain(v) for k, v in meta.items()}


def read_fields(path: Path, fallback_title: str) -> DocumentFields:
    """The editable fields as they are now (the title falls back to what the index shows)."""
    meta = current_metadata(path)
    values = {name: meta.get(name) for name in EDITABLE if meta.get(name) not in (None, "")}
    values.setdefault("title", fallback_title or path.stem)
    if values.get("status") not in ("in_force", "expired", "superseded", "auto"):
        values["status"] = "in_force"
    try:
        return DocumentFields.model_validate(values)
    except ValueError:  # a hand-written value the form cannot show as is: show what is valid
        clean = {}
        for name, value in values.items():
            try:
                DocumentFields.model_validate({"title": values["title"], name: value})
                clean[name] = value
            except ValueError:
                continue
        return DocumentFields.model_validate(clean)


def where_stored(path: Path) -> Literal["front_matter", "folder_meta"]:
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return "folder_meta"
    if _has_front_matter(path):
        return "front_matter"
    return "folder_meta" if path.name in _folder_table(path) else "front_matter"


def write_fields(path: Path, fields: DocumentFields, fallback_title: str = "") -> list[str]:
    """Write the fields that differ from what the form showed (read_fields); returns their names."""
    before = read_fields(path, fallback_title)
    changed = {name: value for name, value in fields.stored().items()
               if _plain(value) != _plain(getattr(before, name))}
    if not changed:
        return []
    defaults = _folder_table(path).get("*") or {}
    if where_stored(path) == "front_matter":
        _write_front_matter(path, changed, defaults)
    else:
        _write_folder_entry(path, changed, defaults)
    return sorted(changed)


def _has_front_matter(path: Path) -> bool:
    try:
        head = path.read_bytes()[:65536]
    except OSError:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            return bool(FRONT_MATTER.match(head.decode(encoding, errors="ignore")))
        except LookupError:  # pragma: no cover
            continue
    return False


def _folder_table(path: Path) -> dict[str, Any]:
    meta_file = path.parent / FOLDER_META
    if not meta_file.exists():
        return {}
    text, _, _ = yaml_edit.read_text(meta_file)
    return yaml_edit.load(text, FOLDER_META) or {}


def _apply(target: dict[str, Any], changes: dict[str, Any], defaults: dict[str, Any],
           aliases: dict[str, str] | None = None) -> None:
    for name, value in changes.items():
        key = next((k for k in target if (aliases or {}).get(str(k), str(k)) == name), name)
        if value is None:
            if defaults.get(name) not in (None, ""):
                target[key] = None  # override the folder default
            else:
                target.pop(key, None)
        else:
            target[key] = value


def _write_front_matter(path: Path, changes: dict[str, Any], defaults: dict[str, Any]) -> None:
    text, encoding, newline = yaml_edit.read_text(path)
    match = FRONT_MATTER.match(text)
    if match:
        data = yaml_edit.load(match.group(1), f"{path.name} front matter") or yaml_edit.mapping({})
        if not isinstance(data, dict):
            raise EditRejected(f"{path.name} 的 front matter 不是键值表 / the front matter of {path.name} is not a mapping")
        body = text[match.end():]
    else:
        data, body = yaml_edit.mapping({}), text.lstrip("\ufeff")
    _apply(data, changes, defaults | folder_metadata(path), KEY_ALIASES)
    block = yaml_edit.dump(data) if data else ""
    updated = f"---\n{block}---\n{body}" if block.strip() else body
    yaml_edit.write_text(path, updated, encoding, newline)


def _write_folder_entry(path: Path, changes: dict[str, Any], defaults: dict[str, Any]) -> None:
    meta_file = path.parent / FOLDER_META
    if meta_file.exists():
        text, encoding, newline = yaml_edit.read_text(meta_file)
    else:
        text, encoding, newline = "", "utf-8", "\n"
    table = yaml_edit.load(text, FOLDER_META) if text.strip() else yaml_edit.mapping({})
    if not isinstance(table, dict):
        raise EditRejected(f"{FOLDER_META} 不是键值表 / {FOLDER_META} is not a mapping")
    entry = table.get(path.name)
    flow = entry.fa.flow_style() if entry is not None and hasattr(entry, "fa") else _folder_is_flow(table)
    values = dict(entry or {})
    _apply(values, changes, defaults)
    fragment = yaml_edit.dump({path.name: yaml_edit.mapping(values, flow=flow)}) if values else ""
    span = yaml_edit.key_span(text, table, path.name)
    if span is not None:
        updated = yaml_edit.splice(text, *span, fragment)
    elif fragment:
        updated = text.rstrip("\n") + ("\n" if text.strip() else "") + fragment
    else:
        return
    yaml_edit.write_text(meta_file, updated, encoding, newline)


def _folder_is_flow(table: dict[str, Any]) -> bool:
    entries = [v for v in table.values() if hasattr(v, "fa")]
    return bool(entries) and entries[-1].fa.flow_style()


def remove_folder_entry(path: Path) -> bool:
    """Drop the file's `_meta.yaml` entry (when the file itself is deleted); True when there was one."""
    meta_file = path.parent / FOLDER_META
    if not meta_file.exists():
        return False
    text, encoding, newline = yaml_edit.read_text(meta_file)
    table = yaml_edit.load(text, FOLDER_META)
    span = yaml_edit.key_span(text, table, path.name) if isinstance(table, dict) else None
    if span is None:
        return False
    yaml_edit.write_text(meta_file, yaml_edit.splice(text, *span, ""), encoding, newline)
    return True


def rename_folder_entry(old: Path, new: Path) -> None:
    """Carry a file's `_meta.yaml` entry over to its new name (a replacement in another format)."""
    meta_file = old.parent / FOLDER_META
    if old.parent != new.parent or not meta_file.exists():
        return
    text, encoding, newline = yaml_edit.read_text(meta_file)
    table = yaml_edit.load(text, FOLDER_META)
    span = yaml_edit.key_span(text, table, old.name) if isinstance(table, dict) else None
    if span is None:
        return
    entry = table[old.name]
    flow = entry.fa.flow_style() if hasattr(entry, "fa") else False
    fragment = yaml_edit.dump({new.name: yaml_edit.mapping(dict(entry or {}), flow=flow)})
    yaml_edit.write_text(meta_file, yaml_edit.splice(text, *span, fragment), encoding, newline)
