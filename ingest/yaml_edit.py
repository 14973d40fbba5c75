"""Surgical edits of hand-written YAML: replace one list item or one top-level key, leave every other byte.

Re-dumping a whole file would reflow lines, requote strings and move comments that staff wrote; here
ruamel.yaml only locates the block (its line numbers) and dumps the new fragment, and the file is
spliced as text. Writes are atomic (a temporary file, then rename), in the file's own encoding.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.errors import EditRejected


def round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a line we write
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def load(text: str, where: str) -> Any:
    try:
        return round_trip().load(text)
    except YAMLError as exc:
        raise EditRejected(f"{where} 不是有效的 YAML，请先修正 / {where} is not valid YAML; fix it first: {exc}") from exc


def dump(data: Any) -> str:
    stream = io.StringIO()
    round_trip().dump(data, stream)
    return stream.getvalue()


def plain(value: Any) -> Any:
    """A text value as YAML should carry it: multi-line text as a literal block."""
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.replace("\r\n", "\n"))
    return value


def flow_list(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def mapping(values: dict[str, Any], *, flow: bool = False) -> CommentedMap:
    result = CommentedMap()
    for key, value in values.items():
        result[key] = plain(value)
    if flow:
        result.fa.set_flow_style()
    return result


# --- blocks of lines ---------------------------------------------------------------------------
def _trim_end(lines: list[str], start: int, end: int) -> int:
    """Move `end` back over the blank and comment lines that introduce the next block."""
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def item_spans(text: str, data: CommentedSeq) -> list[tuple[int, int]]:
    """(first line, end line) of each item of a top-level list, end exclusive, without trailing comments."""
    lines = text.splitlines(keepends=True)
    starts = [data.lc.item(i)[0] for i in range(len(data))]
    return [(start, _trim_end(lines, start, starts[i + 1] if i + 1 < len(starts) else len(lines)))
            for i, start in enumerate(starts)]


def key_span(text: str, data: CommentedMap, key: str) -> tuple[int, int] | None:
    """(first line, end line) of a top-level key's block, or None when the key is absent."""
    if key not in data:
        return None
    lines = text.splitlines(keepends=True)
    keys = list(data.keys())
    position = keys.index(key)
    start = data.lc.key(key)[0]
    following = data.lc.key(keys[position + 1])[0] if position + 1 < len(keys) else len(lines)
    return start, _trim_end(lines, start, following)


def splice(text: str, start: int, end: int, fragment: str) -> str:
    lines = text.splitlines(keepends=True)
    if fragment and not fragment.endswith("\n"):
        fragment += "\n"
    if end == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines[:start]) + fragment + "".join(lines[end:])


def append_block(text: str, fragment: str) -> str:
    """The fragment at the end of the file, after one blank line."""
    body = text.rstrip("\n")
    separator = "\n\n" if body.strip() else ""
    return body + separator + fragment if body else fragment


# --- files -------------------------------------------------------------------------------------
def read_text(path: Path) -> tuple[str, str, str]:
    """The text, its encoding and its line ending; UTF-8 (with or without BOM) or GB18030."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise EditRejected(f"{path.name} 的编码无法识别，请另存为 UTF-8 / "
                           f"{path.name} is in an encoding the console cannot edit; save it as UTF-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), encoding, newline


def write_text(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    """Atomically: readers see the old file or the new one, never half of it."""
    data = text.replace("\n", newline).encode(encoding)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # dot-named: ingest never picks it up
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
