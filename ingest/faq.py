"""FAQ files (`knowledge/faq/*.yaml`) as entries staff add, edit and delete one at a time.

An entry is addressed by its file and position, plus a version (a hash of its content) taken when the
form was opened: if someone else changed or removed that entry meanwhile, the save is refused
(StaleEdit) instead of overwriting their work. Only the entry's own lines change; the comments and
layout of the rest of the file stay as staff wrote them. A written file must still load as a FAQ file,
otherwise nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.errors import DocumentError, EditRejected, StaleEdit
from bot.faq_models import FaqEntry, StoredEntry, entry_version
from ingest import yaml_edit
from ingest.loaders import IGNORE_MARKER, _read_faq, is_candidate

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["FaqEntry", "StoredEntry", "check_entry_version", "delete_entry", "entry_version", "entry_yaml",
           "faq_entries_of", "faq_files", "read_entries", "save_entry"]


def entry_yaml(entry: FaqEntry) -> dict[str, Any]:
    """The entry as the mapping written to its file (keys in the order staff write them, tags as a flow list)."""
    out: dict[str, Any] = {}
    if entry.id:
        out["id"] = entry.id
    out |= {"question": entry.question, "answer": entry.answer, "source": entry.source}
    if entry.tags:
        out["tags"] = yaml_edit.flow_list(entry.tags)
    out["lang"] = entry.lang
    return out


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


def faq_entries_of(root: Path) -> Callable[[], list[StoredEntry]]:
    """Every entry of every FAQ file of the folder, read fresh (the folder is the source of truth)."""
    def entries() -> list[StoredEntry]:
        out: list[StoredEntry] = []
        for path in faq_files(root):
            try:
                out.extend(read_entries(path, root))
            except EditRejected:  # a file staff broke by hand: the FAQ page shows why
                continue
        return out

    return entries


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
    fragment = yaml_edit.dump([yaml_edit.mapping(entry_yaml(entry))])
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
