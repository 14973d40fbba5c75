"""FAQ files (`knowledge/faq/*.yaml`) as entries staff add, edit and delete one at a time.

An entry is addressed by its file and position, plus a version (a hash of its content) taken when the
form was opened: if someone else changed or removed that entry meanwhile, the save is refused
(StaleEdit) instead of overwriting their work. Only the entry's own lines change; the comments and
layout of the rest of the file stay as staff wrote them. A written file must still load as a FAQ file,
otherwise nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.errors import DocumentError, EditRejected, StaleEdit
from ingest import yaml_edit
from ingest.loaders import IGNORE_MARKER, _read_faq, is_candidate

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_QUESTION = 500
MAX_ANSWER = 4000
MAX_SOURCE = 500
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FaqEntry(BaseModel):
    """One question/answer pair and the clause it rests on (see knowledge/faq/README.md)."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER)
    source: str = Field(min_length=1, max_length=MAX_SOURCE)
    tags: list[str] = Field(default_factory=list, max_length=20)
    lang: Literal["zh", "en"] = "zh"
    id: str | None = Field(default=None, max_length=80, description="topic id (licensing/standards files)")

    @field_validator("question", "source", "id", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        if value is None:
            return None
        text = " ".join(str(value).split())
        return text or None

    @field_validator("answer", mode="before")
    @classmethod
    def _answer(cls, value: Any) -> Any:
        return str(value).replace("\r\n", "\n").strip() if value is not None else value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = re.split(r"[,，、;；]", value)
        items = [" ".join(str(t).split()) for t in (value or [])]
        return list(dict.fromkeys(t[:40] for t in items if t))

    @field_validator("id")
    @classmethod
    def _kebab(cls, value: str | None) -> str | None:
        if value is not None and not _ID.match(value):
            raise ValueError("use a kebab-case topic name such as apache-notice")
        return value

    def version(self) -> str:
        return entry_version(self.model_dump())

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id:
            out["id"] = self.id
        out |= {"question": self.question, "answer": self.answer, "source": self.source}
        if self.tags:
            out["tags"] = yaml_edit.flow_list(self.tags)
        out["lang"] = self.lang
        return out


class StoredEntry(BaseModel):
    """An entry as it is in its file, for the editor's list."""

    file: str  # relative to the knowledge folder, e.g. faq/policy.yaml
    index: int
    version: str
    entry: FaqEntry


def entry_version(raw: dict[str, Any]) -> str:
    keys = ("id", "question", "answer", "source", "tags", "lang")
    canonical = {k: raw.get(k) for k in keys}
    canonical["tags"] = list(canonical["tags"] or [])
    canonical["lang"] = canonical["lang"] or "zh"
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def faq_files(root: Path) -> list[Path]:
    """The FAQ files of the knowledge folder: YAML candidates outside ignored folders."""
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file() or not is_candidate(path):
            continue
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative):
            continue
        if any((parent / IGNORE_MARKER).exists() for parent in path.parents if root in parent.parents or parent == root):
            continue
        out.append(path)
    return out


def read_entries(path: Path, root: Path) -> list[StoredEntry]:
    raw = _load(path)
    relative = path.relative_to(root).as_posix()
    out = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        try:
            entry = FaqEntry.model_validate(item)
        except ValueError:  # hand-written and not valid for the form: show what it says anyway
            entry = FaqEntry.model_construct(
                question=str(item.get("question", "")), answer=str(item.get("answer", "")),
                source=str(item.get("source", "")), tags=[str(t) for t in item.get("tags") or []],
                lang=item.get("lang") or "zh", id=item.get("id"))
        out.append(StoredEntry(file=relative, index=index, version=entry_version(item), entry=entry))
    return out


def _load(path: Path) -> list[Any]:
    text, _, _ = yaml_edit.read_text(path)
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (the C one when available)
    except yaml.YAMLError as exc:
        raise EditRejected(f"{path.name} 不是有效的 YAML / {path.name} is not valid YAML: {exc}") from exc
    return data if isinstance(data, list) else []


def save_entry(path: Path, entry: FaqEntry, index: int | None = None, expected_version: str | None = None) -> int:
    """Add (index None) or replace the entry at `index`; returns its index. StaleEdit when it changed."""
    text, encoding, newline = yaml_edit.read_text(path) if path.exists() else ("", "utf-8", "\n")
    data = yaml_edit.load(text, path.name) if text.strip() else []
    if not isinstance(data, list):
        raise EditRejected(f"{path.name} 不是 FAQ 列表 / {path.name} is not a FAQ list")
    fragment = yaml_edit.dump([yaml_edit.mapping(entry.to_yaml())])
    if index is None:
        updated = yaml_edit.append_block(text, fragment)
        position = len(data)
    else:
        _check_version(path, data, index, expected_version)
        start, end = yaml_edit.item_spans(text, data)[index]
        updated = yaml_edit.splice(text, start, end, fragment)
        position = index
    _check_result(path, updated, data, position, entry)
    yaml_edit.write_text(path, updated, encoding, newline)
    return position


def delete_entry(path: Path, index: int, expected_version: str) -> None:
    text, encoding, newline = yaml_edit.read_text(path)
    data = yaml_edit.load(text, path.name)
    if not isinstance(data, list):
        raise EditRejected(f"{path.name} 不是 FAQ 列表 / {path.name} is not a FAQ list")
    _check_version(path, data, index, expected_version)
    if len(data) == 1:
        raise EditRejected("FAQ 文件至少要保留一条；要删除整个文件请在文档页删除 / "
                           "a FAQ file keeps at least one entry; delete the whole file on the documents page")
    start, end = yaml_edit.item_spans(text, data)[index]
    lines = text.splitlines(keepends=True)
    while end < len(lines) and not lines[end].strip():  # and the blank line that separated it
        end += 1
    updated = yaml_edit.splice(text, start, end, "")
    _check_result(path, updated, data, index, None)
    yaml_edit.write_text(path, updated, encoding, newline)


def check_entry_version(path: Path, index: int, expected: str | None) -> None:
    """StaleEdit unless the entry at `index` is still the one the form was opened with."""
    _check_version(path, _load(path), index, expected)


def _check_version(path: Path, data: list[Any], index: int, expected: str | None) -> None:
    if index < 0 or index >= len(data) or not isinstance(data[index], dict) or \
            entry_version(dict(data[index])) != expected:
        raise StaleEdit(f"{path.name} 中的这条问答已被他人修改或删除，请刷新后再编辑 / "
                        f"this entry of {path.name} was changed or removed by someone else; reload and edit again")


def _check_result(path: Path, text: str, before: list[Any], position: int, entry: FaqEntry | None) -> None:
    """The new file loads as a FAQ file, the edited entry reads back as written, the others are unchanged."""
    try:
        after = _read_faq(text.encode("utf-8"), str(path))
    except DocumentError as exc:
        raise EditRejected(f"保存后文件无法读取（{exc.reason}），未作修改 / the file would not load ({exc.reason}); "
                           "nothing was changed") from exc
    expected = [dict(item) for item in before]
    if entry is None:
        del expected[position]
    elif position == len(expected):
        expected.append(_as_loaded(entry))
    else:
        expected[position] = _as_loaded(entry)
    if [entry_version(dict(x)) for x in after] != [entry_version(x) for x in expected]:
        raise EditRejected("写入结果与预期不符，未作修改 / the edit did not round-trip; nothing was changed")


def _as_loaded(entry: FaqEntry) -> dict[str, Any]:
    return {k: v for k, v in entry.model_dump().items() if v not in (None, [])} | {"lang": entry.lang}
