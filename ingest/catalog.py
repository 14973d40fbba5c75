"""The documents page's list: every file of the knowledge folder joined with what the index holds.

For each document: kind, title, issuer, 文号, status (in force / expired / superseded, as answers show it),
effective dates, chunks, when it was last synced, whether the folder has changes not yet synced, and the
reason of its last failed ingest (the failure ledger, written by every sync: console, admin API, CLI).
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from bot.errors import DocumentError
from bot.retrieval.knowledge import effective_status
from ingest.sync import KINDS, KnowledgeSync, SyncReport

log = logging.getLogger("yuanbot.ingest.catalog")

LEDGER_NAME = "ingest-failures.json"
VERSION_CHARS = 20
Pending = Literal["new", "changed", "missing"]


class DocumentRow(BaseModel):
    doc_id: str  # path relative to the knowledge folder: policy/new-plan.docx
    folder: str
    kind: str
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    status: str | None = None  # in_force / expired / superseded as answers see it (None: not indexed)
    status_setting: str | None = None  # as written: in_force / expired / superseded / auto
    published: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    superseded_by: str | None = None
    url: str | None = None
    chunks: int | None = None
    ingested_at: str | None = None
    format: str
    size: int | None = None
    indexed: bool
    pending: Pending | None = None  # what the next sync would do to it
    error: str | None = None  # the reason its last ingest failed
    version: str | None = None  # of the file and its folder metadata, for refusing stale forms


class FailureLedger:
    """doc id -> the reason its last ingest failed; JSON in the data folder, written under the ingest lock."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LEDGER_NAME

    def read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def update(self, report: SyncReport, root: Path) -> None:
        """Forget the documents the sync wrote or removed, remember the ones that failed."""
        if report.dry_run:
            return
        ledger = self.read()
        for doc_id in [*report.added, *report.updated, *report.removed]:
            ledger.pop(doc_id, None)
        for failure in report.failed:
            ledger[_relative(failure.path, root)] = {"reason": failure.reason, "at": time.time()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(ledger, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


class DocumentCatalog:
    def __init__(self, sync: KnowledgeSync, ledger: FailureLedger) -> None:
        self.sync = sync
        self.root = sync.root
        self.ledger = ledger

    def version(self, path: Path) -> str:
        """Changes whenever the file or its `_meta.yaml` entry changes: the sync's own fingerprint."""
        return self.sync.fingerprint(path)[:VERSION_CHARS]

    def path_of(self, doc_id: str) -> Path:
        """The file of a document id; never outside the knowledge folder."""
        path = (self.root / doc_id).resolve()
        if self.root not in path.parents:
            raise ValueError(f"not a document of the knowledge folder: {doc_id!r}")
        return path

    def folders(self) -> list[str]:
        """Folders an upload may go to (relative, '.' excluded), those the ingest would read."""
        out = []
        for folder in sorted(p for p in self.root.rglob("*") if p.is_dir()):
            relative = folder.relative_to(self.root)
            if any(part.startswith((".", "_")) for part in relative.parts):
                continue
            if any((parent / ".yuanbot-ignore").exists() for parent in [folder, *folder.parents]
                   if parent == self.root or self.root in parent.parents):
                continue
            out.append(relative.as_posix())
        return out

    def rows(self) -> list[DocumentRow]:
        index = self.sync.index
        manifest = index.documents() if index.exists() else {}
        plan, failures = self.sync.plan([self.root])
        ledger = self.ledger.read()
        for failure in failures:
            ledger[_relative(failure.path, self.root)] = {"reason": failure.reason}
        rows: list[DocumentRow] = []
        for planned in plan.documents:
            meta = manifest.get(planned.doc_id)
            pending: Pending | None = {"add": "new", "update": "changed"}.get(planned.action)
            rows.append(self._row(planned.doc_id, planned.path, meta, pending, ledger,
                                  planned.content_hash[:VERSION_CHARS]))
        for doc_id in plan.removed:
            rows.append(self._row(doc_id, None, manifest.get(doc_id), "missing", ledger))
        known = {row.doc_id for row in rows}
        for doc_id, entry in ledger.items():  # unreadable files the plan could not even fingerprint
            path = self.root / doc_id
            if doc_id not in known and path.is_file():
                rows.append(self._row(doc_id, path, None, "new", {doc_id: entry}))
        rows.sort(key=lambda r: (r.folder, r.doc_id))
        return rows

    def row(self, doc_id: str) -> DocumentRow | None:
        """One document's row (no pending state: that needs the whole plan), None when there is no such file."""
        path = self.path_of(doc_id)
        if not path.is_file():
            return None
        index = self.sync.index
        meta = index.documents().get(doc_id) if index.exists() else None
        return self._row(doc_id, path, meta, None, self.ledger.read())

    def _row(self, doc_id: str, path: Path | None, meta: dict[str, Any] | None, pending: Pending | None,
             ledger: dict[str, dict[str, Any]], version: str | None = None) -> DocumentRow:
        meta = meta or {}
        top = doc_id.split("/", 1)[0]
        size = None
        if path is not None:
            try:
                size = path.stat().st_size
                version = version or self.version(path)
            except (OSError, DocumentError):
                version = None
        failure = ledger.get(doc_id)
        return DocumentRow(
            doc_id=doc_id, folder=doc_id.rsplit("/", 1)[0] if "/" in doc_id else ".",
            kind=str(meta.get("kind") or KINDS.get(top, "other")),
            title=str(meta.get("title") or Path(doc_id).stem),
            issuer=_text(meta.get("issuer")), doc_number=_text(meta.get("doc_number")),
            status=effective_status(meta) if meta else None, status_setting=_text(meta.get("status")),
            published=_text(meta.get("published")), effective_from=_text(meta.get("effective_from")),
            effective_to=_text(meta.get("effective_to")), superseded_by=_text(meta.get("superseded_by")),
            url=_text(meta.get("url")), chunks=int(meta["chunks"]) if meta.get("chunks") is not None else None,
            ingested_at=_text(meta.get("ingested_at")), format=Path(doc_id).suffix.lstrip(".").lower(),
            size=size, indexed=bool(meta), pending=pending,
            error=str(failure["reason"]) if failure else None, version=version,
        )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
