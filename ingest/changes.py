"""What staff change in the knowledge folder before a sync: upload, replace, delete, metadata, FAQ entries.

Each operation returns a Change: the paths the sync must look at, and the files refused before anything
was written (with the reason the ingest itself gives, from the same loader and chunker). A refused file
never reaches the knowledge folder, so a bad upload changes nothing. Operations on an existing file first
compare its version with the one the form was opened with (StaleEdit when someone changed it since).
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import DocumentError, EditRejected, StaleEdit
from ingest import faq as faq_files
from ingest import metadata
from ingest.catalog import DocumentCatalog
from ingest.chunking import chunk_document
from ingest.loaders import (
    FRONT_MATTER,
    MAX_DOCUMENT_BYTES,
    SKIPPED_NAMES,
    SUFFIXES,
    TEXT_SUFFIXES,
    load_document,
    too_large,
)
from ingest.sync import KINDS, Failure

log = logging.getLogger("yuanbot.ingest.changes")

MAX_NAME_CHARS = 150


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class Change:
    paths: list[Path] = field(default_factory=list)  # what the sync must look at afterwards
    failures: list[Failure] = field(default_factory=list)  # refused before anything was written


def unsupported_reason(name: str) -> str | None:
    """Why a file name cannot be ingested (the loader's words), or None."""
    clean = name.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = Path(clean).suffix.lower()
    if suffix not in SUFFIXES:
        return f"unsupported file type {suffix!r}" if suffix else "the file name has no extension (.md .txt .docx .pdf .html .yaml)"
    return None


def safe_name(name: str) -> str:
    """The file name part of what a browser sent, or EditRejected when the ingest would skip or misread it."""
    clean = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not clean or len(clean) > MAX_NAME_CHARS or any(ord(ch) < 32 or ch in '<>:"|?*' for ch in clean):
        raise EditRejected(f"文件名不可用：{clean[:60]!r} / unusable file name {clean[:60]!r}")
    if clean.startswith((".", "_", "~$")) or clean in SKIPPED_NAMES or clean.endswith(".meta.yaml"):
        raise EditRejected(f"导入会跳过这个文件名：{clean} / the ingest skips files named like {clean}")
    reason = unsupported_reason(clean)
    if reason:
        raise EditRejected(reason)
    return clean


def check_document(path_for_messages: str, name: str, data: bytes, kind: str,
                   max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Load and chunk the file as the sync will; DocumentError with the sync's reason when it cannot."""
    if len(data) > max_bytes:
        raise DocumentError(path_for_messages, too_large(len(data), max_bytes))
    with tempfile.TemporaryDirectory(prefix="yuanbot-upload-") as tmp:
        staged = Path(tmp) / name
        staged.write_bytes(data)
        try:
            document = load_document(staged, kind)
            if not chunk_document(document, str(document.metadata["title"])):
                raise DocumentError(str(staged), "no text to index after chunking")
        except DocumentError as exc:
            raise DocumentError(path_for_messages, exc.reason) from None


def _write_new(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.upload")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class KnowledgeEditor:
    """The file operations behind the console's forms; call them holding the ingest lock."""

    def __init__(self, catalog: DocumentCatalog) -> None:
        self.catalog = catalog
        self.root = catalog.root

    def _kind(self, doc_id: str) -> str:
        return KINDS.get(doc_id.split("/", 1)[0], "other")

    def _existing(self, doc_id: str) -> Path:
        try:
            path = self.catalog.path_of(doc_id)
        except ValueError as exc:
            raise EditRejected(str(exc)) from None
        if not path.is_file():
            raise StaleEdit(f"{doc_id} 已不存在（可能已被他人删除），请刷新 / {doc_id} no longer exists "
                            "(someone may have deleted it); reload the page")
        return path

    def check_version(self, doc_id: str, expected: str | None) -> Path:
        path = self._existing(doc_id)
        try:
            current = self.catalog.version(path)
        except (OSError, DocumentError):
            current = None
        if not expected or current != expected:
            raise StaleEdit(f"{doc_id} 在您打开表单后被他人修改，请刷新后再操作 / {doc_id} was changed by someone "
                            "else after you opened the form; reload and try again")
        self.ensure_writable(path.parent)
        return path

    def ensure_writable(self, folder: Path) -> None:
        """EditRejected when the console cannot write there (e.g. the knowledge bundled inside a package)."""
        if not os.access(folder, os.W_OK):
            raise EditRejected(f"知识库文件夹不可写：{folder}；请将 YUANBOT_KNOWLEDGE_DIR 设为一个可写的文件夹 / the knowledge "
                               f"folder {folder} is not writable; set YUANBOT_KNOWLEDGE_DIR to a writable folder")

    def folder(self, relative: str) -> Path:
        if relative not in self.catalog.folders():
            raise EditRejected(f"没有这个文件夹：{relative} / no such folder in the knowledge base: {relative}")
        return self.root / relative

    # --- operations ---------------------------------------------------------------------------
    def upload(self, folder: str, uploads: list[Upload]) -> Change:
        """New files into `folder`; each is refused on its own (bad content, name taken) or written."""
        target_dir = self.folder(folder)
        self.ensure_writable(target_dir)
        change = Change()
        for upload in uploads:
            try:
                name = safe_name(upload.name)
            except EditRejected as exc:
                change.failures.append(Failure(f"{folder}/{upload.name}", str(exc)))
                continue
            path = target_dir / name
            doc_id = path.relative_to(self.root).as_posix()
            if path.exists():
                change.failures.append(Failure(doc_id, "同名文件已存在，请用“替换” / a file of this name exists; "
                                                       "use Replace on its row"))
                continue
            try:
                check_document(doc_id, name, upload.data, self._kind(doc_id), self.catalog.sync.max_document_bytes)
            except DocumentError as exc:
                change.failures.append(Failure(doc_id, exc.reason))
                continue
            _write_new(path, upload.data)
            change.paths.append(path)
        return change

    def replace(self, doc_id: str, expected_version: str, upload: Upload) -> Change:
        """A new version of a file; in another format it takes the new extension (and its `_meta.yaml` entry)."""
        path = self.check_version(doc_id, expected_version)
        self.ensure_writable(path.parent)
        name = safe_name(upload.name)
        new_path = path.with_suffix(Path(name).suffix.lower()) if Path(name).suffix.lower() != path.suffix.lower() \
            else path
        if new_path != path and new_path.exists():
            raise EditRejected(f"{new_path.name} 已存在 / {new_path.name} already exists")
        data = self._keep_front_matter(path, new_path, upload.data)
        try:
            check_document(doc_id, new_path.name, data, self._kind(doc_id), self.catalog.sync.max_document_bytes)
        except DocumentError as exc:
            return Change(failures=[Failure(doc_id, exc.reason)])
        _write_new(new_path, data)
        if new_path != path:
            metadata.rename_folder_entry(path, new_path)
            path.unlink()
        return Change(paths=list(dict.fromkeys([path, new_path])))

    @staticmethod
    def _keep_front_matter(old: Path, new: Path, data: bytes) -> bytes:
        """A replacement text file without front matter keeps the old file's (title, dates, status …)."""
        if old.suffix.lower() not in TEXT_SUFFIXES or new.suffix.lower() not in TEXT_SUFFIXES:
            return data
        try:
            new_text = data.decode("utf-8-sig")
            old_text = old.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError):
            return data
        old_block = FRONT_MATTER.match(old_text)
        if old_block is None or FRONT_MATTER.match(new_text):
            return data
        return (old_block.group(0) + new_text).encode("utf-8")

    def delete(self, doc_id: str, expected_version: str) -> Change:
        path = self.check_version(doc_id, expected_version)
        self.ensure_writable(path.parent)
        path.unlink()
        metadata.remove_folder_entry(path)
        return Change(paths=[path])

    def edit_metadata(self, doc_id: str, expected_version: str, fields: metadata.DocumentFields,
                      shown_title: str) -> Change:
        path = self.check_version(doc_id, expected_version)
        self.ensure_writable(path.parent)
        metadata.write_fields(path, fields, shown_title)
        return Change(paths=[path])

    def faq_path(self, file: str) -> Path:
        path = (self.root / file).resolve()
        if path not in faq_files.faq_files(self.root):
            raise EditRejected(f"不是 FAQ 文件：{file} / not a FAQ file of the knowledge base: {file}")
        return path

    def check_faq_version(self, file: str, index: int | None, version: str | None) -> None:
        path = self.faq_path(file)
        self.ensure_writable(path.parent)
        if index is not None:
            faq_files.check_entry_version(path, index, version)

    def save_faq(self, file: str, entry: faq_files.FaqEntry, index: int | None, version: str | None) -> Change:
        path = self.faq_path(file)
        self.ensure_writable(path.parent)
        faq_files.save_entry(path, entry, index, version)
        return Change(paths=[path])

    def delete_faq(self, file: str, index: int, version: str) -> Change:
        path = self.faq_path(file)
        self.ensure_writable(path.parent)
        faq_files.delete_entry(path, index, version)
        return Change(paths=[path])

    def everything(self) -> Change:
        return Change(paths=[self.root])
